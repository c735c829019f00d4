"""A synthetic French portal of N investigations, and its bare-Material baseline.

Pure and deterministic: the same (n, seed) always gives the same files. Nothing
is written until `write_project` is called.

The portal project uses the real configuration (INHERIT of the root mkdocs.yml),
the real overrides (symlinked) and the real macros package (symlinked). With charts, one
small chart module per chart id is written into the project's own charts/ folder (the
campaign's content, beside data/; the chart kit stays in macros/charts/). The
baseline has the same Markdown, with citations turned into plain Markdown footnotes,
no charts, on bare Material.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import shutil
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOSSIER = "enquetes"
BIB_ENTRIES = 2000
CITATIONS_PER_PAGE = 10
LINKS_PER_PAGE = 5
HEADINGS_PER_PAGE = 3
CHART_EVERY = 10  # one chart for every CHART_EVERY investigations
WORDS_PER_SECTION = 480  # 3 sections, a table and the citations: about 1,500 words a page



def _split(text: str) -> list[str]:
    return text.split()


_WORDS = _split("""
algorithme score profilage demandeur emploi allocation contrôle radiation agence conseiller
données traitement décision administration droit recours usager numérique dématérialisation
précarité indemnisation suspicion fraude accompagnement orientation inscription parcours
rapport enquête document interne courrier commission sanction suspension délai dossier
transparence code source modèle variable critère pondération catégorie seuil calcul
statistique évaluation expérimentation déploiement région direction ministère travail
solidarité réforme loi décret article tribunal jugement défenseur association syndicat
témoignage entretien témoin personne famille enfant logement santé handicap âge femme
territoire rural ville quartier guichet téléphone courriel plateforme espace personnel
contrat engagement obligation heures activité formation stage offre candidature entreprise
""")
_LINKERS = _split("""
et mais donc or car ainsi pourtant cependant alors que lorsque depuis selon malgré
parmi pour avec sans sous dans entre vers chez contre
""")
_VERBS = _split("""
montre révèle affirme indique souligne constate reconnaît conteste décrit mesure calcule
attribue classe oriente signale sanctionne suspend contrôle transmet publie documente
""")
_TAGS = ["profilage", "contrôle", "radiation", "dématérialisation", "transparence", "droits",
         "algorithmes", "sanctions", "accompagnement", "données"]
_AUTHORS = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand",
            "Leroy", "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David",
            "Bertrand", "Roux", "Vincent", "Fournier", "Morel", "Girard", "André", "Mercier"]
_FIRST = ["Claire", "Julien", "Amina", "Hélène", "Karim", "Sophie", "Étienne", "Léa", "Yanis",
          "Camille", "Noémie", "Mathieu"]
_INSTITUTIONS = ["Cour des comptes", "Défenseur des droits", "Inspection générale des affaires "
                 "sociales", "Dares", "Insee", "Cnil", "Conseil d’État", "France Travail"]
_PUBLISHERS = ["La Découverte", "Raisons d’agir", "Presses de Sciences Po", "Seuil",
               "Presses universitaires de Rennes", "Le Bord de l’eau"]
_JOURNALS = ["Le Monde", "Mediapart", "Libération", "Alternatives économiques",
             "Revue française des affaires sociales", "Sociologie du travail"]
_TYPES = ("book", "article", "techreport", "incollection")


@dataclass(frozen=True)
class BibEntry:
    key: str
    entry_type: str
    fields: dict[str, str]

    def bibtex(self) -> str:
        body = ",\n".join(f"  {name} = {{{value}}}" for name, value in self.fields.items())
        return f"@{self.entry_type}{{{self.key},\n{body},\n}}\n"

    def footnote(self) -> str:
        """The plain reference the baseline writes as a footnote."""
        f = self.fields
        who = (f.get("author") or f.get("institution", "")).strip("{}")
        where = f.get("publisher") or f.get("journal") or f.get("institution") or \
            f.get("booktitle", "")
        return f"{who}, *{f['title']}*, {where}, {f.get('year') or f['date'][:4]}."


@dataclass(frozen=True)
class Investigation:
    slug: str
    title: str
    markdown: str  # front matter and body, citations written [@key]
    cited: tuple[str, ...]
    chart: str | None = None  # chart id, if the page shows one


@dataclass
class Project:
    """Files of a project: relative path -> text, symlinks and copied folders: relative
    path -> source. Files are written last, so they may add to a copied folder."""
    files: dict[str, str] = field(default_factory=dict)
    links: dict[str, Path] = field(default_factory=dict)
    copies: dict[str, Path] = field(default_factory=dict)


# ---------------------------------------------------------------------------
# Sources
# ---------------------------------------------------------------------------

def bibliography(seed: int, count: int = BIB_ENTRIES) -> list[BibEntry]:
    rng = random.Random(f"bib-{seed}")
    entries = []
    for i in range(count):
        entry_type = _TYPES[i % len(_TYPES)]
        year = str(rng.randint(1995, 2025))
        author = f"{rng.choice(_AUTHORS)}, {rng.choice(_FIRST)}"
        title = _sentence(rng, rng.randint(5, 10)).rstrip(".")
        if entry_type == "book":
            fields = {"author": author, "title": title, "publisher": rng.choice(_PUBLISHERS),
                      "year": year}
        elif entry_type == "article":
            # Read online, so dated to the day (a publishing build refuses a year alone);
            # the day comes from `i`, leaving the random sequence as it was.
            fields = {"author": author, "title": title, "journal": rng.choice(_JOURNALS),
                      "date": f"{year}-{i % 12 + 1:02d}-{i % 28 + 1:02d}",
                      "url": f"https://presse.example.org/{year}/article-{i}",
                      "urldate": "2025-03-14"}
        elif entry_type == "techreport":
            fields = {"author": "{" + rng.choice(_INSTITUTIONS) + "}", "title": title,
                      "institution": rng.choice(_INSTITUTIONS), "year": year}
        else:
            fields = {"author": author, "title": title, "booktitle": _sentence(rng, 4).rstrip("."),
                      "publisher": rng.choice(_PUBLISHERS), "year": year}
        name = fields["author"].strip("{}").split(",")[0].split()[0].lower()
        name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
        entries.append(BibEntry(f"{name}_{year}_{i:04d}", entry_type, fields))
    return entries


# ---------------------------------------------------------------------------
# Investigations
# ---------------------------------------------------------------------------

def _sentence(rng: random.Random, words: int) -> str:
    chosen = []
    for position in range(words):
        pool = _VERBS if position == 2 else _LINKERS if position % 5 == 4 else _WORDS
        chosen.append(rng.choice(pool))
    text = " ".join(chosen)
    return text[0].upper() + text[1:] + "."


def _paragraph(rng: random.Random, words: int) -> list[str]:
    sentences, total = [], 0
    while total < words:
        size = rng.randint(10, 22)
        sentences.append(_sentence(rng, size))
        total += size
    return sentences


def slug(index: int) -> str:
    return f"enquete-{index:04d}"


def chart_id(index: int) -> str:
    return f"serie-{index:04d}"


def investigation(index: int, n: int, entries: list[BibEntry], seed: int,
                  charts: bool = False) -> Investigation:
    rng = random.Random(f"page-{seed}-{index}")
    title = f"Enquête {index + 1}\u00a0: " + _sentence(rng, 6).rstrip(".").lower()
    day = dt.date(2020, 1, 1) + dt.timedelta(days=index)
    keys = [e.key for e in rng.sample(entries, CITATIONS_PER_PAGE)]
    # 10 citations in 8 groups: 6 alone (one with a page), 2 pairs.
    groups = [[k] for k in keys[:6]] + [keys[6:8], keys[8:10]]
    rendered = []
    for g, group in enumerate(groups):
        parts = [f"@{k}" + (", p. 53" if g == 1 else "") for k in group]
        rendered.append("[" + "; ".join(parts) + "]")
    others = [i for i in range(n) if i != index]
    targets = rng.sample(others, min(LINKS_PER_PAGE, len(others)))
    links = [f"[l’enquête {t + 1}]({slug(t)}.md)" for t in targets]

    body = []
    has_chart = charts and index % CHART_EVERY == 0
    for s in range(HEADINGS_PER_PAGE):
        body.append(f"## {_sentence(rng, 5).rstrip('.')}\n")
        sentences = _paragraph(rng, WORDS_PER_SECTION)
        # Spread citations and links over the sections, at sentence ends.
        mine = rendered[s::HEADINGS_PER_PAGE]
        my_links = links[s::HEADINGS_PER_PAGE]
        step = max(1, len(sentences) // (len(mine) + len(my_links) + 1))
        for j, cite in enumerate(mine):
            at = min(len(sentences) - 1, step * (j + 1))
            sentences[at] = sentences[at][:-1] + f" {cite}."
        for j, link in enumerate(my_links):
            at = min(len(sentences) - 1, step * (len(mine) + j + 1))
            sentences[at] += f" Voir aussi {link}."
        paragraphs = [" ".join(sentences[i:i + 6]) for i in range(0, len(sentences), 6)]
        body.append("\n\n".join(paragraphs) + "\n")
        if s == 0:
            body.append(_table(rng))
        if s == 1 and has_chart:
            body.append(f'{{{{ chart("{chart_id(index)}") }}}}\n')
    front = "\n".join([
        "---",
        f'title: "{title}"',
        f"date: {day.isoformat()}",
        "authors:",
        f"  - {rng.choice(_FIRST)} {rng.choice(_AUTHORS)}",
        f'summary: "{_sentence(rng, 18)}"',
        "tags:",
        *(f"  - {t}" for t in rng.sample(_TAGS, 3)),
        "---",
        "",
    ])
    return Investigation(slug(index), title, front + "\n" + "\n".join(body), tuple(keys),
                         chart_id(index) if has_chart else None)


def _table(rng: random.Random) -> str:
    rows = ["| Région | Personnes contrôlées | Radiations | Part |",
            "| --- | ---: | ---: | ---: |"]
    for region in ("Bretagne", "Occitanie", "Grand Est", "Hauts-de-France", "Normandie"):
        checked = rng.randint(2000, 90000)
        struck = rng.randint(100, checked // 5)
        share = f"{100 * struck / checked:.1f}".replace(".", ",")
        rows.append(f"| {region} | {checked} | {struck} | {share}\u00a0% |")
    return "\n".join(rows) + "\n"


def chart_csv(index: int, seed: int) -> str:
    """Data of one generated chart: a yearly series."""
    rng = random.Random(f"chart-{seed}-{index}")
    lines = ["annee,valeur"]
    lines += [f"{year},{rng.randint(1000, 50000)}" for year in range(2010, 2025)]
    return "\n".join(lines) + "\n"


def chart_metadata(index: int, source_key: str) -> str:
    """`data/<id>.yml`: the record the chart design requires, its source a generated key."""
    return "\n".join([
        f'title: "Série {index + 1} : valeurs annuelles de 2010 à 2024"',
        'description: "Une valeur par année, de 2010 à 2024, pour le banc d’essai."',
        'unit: "personnes"',
        f"source: {source_key}",
        'licence: "CC BY-SA 4.0"',
        "date: 2025",
        "",
    ])


# One bar chart, the same for every generated id: a chart module of the real design.
CHART_MODULE = '''"""Generated by the benchmark: one bar per year."""

import altair as alt

from macros.charts import CAMPAIGN

COLUMNS = {"annee": "entier", "valeur": "entier"}
LABELS = {"annee": "Année", "valeur": "Valeur"}


def build(rows):
    return alt.Chart(alt.Data(values=rows)).mark_bar(color=CAMPAIGN.light).encode(
        x=alt.X("annee:O", title="Année"),
        y=alt.Y("valeur:Q", title="Valeur"),
        tooltip=[alt.Tooltip("annee:O", title="Année"), alt.Tooltip("valeur:Q", title="Valeur")],
    ).properties(width=330, height=200)
'''


_CITATION = re.compile(r"\[(@[^\[\]]+)\]")


def to_footnotes(markdown: str, entries: dict[str, BibEntry]) -> str:
    """The baseline's Markdown: `[@a; @b, p. 53]` -> `[^1][^2]`, definitions at the end."""
    numbers: dict[str, int] = {}
    locators: dict[str, str] = {}

    def replace(match: re.Match) -> str:
        calls = []
        for item in match.group(1).split(";"):
            key, _, locator = item.strip().lstrip("@").partition(",")
            numbers.setdefault(key, len(numbers) + 1)
            if locator:
                locators[key] = locator.strip()
            calls.append(f"[^{numbers[key]}]")
        return "".join(calls)

    body = _CITATION.sub(replace, markdown)
    body = re.sub(r'\n?\{\{ chart\("[^"]+"\) \}\}\n', "\n", body)
    notes = []
    for key, number in numbers.items():
        text = entries[key].footnote()
        if key in locators:
            text = text[:-1] + f", {locators[key]}."
        notes.append(f"[^{number}]: {text}")
    return body.rstrip("\n") + "\n\n" + "\n".join(notes) + "\n"


