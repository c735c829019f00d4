"""The state of one build: sources and pages, read once, then used by every page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

from common.config import PortalConfig

from ..citations.sources import Source
from ..floor.errors import Problem, raise_if_any
from ..floor.kept_readings import KeptReadings
from ..floor.log import advisory
from ..floor.memo import Memo
from ..pages.corpus import Corpus
from ..pages.gitdates import last_commit_dates
from ..sitewide.placeholders import build_mode
from .collect import Content, collect
from .rules import UNFINISHED, advice, refused, severity_of, unfinished_by_page


@dataclass
class Portal:
    root: Path
    docs_dir: Path
    bib_dir: Path
    sources: dict[str, Source]
    corpus: Corpus
    redirects: dict[str, str] = field(default_factory=dict)  # old .md path -> new .md path
    content: Content | None = None
    # The preview's drafts: page file label -> what is left before it can be published.
    unfinished: dict[str, list[Problem]] = field(default_factory=dict)

    @classmethod
    def load(cls, config: PortalConfig, known_names: Collection[str] | None = None,
             drafts: bool = False, memo: Memo | None = None) -> Portal:
        """Everything read and checked by the collection step shared with `make check`;
        ContentError listing every problem refused (macros/assembly/rules.py), advice said.
        `drafts` (the preview only): unfinished pages are kept, with what is left, instead
        of refused. `memo`: what the owner's earlier reading found."""
        root, docs = config.root, config.docs_dir
        try:
            docs_label = docs.relative_to(root).as_posix()
        except ValueError:
            docs_label = docs.as_posix()
        content, problems = collect(
            root, docs, config, nav=config.nav, not_in_nav=config.not_in_nav,
            today=dt.date.today(), known_names=known_names,
            changed=last_commit_dates(root, docs_label), memo=memo,
            kept=KeptReadings.of_project(root))
        publishing = build_mode(config.build) == "publish"
        refusals = refused(problems, publishing)
        unfinished = unfinished_by_page(refusals, publishing) if drafts else {}
        raise_if_any(p for p in refusals
                     if not drafts or severity_of(p, publishing) != UNFINISHED)
        # With the mistakes, advice could be one of their effects: said after.
        for problem in advice(problems, publishing):
            advisory.warning("%s", problem)
        return cls(root, docs, config.bib_dir, content.sources, content.corpus,
                   redirects=content.redirects, content=content, unfinished=unfinished)
