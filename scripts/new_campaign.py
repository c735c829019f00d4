"""Turn this portal into the skeleton of another campaign (`make new-campaign`).

Empties the campaign's content (pages, sources, chart data and chart modules, letters and
their recipients, petition, redirects, mirrors, partners, archived copies, kept documents),
writes a skeleton that builds at once (home, one dossier with its index and one article, a
petition, an « Agir » page), and renames what carries the campaign's name (site name and
description, example addresses, the dossier in the navigation, the project's name).

Every text left for the campaign to write carries the marker « À REMPLIR »: the preview and
local builds show it, a publishing build refuses it, naming each file and line
(macros/sitewide/skeleton.py).

Safe by construction: it refuses a working copy with uncommitted changes, and a portal that
already went through it (unless confirmed); everything it writes is computed first, the
files it touches are copied aside, and if anything fails (a write, or the content check run
at the end) they are put back: the repository is never left half converted.

The campaign's content is named in one place, `content()` below (its folders as the
configuration names them), and the skeleton in another, `SKELETON`.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from common.config import CONFIG_FILE, PARTNERS_DATA, PortalConfig
from macros.pages.typography import fix as fix_typography

ROOT = Path(__file__).resolve().parents[1]

MARKER = "À REMPLIR"
# The line a converted mkdocs.yml starts with: how a second run knows.
DONE_LINE = "# Portail créé par make new-campaign"

# ---------------------------------------------------------------------------------------
# The campaign's content: what `make new-campaign` empties. One entry per folder: the
# files matching `pattern` are removed, except `keep` (generic pages and notes that any
# campaign keeps as they are). The skeleton (SKELETON below) is then written over it.
# ---------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Content:
    folder: str
    pattern: str = "*"
    keep: tuple[str, ...] = ()
    what: str = ""


def content(folders: dict[str, str]) -> tuple[Content, ...]:
    """`folders`: where the configuration puts them (`names` below)."""
    return (
        Content(folders["docs"], "**/*", keep=(
            "accessibilite.md", "mentions-legales.md", "rechercher.md", "sources.md",
            "agir/partenaires.md"), what="les pages"),
        Content(folders["bib"], "**/*", what="les sources"),
        Content(folders["documents"], "**/*", keep=("LISEZMOI.md",),
                what="les documents conservés"),
        # Chart data and sheets, petition, letters' recipients, redirects, mirrors,
        # partners, archived copies, letter fields: all of data/ but the link checker's list.
        Content(folders["data"], "**/*", keep=("linkcheck-ignore.yml",),
                what="les données (graphiques, pétition, lettres, miroirs, partenaires…)"),
        # The campaign's chart modules: the content folder charts/ (`extra.charts_dir`), or,
        # in older portals, macros/charts/<id>.py beside the chart kit (files `_*.py`).
        Content(folders["charts"], "*.py", keep=("__init__.py",),
                what="les modules de graphiques"),
        Content("macros/charts", "[!_]*.py", keep=("__init__.py",),
                what="les modules de graphiques"),
        # The tests of the campaign's own facts and text (tests/content/LISEZMOI.md).
        Content("tests/content", "**/*", keep=("LISEZMOI.md",),
                what="les tests du contenu de la campagne"),
    )


def names(root: Path, config: PortalConfig, slug: str) -> dict[str, str]:
    """The folders and files the configuration names, relative to the root."""
    return {"docs": config.docs_dir.relative_to(root).as_posix(),
            "bib": config.bibliography_dir, "documents": config.documents_dir,
            "data": Path(config.petition_data).parent.as_posix(),
            "petition": config.petition_data, "mirrors": config.mirrors_data,
            "partners": PARTNERS_DATA, "archives": config.archives_data,
            "petition_page": config.petition_page, "slug": slug,
            "charts": config.charts_dir}

# The sections of a new investigation (make new-article): the campaign words its own.
ARTICLE_SECTIONS = ("Ce que l’on sait", "Ce que répond l’institution", "Ce qui reste inconnu")

# Folder names a dossier cannot take: they are the portal's own pages and assets.
RESERVED_SLUGS = {"agir", "assets", "donnees", "sources", "versions", "pagefind", "search",
                  "index", "a-propos", "accessibilite", "mentions-legales", "miroirs",
                  "rechercher", "compteur", "fonts", "images", "stylesheets", "javascripts"}
SLUG_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


class Refused(Exception):
    """A reason not to run, in French, with what to do."""


@dataclasses.dataclass(frozen=True)
class Campaign:
    title: str   # the portal's name, e.g. « Le score de risque de la CAF »
    slug: str    # the dossier's folder and the short name, e.g. `caf`
    org: str     # who publishes it, e.g. « Collectif Changer de cap »
    dossier: str = "Le dossier"  # the dossier's name in the menu
    today: dt.date = dataclasses.field(default_factory=dt.date.today)
    # What the action service keeps (data/petition.yml, `service`), told by the notices.
    testimony_days: int = 365
    delete_after: dt.date | None = None


# ---------------------------------------------------------------------------------------
# The skeleton: every page and data file written, as functions of the campaign.
# Typography (non-breaking spaces) is applied by macros/pages/typography.py on the way out.
# ---------------------------------------------------------------------------------------


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def home(c: Campaign) -> str:
    return f"""---
