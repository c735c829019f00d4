"""French formatting shared by every module: dates and lists of names."""

from __future__ import annotations

import datetime as dt

MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)


def format_date(year: int, month: int | None = None, day: int | None = None) -> str:
    """`2024`, `juin 2024`, `25 juin 2024`, `1er juillet 2024`."""
    if month is None:
        return str(year)
    if day is None:
        return f"{MONTHS[month - 1]} {year}"
    ordinal = "1er" if day == 1 else str(day)
    return f"{ordinal} {MONTHS[month - 1]} {year}"


def format_day(date: dt.date) -> str:
    return format_date(date.year, date.month, date.day)


def join_names(names: list[str]) -> str:
    """`A`, `A et B`, `A, B et C`."""
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " et " + names[-1]
