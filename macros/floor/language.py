"""The portal's editions: which language a page is written in, and where its counterpart is.

French is the source edition, at the root of docs/. Each other edition is a folder of docs/
named by its language code (`docs/en/`), whose pages keep the relative paths of their French
counterparts: `docs/en/france-travail/score-de-suspicion.md` is the English edition of
`docs/france-travail/score-de-suspicion.md`. The same rule holds under both engines (they only
see ordinary pages) and for every tool reading docs/ or site/.
"""

from __future__ import annotations

from collections.abc import Collection

from .french import format_date as french_date

SOURCE = "fr"
EDITIONS = ("en",)                 # languages with a folder of their own in docs/
LANGUAGES = (SOURCE, *EDITIONS)
NAMES = {"fr": "Français", "en": "English"}   # each language in its own words
LOCALES = {"fr": "fr_FR", "en": "en_GB"}        # Open Graph's og:locale


def language_of(path: str) -> str:
    """The language of a page of docs/ (or of site/): its first folder, if an edition's."""
    first = path.replace("\\", "/").lstrip("/").split("/", 1)[0]
    return first if first in EDITIONS else SOURCE


def source_path(path: str) -> str:
    """The French counterpart's path of `path` (itself if French)."""
    path = path.replace("\\", "/").lstrip("/")
    lang = language_of(path)
    return path if lang == SOURCE else path[len(lang) + 1:]


def edition_path(path: str, lang: str) -> str:
    """The path of `path`'s counterpart in `lang` (whether it exists or not)."""
    french = source_path(path)
    return french if lang == SOURCE else f"{lang}/{french}"


def editions_of(existing: Collection[str]) -> tuple[str, ...]:
    """The editions a site has: those whose home page (`en/index.md`) is among `existing`.
    A site without any (a fixture site, a new campaign) shows no language links at all."""
    return tuple(lang for lang in EDITIONS if f"{lang}/index.md" in existing)


def versions(path: str, existing: Collection[str]) -> dict[str, str]:
    """Every written edition of the page at `path`, language -> path, French first: the
    page itself and the counterparts that exist among `existing` (paths like `path`)."""
    found = {}
    for lang in LANGUAGES:
        candidate = edition_path(path, lang)
        if candidate == path.replace("\\", "/").lstrip("/") or candidate in existing:
            found[lang] = candidate
    return found


MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")


def format_date(year: int, month: int | None = None, day: int | None = None,
                lang: str = SOURCE) -> str:
    """A date in the reader's language: `1er juillet 2024`, `1 July 2024`."""
    if lang != "en":
        return french_date(year, month, day)
    if month is None:
        return str(year)
    return f"{MONTHS_EN[month - 1]} {year}" if day is None else \
        f"{day} {MONTHS_EN[month - 1]} {year}"


def format_day(date, lang: str = SOURCE) -> str:
    return format_date(date.year, date.month, date.day, lang)


def join_names(names: list[str], lang: str = SOURCE) -> str:
    """`A`, `A et B` / `A and B`, `A, B et C` / `A, B and C`."""
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + (" and " if lang == "en" else " et ") + names[-1]
