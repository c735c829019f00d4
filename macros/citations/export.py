"""Publish the bibliography for reuse: the BibTeX files as they are, and CSL-JSON."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from ..floor.dates import parse_date
from .sources import Source

CSL_TYPES = {
    "report": "report", "techreport": "report", "legislation": "legislation",
    "jurisdiction": "legal_case", "book": "book", "incollection": "chapter",
    "thesis": "thesis", "article": "article-newspaper", "online": "webpage",
    "unpublished": "manuscript",
}
# Our field -> CSL variable, for plain text variables.
CSL_FIELDS = {
    "title": "title", "journaltitle": "container-title", "booktitle": "container-title",
    "publisher": "publisher", "location": "publisher-place", "number": "number",
    "type": "genre", "note": "note", "url": "URL", "pages": "page",
}


def _date_parts(value) -> dict:
    parts = [value.year] + [p for p in (value.month, value.day) if p]
    return {"date-parts": [parts]}


def _names(source: Source) -> list[dict]:
    names = []
    for person in source.authors:
        given, _, family = person.rpartition(" ")
        names.append({"family": family, "given": given} if given else {"literal": person})
    return names


def to_csl(source: Source) -> dict:
    item: dict = {"id": source.key, "type": CSL_TYPES[source.entry_type]}
    for field, variable in CSL_FIELDS.items():
        if source.fields.get(field):
            item[variable] = source.fields[field]
    if source.authors:
        item["author"] = _names(source)
    if source.fields.get("institution"):
        key = "authority" if source.entry_type == "jurisdiction" else "publisher"
        item.setdefault(key, source.fields["institution"])
    if source.date:
        item["issued"] = _date_parts(source.date)
    urldate = parse_date(source.fields.get("urldate", ""))
    if urldate:
        item["accessed"] = _date_parts(urldate)
    return item


def csl_json(sources: Mapping[str, Source]) -> str:
    items = [to_csl(sources[key]) for key in sorted(sources)]
    return json.dumps(items, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def write_exports(sources: Mapping[str, Source], bib_dir: Path, out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    bib = "\n".join(f.read_text(encoding="utf-8").rstrip() + "\n"
                    for f in sorted(bib_dir.glob("*.bib")))
    (out_dir / "bibliographie.bib").write_text(bib, encoding="utf-8")
    (out_dir / "bibliographie.json").write_text(csl_json(sources), encoding="utf-8")