title: Accueil
summary: {_q(f"{MARKER} : en une ou deux phrases, ce que documente le portail de {c.org}.")}
---

# {c.title}

{MARKER} : présentez la campagne en quelques lignes. Qui la mène ({c.org}), ce qu’elle
documente, ce qu’elle demande. Chaque affirmation renvoie à une source, citée par la clé
de son entrée dans `bibliography/` [@source_a_remplacer].

## L’essentiel

- **{MARKER} : le premier fait marquant.** Une phrase, sa source, puis le lien vers
  l’enquête. [Lire l’enquête]({c.slug}/premiere-enquete.md)

## Dernières publications

{{{{ latest_publications(5) }}}}

## Agir

- **Signer** : [la pétition](agir/petition.md).
- **Témoigner** : [racontez-nous](agir/temoignages.md) ce que vous avez vécu.
- **Comprendre** : parcourez [le dossier]({c.slug}/index.md).
- **Vérifier** : toutes nos sources sont réunies sur [la page des sources](sources.md).
- **Corriger** : une erreur, un lien cassé ? [Signalez-le](a-propos.md#signaler-une-erreur).
"""


def dossier_index(c: Campaign) -> str:
    return f"""---
title: {_q(c.dossier)}
summary: {_q(f"{MARKER} : ce que rassemble le dossier, en une phrase.")}
---

# {c.dossier}

{MARKER} : présentez le dossier. Que cherche-t-il à montrer, à partir de quels documents ?

## Vue d’ensemble

{MARKER} : ce qu’établit chaque enquête, en quelques lignes, puis le lien vers elle.
Lire l’enquête : [la première enquête](premiere-enquete.md).

## Les enquêtes

{{{{ investigations({_q(c.slug)}) }}}}

## Dernières publications

{{{{ latest_publications(5, {_q(c.slug)}) }}}}
"""


def first_article(c: Campaign) -> str:
    return f"""---
title: {_q(f"Titre de la première enquête ({MARKER})")}
date: {c.today.isoformat()}
authors:
  - Équipe du portail
summary: {_q(f"{MARKER} : une ou deux phrases qui disent ce que l’enquête établit.")}
tags:
  - {MARKER}
---

<!-- Chaque fait, chiffre, date, nom ou citation renvoie à sa source : [@cle] ou
     [@cle, p. 53]. Les sources se déclarent dans bibliography/*.bib. Une nouvelle
     enquête : make new-article TITLE="Titre". Voir CONTRIBUTING.md. -->

## {ARTICLE_SECTIONS[0]}

{MARKER} : les faits, chacun avec sa source [@source_a_remplacer].

## {ARTICLE_SECTIONS[1]}

{MARKER} : sa réponse, citée d’après ses propres documents [@source_a_remplacer].

## {ARTICLE_SECTIONS[2]}

{MARKER} : les questions ouvertes.
"""


def agir(c: Campaign) -> str:
    return f"""---
title: Agir
summary: {_q(f"Signer la pétition, témoigner, faire connaître la campagne de {c.org}.")}
---

{MARKER} : une phrase qui dit pourquoi agir, et comment.

- [**Signer la pétition**](petition.md) : {MARKER}, ce qu’elle demande en une ligne.
- [**Témoigner**](temoignages.md) : votre récit aide à documenter ces pratiques.
- [**Partenaires**](partenaires.md) : les organisations qui portent la pétition, et le
  formulaire de signature à coller dans vos propres pages.
"""


PETITION_PAGE = """---
title: La pétition
summary: "{marker} : ce que demande la pétition, en une phrase."
---

{{{{ petition() }}}}

## Faire connaître la pétition {{ #partager }}

{{{{ share_links() }}}}
"""


def petition_page(c: Campaign) -> str:
    return PETITION_PAGE.format(marker=MARKER)


def testimonies(c: Campaign) -> str:
    return f"""---
title: Appel à témoignages
summary: "Comment nous transmettre votre témoignage sans vous exposer."
---

{MARKER} : à qui s’adresse l’appel, et ce que les récits aident à montrer.

## Ce qui nous aide {{ #quoi-envoyer }}

- **Ce qui s’est passé**, dans l’ordre : dates, démarches, échanges, décision reçue.
- **Les documents** : courriers, courriels, captures d’écran. Masquez d’abord vos
  identifiants et votre adresse : ils ne nous sont pas utiles.
- **Comment vous joindre** si nous avons une question, et comment vous préférez être
  désigné·e.

Un récit court est déjà précieux.

## Comment votre témoignage est protégé {{ #anonymisation }}

- Nous ne publions jamais un témoignage sans votre accord sur le texte publié.
- Nous retirons tout ce qui permettrait de vous reconnaître.
- Seules les personnes de l’équipe qui y travaillent le lisent ; il n’est transmis à
  personne d’autre.
- Vous pouvez retirer votre accord et faire effacer votre témoignage à tout moment.

## Envoyer votre témoignage {{ #formulaire }}

Le formulaire ci-dessous fonctionne sans JavaScript. Il part vers le serveur de l’équipe,
et nulle part ailleurs.

{{{{ testimony_form() }}}}

## Vos données personnelles {{ #donnees-personnelles }}

**Ce que nous enregistrons.** Le texte de votre témoignage et, si vous le donnez, le moyen
de vous joindre ; une référence tirée au hasard, affichée après l’envoi ; le site d’où il a
été envoyé ; la date d’arrivée. Pas de nom demandé, pas de cookie, et votre adresse IP n’est
jamais enregistrée.

**Comment.** Le témoignage et le moyen de vous joindre sont chiffrés dès leur arrivée avec
la clé publique de l’équipe : ni le serveur ni sa base de données ne peuvent les relire.

**Combien de temps.** {retention(c)}

**Le faire effacer.** Écrivez-nous en donnant la référence affichée après l’envoi : nous
effaçons le témoignage. Vous pouvez aussi saisir la CNIL.

## Nous écrire autrement {{ #contact }}

{{{{ contact_details("Témoignage") }}}}
"""


def retention(c: Campaign) -> str:
    """The testimonies' notice: how long the service keeps them (data/petition.yml)."""
    from macros.floor.french import format_date

    end = ""
    if c.delete_after:
        day = format_date(c.delete_after.year, c.delete_after.month, c.delete_after.day)
        end = f", et toutes les données du service le {day} au plus tard"
    return (f"Un témoignage est effacé du serveur au bout de {c.testimony_days} jours{end} "
            "(durées réglées dans `data/petition.yml`, section `service`).")


def about(c: Campaign) -> str:
    return f"""---
title: À propos et méthode
summary: "Qui publie ce portail, comment nous citons nos sources et corrigeons nos erreurs."
---

# À propos et méthode

## Qui publie ce portail

Ce portail est publié par {c.org}. {MARKER} : qui vous êtes, en quelques lignes.
L’éditeur, la direction de la publication et l’hébergeur sont nommés dans les
[mentions légales](mentions-legales.md) ; ce que nous vérifions de l’accessibilité du portail
est décrit dans la [déclaration d’accessibilité](accessibilite.md).

## Comment nous citons nos sources

Chaque fait, chiffre, date ou citation renvoie à une note numérotée qui donne la référence
complète. La [page des sources](sources.md) les rassemble toutes, avec les pages qui les
citent, et la bibliographie se télécharge aux formats BibTeX et CSL-JSON.

## Droit de réponse

Toute personne ou institution mise en cause peut nous adresser une réponse. Elle est publiée
telle quelle, datée, après l’article ; le texte original n’est jamais modifié pour en tenir
compte.

## Mises à jour et corrections

Un texte publié n’est pas réécrit en silence : chaque correction est une mise à jour datée,
qui dit ce qui a changé. L’historique de chaque page reste consultable sur le dépôt public du
projet.

## Vie privée

Ce site ne dépose aucun cookie, ne contient aucun traceur et ne charge aucune ressource
depuis un autre serveur.

## Signaler une erreur {{ #signaler-une-erreur }}

Une erreur de fait, une source mal citée, un lien cassé : ouvrez un ticket sur le
[dépôt public du portail]({{{{ config.repo_url }}}}), ou écrivez à l’équipe. Indiquez la page,
le passage en cause, ce qui est inexact et la source qui le montre. N’envoyez pas de données
personnelles dans un ticket public : pour raconter une situation vécue, utilisez le
[formulaire de témoignage](agir/temoignages.md).
"""


def versions(c: Campaign) -> str:
    return """---
title: Versions figées du portail
summary: "Chaque étape de la campagne, gardée telle qu’elle a été publiée, avec sa date."
---

# Versions figées du portail

À chaque étape de la campagne (remise d’une pétition, nouvelle enquête, réponse d’une
institution), l’équipe fige le portail tel qu’il est. Une version figée ne change plus : ce
qui y a été publié reste lisible et citable à la même adresse. Chaque page d’une version
figée le signale et renvoie à la même page aujourd’hui.

{{ frozen_versions() }}

Les miroirs du portail recopient aussi ces versions.
"""


def mirrors_page(c: Campaign, current: str) -> str:
    """The mirrors page is generic but for its example path."""
    return re.sub(r"/miroirs/[a-z0-9-]+/", f"/miroirs/{c.slug}/", current)


def bibliography_file(c: Campaign) -> str:
    # No example entry: BibTeX reads an entry even inside a `%` comment.
    return """% Les sources de la campagne, en BibTeX : un fichier par nature de source
% (rapports.bib, presse.bib, juridique.bib...), une entrée par source, citée dans les
% pages avec [cle précédée d'une arobase]. Exemples et champs à remplir : CONTRIBUTING.md,
% section « Ajouter une source ». L'entrée ci-dessous, citée par la première enquête, montre
% la forme d'une source : remplacez-la par une vraie.

@report{source_a_remplacer,
  author      = {{À REMPLIR : l’institution ou l’autrice}},
  title       = {À REMPLIR : le titre du document},
  institution = {À REMPLIR : qui le publie},
  date        = {2025},
}
"""


def petition_data(c: Campaign, current: str) -> str:
    """data/petition.yml: the campaign's words replaced by « À REMPLIR », the service's
    settings and the privacy notice (generic, tied to the service) kept."""
    start = current.find("\n# L’objectif")
    if start < 0:
        raise Refused("data/petition.yml : la section « # L’objectif » est introuvable ; "
                      "rétablissez le fichier d’origine (git checkout data/petition.yml) "
                      "puis relancez make new-campaign.")
    kept = current[start + 1:]
    kept = re.sub(r"(?m)^count: .*$", "count: 0", kept, count=1)
    kept = re.sub(r"(?m)^count_date: .*$", f"count_date: {c.today.isoformat()}", kept, count=1)
    kept = re.sub(r'(?m)^(  url: )"https://[^"]*"',
                  rf'\1"https://agir.{c.slug}.example.org/"', kept, count=1)
    head = f"""# La pétition du portail, lue et vérifiée à chaque construction (petition.py).
# Voir CONTRIBUTING.md, section « La pétition ».

title: {_q(f"{MARKER} : le titre de la pétition")}
addressee: {_q(f"{MARKER} : à qui elle s’adresse")}
call_to_action: "Signer la pétition"

text: |
  {MARKER} : le texte de la pétition, en quelques paragraphes, chaque fait tiré des
  sources du portail.

demands:
  - {_q(f"{MARKER} : la première demande.")}

# Facultatif : une autre action proposée sur la page qui confirme une signature (un titre,
# une phrase, les mots du lien et la page du portail où il mène). Par exemple :
# after_signing:
#   title: "Écrivez à l’organisme"
#   text: "Vous pouvez aussi demander vos données :"
#   link: "choisissez l’un de nos modèles de lettres."
#   page: agir/droits.md

"""
    return head + kept


def mirrors_data(c: Campaign) -> str:
    return f"""# Miroirs connus du portail, affichés sur la page « Miroirs » (docs/miroirs.md).
# Un bloc par miroir ; l’adresse doit commencer par https://. La date (facultative) est
# celle de la mise en ligne du miroir, au format AAAA-MM-JJ. Exemple :
#
# - nom: Miroir de l’association X
#   url: https://exemple.org/miroirs/{c.slug}/
#   organisation: Association X
#   date: 2025-01-15
[]
"""


def partners_data(c: Campaign, current: str) -> str:
    """The comments that explain the format, and no partner."""
    comments = [line for line in current.splitlines() if line.startswith("#")]
    return "\n".join([*comments, "[]"]) + "\n"


def archives_data(c: Campaign, current: str) -> str:
    comments = [line for line in current.splitlines() if line.startswith("#")]
    return "\n".join([*comments, "{}"]) + "\n"


# path -> (what it is, how it is made from the campaign and the file's current text or "")
Writer = Callable[[Campaign, str], str]
SKELETON: dict[str, Writer] = {
    "{docs}/index.md": lambda c, _: home(c),
    "{docs}/{slug}/index.md": lambda c, _: dossier_index(c),
    "{docs}/{slug}/premiere-enquete.md": lambda c, _: first_article(c),
    "{docs}/agir/index.md": lambda c, _: agir(c),
    "{docs}/{petition_page}": lambda c, _: petition_page(c),
    "{docs}/agir/temoignages.md": lambda c, _: testimonies(c),
    "{docs}/a-propos.md": lambda c, _: about(c),
    "{docs}/versions.md": lambda c, _: versions(c),
    "{docs}/miroirs.md": mirrors_page,
    "{bib}/rapports.bib": lambda c, _: bibliography_file(c),  # the example is a report
    "{petition}": petition_data,
    "{mirrors}": lambda c, _: mirrors_data(c),
    "{partners}": partners_data,
    "{archives}": archives_data,
}


# ---------------------------------------------------------------------------------------
# Renaming: the lines of mkdocs.yml, pyproject.toml and README.md that carry the name.
# ---------------------------------------------------------------------------------------


def _replace_once(text: str, pattern: str, replacement: str, label: str, flags=re.M) -> str:
    new, count = re.subn(pattern, lambda _: replacement, text, count=1, flags=flags)
    if count != 1:
        raise Refused(f"{label} : ligne introuvable ({pattern!r}) ; le fichier a été modifié "
                      "à la main. Rétablissez-le (git checkout " + label + ") ou adaptez-le, "
                      "puis relancez make new-campaign.")
    return new


def renamed_config(c: Campaign, text: str, old_dossiers: list[str]) -> str:
    label = CONFIG_FILE
    text = _replace_once(text, r"^site_name: .*$", f"site_name: {_q(c.title)}", label)
    description = f"{c.title} : le portail de campagne de {c.org}, sources à l’appui."
    text = _replace_once(text, r"^site_description: >-\n(?:  .*\n)+",
                         f"site_description: >-\n  {fix_typography(description)}\n", label)
    text = _replace_once(text, r'^site_url: !ENV \[PORTAL_SITE_URL, "[^"]*"\]',
                         f'site_url: !ENV [PORTAL_SITE_URL, "https://{c.slug}.example.org/"]',
                         label)
    text = _replace_once(text, r'^repo_url: !ENV \[PORTAL_REPO_URL, "[^"]*"\]',
                         'repo_url: !ENV [PORTAL_REPO_URL, '
                         f'"https://forge.example.org/campagne/portail-{c.slug}"]', label)
    # The dossiers: one nav entry, one not_in_nav line, one entry of extra.dossiers.
    old = "|".join(re.escape(d) for d in old_dossiers) or "(?!)"
    text = _replace_once(text, rf"^(?:  - [^\n]*: (?:{old})/index\.md\n)+",
                         f"  - {_q(c.dossier)}: {c.slug}/index.md\n", label)
    text = _replace_once(text, rf"^(?:  /(?:{old})/\*\.md\n)+", f"  /{c.slug}/*.md\n", label)
    text = _replace_once(text, rf"^  dossiers:\n(?:    - (?:{old})\n)+",
                         f"  dossiers:\n    - {c.slug}\n", label)
    # extra.campaign: the short name (archives, user agents) and a new article's sections.
    text = _replace_once(text, r"^    slug: .*$", f"    slug: {c.slug}", label)
    text = _replace_once(text, r"^    article_sections:\n(?:      - .*\n)+",
                         "    article_sections:\n" + "".join(
                             f"      - {section}\n" for section in ARTICLE_SECTIONS), label)
    # The editions in other languages: their pages went with the old content (docs/en/);
    # the new portal starts in French, its English edition added when a page is translated
    # (CONTRIBUTING.md, « Traduire une page »: docs/en/index.md, then this nav).
    text = _replace_once(text, r"^  editions:(?: \{\}.*)?\n(?:    .*\n)*",
                         "  editions: {}  # none yet: docs/en/index.md first (CONTRIBUTING.md, "
                         "« Traduire une page »)\n", label)
    if text.startswith(DONE_LINE):
        text = text.split("\n", 1)[1]
    return f"{DONE_LINE} ({c.slug}, {c.today.isoformat()}).\n" + text


def renamed_pyproject(c: Campaign, text: str) -> str:
    label = "pyproject.toml"
    text = _replace_once(text, r'^name = "[^"]*"', f'name = "portail-{c.slug}"', label)
    return _replace_once(text, r'^description = "[^"]*"',
                         f"description = {_q('Portail de campagne : ' + c.title)}", label)


def renamed_readme(c: Campaign, text: str) -> str:
    """The title and the first paragraph say which campaign this is; the rest is the manual."""
    intro = (f"# {c.title}\n\nCe dépôt contient le portail de campagne de {c.org}, publié "
             f"comme site statique. {MARKER} : ce que le portail documente, en quelques "
             "lignes.\n\n")
    return _replace_once(text, r"\A# [^\n]*\n\n(?:[^\n]+\n)+\n", fix_typography(intro),
                         "README.md", flags=0)


# ---------------------------------------------------------------------------------------
# The plan (computed first, nothing written) and its application (all or nothing).
# ---------------------------------------------------------------------------------------


@dataclasses.dataclass
class Plan:
    removed: list[Path]
    written: dict[Path, str]
    folders: list[str]  # the content's folders, whose emptied subfolders are removed


def _matching(root: Path, content: Content) -> list[Path]:
    folder = root / content.folder
    if not folder.is_dir():
        return []
    keep = {folder / k for k in content.keep}
    return sorted(p for p in folder.glob(content.pattern)
                  if p.is_file() and p not in keep and "__pycache__" not in p.parts)


def _yaml_mapping(path: Path) -> dict:
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else {}
    except yaml.YAMLError:
        return {}
    return data if isinstance(data, dict) else {}


def plan(root: Path, c: Campaign) -> Plan:
    config = PortalConfig.read(root / CONFIG_FILE)
    old_dossiers = list(config.dossiers)
    folders = names(root, config, c.slug)
    service = (_yaml_mapping(root / config.petition_data).get("service") or {})
    if isinstance(service.get("testimony_days"), int):
        c = dataclasses.replace(c, testimony_days=service["testimony_days"])
    if isinstance(service.get("delete_after"), dt.date):
        c = dataclasses.replace(c, delete_after=service["delete_after"])
    removed = [p for entry in content(folders) for p in _matching(root, entry)]
    written: dict[Path, str] = {}
    for pattern, writer in SKELETON.items():
        path = root / pattern.format(**folders)
        current = path.read_text(encoding="utf-8") if path.is_file() else ""
        text = writer(c, current)
        written[path] = fix_typography(text) if path.suffix == ".md" else text
    for name, rename in (
            (CONFIG_FILE, lambda t: renamed_config(c, t, old_dossiers)),
            ("pyproject.toml", lambda t: renamed_pyproject(c, t)),
            ("README.md", lambda t: renamed_readme(c, t))):
        path = root / name
        if path.is_file():
            written[path] = rename(path.read_text(encoding="utf-8"))
    return Plan(removed=[p for p in removed if p not in written], written=written,
                folders=[entry.folder for entry in content(folders)])


def apply(root: Path, todo: Plan, verify: Callable[[Path], list[str]]) -> None:
    """Remove and write everything, then the catalogues of words, then `verify`; put every
    file back if anything fails."""
    touched = sorted(set(todo.removed) | set(todo.written) | set(root.glob("locales/*/*/*.po")))
    with tempfile.TemporaryDirectory(prefix="new-campaign-") as aside:
        saved = {}
        for path in touched:
            if path.exists():
                copy = Path(aside) / path.relative_to(root)
                copy.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, copy)
                saved[path] = copy
        try:
            for path in todo.removed:
                path.unlink()
            for path, text in todo.written.items():
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
            _remove_empty_folders(root, todo.folders)
            update_words(root)
            problems = verify(root)
            if problems:
                raise Refused("le portail obtenu ne passerait pas la vérification ; rien n’a "
                              "été changé :\n" + "\n".join(f"  {p}" for p in problems))
        except BaseException:
            for path in touched:
                if path in saved:
                    path.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(saved[path], path)
                elif path.exists():
                    path.unlink()
            _remove_empty_folders(root, todo.folders)
            raise


def update_words(root: Path) -> list[str]:
    """The catalogues of the other languages (locales/, `make words`) brought up to date
    with the new names: the old campaign's strings set aside as obsolete, the new
    campaign's texts (its name, its petition's title) given their French words until a
    translator writes them (an English page then shows the French name, never nothing).
    Returns the catalogues written."""
    from babel.messages.pofile import read_po, write_po

    from common.words import DOMAIN, LANGUAGES, SOURCE_LANGUAGE, catalogue_path
    from scripts import words

    if not (root / words.MAPPING_FILE).is_file():
        return []

    def read(path: Path, lang: str):
        with path.open("rb") as po:
            return read_po(po, locale=lang, domain=DOMAIN)

    paths = {lang: catalogue_path(root, lang) for lang in LANGUAGES if lang != SOURCE_LANGUAGE}
    obsolete_before = {lang: set(read(path, lang).obsolete) if path.is_file() else set()
                       for lang, path in paths.items()}
    words.update(root)
    written = []
    for lang, path in paths.items():
        if not path.is_file():
            continue
        catalog = read(path, lang)
        # The old campaign's own words (its name, its petition's title) go with it.
        for key in set(catalog.obsolete) - obsolete_before[lang]:
            del catalog.obsolete[key]
        for message in catalog:
            campaign_text = any(not str(place).endswith(".py") and "overrides/" not in str(place)
                                for place, _ in message.locations)
            # (a near match Babel took for the old campaign's text: its words, not ours)
            if message.id and isinstance(message.id, str) and campaign_text \
                    and (not message.string or message.fuzzy):
                message.string = message.id
                message.flags.discard("fuzzy")
        with path.open("wb") as po:
            write_po(po, catalog, width=96, sort_by_file=True, include_lineno=False)
        written.append(path.relative_to(root).as_posix())
    words.update(root)  # the catalogue's own layout again
    return written


def _remove_empty_folders(root: Path, folders: list[str]) -> None:
    for name in folders:
        folder = root / name
        if not folder.is_dir():
            continue
        for sub in sorted((p for p in folder.rglob("*") if p.is_dir()), reverse=True):
            if not any(sub.iterdir()):
                sub.rmdir()


def check_content(root: Path) -> list[str]:
    """What `make check` would refuse in the converted portal (it must be nothing)."""
    from macros.assembly.rules import refused
    from scripts.check import run

    return [str(p) for p in refused(run(root, fix=False))]


# ---------------------------------------------------------------------------------------
# Preconditions, questions, messages.
# ---------------------------------------------------------------------------------------


def git_changes(root: Path) -> list[str] | None:
    """Uncommitted changes, or None when this is not a git working copy."""
    try:
        result = subprocess.run(["git", "status", "--porcelain"], cwd=root,
                                capture_output=True, text=True, check=False)
    except OSError:
        return None
    if result.returncode != 0:
        return None
    return [line for line in result.stdout.splitlines() if line.strip()]


def already_converted(root: Path) -> str:
    path = root / CONFIG_FILE
    first = path.read_text(encoding="utf-8").split("\n", 1)[0] if path.is_file() else ""
    return first if first.startswith(DONE_LINE) else ""


def check_campaign(c: Campaign) -> list[str]:
    problems = []
    if not c.title.strip():
        problems.append("TITLE est vide : donnez le nom du portail, par exemple "
                        'TITLE="Le score de risque de la CAF"')
    if not SLUG_RE.match(c.slug):
        problems.append(f"SLUG « {c.slug} » : un nom court en minuscules, chiffres et tirets, "
                        "sans accent ni espace, par exemple SLUG=score-caf")
    elif c.slug in RESERVED_SLUGS:
        problems.append(f"SLUG « {c.slug} » est déjà pris par une page du portail ; choisissez "
                        "un autre nom court, par exemple SLUG=dossier-" + c.slug)
    if not c.org.strip():
        problems.append('ORG est vide : donnez le nom de l’association, par exemple '
                        'ORG="Collectif Changer de cap"')
    if any(ch in c.title + c.org + c.dossier for ch in "{}<>\n`"):
        problems.append("TITLE, ORG et DOSSIER ne peuvent contenir ni accolades, ni chevrons, "
                        "ni accent grave, ni retour à la ligne")
    return problems


def ask(question: str, default: str = "") -> str:
    suffix = f" [{default}]" if default else ""
    answer = input(f"{question}{suffix} : ").strip()
    return answer or default


def guided(args) -> argparse.Namespace:
    print("Démarrer une nouvelle campagne : ce portail va être vidé de son contenu (pages, "
          "sources, graphiques, lettres, pétition, miroirs, partenaires, documents) et "
          "remplacé par un squelette à compléter. Trois questions.\n")
    args.title = args.title or ask("Nom du portail (son titre, en haut de chaque page)")
    args.slug = args.slug or ask("Nom court, pour le dossier et les adresses (minuscules, "
                                 "chiffres, tirets)", _slugify(args.title))
    args.org = args.org or ask("Nom de l’association ou du collectif qui le publie")
    args.dossier = args.dossier or ask("Nom du dossier dans le menu", "Le dossier")
    return args


def _slugify(title: str) -> str:
    from scripts.new_article import slugify

    return slugify(title)[:30].rstrip("-")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--title", default="")
    parser.add_argument("--slug", default="")
    parser.add_argument("--org", default="")
    parser.add_argument("--dossier", default="")
    parser.add_argument("--confirm", action="store_true",
                        help="relancer sur un portail déjà créé par make new-campaign")
    parser.add_argument("--root", type=Path, default=ROOT)
    args = parser.parse_args(argv)
    root = args.root.resolve()
    try:
        changes = git_changes(root)
        if changes:
            raise Refused(
                "la copie de travail a des modifications non enregistrées ; make new-campaign "
                "les écraserait. Enregistrez-les (git add -A && git commit -m \"…\") ou "
                "mettez-les de côté (git stash), puis relancez.\n" +
                "\n".join(f"  {line}" for line in changes[:10]))
        done = already_converted(root)
        if done and not args.confirm:
            raise Refused(
                f"ce portail a déjà été créé par make new-campaign (première ligne de "
                f"{CONFIG_FILE} : « {done} »). Le relancer effacerait tout ce qui a été écrit "
                "depuis. Si c’est bien ce que vous voulez : make new-campaign CONFIRM=oui …")
        interactive = not (args.title and args.slug and args.org)
        if interactive:
            if not sys.stdin.isatty():
                raise Refused('il manque TITLE, SLUG ou ORG : make new-campaign '
                              'TITLE="Le score de risque de la CAF" SLUG=score-caf '
                              'ORG="Collectif Changer de cap" (ou lancez make new-campaign '
                              "seul, dans un terminal, pour répondre aux questions)")
            guided(args)
        campaign = Campaign(title=" ".join(args.title.split()), slug=args.slug.strip(),
                            org=" ".join(args.org.split()),
                            dossier=" ".join(args.dossier.split()) or "Le dossier")
        problems = check_campaign(campaign)
        if problems:
            raise Refused("\n".join(problems))
        if interactive:
            answer = ask(f"Vider ce portail et créer « {campaign.title} » ? Tapez oui")
            if answer.lower() not in ("oui", "o"):
                print("Rien n’a été changé.")
                return 1
        todo = plan(root, campaign)
        apply(root, todo, check_content)
    except Refused as refusal:
        print(f"make new-campaign refusé : {refusal}", file=sys.stderr)
        return 2
    print(report(root, campaign, todo))
    return 0


def report(root: Path, c: Campaign, todo: Plan) -> str:
    def rel(p: Path) -> str:
        return p.relative_to(root).as_posix()

    return (
        f"Portail « {c.title} » créé : {len(todo.removed)} fichiers de l’ancienne campagne "
        f"retirés, {len(todo.written)} écrits.\n"
        f"Fichiers écrits : {', '.join(rel(p) for p in todo.written)}\n\n"
        "Et maintenant :\n"
        "  1. make serve : le portail s’ouvre sur http://127.0.0.1:8000, chaque texte à écrire "
        f"marqué « {MARKER} » ;\n"
        f"  2. remplacez chaque « {MARKER} » (pages de docs/, source d’exemple de "
        "bibliography/, data/petition.yml) et les réglages « À REMPLIR » de mkdocs.yml "
        "(adresses, mentions légales) ;\n"
        "  3. ajoutez vos sources dans bibliography/, vos enquêtes avec make new-article "
        'TITLE="…" ;\n'
        "  4. git add -A && git commit -m \"Nouvelle campagne\" ; make publish refuse tant "
        f"qu’un « {MARKER} » reste, et dit où."
    )


if __name__ == "__main__":
    sys.exit(main())
