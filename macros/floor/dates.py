"""Dates as sources and data files write them: `2024`, `2024-07`, `2024-07-12`."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .french import format_date

_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@dataclass(frozen=True)
class PartialDate:
    year: int
    month: int | None = None
    day: int | None = None

    def french(self) -> str:
        return format_date(self.year, self.month, self.day)


def parse_date(value: str) -> PartialDate | None:
    match = _DATE.match(value.strip())
    if not match:
        return None
    year, month, day = (int(g) if g else None for g in match.groups())
    try:
        dt.date(year, month or 1, day or 1)
    except ValueError:
        return None
    return PartialDate(year, month, day)