# ---------------------------------------------------------------------------
# Projects
# ---------------------------------------------------------------------------

def investigations(n: int, seed: int, charts: bool = False) -> tuple[list[BibEntry],
                                                                    list[Investigation]]:
    entries = bibliography(seed)
    return entries, [investigation(i, n, entries, seed, charts) for i in range(n)]


# The same short navigation for the portal and the baseline (the investigations are
# reached from their dossier's page, not listed in the menu).
SHORT_NAV = ("nav:", "  - Accueil: index.md", f"  - Enquêtes: {DOSSIER}/index.md",
             "  - Sources: sources.md", "not_in_nav: |", f"  /{DOSSIER}/*.md")


def portal_project(n: int, seed: int = 1, charts: bool = False) -> Project:
    entries, pages = investigations(n, seed, charts)
    project = Project(links={"overrides": ROOT / "overrides", "macros": ROOT / "macros"})
    project.files["mkdocs.yml"] = "\n".join([
        f"INHERIT: {ROOT / 'mkdocs.yml'}",
        "site_url: https://bench.example.org/",
        *SHORT_NAV,
        "  /rechercher.md",
        "extra:",
        "  dossiers:",
        f"    - {DOSSIER}",
        "  bibliography_dir: bibliography",
        "",
    ])
    project.files["docs/index.md"] = ("---\ntitle: Accueil\n---\n\n# Portail de test\n\n"
                                      "{{ latest_publications(5) }}\n")
    project.files[f"docs/{DOSSIER}/index.md"] = (
        f'---\ntitle: Enquêtes\n---\n\n# Enquêtes\n\n{{{{ investigations("{DOSSIER}") }}}}\n')
    project.files["docs/sources.md"] = "---\ntitle: Sources\n---\n\n{{ bibliography() }}\n"
    search_page = ROOT / "docs" / "rechercher.md"  # the header's search form leads there
    if search_page.is_file():
        project.files["docs/rechercher.md"] = search_page.read_text(encoding="utf-8")
    for page in pages:
        project.files[f"docs/{DOSSIER}/{page.slug}.md"] = page.markdown
        if page.chart:
            index = int(page.slug[-4:])
            project.files[f"data/{page.chart}.csv"] = chart_csv(index, seed)
            project.files[f"data/{page.chart}.yml"] = chart_metadata(index, page.cited[0])
            project.files[f"charts/{page.chart}.py"] = CHART_MODULE
    project.files["bibliography/sources.bib"] = "\n".join(e.bibtex() for e in entries)
    return project


