"""`make archive-sources`: an archived copy recorded for every address of the bibliography.

For each cited address, in order: the original is asked how it is (live, moved, gone); then,
if no copy is recorded or the recorded one is older than the day the source was consulted
(`urldate`), the Wayback Machine's availability API is asked for a copy near that day; if it
has none as recent, a capture is requested from Save Page Now (with the Internet Archive's
keys, when the environment gives them; never for a page found gone) and waited for; failing
that, Memento TimeTravel is asked for a copy in any other archive. What the archives answered
is recorded in data/archives.yml, written again (a temporary file, then one rename) after
each address: a run that is interrupted keeps everything it recorded, and the next one
starts where it stopped (an address given a recent enough copy today is not asked again).
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from macros.citations.archives import ArchiveRecord, load_archives, render_archives
from macros.citations.sources import Source
from macros.floor.dates import parse_date

from .archive_client import ArchiveClient, OriginalState, Snapshot, Unanswered


@dataclass
class Outcome:
    url: str
    keys: list[str]
    result: str                    # what the run did, in French (the summary's last column)
    copy: str | None = None
    captured: dt.date | None = None
    state: str | None = None
    problems: list[str] = field(default_factory=list)   # services that did not answer
    changed: bool = False


def consulted_day(sources: list[Source]) -> dt.date | None:
    """The latest `urldate` of the entries citing an address (a partial date: its first day)."""
    days = []
    for source in sources:
        date = parse_date(source.fields.get("urldate", ""))
        if date:
            days.append(dt.date(date.year, date.month or 1, date.day or 1))
    return max(days) if days else None


def needs_copy(record: ArchiveRecord | None, consulted: dt.date | None) -> bool:
    if record is None or not record.copy or record.captured is None:
        return True
    return consulted is not None and record.captured < consulted


def new_state(record: ArchiveRecord, seen: OriginalState, today: dt.date) -> ArchiveRecord:
    """The record with the original's state as just seen. A state set by hand to `changed`
    (the content drifted from what was cited) stays while the page answers."""
    if seen.state is None:
        return record
    if seen.state == "live" and record.state == "changed":
        return record
    moved_to = seen.moved_to if seen.state == "moved" else None
    if record.state == seen.state and record.moved_to == moved_to and record.since:
        return record
    return record.replace(state=seen.state, since=today, moved_to=moved_to)


def _better(candidate: Snapshot | None, best: Snapshot | None) -> Snapshot | None:
    if candidate is None:
        return best
    if best is None or candidate.captured > best.captured:
        return candidate
    return best


def archive_one(client: ArchiveClient, url: str, sources: list[Source],
                record: ArchiveRecord | None, today: dt.date) -> tuple[ArchiveRecord, Outcome]:
    """What the original and the archives say of one address, and the record to keep."""
    keys = [s.key for s in sources]
    consulted = consulted_day(sources)
    current = record or ArchiveRecord(url)
    outcome = Outcome(url, keys, "")
    answered = False

    seen = client.original(url)
    if seen.state is None:
        outcome.problems.append(f"page d’origine : {seen.detail}")
    else:
        answered = True
    updated = new_state(current, seen, today)

    if not needs_copy(updated, consulted):
        outcome.result = f"copie déjà enregistrée ({updated.captured.isoformat()})"
    else:
        best: Snapshot | None = None
        try:
            best = client.availability(url, consulted)
            answered = True
        except Unanswered as error:
            outcome.problems.append(f"Wayback Machine (disponibilité) : {error}")
        how = "trouvée dans la Wayback Machine"
        recent = best is not None and (consulted is None or best.captured >= consulted)
        if not recent and updated.state != "gone":
            if client.settings.can_capture:
                try:
                    best, how = _better(client.capture(url), best), "capturée par Save Page Now"
                    answered = True
                except Unanswered as error:
                    outcome.problems.append(f"Save Page Now : {error}")
            else:
                outcome.problems.append("Save Page Now : capture non demandée (pas de clés "
                                        "IA_S3_ACCESS_KEY et IA_S3_SECRET_KEY)")
        recent = best is not None and (consulted is None or best.captured >= consulted)
        if not recent:
            try:
                found = client.memento(url, consulted)
                answered = True
                if found is not None and _better(found, best) is found:
                    best, how = found, "trouvée par Memento TimeTravel"
            except Unanswered as error:
                outcome.problems.append(f"Memento TimeTravel : {error}")
        if best is not None and (updated.captured is None or best.captured > updated.captured):
            updated = updated.replace(copy=best.url, captured=best.captured)
            outcome.result = f"copie {how} ({best.captured.isoformat()})"
        elif updated.copy:
            outcome.result = (f"aucune copie plus récente ; copie enregistrée gardée "
                              f"({updated.captured.isoformat()})")
        else:
            outcome.result = "aucune copie trouvée"
    if answered:
        updated = updated.replace(checked=today)
    outcome.copy, outcome.captured, outcome.state = updated.copy, updated.captured, updated.state
    outcome.changed = updated != (record or ArchiveRecord(url))
    return updated, outcome


def write_atomically(path: Path, text: str) -> None:
    """A temporary file beside `path`, flushed to disk, then renamed over it: a reader (or
    an interrupted run) sees the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, mode)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def remove_leftovers(path: Path) -> None:
    """Temporary files a killed run may have left beside the file."""
    for leftover in path.parent.glob(f".{path.name}.*.tmp"):
        leftover.unlink(missing_ok=True)


