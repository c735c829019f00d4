"""The state of one build: sources and pages, read once, then used by every page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

from common.config import PortalConfig

from ..citations.sources import Source
from ..floor.errors import raise_if_any
from ..floor.memo import Memo
from ..pages.corpus import Corpus
from ..pages.gitdates import last_commit_dates
from .collect import Content, collect


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
    def load(cls, config: PortalConfig, known_names: Collection[str] | None = None,
             memo: Memo | None = None) -> Portal:
        """Everything read and checked by the collection step shared with `make check`;
        ContentError listing every problem. `memo`: what the owner's earlier reading found."""
        root, docs = config.root, config.docs_dir
        try:
            docs_label = docs.relative_to(root).as_posix()
        except ValueError:
            docs_label = docs.as_posix()
        content, problems = collect(
            root, docs, config, nav=config.nav, not_in_nav=config.not_in_nav,
            today=dt.date.today(), known_names=known_names,
            changed=last_commit_dates(root, docs_label), memo=memo)
        raise_if_any(problems)
        return cls(root, docs, config.bib_dir, content.sources, content.corpus,
                   redirects=content.redirects, content=content)
