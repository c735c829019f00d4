"""Known mirrors of the portal, from `data/miroirs.yml`, listed on the « Miroirs » page.

Each entry: `nom`, `url` (https only), `organisation`, optional `date` (since when it mirrors).
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from .errors import Problem, did_you_mean, raise_if_any
from .french import format_day
from .frontmatter import DateTolerantLoader

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


def _check_entry(node: yaml.Node, value, label: str) -> tuple[Mirror | None, list[Problem]]:
    line = node.start_mark.line + 1
    if not isinstance(value, dict):
        return None, [Problem(label, "chaque miroir doit être un bloc de champs "
                                     "`nom`, `url`, `organisation`", line, EXAMPLE)]
    key_lines = {k.value: k.start_mark.line + 1 for k, _ in node.value}
    problems = []
    for key in value:
        if key not in KEYS:
            problems.append(Problem(label, f"champ inconnu `{key}`", key_lines.get(key, line),
                                    did_you_mean(str(key), KEYS, "champs possibles")))
    for key in REQUIRED:
        if not isinstance(value.get(key), str) or not value[key].strip():
            problems.append(Problem(label, f"champ `{key}` manquant ou vide",
                                    key_lines.get(key, line), EXAMPLE))
    url = value.get("url")
    if isinstance(url, str) and url.strip() and not _is_https(url.strip()):
        problems.append(Problem(label, f"adresse refusée : « {url} »", key_lines["url"],
                                "une adresse complète en https://, par exemple "
                                "https://exemple.org/miroirs/france-travail/"))
    since = value.get("date")
    if since is not None and not (isinstance(since, dt.date)
                                  and not isinstance(since, dt.datetime)):
        problems.append(Problem(label, f"`date` n’est pas une date : « {since} »",
                                key_lines["date"], "écrivez la date sous la forme AAAA-MM-JJ, "
                                                   "sans guillemets, par exemple 2025-01-15"))
    if problems:
        return None, problems
    return Mirror(value["nom"].strip(), url.strip(), value["organisation"].strip(), since), []


def parse_mirrors(text: str, label: str) -> list[Mirror]:
    """The mirrors listed in `text` (YAML), or a ContentError naming each bad line."""
    try:
        node = yaml.compose(text, Loader=DateTolerantLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise_if_any([Problem(label, f"fichier YAML illisible : {getattr(error, 'problem', '')}",
                              mark.line + 1 if mark else None,
                              "vérifiez l’indentation ; mettez entre guillemets les valeurs "
                              "qui contiennent « : »")])
    if node is None:
        return []
    if not isinstance(node, yaml.SequenceNode):
        raise_if_any([Problem(label, "le fichier doit être une liste de miroirs (lignes "
                                     "commençant par « - »)", node.start_mark.line + 1, EXAMPLE)])
    loader = DateTolerantLoader("")
    mirrors, problems = [], []
    for item in node.value:
        mirror, found = _check_entry(item, loader.construct_object(item, deep=True), label)
        problems += found
        if mirror:
            mirrors.append(mirror)
    raise_if_any(problems)
    return mirrors


def load_mirrors(path: Path, label: str) -> list[Mirror]:
    """No file means no mirror yet."""
    return parse_mirrors(path.read_text(encoding="utf-8"), label) if path.exists() else []


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
