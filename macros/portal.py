"""The state of one build: sources and pages, read once, then used by every page."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .citations.sources import Source, load_sources
from .corpus import Corpus, scan_docs
from .errors import ContentError
from .gitdates import last_commit_dates
from .redirects import load_redirects


@dataclass
class Portal:
    root: Path
    docs_dir: Path
    bib_dir: Path
    sources: dict[str, Source]
    corpus: Corpus
    # Errors raised inside a macro call are kept here and raised by the page hook:
    # mkdocs-macros would print a traceback for them.
    pending: list[ContentError] = field(default_factory=list)
    redirects: dict[str, str] = field(default_factory=dict)  # old .md path -> new .md path

    @classmethod
    def load(cls, config_file: str, docs_dir: str, extra: dict) -> Portal:
        root = Path(config_file).resolve().parent
        docs = Path(docs_dir).resolve()
        bib_dir = root / extra.get("bibliography_dir", "bibliography")
        sources = load_sources(bib_dir, root)
        try:
            docs_label = docs.relative_to(root).as_posix()
        except ValueError:
            docs_label = docs.as_posix()
        changed = last_commit_dates(root, docs_label)
        corpus = scan_docs(docs, docs_label, list(extra.get("dossiers", [])), sources, changed)
        redirects = load_redirects(root / "data" / "redirections.yml", "data/redirections.yml",
                                   set(corpus.pages))
        return cls(root, docs, bib_dir, sources, corpus, redirects=redirects)
