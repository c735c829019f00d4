"""The state of one build: sources and pages, read once, then used by every page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

from .citations.sources import Source
from .collect import Content, collect
from .corpus import Corpus
from .errors import raise_if_any
from .gitdates import last_commit_dates


@dataclass
class Portal:
    root: Path
    docs_dir: Path
    bib_dir: Path
    sources: dict[str, Source]
    corpus: Corpus
    redirects: dict[str, str] = field(default_factory=dict)  # old .md path -> new .md path
    content: Content | None = None

    @classmethod
    def load(cls, config_file: str, docs_dir: str, extra: dict, nav=None, not_in_nav=None,
             known_names: Collection[str] | None = None) -> Portal:
        """Everything read and checked by the collection step shared with `make check`;
        ContentError listing every problem."""
        root = Path(config_file).resolve().parent
        docs = Path(docs_dir).resolve()
        try:
            docs_label = docs.relative_to(root).as_posix()
        except ValueError:
            docs_label = docs.as_posix()
        config_path = Path(config_file)
        content, problems = collect(
            root, docs, extra, nav=nav, not_in_nav=not_in_nav,
            config_text=config_path.read_text(encoding="utf-8") if config_path.is_file() else "",
            today=dt.date.today(), known_names=known_names,
            changed=last_commit_dates(root, docs_label))
        raise_if_any(problems)
        bib_dir = root / extra.get("bibliography_dir", "bibliography")
        return cls(root, docs, bib_dir, content.sources, content.corpus,
                   redirects=content.redirects, content=content)
