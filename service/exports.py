"""CSV for spreadsheets: every CSV the organisers' commands write goes through `csv_text`,
so no cell can run as a formula when the file is opened (CSV injection)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

# What a spreadsheet may read as the start of a formula (TAB and CR: some strip them first).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """`value` as text, prefixed with ' if a spreadsheet would take it for a formula."""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_text(header: list[str], rows: Iterable[Iterable[object]]) -> str:
    """A whole CSV file, every cell (the header too) made safe."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([safe_cell(h) for h in header])
    writer.writerows([safe_cell(c) for c in row] for row in rows)
    return out.getvalue()
