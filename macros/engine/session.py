"""The adapters' hold on one build, in one object, whichever engine runs it.

What the build reads before its first page is assembled in macros/assembly/assembled.py, and
one page's way is macros/assembly/pipeline.py; this object holds them for the engines, with
the page being built. mkdocs-macros calls `define_env` once per build; Zensical calls it for
every page (and loads `macros/__init__.py` afresh each time), so a Zensical build reuses the
session of its configuration. The macros, the page extension
(macros/engine/page_extension.py) and the post-build step (macros/engine/postbuild.py) find
it as `BuildSession.current` (see ARCHITECTURE.md, « Holds on the engines »).
"""

from __future__ import annotations

import functools
import inspect
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import ClassVar

from common.config import PortalConfig, label

from ..action import Action
from ..assembly.assembled import Assembled
from ..assembly.pipeline import PagePipeline, PageWork
from ..assembly.portal import Portal
from ..assembly.publication import Publication
from ..charts import Charts
from ..floor.errors import ContentError, Problem, stop_build
from ..floor.memo import Memo
from ..floor.stash import HtmlStash
from ..pages.templates import call_line, call_problem
from ..sitewide.frozen import LISTING_PAGE
from . import mkdocs_french as french_warnings
from .engines import ZENSICAL, PageRef, read_config
from .preview import Preview, draft_banner


class BuildSession:
    current: ClassVar[BuildSession | None] = None

    def __init__(self, conf, engine: str, preview: Preview) -> None:
        self.conf = conf          # MkDocs-style configuration (engines.read_config)
        # Pages written after this were written by this build (a second early: file times are
        # coarser than the clock; compacting a page twice changes nothing).
        self.started = time.time() - 1
        self.engine = engine
        self.preview = preview
        self.portal: Portal | None = None  # None: content mistakes kept for the preview
        self.action: Action | None = None
        self.charts: Charts | None = None
        self.publication: Publication | None = None
        self.assembled: Assembled | None = None  # what the build read (macros/assembly/)
        self.pipeline: PagePipeline | None = None  # one page's way (macros/assembly/)
        self.page: PageRef | None = None
        # The page being built: its decorations, and the errors raised inside its macro
        # calls, every one reported when it finishes (mkdocs-macros would print a traceback).
        self.work: PageWork | None = None
        self.engine_conf = None  # the engine's own configuration object (Zensical's dict)
        # What this build read (macros/floor/memo.py): the session's own, so that a second
        # build in the same process starts afresh; a preview hands it to its next rebuild.
        self.memo = Memo()

    @functools.cached_property
    def config(self) -> PortalConfig:
        """The values the portal reads in the configuration, with their defaults."""
        return PortalConfig.from_mkdocs(self.conf)

    # -- Loading -------------------------------------------------------------------------

    def read(self, known_names) -> BuildSession:
        """Read and check everything once. A content mistake stops the build (or, while
        serving, is kept for the preview's error page). `known_names`: every name a page
        may use (macros, variables, filters)."""
        previous, BuildSession.current = BuildSession.current, self
        conf, config, preview = self.conf, self.config, self.preview
        if preview.serving and previous is not None and previous.preview.serving \
                and previous.config.root == config.root:
            self.memo = previous.memo  # the preview's rebuild: unchanged files not read again
        french_warnings.install(config.docs_dir, label(config.docs_dir, config.root),
                                config.config_file)
        try:
            assembled = Assembled.load(conf, config, known_names, self.memo, preview.keep,
                                       draw_ahead=not preview.quick, drafts=preview.serving,
                                       draft_banner=draft_banner)
        except ContentError as error:
            if not preview.keep(error):
                raise stop_build(error) from None
            return self
        self.assembled = assembled
        self.portal, self.action = assembled.portal, assembled.action
        self.publication, self.pipeline = assembled.publication, assembled.pipeline
        self.charts = assembled.charts
        for page_file, left in assembled.portal.unfinished.items():
            preview.draft(page_file, left)
        self.set_page_flags(conf["extra"])
        return self

    @classmethod
    def for_zensical(cls, engine_conf: dict, known_names: Callable[[], Mapping]) -> BuildSession:
        """The session of a Zensical build: read once, at its first page, from the project's
        mkdocs.yml (Zensical's own dict lacks what MkDocs derives, such as `docs_dir`)."""
        session = cls.current
        if session is not None and session.engine_conf is engine_conf:
            return session
        conf = read_config(Path(engine_conf["root_dir"]) / "mkdocs.yml")
        session = cls(conf, ZENSICAL, Preview(serving=False))
        session.engine_conf = engine_conf
        session.read(known_names())  # once per build, not once per page
        if session.portal is not None:  # the templates read Zensical's `config.extra`
            session.set_page_flags(engine_conf.setdefault("extra", {}))
        return session

    def set_page_flags(self, extra: dict) -> None:
        """What the templates read about the portal's pages (fixture sites may not have
        the legal and trust pages)."""
        docs = self.portal.docs_dir
        extra["mirrors_page"] = (docs / "miroirs.md").is_file()
        for key, page in (("legal_page", "mentions-legales.md"),
                          ("accessibility_page", "accessibilite.md"),
                          ("versions_page", LISTING_PAGE)):
            extra[key] = (docs / page).is_file()

    # -- Macro calls -----------------------------------------------------------------------

    def deferred(self, macro):
        """Keep a macro's ContentError for the page extension, which reports it without a
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
        """A macro call that failed while the page's template rendered: kept for the page
        extension, which reports it; the page renders as nothing meanwhile."""
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

    def begin_page(self, page: PageRef, markdown: str) -> None:
        """The adapters' first half: the page is the session's current one; the pipeline
        sets its head and banners (macros/assembly/pipeline.py)."""
        self.page = page
        self.work = self.pipeline.start(page, markdown)

    def finish_page(self, markdown: str, stash: HtmlStash) -> str | None:
        """The adapters' second half: the pipeline finishes the current page."""
        return self.pipeline.finish(self.work, markdown, stash)
