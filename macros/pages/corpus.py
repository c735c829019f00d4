"""Scan every Markdown page of docs/ once per build.

The scan validates front matter and citation keys against the source file (so
messages carry exact line numbers), and gives what listings and the
bibliography page need: investigations by dossier, and which pages cite what.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path

from ..citations.notes import check_citations
from ..citations.sources import Source
from ..citations.syntax import find_citations, unclosed_markup
from ..floor.errors import Problem, did_you_mean
from ..floor.kept_readings import KeptReadings, digest
from ..floor.language import SOURCE, language_of, source_path
from ..floor.markdown_spans import code_spans
from ..floor.memo import Memo
from ..floor.textfile import decode
from .easyread import front_problems as easy_read_problems
from .frontmatter import split_front_matter, validate
from .templates import template_problems
from .typography import check as check_typography


@dataclass(frozen=True)
class PageRecord:
    path: str          # relative to docs/, e.g. "france-travail/score-de-suspicion.md"
    file_path: str     # as shown in messages, e.g. "docs/france-travail/score-de-suspicion.md"
    meta: dict
    dossier: str | None
    cited: tuple[str, ...]  # source keys, in order of first citation
    changed: dt.date | None = None  # last commit that touched the file
    # The charts the page shows (`{{ chart("id") }}`), each with the line of its first call.
    chart_lines: dict[str, int] = dataclasses.field(default_factory=dict)

    @property
    def charts(self) -> tuple[str, ...]:
        return tuple(self.chart_lines)

    @property
    def title(self) -> str:
        return str(self.meta.get("title", ""))

    @property
    def date(self) -> dt.date | None:
        return self.meta.get("date")

    @property
    def summary(self) -> str:
        return str(self.meta.get("summary") or "")

    @property
    def authors(self) -> list[str]:
        return list(self.meta.get("authors") or [])

    @property
    def reply(self) -> dict | None:
        return self.meta.get("reply")

    @property
    def updates(self) -> list[dict]:
        """Dated updates, newest first."""
        return sorted(self.meta.get("updates") or [], key=lambda u: u["date"], reverse=True)

    @property
    def updated(self) -> dt.date | None:
        """Latest update from front matter, else the last commit, if after publication."""
        candidates = [u["date"] for u in self.updates[:1]] or [self.changed]
        latest = candidates[0]
        if latest and (self.date is None or latest > self.date):
            return latest
        return None

    def extra_texts(self) -> list[str]:
        """Markdown from front matter that is shown on the page (reply, updates)."""
        texts = [u["text"] for u in self.updates]
        if self.reply:
            texts.append(self.reply["text"])
        return texts


@dataclass(frozen=True)
class Corpus:
    pages: dict[str, PageRecord]
    # Each page's Markdown as read (docs-relative path -> text), for the link check.
    texts: dict[str, str] = dataclasses.field(default_factory=dict, repr=False)

    def investigations(self, dossier: str | None = None) -> list[PageRecord]:
        """Newest first; same day: by title."""
        found = [p for p in self.pages.values()
                 if p.dossier is not None and (dossier is None or p.dossier == dossier)]
        found.sort(key=lambda p: p.title.casefold())
        found.sort(key=lambda p: p.date, reverse=True)
        return found

    def chart_ids(self) -> list[str]:
        """Every chart shown, in the order of the pages that show it first."""
        return list(dict.fromkeys(c for page in self.pages.values() for c in page.charts))

    def cited_in(self) -> dict[str, list[PageRecord]]:
        index: dict[str, list[PageRecord]] = {}
        for page in sorted(self.pages.values(), key=lambda p: p.title.casefold()):
            for key in page.cited:
                index.setdefault(key, []).append(page)
        return index


def dossier_of(path: str, dossiers: list[str]) -> str | None:
    """The dossier an investigation belongs to: `<dossier>/<slug>.md`, not its index."""
    parts = path.split("/")
    if len(parts) == 2 and parts[0] in dossiers and parts[1] != "index.md":
        return parts[0]
    return None


# The one pattern of a chart call, `{{ chart("<id>") }}`, for the build and the preview.
CHART_CALL = re.compile(r"""\{\{[^}]*?\bchart\(\s*["']([^"']+)["']""")
# A dossier named by a macro: `investigations("x")`, `latest_publications(5, dossier="x")`.
_DOSSIER_CALL = re.compile(r"""\{\{[^}]*?\b(?:investigations\(\s*|latest_publications\([^)]*?"""
                           r"""dossier\s*=\s*)["']([^"']+)["']""")


def _line_in(text: str, needle: str) -> int | None:
    at = text.find(needle)
    return text.count("\n", 0, at) + 1 if at >= 0 else None


# The placeholder text of `make new-article`: an article still holding it is not finished.
PLACEHOLDER = "Texte à écrire."


def placeholder_problems(body: str, label: str, body_line: int) -> list[Problem]:
    if PLACEHOLDER not in body:
        return []
    spans = code_spans(body)
    problems = []
    for match in re.finditer(re.escape(PLACEHOLDER), body):
        if not any(a <= match.start() < b for a, b in spans):
            problems.append(Problem(label, f"texte provisoire « {PLACEHOLDER} » encore en place",
                                    body_line + body.count("\n", 0, match.start()),
                                    "écrivez le texte de cette section, ou supprimez la section"))
    return problems


def collect_docs(docs_dir: Path, docs_label: str, dossiers: list[str],
                 sources: Mapping[str, Source],
                 changed: Mapping[str, dt.date] | None = None,
                 broken_keys: Collection[str] = (),
                 today: dt.date | None = None,
                 known_names: Collection[str] | None = None,
                 memo: Memo | None = None,
                 kept: tuple[KeptReadings, str] | None = None) -> tuple[Corpus, list[Problem]]:
    """Every page read and checked, and every problem found.

    `broken_keys`: keys of BibTeX entries that have a problem of their own (citing them is
    not reported again); `today`: later dates are refused; `known_names`: the macros and
    variables a page may use (None: not checked); `memo`: what an earlier reading by the
    same owner found (a preview's rebuild reads again only the pages that changed); `kept`:
    where an earlier build process kept its readings, and a digest of what the sources were
    read from (a new build reads again only the pages that changed)."""
    cache = (memo or Memo()).slot("pages")
    problems: list[Problem] = []
    pages: dict[str, PageRecord] = {}
    texts: dict[str, str] = {}
    for dossier in dossiers:
        if not (docs_dir / dossier).is_dir():
            problems.append(Problem("mkdocs.yml", f"dossier introuvable : `{dossier}`",
                                    hint=f"créez {docs_label}/{dossier}/ ou retirez-le "
                                         "de `extra.dossiers`"))
    known = None if known_names is None else dict.fromkeys(known_names) | (
        dict(known_names) if isinstance(known_names, Mapping) else {})
    # What a page's reading depends on besides its file (compared by identity: a preview
    # rebuild reuses the sources read before while the .bib files are unchanged).
    context = (sources, broken_keys, today, tuple(dossiers), docs_label,
               None if known is None else frozenset(known))
    before, now, kept_key = {}, {}, ""
    if kept:
        kept_key = digest(kept[1], repr(sorted(broken_keys)), str(today), repr(dossiers),
                          docs_label, repr(None if known is None else sorted(known)))
        before = kept[0].load("pages", kept_key) or {}
    for file in sorted(docs_dir.rglob("*.md")):
        path = file.relative_to(docs_dir).as_posix()
        text, record, found = _read_page_cached(file, path, context, known, cache, before)
        now[path] = (cache[file][0], record, found)
        problems += found
        if text is None:
            continue
        texts[path] = text
        pages[path] = dataclasses.replace(record, changed=(changed or {}).get(path))
    if kept and now != before:  # a page read again, added or removed
        kept[0].save("pages", kept_key, now)
    return Corpus(pages, texts), problems


def _same_context(a: tuple, b: tuple) -> bool:
    return a[0] is b[0] and a[1] is b[1] and a[2:] == b[2:]


def _read_page_cached(file: Path, path: str, context: tuple, known: dict | None,
                      cache: dict[Path, tuple], stored: Mapping[str, tuple]):
    """`cache`: path -> (content digest, context, result), this process's, updated;
    `stored`: page path -> (content digest, record, problems), kept on disk by an earlier
    process for the same context (the text is the file's, decoded again)."""
    data = file.read_bytes()
    stamp = hashlib.blake2b(data, digest_size=16).digest()  # the content, not the clock
    cached = cache.get(file)
    if cached and cached[0] == stamp and _same_context(cached[1], context):
        return cached[2]
    sources, broken_keys, today, dossiers, docs_label, _ = context
    label = f"{docs_label}/{path}"
    kept = stored.get(path)
    if kept and kept[0] == stamp:
        result = (decode(data, label)[0] if kept[1] is not None else None, *kept[1:])
    else:
        result = _read_page(data, path, label, list(dossiers), sources, broken_keys, today,
                            known)
    cache[file] = (stamp, context, result)
    return result


def _read_page(data: bytes, path: str, label: str, dossiers: list[str],
               sources: Mapping[str, Source], broken_keys: Collection[str],
               today: dt.date | None, known: dict | None,
               ) -> tuple[str | None, PageRecord | None, list[Problem]]:
    """One page read and checked: its text, its record and its problems."""
    text, problems = decode(data, label)
    if text is None:
        return None, None, problems
    front, found = split_front_matter(text, label)
    dossier = dossier_of(path, dossiers)
    # An edition's investigation (docs/en/<dossier>/<slug>.md) has an investigation's front
    # matter; it is not listed among the dossier's (French) investigations.
    translated = language_of(path) != SOURCE and dossier_of(source_path(path), dossiers)
    if not found:
        found = validate(front, label, investigation=dossier is not None or bool(translated),
                         today=today)
    problems += found
    offset = front.body_line - 1
    problems += [Problem(label, message, line + offset, hint)
                 for line, message, hint in unclosed_markup(front.body)]
    if dossier is not None:
        problems += placeholder_problems(front.body, label, front.body_line)
    if language_of(path) == SOURCE:  # French typography (make fix-typography)
        problems += check_typography(text, label)
    problems += easy_read_problems(front, label)  # the « facile à lire » block's measures
    if front.meta.get("render_macros") is not False:
        problems += template_problems(front.body, label, front.body_line,
                                      known and dict.fromkeys(map(str, front.meta)) | known)

    groups = list(find_citations(front.body))
    problems += check_citations(groups, sources, label, line_offset=offset,
                                broken=broken_keys)
    record = PageRecord(path, label, front.meta, dossier, ())
    if not found:  # front matter valid: its texts can be read
        for extra in record.extra_texts():
            for group in find_citations(extra):
                line = _line_in(text, group.text) or 1
                problems += check_citations([group], sources, label, line - group.line,
                                            broken=broken_keys)
                groups.append(group)
    cited = tuple(dict.fromkeys(c.key for g in groups for c in (g.citations or ())))
    for call in _DOSSIER_CALL.finditer(front.body):
        if call.group(1) not in dossiers:
            problems.append(Problem(label, f"dossier inconnu `{call.group(1)}`",
                                    front.body_line + front.body.count("\n", 0, call.start()),
                                    did_you_mean(call.group(1), dossiers, "dossiers connus")))
    chart_lines: dict[str, int] = {}
    for call in CHART_CALL.finditer(front.body):
        chart_lines.setdefault(call.group(1),
                               front.body_line + front.body.count("\n", 0, call.start()))
    return text, dataclasses.replace(record, cited=cited, chart_lines=chart_lines), problems


def chart_calls(text: str) -> list[str]:
    """The ids of the charts `text` shows, in order, each once."""
    return list(dict.fromkeys(CHART_CALL.findall(text)))
