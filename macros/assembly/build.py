"""One build of the portal, whichever engine runs it: what it read before its first page
(`Assembled`), the page being built (`PageWork`), and what the page macros' calls keep for
the pipeline. The engines' adapters (macros/engine/session.py) hold one and hand it their
pages; the page macros (assembly/page_macros.py) read it when a page calls them."""

from __future__ import annotations

import functools
import inspect
import time
from collections.abc import Mapping
from pathlib import Path

from common.config import PortalConfig

from ..action import Action
from ..charts import Charts
from ..floor.errors import ContentError, Problem
from ..floor.memo import Memo
from ..floor.stash import HtmlStash
from ..pages.templates import call_line, call_problem
from ..sitewide.frozen import LISTING_PAGE
from .assembled import Assembled
from .pipeline import PageLike, PagePipeline, PageWork
from .portal import Portal
from .publication import Publication


def page_flags(docs_dir: Path) -> dict[str, bool]:
    """What the templates read about the portal's own pages (fixture sites may not have
    the legal and trust pages), as `config.extra` values."""
    flags = {"mirrors_page": (docs_dir / "miroirs.md").is_file()}
    for key, page in (("legal_page", "mentions-legales.md"),
                      ("accessibility_page", "accessibilite.md"),
                      ("versions_page", LISTING_PAGE)):
        flags[key] = (docs_dir / page).is_file()
    return flags


class PortalBuild:
    def __init__(self, conf: Mapping | None) -> None:
        self.conf = conf          # MkDocs-style configuration (macros/engine/engines.py)
        # Pages written after this were written by this build (a second early: file times are
        # coarser than the clock; compacting a page twice changes nothing).
        self.started = time.time() - 1
        self.portal: Portal | None = None  # None: content mistakes kept for the preview
        self.action: Action | None = None
        self.charts: Charts | None = None
        self.publication: Publication | None = None
        self.assembled: Assembled | None = None  # what the build read
        self.pipeline: PagePipeline | None = None  # one page's way
        self.page: PageLike | None = None
        # The page being built: its decorations, and the errors raised inside its macro
        # calls, every one reported when it finishes (mkdocs-macros would print a traceback).
        self.work: PageWork | None = None
        # What this build read (macros/floor/memo.py): the build's own, so that a second
        # build in the same process starts afresh; a preview hands it to its next rebuild.
        self.memo = Memo()

    @functools.cached_property
    def config(self) -> PortalConfig:
        """The values the portal reads in the configuration, with their defaults."""
        return PortalConfig.from_mkdocs(self.conf)

    def assemble(self, assembled: Assembled) -> None:
        self.assembled = assembled
        self.portal, self.action = assembled.portal, assembled.action
        self.publication, self.pipeline = assembled.publication, assembled.pipeline
        self.charts = assembled.charts

    # -- Macro calls -----------------------------------------------------------------------

    def deferred(self, macro):
        """Keep a macro's ContentError for the pipeline, which reports it without a
        traceback; a call with the wrong arguments is one too."""
        signature = inspect.signature(macro)

        @functools.wraps(macro)
        def wrapper(*args, **kwargs):
            try:
                signature.bind(*args, **kwargs)
            except TypeError:
                record = self.record()
                text = self.page_source()
                self.work.pending.append(ContentError([call_problem(
                    record.file_path if record else "docs/?", macro.__name__, macro, args,
                    kwargs, call_line(text, macro.__name__))]))
                return ""
            try:
                return macro(*args, **kwargs)
            except ContentError as error:
                self.work.pending.append(error)
                return ""
        return wrapper

    def record(self):
        if self.portal is None or self.page is None:
            return None
        return self.portal.corpus.pages.get(self.page.src_uri)

    def page_source(self) -> str:
        record = self.record()
        return self.portal.corpus.texts.get(record.path, "") if record else ""

    def render_error(self, error: Exception, line: int | None) -> str:
        """A macro call that failed while the page's template rendered: kept for the
        pipeline, which reports it; the page renders as nothing meanwhile."""
        work = self.work
        reason = " ".join(str(error).split())[:200] or type(error).__name__
        work.pending.append(ContentError([Problem(
            work.file_path,
            f"erreur dans un appel de macro : {type(error).__name__} « {reason} »",
            line + work.line_offset if line else None,
            "vérifiez les noms écrits entre {{ et }} : macro, variable ou champ (un champ "
            "inconnu de `config.extra` ou de l’en-tête, par exemple)")]))
        return ""

    # -- Pages -----------------------------------------------------------------------------

    def begin_page(self, page: PageLike, markdown: str) -> None:
        """The adapters' first half: the page is the build's current one; the pipeline
        sets its head and banners (assembly/pipeline.py)."""
        self.page = page
        self.work = self.pipeline.start(page, markdown)

    def finish_page(self, markdown: str, stash: HtmlStash) -> str | None:
        """The adapters' second half: the pipeline finishes the current page."""
        return self.pipeline.finish(self.work, markdown, stash)
