"""Known mirrors of the portal, from `data/miroirs.yml`, listed on the « Miroirs » page.

Each entry: `nom`, `url` (https only), `organisation`, optional `date` (since when it mirrors).
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from ..floor.errors import Problem, did_you_mean, raise_if_any
from ..floor.french import format_day
from ..floor.textfile import read_text
from ..floor.yamldata import DATE_HINT, YamlDoc, is_day, parse_yaml

REQUIRED = ("nom", "url", "organisation")
KEYS = (*REQUIRED, "date")
EXAMPLE = ("exemple :\n    - nom: Miroir de l’association X\n"
           "      url: https://exemple.org/miroirs/france-travail/\n"
           "      organisation: Association X\n      date: 2025-01-15")


@dataclass(frozen=True)
class Mirror:
    name: str
    url: str
    organisation: str
    since: dt.date | None = None


def _is_https(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme == "https" and bool(parts.netloc) and not any(c.isspace() for c in url)


def _check_entry(doc: YamlDoc, index: int, value, label: str,
                 ) -> tuple[Mirror | None, list[Problem]]:
    line = doc.line(index)
    if not isinstance(value, dict):
        return None, [Problem(label, "chaque miroir doit être un bloc de champs "
                                     f"`nom`, `url`, `organisation` : « {value} »", line, EXAMPLE)]
    problems = []
    for key in value:
        if key not in KEYS:
            problems.append(Problem(label, f"champ inconnu `{key}`", doc.line(index, key),
                                    did_you_mean(str(key), KEYS, "champs possibles")))
    for key in REQUIRED:
        if not isinstance(value.get(key), str) or not value[key].strip():
            shown = f" : « {value[key]} »" if value.get(key) not in (None, "") else ""
            problems.append(Problem(label, f"champ `{key}` manquant ou vide{shown}",
                                    doc.line(index, key), EXAMPLE))
    url = value.get("url")
    if isinstance(url, str) and url.strip() and not _is_https(url.strip()):
        problems.append(Problem(label, f"adresse refusée : « {url} »", doc.line(index, "url"),
                                "une adresse complète en https://, par exemple "
                                "https://exemple.org/miroirs/france-travail/"))
    since = value.get("date")
    if since is not None and not is_day(since):
        problems.append(Problem(label, f"`date` n’est pas une date : « {since} »",
                                doc.line(index, "date"), DATE_HINT))
    if problems:
        return None, problems
    return Mirror(value["nom"].strip(), url.strip(), value["organisation"].strip(), since), []


def parse_mirrors(text: str, label: str) -> list[Mirror]:
    """The mirrors listed in `text` (YAML), or a ContentError naming each bad line."""
    doc, problems = parse_yaml(text, label)
    raise_if_any(problems)
    if doc.data is None:
        return []
    if not isinstance(doc.data, list):
        raise_if_any([Problem(label, "le fichier doit être une liste de miroirs (lignes "
                                     "commençant par « - »)", doc.line(), EXAMPLE)])
    mirrors = []
    for index, value in enumerate(doc.data):
        mirror, found = _check_entry(doc, index, value, label)
        problems += found
        if mirror:
            mirrors.append(mirror)
    raise_if_any(problems)
    return mirrors


def load_mirrors(path: Path, label: str) -> list[Mirror]:
    """No file means no mirror yet."""
    if not path.exists():
        return []
    text, problems = read_text(path, label)
    raise_if_any(problems)
    return parse_mirrors(text, label)


def render_mirrors(mirrors: list[Mirror]) -> str:
    """HTML list of the mirrors, or a sentence saying there is none yet."""
    if not mirrors:
        return ('<p class="mirrors-none">Aucun miroir n’est encore déclaré. '
                "Le vôtre peut être le premier : voir ci-dessous.</p>\n")
    items = []
    for mirror in mirrors:
        since = (f' — depuis le <time datetime="{mirror.since.isoformat()}">'
                 f"{format_day(mirror.since)}</time>" if mirror.since else "")
        items.append(f'<li><a href="{html.escape(mirror.url)}">{html.escape(mirror.name)}</a>'
                     f", par {html.escape(mirror.organisation)}{since}</li>")
    return '<ul class="mirrors">\n' + "\n".join(items) + "\n</ul>\n"
