"""Sources joined with what preserves them: the recorded archived copy of their address
(data/archives.yml) and the campaign's own copy of the document (`file` + `sha256`).

Read once per build, after the bibliography: the sources that have either are formatted
again with it; the others keep their reference, which offers only a search for a copy.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path

from ..floor.dates import parse_date
from ..floor.errors import Problem
from .archives import ArchiveRecord, archive_field_problem
from .formatting import format_reference
from .kept import DOCUMENTS_DIR, KeptDocument, check_document
from .sources import Source


def cited_urls(sources: Mapping[str, Source], keys=None) -> dict[str, list[Source]]:
    """Each address of the bibliography (or of the sources `keys`), with its sources."""
    found: dict[str, list[Source]] = {}
    for key in sorted(sources if keys is None else keys):
        source = sources.get(key)
        if source and source.fields.get("url"):
            found.setdefault(source.fields["url"], []).append(source)
    return found


def without_copy(sources: Mapping[str, Source], keys=None) -> dict[str, list[Source]]:
    """The cited addresses with no archived copy recorded."""
    return {url: found for url, found in cited_urls(sources, keys).items()
            if not (found[0].archive and found[0].archive.copy)}


def orphan_records(records: Mapping[str, ArchiveRecord],
                   sources: Mapping[str, Source]) -> list[ArchiveRecord]:
    """Records of addresses that no entry has any more (a source removed or corrected)."""
    urls = cited_urls(sources)
    return [record for url, record in sorted(records.items()) if url not in urls]


def preserve(sources: Mapping[str, Source], records: Mapping[str, ArchiveRecord], root: Path,
             documents_dir: str = DOCUMENTS_DIR) -> tuple[dict[str, Source], list[Problem]]:
    """The sources with their records and kept documents; the problems (a kept document
    missing or changed, an `archive` field left in an entry)."""
    problems: list[Problem] = []
    texts: dict[str, str] = {}
    joined = dict(sources)
    for key, source in sources.items():
        url = source.fields.get("url")
        if source.fields.get("archive"):
            problems.append(archive_field_problem(key, url, source.fields["archive"],
                                                  source.path, source.line))
        record = records.get(url) if url else None
        document: KeptDocument | None = None
        if "file" in source.fields or "sha256" in source.fields:
            if source.path not in texts:
                try:
                    texts[source.path] = (root / source.path).read_text(encoding="utf-8")
                except (OSError, UnicodeDecodeError):
                    texts[source.path] = ""
            document, found = check_document(key, source.fields, source.path, source.line, root,
                                             texts[source.path], documents_dir)
            problems += found
        if record is None and document is None:
            continue
        formatted = format_reference(
            source.entry_type, source.fields, list(source.authors), source.date,
            parse_date(source.fields.get("urldate", "")), record, document)
        joined[key] = dataclasses.replace(source, formatted=formatted, archive=record,
                                          document=document)
    return joined, problems


def unarchived_notice(count: int, label: str) -> str:
    """The one line a publishing build prints about cited addresses with no recorded copy."""
    return (f"{count} adresse{'s' if count > 1 else ''} citée{'s' if count > 1 else ''} sans "
            f"copie archivée enregistrée dans {label} (leurs notes proposent seulement de "
            "chercher une copie) : `make archive-sources` les fait archiver, `make check` "
            "les liste")


def orphan_notice(orphans: list[ArchiveRecord], label: str) -> str:
    where = ", ".join(f"{label}:{r.line} « {r.url} »" for r in orphans)
    return (f"{len(orphans)} enregistrement(s) de {label} pour une adresse qu’aucune source ne "
            f"cite plus : {where} — supprimez-les, ou corrigez le champ `url` de l’entrée "
            "(`make archive-sources` retire ceux qui restent)")
