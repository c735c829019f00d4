"""Archived copies of the cited addresses, as recorded in `data/archives.yml`.

The copies are *recorded*, never guessed: `make archive-sources` asks the archives and writes
what they answered; a person may add a copy by hand. For each cited address (the `url` of
a BibTeX entry), a record holds:

    "https://exemple.org/rapport.pdf":
      copy: https://web.archive.org/web/20250312101500/https://exemple.org/rapport.pdf
      captured: 2025-03-12      # the day the archive made the copy
      checked: 2026-12-07       # the last day the archives and the original were asked
      state: live               # the original, when last checked: live, moved, gone, changed
      since: 2026-12-07         # since when it is in that state
      moved_to: https://…       # only for `moved`: where it now leads

A separate file rather than fields of the `.bib` entries: it is written by a program every
week, and rewriting hand-kept BibTeX (comments, field order, LaTeX) would turn each run into a
diff of every entry; one address cited by several entries has one record; and the `.bib`
files stay plain biblatex that any reference manager reads.

Pure functions: parse and check (every problem with its line and fix), render (the file as
the program writes it back), and the few facts the notes need.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..floor.errors import Problem, did_you_mean, raise_if_any
from ..floor.textfile import read_text
from ..floor.urls import is_web_url
from ..floor.yamldata import DATE_HINT, is_day, parse_yaml

ARCHIVES_DATA = "data/archives.yml"

# The original's last known state, and its French name (messages, report).
STATES = {"live": "en ligne", "moved": "déplacée", "gone": "disparue", "changed": "modifiée"}
KEYS = ("copy", "captured", "checked", "state", "since", "moved_to")

# The Wayback Machine's calendar of an address: a search, never presented as a copy.
CALENDAR = "https://web.archive.org/web/*/"

EXAMPLE = ('exemple :\n    "https://exemple.org/rapport.pdf":\n'
           "      copy: https://web.archive.org/web/20250312101500/https://exemple.org/rapport.pdf\n"
           "      captured: 2025-03-12\n      checked: 2026-12-07\n"
           "      state: live\n      since: 2026-12-07")

HEADER = """\
# Archived copies of the addresses cited in bibliography/ (see macros/citations/archives.py).
# Written by `make archive-sources` (and the weekly job), which asks the Wayback Machine and
# the other archives through Memento, and rewrites this whole file: comments other than this
# one are not kept. A copy may also be added by hand, with the day it was made:
#
#   "https://exemple.org/rapport.pdf":
#     copy: https://web.archive.org/web/20250312101500/https://exemple.org/rapport.pdf
#     captured: 2025-03-12   # day of the copy
#     checked: 2026-12-07    # last day the archives and the original were asked
#     state: live            # the original: live, moved, gone or changed
#     since: 2026-12-07      # since when it is in that state
#     moved_to: https://…    # only for `moved`
#
# An address with no copy here gets no « copie archivée » in the notes, only a link to search
# the Wayback Machine's calendar.
"""


@dataclass(frozen=True)
class ArchiveRecord:
    url: str
    copy: str | None = None
    captured: dt.date | None = None
    checked: dt.date | None = None
    state: str | None = None
    since: dt.date | None = None
    moved_to: str | None = None
    line: int | None = None  # where the record starts in the file (messages only)

    def to_yaml(self) -> str:
        lines = [f"{_quoted(self.url)}:"]
        for key in KEYS:
            value = getattr(self, key)
            if value is None:
                continue
            shown = value.isoformat() if isinstance(value, dt.date) else value
            lines.append(f"  {key}: {_quoted(shown) if key in ('copy', 'moved_to') else shown}")
        if len(lines) == 1:
            lines[0] += " {}"
        return "\n".join(lines) + "\n"

    def replace(self, **changes) -> ArchiveRecord:
        return dataclasses.replace(self, **changes)


def _quoted(value: str) -> str:
    """A YAML double-quoted scalar (JSON's escapes are YAML's)."""
    return json.dumps(value, ensure_ascii=False)


def calendar_url(url: str) -> str:
    return CALENDAR + url


def render_archives(records: Mapping[str, ArchiveRecord]) -> str:
    """The whole file, records sorted by address: the same records give the same bytes."""
    if not records:
        return HEADER + "{}\n"
    return HEADER + "\n" + "\n".join(records[url].to_yaml() for url in sorted(records))


def _date_problem(value, key: str, label: str, line: int | None) -> Problem | None:
    if value is None or is_day(value):
        return None
    return Problem(label, f"`{key}` n’est pas une date : « {value} »", line, DATE_HINT)


def _check_record(url, value, doc, label: str) -> tuple[ArchiveRecord | None, list[Problem]]:
    line = doc.line(url)
    problems: list[Problem] = []
    if not isinstance(url, str) or not is_web_url(url):
        return None, [Problem(label, f"adresse refusée : « {url} »", line,
                              "écrivez l’adresse citée telle qu’elle est dans le champ `url` de "
                              "l’entrée BibTeX, complète (http:// ou https://), entre guillemets "
                              "droits")]
    if value is None:
        value = {}
    if not isinstance(value, dict):
        return None, [Problem(label, f"l’adresse « {url} » doit être suivie d’un bloc de champs "
                                     f"(copy, captured…), pas de « {value} »", line, EXAMPLE)]
    for key in value:
        if key not in KEYS:
            problems.append(Problem(label, f"champ inconnu `{key}` pour « {url} »",
                                    doc.line(url, key),
                                    did_you_mean(str(key), KEYS, "champs possibles")))

    def where(key: str) -> int | None:
        return doc.line(url, key)

    for key in ("captured", "checked", "since"):
        problem = _date_problem(value.get(key), key, label, where(key))
        if problem:
            problems.append(problem)
    for key in ("copy", "moved_to"):
        address = value.get(key)
        if address is not None and (not isinstance(address, str) or not is_web_url(address)):
            problems.append(Problem(label, f"`{key}` refusée pour « {url} » : « {address} »",
                                    where(key), "une adresse complète en http:// ou https://, "
                                                "entre guillemets droits"))
    copy, captured = value.get("copy"), value.get("captured")
    if copy is not None and captured is None:
        problems.append(Problem(label, f"copie sans date pour « {url} » (`captured` manquant)",
                                where("copy"), "ajoutez la ligne `captured: AAAA-MM-JJ`, le jour "
                                               "où l’archive a fait la copie (dans l’adresse de la "
                                               "Wayback Machine : les 8 chiffres après /web/)"))
    if captured is not None and copy is None:
        problems.append(Problem(label, f"`captured` sans copie pour « {url} »", where("captured"),
                                "ajoutez la ligne `copy: https://…` (l’adresse de la copie), ou "
                                "supprimez la ligne `captured`"))
    if isinstance(copy, str) and copy == url:
        problems.append(Problem(label, f"la copie de « {url} » est l’adresse elle-même",
                                where("copy"), "écrivez l’adresse de la copie dans une archive "
                                               "(https://web.archive.org/web/…)"))
    state, since = value.get("state"), value.get("since")
    if state is not None and state not in STATES:
        problems.append(Problem(label, f"état inconnu pour « {url} » : « {state} »",
                                where("state"), "écrivez live (en ligne), moved (déplacée), "
                                                "gone (disparue) ou changed (modifiée)"))
    if state is not None and since is None:
        problems.append(Problem(label, f"`state` sans date pour « {url} » (`since` manquant)",
                                where("state"), "ajoutez la ligne `since: AAAA-MM-JJ`, le jour où "
                                                "cet état a été constaté"))
    if since is not None and state is None:
        problems.append(Problem(label, f"`since` sans état pour « {url} »", where("since"),
                                "ajoutez la ligne `state: live` (ou moved, gone, changed)"))
    if value.get("moved_to") is not None and state != "moved":
        problems.append(Problem(label, f"`moved_to` pour « {url} » dont l’état n’est pas "
                                       "`moved`", where("moved_to"),
                                "écrivez `state: moved`, ou supprimez la ligne `moved_to`"))
    checked = value.get("checked")
    if is_day(since) and is_day(checked) and since > checked:
        problems.append(Problem(label, f"`since` ({since}) après `checked` ({checked}) pour "
                                       f"« {url} »", where("since"),
                                "un état ne peut avoir été constaté après la dernière "
                                "vérification : corrigez l’une des deux dates"))
    if problems:
        return None, problems
    return ArchiveRecord(url, copy, captured, checked, state, since, value.get("moved_to"),
                         line), []


def parse_archives(text: str, label: str) -> dict[str, ArchiveRecord]:
    """The records of `text`, or a ContentError naming each bad line."""
    doc, problems = parse_yaml(text, label)
    raise_if_any(problems)
    if doc.data is None:
        return {}
    if not isinstance(doc.data, dict):
        raise_if_any([Problem(label, "le fichier doit associer chaque adresse citée à sa copie "
                                     "(un bloc par adresse), pas une liste ni un texte",
                              doc.line(), EXAMPLE)])
    records = {}
    for url, value in doc.data.items():
        record, found = _check_record(url, value, doc, label)
        problems += found
        if record:
            records[url] = record
    raise_if_any(problems)
    return records


def load_archives(path: Path, label: str) -> dict[str, ArchiveRecord]:
    """No file means no copy recorded yet."""
    if not path.exists():
        return {}
    text, problems = read_text(path, label)
    raise_if_any(problems)
    return parse_archives(text, label)


_WAYBACK_STAMP = re.compile(r"/web/(\d{4})(\d{2})(\d{2})\d*(?:[a-z_]{0,3})/")


def wayback_day(copy: str) -> dt.date | None:
    """The day in a Wayback Machine copy's address (`/web/20250312101500/…`)."""
    match = _WAYBACK_STAMP.search(copy)
    if not match:
        return None
    try:
        return dt.date(*map(int, match.groups()))
    except ValueError:
        return None


def archive_field_problem(key: str, url: str | None, archive: str, path: str,
                          line: int | None) -> Problem:
    """The `archive` field of a BibTeX entry is no longer read: its copy moves to the file."""
    day = wayback_day(archive)
    snippet = (f"{_quoted(url or 'https://…')}:\n      copy: {_quoted(archive)}\n"
               f"      captured: {day.isoformat() if day else 'AAAA-MM-JJ'}")
    return Problem(path, f"champ `archive` dans `{key}` : les copies archivées s’inscrivent "
                         f"désormais dans {ARCHIVES_DATA}", line,
                   f"supprimez le champ `archive` et ajoutez à {ARCHIVES_DATA} :\n    {snippet}")
