"""The built site's pages compacted (compact.py), each read once for every site-wide step,
and what those steps learn of a page kept under the digest of the page as the engine wrote it.

A warm build writes the same pages as the last one: `.cache/pages/` gives each one's compacted
bytes, the classes it carries (theme_css.py) and the digest of what the search index reads of
it (search.py), so an unchanged page is hashed and written, not compacted, scanned and cut
again (0.7 s of work at 1,000 pages). The cache is one file, rewritten when a page changed,
and belongs to the code that made it: a change to one of the modules that compute a page's
entry empties it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..floor.kept_readings import KeptReadings
from ..floor.kept_readings import digest as digest_of
from . import compact, icons, search, theme_css, theme_markup
from .compact import compact_page
from .search import INDEXED_MARK, indexed_part
from .theme_css import classes_in_html

# One reading, always the last build's: `.cache/pages/built-pages….pickle`.
CACHE_NAME, CACHE_KEY = "built", "pages"


class BuiltPage:
    """A page as compact_site wrote it: its bytes, its text (decoded when asked), the class
    names it carries (space-separated) and the digest of what the search index reads of it
    ("" for a page the index skips)."""

    __slots__ = ("_html", "_part", "classes", "data", "indexed")

    def __init__(self, data: bytes, classes: str, indexed: str, html: str | None = None,
                 part: str | None = None) -> None:
        self.data, self.classes, self.indexed = data, classes, indexed
        self._html, self._part = html, part

    @classmethod
    def of(cls, html: str) -> BuiltPage:
        """A compacted page, with what the steps learn of it."""
        part = indexed_part(html) if INDEXED_MARK in html else ""
        return cls(html.encode("utf-8"), " ".join(sorted(classes_in_html(html))),
                   hashlib.sha256(part.encode("utf-8")).hexdigest() if part else "", html, part)

    @property
    def html(self) -> str:
        if self._html is None:
            self._html = self.data.decode("utf-8")
        return self._html

    def indexed_part(self) -> str:
        """What the search index reads of the page (search.py: `indexed_part`), cut once."""
        if self._part is None:
            self._part = indexed_part(self.html)
        return self._part


def code_digest() -> str:
    """The digest of the modules that compute a page's entry: another code, another cache."""
    return digest_of(*(Path(module.__file__).read_bytes()
                       for module in (compact, icons, theme_markup, theme_css, search)))


class PageCache:
    """The entries of the last build's pages, by digest of the page as the engine wrote it:
    (compacted bytes, classes, search digest). Kept as the collection step keeps its
    readings (floor/kept_readings.py: written beside then renamed, private, what cannot be
    read is no cache), under the digest of the modules that compute an entry."""

    def __init__(self, folder: Path) -> None:
        self.kept = KeptReadings(folder, code_digest())
        self._old: dict[str, tuple[bytes, str, str]] | None = None
        self.new: dict[str, tuple[bytes, str, str]] = {}

    def _entries(self) -> dict[str, tuple[bytes, str, str]]:
        if self._old is None:
            self._old = self.kept.load(CACHE_NAME, CACHE_KEY) or {}
        return self._old

    def get(self, digest: str) -> BuiltPage | None:
        entry = self._entries().get(digest)
        if entry is None:
            return None
        self.new[digest] = entry
        return BuiltPage(*entry)

    def put(self, digest: str, page: BuiltPage) -> None:
        self.new[digest] = (page.data, page.classes, page.indexed)

    def store(self, keep_others: bool = False) -> None:
        """Written when it changed: the entries of this build's pages (and, `keep_others`,
        those of the pages a quick preview did not read)."""
        old = self._entries()
        pages = {**old, **self.new} if keep_others else self.new
        if pages.keys() != old.keys():
            self.kept.save(CACHE_NAME, CACHE_KEY, pages)


def _text(data: bytes) -> str:
    """A page's text as a file opened as text reads it (its line ends made newlines)."""
    text = data.decode("utf-8")
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def compact_site(site_dir: Path, written_since: float | None = None,
                 cache: PageCache | None = None) -> dict[Path, BuiltPage]:
    """Every page of a built site compacted (compact.py: `compact_page`), each page known
    to `cache` taken from it.
    Compacting a compacted page changes nothing, so a quick preview gives `written_since`
    (a time) and only the pages it rewrote are read.
    Returns each page read, as now written: the stylesheet's pruning and the search index
    read them from here."""
    pages = {}
    for path in site_dir.rglob("*.html"):
        if written_since is not None and path.stat().st_mtime < written_since:
            continue
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        page = cache.get(digest) if cache is not None else None
        if page is None:
            page = BuiltPage.of(compact_page(_text(data)))
            if cache is not None:
                cache.put(digest, page)
        if page.data != (data if b"\r" not in data else _text(data).encode("utf-8")):
            path.write_bytes(page.data)
        pages[path] = page
    if cache is not None:
        cache.store(keep_others=written_since is not None)
    return pages
