"""Publish the bibliography for reuse: the BibTeX files as they are, and CSL-JSON.

Both carry what data/archives.yml records of each address: in the BibTeX, fields added after
an entry's first line (`archiveurl`, `archivedate`, and `urlstate`, `urlstatedate` when the
original is no longer simply online); in CSL-JSON, `archive` (the archive's host) and
`archive_location` (the copy). A kept document's `file` and `sha256` are in the BibTeX as
written: the file is published at the same path from the site's root.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

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
    record = source.archive
    if record and record.copy:
        item["archive"] = urlsplit(record.copy).netloc
        item["archive_location"] = record.copy
    return item


_ENTRY_HEAD = re.compile(r"^[ \t]*@(\w+)[ \t]*[{(][ \t]*([^,\s]+)[ \t]*,", re.MULTILINE)


def archive_fields(source) -> str:
    """The BibTeX lines that say what data/archives.yml records of the entry's url."""
    record = source.archive
    if record is None:
        return ""
    lines = []
    if record.copy:
        lines += [f"  archiveurl   = {{{record.copy}}},",
                  f"  archivedate  = {{{record.captured.isoformat()}}},"]
    if record.state and record.state != "live":
        lines += [f"  urlstate     = {{{record.state}}},",
                  f"  urlstatedate = {{{record.since.isoformat()}}},"]
    return "\n" + "\n".join(lines) if lines else ""


def with_archive_fields(text: str, sources: Mapping[str, Source]) -> str:
    """`text` (a .bib file) with the recorded copies added to its entries."""
    def add(match: re.Match) -> str:
        source = sources.get(match.group(2))
        return match.group(0) + (archive_fields(source) if source else "")
    return _ENTRY_HEAD.sub(add, text)


def csl_json(sources: Mapping[str, Source]) -> str:
    items = [to_csl(sources[key]) for key in sorted(sources)]
    return json.dumps(items, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def write_exports(sources: Mapping[str, Source], bib_dir: Path, out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    bib = "\n".join(with_archive_fields(f.read_text(encoding="utf-8"), sources).rstrip() + "\n"
                    for f in sorted(bib_dir.glob("*.bib")))
    (out_dir / "bibliographie.bib").write_text(bib, encoding="utf-8")
    (out_dir / "bibliographie.json").write_text(csl_json(sources), encoding="utf-8")


def publish_documents(sources: Mapping[str, Source], root: Path, site_dir: Path) -> list[str]:
    """Copy the kept documents the entries name (those only, never the whole folder) to the
    same path under the site; their paths."""
    copied = []
    for source in sources.values():
        document = source.document
        if document is None:
            continue
        target = site_dir / document.path
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(root / document.path, target)
        copied.append(document.path)
    return sorted(copied)