@dataclass
class Run:
    outcomes: list[Outcome]
    removed: list[str]
    skipped: list[str]


def archive_sources(client: ArchiveClient, urls: Mapping[str, list[Source]], file: Path,
                    label: str, today: dt.date, say: Callable[[str], None] = print,
                    only: set[str] | None = None) -> Run:
    """Every address of `urls` (address -> sources citing it), the file written after each.
    Records of addresses no source has any more are removed."""
    remove_leftovers(file)
    records = dict(load_archives(file, label))
    removed = sorted(set(records) - set(urls))
    for url in removed:
        del records[url]
    if removed:
        write_atomically(file, render_archives(records))
    todo = [u for u in sorted(urls) if only is None or u in only]
    outcomes, skipped = [], []
    for number, url in enumerate(todo, start=1):
        record = records.get(url)
        say(f"[{number}/{len(todo)}] {url}")
        if record and record.checked == today and not needs_copy(
                record, consulted_day(urls[url])):
            say("    déjà vérifiée aujourd’hui, avec sa copie : rien à demander")
            skipped.append(url)
            continue
        updated, outcome = archive_one(client, url, urls[url], record, today)
        for problem in outcome.problems:
            say(f"    ! {problem}")
        say(f"    → {outcome.result}" + (f" ; page d’origine : {updated.state}"
                                        if updated.state else ""))
        if outcome.changed:
            records[url] = updated
            write_atomically(file, render_archives(records))
        outcomes.append(outcome)
    return Run(outcomes, removed, skipped)


STATE_FR = {"live": "en ligne", "moved": "déplacée", "gone": "disparue", "changed": "modifiée"}


def summary_markdown(run: Run, label: str) -> str:
    """The summary by source, for the terminal and the body of the pull request."""
    found = [o for o in run.outcomes if o.copy]
    lines = ["# Copies archivées des sources", "",
             f"{len(run.outcomes)} adresse{'s' if len(run.outcomes) > 1 else ''} examinée"
             f"{'s' if len(run.outcomes) > 1 else ''}, {len(found)} avec une copie archivée "
             f"enregistrée dans `{label}`"
             + (f", {len(run.skipped)} déjà à jour aujourd’hui" if run.skipped else "") + ".", ""]
    if run.outcomes:
        lines += ["| Source | Adresse | Résultat | Page d’origine |", "| --- | --- | --- | --- |"]
        for outcome in sorted(run.outcomes, key=lambda o: o.keys):
            keys = ", ".join(f"`{k}`" for k in outcome.keys)
            result = outcome.result + "".join(f" ; {p}" for p in outcome.problems)
            state = STATE_FR.get(outcome.state or "", "non vérifiée")
            lines.append(f"| {keys} | <{outcome.url}> | {result.replace('|', '/')} | {state} |")
        lines.append("")
    gone = [o for o in run.outcomes if o.state == "gone"]
    if gone:
        lines += ["## Pages d’origine disparues", ""]
        lines += [f"- {', '.join(f'`{k}`' for k in o.keys)} : <{o.url}> — "
                  + (f"copie du {o.captured.isoformat()} : <{o.copy}>" if o.copy
                     else "**aucune copie trouvée**") for o in gone]
        lines.append("")
    if run.removed:
        lines += ["## Enregistrements retirés (adresse qu’aucune source ne cite plus)", ""]
        lines += [f"- <{url}>" for url in run.removed]
        lines.append("")
    return "\n".join(lines)
