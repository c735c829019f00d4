"""Quick preview rebuilds: after an edit of page texts only, rebuild the pages it touches.

A full build of a portal of 1,000 investigations takes tens of seconds; a campaigner who
saves an investigation waits for that page. When only Markdown pages changed, the preview
rebuilds those pages (MkDocs' "dirty" build, which keeps the other pages of the previous
build), plus the pages made by macros (listings, news, sources) when what they show
changed: the front matter, the citations or the charts of a page. Any other change (a
source, data, code, a template, mkdocs.yml, a page added or removed), or a previous build
that showed the error page, rebuilds everything. The content is still collected and
checked in full at every build: a mistake anywhere is never hidden by a quick rebuild.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from mkdocs.structure.files import File

from macros.citations.syntax import find_citations
from macros.pages.corpus import chart_calls
from macros.pages.frontmatter import front_matter_text
from macros.pages.templates import has_macros

ERROR_MARK = 'id="portal-preview-error"'


def signature(text: str) -> tuple:
    """What other pages show of a page: its front matter, citations and charts."""
    keys = sorted({c.key for g in find_citations(text) for c in (g.citations or ())})
    return front_matter_text(text), tuple(keys), tuple(sorted(chart_calls(text)))


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return ""


class SourceState:
    """The files the portal is made from, as of the last build."""

    def __init__(self, docs_dir: Path, others: Iterable[Path]):
        self.docs_dir = docs_dir
        self.others = [path for path in others if path.exists()]
        self.stamps = self._stamps()
        self.signatures = {path: signature(_read(self.docs_dir / path))
                           for path in self._pages(self.stamps)}
        self.macro_pages = {path for path in self.signatures
                            if has_macros(_read(self.docs_dir / path))}
        self.changed: list[str] = []  # the files changed before the last plan

    def _stamps(self) -> dict[str, tuple[float, int]]:
        stamps = {}
        for top in (self.docs_dir, *self.others):
            files = [top] if top.is_file() else (p for p in top.rglob("*") if p.is_file())
            for path in files:
                try:
                    stat = path.stat()
                except OSError:
                    continue
                stamps[str(path)] = (stat.st_mtime, stat.st_size)
        return stamps

    def _pages(self, stamps: dict) -> list[str]:
        prefix = str(self.docs_dir) + "/"
        return [name[len(prefix):] for name in stamps
                if name.startswith(prefix) and name.endswith(".md")]

    def plan(self) -> list[str] | None:
        """The pages to rebuild since the last call, or None: rebuild everything."""
        stamps = self._stamps()
        previous, self.stamps = self.stamps, stamps
        changed = sorted(name for name in stamps.keys() | previous.keys()
                         if stamps.get(name) != previous.get(name))
        prefix = str(self.docs_dir) + "/"
        if not changed or set(stamps) != set(previous) or any(
                not (name.startswith(prefix) and name.endswith(".md")) for name in changed):
            self.__init__(self.docs_dir, self.others)  # read everything afresh
            self.changed = changed
            return None
        self.changed = changed
        pages = [name[len(prefix):] for name in changed]
        touched = set(pages)
        for page in pages:
            text = _read(self.docs_dir / page)
            new = signature(text)
            if new != self.signatures.get(page):
                touched |= self.macro_pages
            self.signatures[page] = new
            if has_macros(text):
                self.macro_pages.add(page)
            else:
                self.macro_pages.discard(page)
        return sorted(touched)


def forget_pages(pages: Iterable[str], docs_dir: Path, site_dir: Path,
                 use_directory_urls: bool) -> None:
    """Remove the built pages, so that a dirty build renders them again."""
    for page in pages:
        target = Path(File(page, str(docs_dir), str(site_dir), use_directory_urls).abs_dest_path)
        target.unlink(missing_ok=True)


def last_build_failed(site_dir: Path) -> bool:
    index = site_dir / "index.html"
    return not index.is_file() or ERROR_MARK in _read(index)