def baseline_project(n: int, seed: int = 1) -> Project:
    entries, pages = investigations(n, seed)
    by_key = {e.key: e for e in entries}
    project = Project()
    project.files["mkdocs.yml"] = "\n".join([
        "site_name: Portail de test (Material seul)",
        "site_url: https://bench.example.org/",
        "use_directory_urls: false",
        "theme:",
        "  name: material",
        "  language: fr",
        "  font: false",
        "plugins:",
        "  - search:",
        "      lang: fr",
        "markdown_extensions:",
        "  - footnotes",
        "  - tables",
        "  - attr_list",
        "  - toc:",
        "      permalink: true",
        *SHORT_NAV,
        "",
    ])
    # The same site without Material's search plugin (its lunr index): for information.
    project.files["mkdocs-no-search.yml"] = project.files["mkdocs.yml"].replace(
        "plugins:\n  - search:\n      lang: fr\n", "plugins: []\n")
    project.files["docs/index.md"] = "---\ntitle: Accueil\n---\n\n# Portail de test\n\n" + \
        "\n".join(f"- [{p.title}]({DOSSIER}/{p.slug}.md)" for p in pages[-5:][::-1]) + "\n"
    project.files[f"docs/{DOSSIER}/index.md"] = "---\ntitle: Enquêtes\n---\n\n# Enquêtes\n\n" + \
        "\n".join(f"- [{p.title}]({p.slug}.md)" for p in pages[::-1]) + "\n"
    cited = sorted({k for p in pages for k in p.cited})
    project.files["docs/sources.md"] = "---\ntitle: Sources\n---\n\n# Sources\n\n" + \
        "\n".join(f"- {by_key[k].footnote()}" for k in cited) + "\n"
    for page in pages:
        project.files[f"docs/{DOSSIER}/{page.slug}.md"] = to_footnotes(page.markdown, by_key)
    return project


