"""Frozen versions in the published tree: `versions/<name>/` beside the current portal.

`make release` freezes the portal into the versions branch (scripts/versions.py, mike);
`make build` puts that branch's `versions/` folder into the site and tells the build where
its versions.json is (PORTAL_VERSIONS_FILE), so that the « Versions » page lists them. A
frozen page carries a banner naming its version and linking to the same page today.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from mkdocs.utils import get_relative_url

from common.words import N_

from ..floor.errors import Problem, raise_if_any
from ..floor.language import SOURCE, format_day

VERSIONS_DIR = "versions"  # fixed path of frozen versions in the published tree
LISTING_PAGE = "versions.md"


@dataclass(frozen=True)
class FrozenVersion:
    name: str
    title: str
    date: dt.date | None


def load_versions(path: Path) -> list[FrozenVersion]:
    """mike's versions.json (newest first), with the `date` property `make release` sets."""
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise_if_any([Problem(str(path), f"liste des versions figées illisible ({error})",
                              hint="relancez make build ; si l’erreur persiste, vérifiez la "
                                   "branche des versions (make release)")])
    versions = []
    for entry in entries:
        raw = (entry.get("properties") or {}).get("date") if isinstance(entry, dict) else None
        try:
            day = dt.date.fromisoformat(raw) if raw else None
        except ValueError:
            day = None
        versions.append(FrozenVersion(entry["version"], entry.get("title") or entry["version"],
                                      day))
    return versions


def versions_html(versions: list[FrozenVersion], page_url: str) -> str:
    """The list of frozen versions, each linked to its home page, with its date."""
    if not versions:
        return ('<p class="versions-empty">Aucune version figée n’a encore été publiée. '
                "Chaque étape de la campagne sera gardée ici telle qu’elle a été publiée.</p>\n")
    items = []
    for version in versions:
        href = get_relative_url(f"{VERSIONS_DIR}/{version.name}/index.html", page_url)
        when = (f' — figée le <time datetime="{version.date.isoformat()}">'
                f"{format_day(version.date)}</time>" if version.date else "")
        items.append(f'<li><a href="{html.escape(href)}">{html.escape(version.title)}</a>'
                     f"{when}</li>")
    return '<ul class="versions-list">\n' + "\n".join(items) + "\n</ul>\n"


def frozen_listing_html() -> str:
    """On a frozen version's own « Versions » page: the list lives with the current portal."""
    href = current_page_href(LISTING_PAGE.replace(".md", ".html"))
    return ('<p class="versions-frozen">Cette page fait partie d’une version figée. '
            f'<a href="{html.escape(href)}">La liste à jour des versions</a> est sur le '
            "portail actuel.</p>\n")


def current_page_href(page_url: str) -> str:
    """From a page of `versions/<name>/`, the same page in the current portal."""
    depth = page_url.count("/")
    return "../" * (depth + 2) + page_url


def frozen_banner_html(name: str, day: dt.date | None, page_url: str, _=str,
                       lang: str = SOURCE) -> str:
    """`_`: the words of the page's language `lang` (common/words.py)."""
    when = _(", arrêtée le {date}").format(date=format_day(day, lang)) if day else ""
    reading = _("Vous lisez la version figée « {name} » du portail{when}.").format(
        name=html.escape(name), when=when)
    return (f'<p class="portal-banner__text">{reading} '
            f'<a class="portal-frozen__current" href="{html.escape(current_page_href(page_url))}">'
            f'{_("Voir cette page dans la version actuelle")}</a></p>')


# -- The page a frozen version's « same page today » link finds when the page is gone --------

REMOVED_TITLE = N_("Page retirée du portail")


def removed_page(home: str, versions: str | None, lang: str = SOURCE,
                 _: Callable[[str], str] = str) -> str:
    """A short self-contained page, in the language of the page that was removed (`lang`,
    `_` its words): what happened, the way to the current portal's home (`home`) and, when
    the portal lists them, to its frozen versions (`versions`)."""
    title = html.escape(_(REMOVED_TITLE))
    text = html.escape(_("Cette page existait dans une version figée du portail\u00a0; elle "
                         "ne fait plus partie du portail actuel."))
    listing = (f'\n<li><a href="{html.escape(versions)}">'
               f"{html.escape(_('Les versions figées du portail'))}</a></li>"
               if versions else "")
    return f"""<!doctype html>
<html lang="{html.escape(lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{title}</title>
</head>
<body>
<main>
<h1>{title}</h1>
<p>{text}</p>
<ul>
<li><a href="{html.escape(home)}">{html.escape(_("Accueil du portail actuel"))}</a></li>{listing}
</ul>
</main>
</body>
</html>
"""
