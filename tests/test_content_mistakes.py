"""Every class of content mistake: one French message (file, line, value, fix) from the build
and from `make check`, which share the collection step and must agree; valid files (BOM,
CRLF) build. No test depends on the day it runs: future dates are in 2999."""

from __future__ import annotations

import re
import subprocess
import textwrap

import pytest

from support.sites import (
    FIXTURE_ARTICLE,
    ROOT,
    assert_fails_cleanly,
    make_site,
    mkdocs_build,
    script,
)

ARTICLE = "enquetes/une-enquete.md"
CHECK = script("check")
PROBLEM_LINE = re.compile(r"^\s*((?:docs|bibliography|data|macros|mkdocs)[^\s:]*(?::\d+)*: .+)$",
                          re.M)
# A local build lists the placeholders a publishing build would refuse (example addresses,
# empty legal notice): a warning about the configuration, not a content mistake.
PLACEHOLDER_WARNING = re.compile(r"refusé\(s\) à la publication \(PORTAL_BUILD=publish\) :\n"
                                 r"(?:  .*\n)*")


def run_check(project):
    result = subprocess.run([*CHECK, "--root", str(project)], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    return result.returncode, result.stdout + result.stderr


def with_chart_module(project, name: str, code: str) -> None:
    """One more chart module in the fixture's own charts/ folder (a copy)."""
    (project / "charts" / f"{name}.py").write_text(code, encoding="utf-8")


CHART_DATA = {
    "essai.csv": "annee,valeur\n2020,1\n2021,2\n",
    "essai.yml": textwrap.dedent("""\
        title: "Essai"
        description: "Une série d’essai."
        source: dubois_2021
        licence: "CC BY-SA 4.0"
        date: 2021
        """),
}
CHART_OK = textwrap.dedent("""\
    import altair as alt

    COLUMNS = {"annee": "entier", "valeur": "nombre"}


    def build(rows):
        return alt.Chart(alt.Data(values=rows)).mark_bar().encode(x="annee:O", y="valeur:Q")
    """)
CHART_PAGE = FIXTURE_ARTICLE + '\n{{ chart("essai") }}\n'
PETITION = (ROOT / "data" / "petition.yml").read_text(encoding="utf-8")


def _line_of(text: str, needle: str) -> int:
    return text[:text.index(needle)].count("\n") + 1


# name -> (make_site arguments, callback(project) or None, expected message)
CASES = {
    "non-UTF-8 page": (
        {}, lambda p: (p / "docs" / ARTICLE).write_bytes(
            FIXTURE_ARTICLE.encode().replace(b"Un fait", b"Un caf\xe9 fait")),
        "docs/enquetes/une-enquete.md:11:7: caractère illisible (octet 0xE9), le fichier n’est "
        "pas en UTF-8 : « Un caf� fait [@dubois_2021]. » — enregistrez le fichier en UTF-8"),
    "non-UTF-8 bibliography": (
        {}, lambda p: (p / "bibliography" / "zz.bib").write_bytes(
            b"@book{x, author = {A}, title = {Caf\xe9}, publisher = {P}, date = {2021}}\n"),
        "bibliography/zz.bib:1:36: caractère illisible (octet 0xE9)"),
    "impossible date in the petition": (
        {"data": {"petition.yml": re.sub(r"count_date: .*",
                                                   "count_date: 2026-11-31", PETITION)}}, None,
        f"data/petition.yml:{_line_of(PETITION, 'count_date:')}: `count_date` n’est pas une "
        "date : « 2026-11-31 »"),
    "impossible date in the mirrors": (
        {"data": {"miroirs.yml": "- nom: M\n  url: https://m.example.org/\n  organisation: O\n"
                                 "  date: 2026-11-31\n"}}, None,
        "data/miroirs.yml:4: `date` n’est pas une date : « 2026-11-31 »"),
    "undefined macro": (
        {"docs": {ARTICLE: FIXTURE_ARTICLE + '\n{{ chrat("essai") }}\n'}}, None,
        "docs/enquetes/une-enquete.md:13: macro inconnue `chrat` — vouliez-vous dire `chart` ?"),
    "macro called with wrong arguments": (
        {"docs": {ARTICLE: FIXTURE_ARTICLE + '\n{{ investigations("enquetes", 3) }}\n'}}, None,
        "docs/enquetes/une-enquete.md:13: appel de macro incorrect : `investigations` avec "
        "('enquetes', 3) — écrivez {{ investigations(\"dossier\") }}"),
    "Jinja syntax error, line from the top of the file": (
        {"docs": {ARTICLE: FIXTURE_ARTICLE + '\nTexte.\n\n{{ chart("essai" }}\n'}}, None,
        "docs/enquetes/une-enquete.md:15: accolade fermante en trop : « {{ chart(\"essai\" }} »"),
    "chart with its data but no module (check and build agree on which charts exist)": (
        {"docs": {ARTICLE: CHART_PAGE}, "data": CHART_DATA}, None,
        "docs/enquetes/une-enquete.md:13: graphique inconnu `essai` — data/essai.csv existe mais "
        "pas son module : ajoutez charts/essai.py"),
    "chart module syntax error": (
        {"docs": {ARTICLE: CHART_PAGE}, "data": CHART_DATA},
        lambda p: with_chart_module(p, "essai", CHART_OK.replace("def build(rows):",
                                                                 "def build(rows)")),
        "charts/essai.py:6:16: erreur de syntaxe Python : « def build(rows) »"),
    "chart module exception": (
        {"docs": {ARTICLE: CHART_PAGE}, "data": CHART_DATA},
        lambda p: with_chart_module(p, "essai", CHART_OK.replace(
            "return alt.Chart", "rows[99]\n    return alt.Chart")),
        "charts/essai.py:7: le graphique n’a pas pu être dessiné : IndexError : list "
        "index out of range — vérifiez build(rows)"),
    "unterminated citation": (
        {"docs": {ARTICLE: FIXTURE_ARTICLE + "\nAutre fait [@dubois_2021, p. 3.\n"}}, None,
        "docs/enquetes/une-enquete.md:13: citation jamais refermée : « [@dubois_2021, p. 3. »"),
    "front-matter key given twice": (
        {"docs": {ARTICLE: FIXTURE_ARTICLE.replace('summary: "Résumé."',
                                                   'summary: "Résumé."\ntitle: "Autre"')}},
        None, "docs/enquetes/une-enquete.md:7: champ `title` donné deux fois (lignes 2 et 7)"),
    "front matter never closed": (
        {"docs": {ARTICLE: FIXTURE_ARTICLE.replace("---\n\nUn fait", "\nUn fait")}}, None,
        "docs/enquetes/une-enquete.md:1: en-tête jamais refermé : la ligne `---` de fin manque"),
    "unclosed HTML comment": (
        {"docs": {ARTICLE: FIXTURE_ARTICLE + "\n<!-- à revoir\n\nLa suite.\n"}}, None,
        "docs/enquetes/une-enquete.md:13: commentaire HTML jamais refermé"),
    "unclosed quote in front matter": (
        {"docs": {ARTICLE: FIXTURE_ARTICLE.replace('summary: "Résumé."', 'summary: "Résumé.')}},
        None, "docs/enquetes/une-enquete.md:6:10: en-tête YAML illisible : guillemet ouvert et "
              "jamais refermé"),
    "missing image": (
        {"docs": {ARTICLE: FIXTURE_ARTICLE + "\n![Schéma](schema.png)\n"}}, None,
        "docs/enquetes/une-enquete.md:13: image introuvable : `schema.png`"),
    "missing page": (
        {"docs": {ARTICLE: FIXTURE_ARTICLE + "\nVoir [la page](autre.md).\n"}}, None,
        "docs/enquetes/une-enquete.md:13: lien vers une page introuvable : `autre.md`"),
    "missing anchor": (
        {"docs": {ARTICLE: FIXTURE_ARTICLE + "\nVoir [plus bas](#suite).\n"}}, None,
        "docs/enquetes/une-enquete.md:13: ancre introuvable : `#suite`"),
    "link to a missing file": (
        {"docs": {ARTICLE: FIXTURE_ARTICLE + "\nVoir [l’accueil](../index.html).\n"}}, None,
        "docs/enquetes/une-enquete.md:13: lien vers un fichier introuvable : `../index.html` — "
        "vouliez-vous dire `../index.md` ?"),
    "unrecognized link": (
        {"docs": {ARTICLE: FIXTURE_ARTICLE + "\nVoir [le dossier](../enquetes/).\n"}}, None,
        "docs/enquetes/une-enquete.md:13: lien relatif non reconnu : `../enquetes/`"),
    "page outside the navigation": (
        {"docs": {"nouvelle.md": "---\ntitle: Nouvelle\n---\n\nTexte.\n"}}, None,
        "mkdocs.yml: page(s) hors de la navigation : `nouvelle.md` — ajoutez la page à `nav`"),
    "bad nav entry": (
        {}, lambda p: (p / "mkdocs.yml").write_text(
            (p / "mkdocs.yml").read_text().replace("Sources: sources.md", "Sources: source.md")),
        "mkdocs.yml:6: entrée de `nav` vers une page introuvable : `source.md` — vouliez-vous "
        "dire `sources.md` ?"),
    "unknown dossier": (
        {"docs": {"index.md": '---\ntitle: A\n---\n\n{{ investigations("enquete") }}\n'}}, None,
        "docs/index.md:5: dossier inconnu `enquete` — vouliez-vous dire `enquetes` ?"),
    "duplicated BibTeX field": (
        {"bib": {"zz.bib": "@book{x,\n  author = {A},\n  title = {T},\n  title = {U},\n"
                           "  publisher = {P},\n  date = {2021},\n}\n"}}, None,
        "bibliography/zz.bib:4: champ `title` donné deux fois dans l’entrée `x`"),
    "type error shows the value": (
        {"docs": {ARTICLE: FIXTURE_ARTICLE.replace("authors:\n  - Équipe du portail",
                                                   "authors: Équipe du portail")}}, None,
        "docs/enquetes/une-enquete.md:4: `authors` doit être une liste de textes : "
        "« Équipe du portail »"),
    "skeleton text": (
        {"docs": {ARTICLE: FIXTURE_ARTICLE + "\n## Ce que l’on sait\n\nTexte à écrire.\n"}},
        None, "docs/enquetes/une-enquete.md:15: texte provisoire « Texte à écrire. » encore en "
              "place — écrivez le texte de cette section"),
    "update dated in the future": (
        {"docs": {ARTICLE: FIXTURE_ARTICLE.replace(
            "tags:", "updates:\n  - date: 2999-01-01\n    text: \"Nouveau.\"\ntags:")}}, None,
        "docs/enquetes/une-enquete.md:8: `updates[1].date` est dans le futur : « 2999-01-01 »"),
    "BibTeX unclosed brace, in French": (
        {"bib": {"zz.bib": "@book{x,\n  title = {Sans fin,\n  date = {2021},\n"}}, None,
        "bibliography/zz.bib:3: erreur de syntaxe BibTeX : fin du fichier atteinte au milieu "
        "d’une entrée — vérifiez l’entrée `x` (ligne 1)"),
}


def _project(tmp_path, case):
    kwargs, edit, expected = CASES[case]
    project = make_site(tmp_path, **kwargs)
    if edit:
        edit(project)
    return project, expected


@pytest.mark.parametrize("case", list(CASES))
def test_mistake_is_reported_the_same_by_build_and_check(tmp_path, case):
    project, expected = _project(tmp_path, case)
    code, checked = run_check(project)
    assert code == 1, checked
    assert expected in checked, checked
    assert "Traceback" not in checked, checked
    built = mkdocs_build(project, tmp_path / "site")
    assert_fails_cleanly(built, expected, "Construction arrêtée : rien n’a été publié.")
    # Same collection step: every problem of the build is one of the check's, word for word.
    content_output = PLACEHOLDER_WARNING.sub("", built.output)
    build_problems = set(PROBLEM_LINE.findall(content_output)) - {expected}
    for problem in build_problems:
        assert problem in checked, (problem, checked)


def test_a_broken_bib_entry_is_one_problem(tmp_path):
    """The citations of the keys of a broken file are not reported as unknown sources."""
    broken = "@book{dubois_2021,\n  author = {Dubois, Vincent},\n  title = {Contrôler,\n"
    # The page cites the key, and shows a chart whose metadata names it as its source.
    project = make_site(tmp_path, bib={"sources.bib": broken}, docs={ARTICLE: CHART_PAGE},
                        data=CHART_DATA)
    with_chart_module(project, "essai", CHART_OK)
    code, out = run_check(project)
    assert code == 1
    problems = PROBLEM_LINE.findall(out)
    assert len(problems) == 1, out
    assert problems[0].startswith("bibliography/sources.bib:3: erreur de syntaxe BibTeX")
    assert "source inconnue" not in out
    built = mkdocs_build(project, tmp_path / "site")
    assert_fails_cleanly(built, "1 erreur de contenu", problems[0])
    assert "source inconnue" not in built.output


def test_an_invalid_entry_is_one_problem(tmp_path):
    entry = "@book{dubois_2021, author = {Dubois, Vincent}, title = {Contrôler}, date = {2021}}\n"
    project = make_site(tmp_path, bib={"sources.bib": entry})
    _, out = run_check(project)
    assert PROBLEM_LINE.findall(out) == [
        "bibliography/sources.bib:1: l’entrée `dubois_2021` (@book) n’a pas de champ "
        "`publisher` — ajoutez `publisher` = {…}, ou choisissez un type d’entrée qui convient "
        "(laissez de côté un champ inconnu plutôt que de l’inventer)"], out


@pytest.mark.parametrize("name, encode", [
    ("BOM", lambda text: b"\xef\xbb\xbf" + text.encode()),
    ("CRLF", lambda text: text.replace("\n", "\r\n").encode()),
    ("BOM and CRLF", lambda text: b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode()),
])
def test_bom_and_crlf_files_build(tmp_path, name, encode):
    project = make_site(tmp_path)
    (project / "docs" / ARTICLE).write_bytes(encode(FIXTURE_ARTICLE))
    (project / "bibliography" / "sources.bib").write_bytes(
        encode((project / "bibliography" / "sources.bib").read_text()))
    (project / "data").mkdir(exist_ok=True)
    (project / "data" / "miroirs.yml").write_bytes(encode(
        "- nom: M\n  url: https://m.example.org/\n  organisation: O\n  date: 2025-01-15\n"))
    code, out = run_check(project)
    assert code == 0, out
    built = mkdocs_build(project, tmp_path / "site")
    assert built.ok, built.output
    page = (tmp_path / "site" / "enquetes" / "une-enquete.html").read_text()
    assert "Une enquête" in page and "note-dubois_2021" in page


def test_an_anchor_hidden_in_a_comment_is_refused_before_mkdocs_runs(tmp_path):
    """What MkDocs alone used to see (an anchor that exists only inside an HTML comment) is
    found by the collection step, in the words of `make check`; MkDocs' own warnings, said
    in French, stay a safety net (reworded below)."""
    text = FIXTURE_ARTICLE + '\n<!-- <span id="cachee"></span> -->\n\nVoir [ici](#cachee).\n'
    project = make_site(tmp_path, docs={ARTICLE: text})
    built = mkdocs_build(project, tmp_path / "site")
    assert_fails_cleanly(
        built, "docs/enquetes/une-enquete.md:15: ancre introuvable : `#cachee` dans "
               "`enquetes/une-enquete.md` — ancres connues : `droit-de-reponse`, "
               "`mises-a-jour`, `notes-et-sources`",
        "Construction arrêtée : rien n’a été publié.")
    assert "Doc file" not in built.output


@pytest.mark.parametrize("english, french", [
    ("Doc file 'a/b.md' contains a link 'c.md', but the target 'a/c.md' is not found among "
     "documentation files. Did you mean 'd.md'?",
     "docs/a/b.md:3: lien vers un fichier introuvable : `c.md` — vouliez-vous dire `d.md` ?"),
    ("Doc file 'a/b.md' contains an unrecognized relative link 'x/', it was left as is.",
     "docs/a/b.md:4: lien relatif non reconnu : `x/` — visez le fichier lui-même"),
    ("Doc file 'a/b.md' contains a link 'c.md#z', but the doc 'a/c.md' does not contain an "
     "anchor '#z'.",
     "docs/a/b.md:5: ancre introuvable : `#z` dans `a/c.md` — l’ancre est l’intertitre"),
    ("A reference to 'x.md' is included in the 'nav' configuration, which is not found in the "
     "documentation files.",
     "mkdocs.yml:2: entrée de `nav` vers une page introuvable : `x.md`"),
    ('The following pages exist in the docs directory, but are not included in the "nav" '
     "configuration:\n  - y.md\n  - z.md",
     "mkdocs.yml: page(s) hors de la navigation : `y.md`, `z.md` — ajoutez la page à `nav`"),
])
def test_each_mkdocs_warning_is_reworded(tmp_path, english, french):
    from macros.engine.mkdocs_french import FrenchWarnings

    (tmp_path / "docs" / "a").mkdir(parents=True)
    (tmp_path / "docs" / "a" / "b.md").write_text("# T\n\n[c](c.md)\n[x](x/)\n[z](c.md#z)\n")
    (tmp_path / "mkdocs.yml").write_text("nav:\n  - x.md\n")
    reworded = FrenchWarnings(tmp_path / "docs", "docs", tmp_path / "mkdocs.yml").reword(english)
    assert reworded and reworded.startswith(french), reworded


def test_a_broken_mkdocs_yml_is_named_by_the_check(tmp_path):
    project = make_site(tmp_path)
    config = project / "mkdocs.yml"
    config.write_text(config.read_text().replace("  - Sources: sources.md",
                                                 "  - Sources: [sources.md"))
    code, out = run_check(project)
    assert code == 1
    assert "mkdocs.yml:" in out and "fichier YAML illisible : " in out, out
    assert "Traceback" not in out


def test_a_macro_failing_while_the_page_renders_is_named_with_its_line(tmp_path):
    """What only rendering reveals (a field that does not exist): the build names the page
    and the line, in French, without mkdocs-macros' traceback."""
    text = FIXTURE_ARTICLE + "\nTexte.\n\nÉcrire à {{ config.extra.contact.courriel.x }}.\n"
    project = make_site(tmp_path, docs={ARTICLE: text})
    built = mkdocs_build(project, tmp_path / "site")
    assert_fails_cleanly(
        built, "docs/enquetes/une-enquete.md:15: erreur dans un appel de macro : UndefinedError "
               "« 'dict object' has no attribute 'courriel' » — vérifiez les noms écrits entre "
               "{{ et }}", "Construction arrêtée : rien n’a été publié.")
    assert "Macro Rendering Error" not in built.output


def test_every_mistake_of_a_page_found_while_it_renders_is_reported(tmp_path):
    """Two macro calls of one page fail while it renders: both are named, not the first
    only (the campaigner would otherwise fix one, rebuild, and meet the next)."""
    text = (FIXTURE_ARTICLE + "\nTexte.\n\n{{ petition() }}\n\n"
            "Écrire à {{ config.extra.contact.courriel.x }}.\n")
    project = make_site(tmp_path, docs={ARTICLE: text})
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "extra:\n", "extra:\n  action:\n    petition_data: data/absente.yml\n", 1),
        encoding="utf-8")
    built = mkdocs_build(project, tmp_path / "site")
    assert_fails_cleanly(
        built, "2 erreurs de contenu",
        "data/absente.yml: fichier de la pétition introuvable — créez data/absente.yml",
        "docs/enquetes/une-enquete.md:17: erreur dans un appel de macro : UndefinedError",
        "Construction arrêtée : rien n’a été publié.")


def test_a_link_to_a_heading_made_by_a_macro_is_valid(tmp_path):
    """The sources page's group headings exist only once its macro ran: not refused."""
    text = FIXTURE_ARTICLE + "\nVoir [les livres](../sources.md#livres).\n"
    project = make_site(tmp_path, docs={ARTICLE: text})
    code, out = run_check(project)
    assert code == 0, out
    built = mkdocs_build(project, tmp_path / "site")
    assert built.ok, built.output