# The other engines build the baseline's Markdown (citations as footnotes, no charts): the
# same pages, the same text, only the engine changes.
ZENSICAL_SITE_DIR = "site"  # Zensical wants its site_dir inside the project, no option for it
HUGO_THEME = ROOT / "bench" / "hugo_theme"


def zensical_project(n: int, seed: int = 1) -> Project:
    """The baseline read by Zensical: its mkdocs.yml (Zensical reads that format, `material`
    means its own theme, search on), writing into `site/` inside the project."""
    baseline = baseline_project(n, seed)
    project = Project(files={name: text for name, text in baseline.files.items()
                             if name.startswith("docs/")})
    project.files["mkdocs.yml"] = baseline.files["mkdocs.yml"].replace(
        "(Material seul)", "(Zensical)") + f"site_dir: {ZENSICAL_SITE_DIR}\n"
    return project


def hugo_project(n: int, seed: int = 1) -> Project:
    """The baseline's pages as Hugo content, with the plain theme of bench/hugo_theme.

    `index.md` becomes `_index.md` (a list page: an `index.md` would make a bundle of its
    folder); `uglyURLs` gives `enquetes/enquete-0001.html` as MkDocs does with
    `use_directory_urls: false`; taxonomy pages and feeds are off (the baseline has none).
    """
    baseline = baseline_project(n, seed)
    project = Project(copies={"themes/plain": HUGO_THEME})
    for name, text in baseline.files.items():
        if name.startswith("docs/"):
            path = Path("content", *Path(name).parts[1:])
            if path.name == "index.md":
                path = path.with_name("_index.md")
            project.files[path.as_posix()] = text
    project.files["hugo.toml"] = "\n".join([
        'baseURL = "https://bench.example.org/"',
        'locale = "fr"',
        'defaultContentLanguage = "fr"',
        'title = "Portail de test (Hugo)"',
        'theme = "plain"',
        "uglyURLs = true",
        "relativeURLs = true",
        "buildFuture = true",
        'disableKinds = ["taxonomy", "term", "rss"]',
        "[markup.tableOfContents]",
        "startLevel = 2",
        "endLevel = 3",
        *(f'[[menus.main]]\nname = "{name}"\nurl = "{url}"\nweight = {weight}'
          for weight, (name, url) in enumerate((("Accueil", "index.html"),
                                                ("Enquêtes", f"{DOSSIER}/index.html"),
                                                ("Sources", "sources.html")), start=1)),
        "",
    ])
    return project


def write_project(project: Project, target: Path) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    for name, source in project.copies.items():
        shutil.rmtree(target / name, ignore_errors=True)
        shutil.copytree(source, target / name,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for name, text in project.files.items():
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for name, source in project.links.items():
        link = target / name
        if not link.exists():
            link.symlink_to(source)
    return target


def word_count(markdown: str) -> int:
    body = markdown.split("---", 2)[-1]
    return len(re.findall(r"\w+", body))
