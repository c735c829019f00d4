"""The state of one build, in one object, whichever engine runs it.

mkdocs-macros calls `define_env` once per build; Zensical calls it for every page (and
loads `macros/__init__.py` afresh each time), so the state lives here, in a module imported
once, and a Zensical build reuses the session of its configuration. The macros, the page
extension (macros/engine/page_extension.py) and the post-build step
(macros/engine/postbuild.py) all read `BuildSession.current`.
"""

from __future__ import annotations

import functools
import inspect
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import ClassVar

from ..action import Action, call_to_action, sign_box, with_sign_box
from ..build.portal import Portal
from ..build.publication import Publication, escape_description
from ..charts import Charts
from ..citations.notes import render_notes, site_root
from ..citations.preserved import orphan_notice, orphan_records, unarchived_notice, without_copy
from ..citations.syntax import find_citations
from ..floor.config import PortalConfig, label
from ..floor.errors import ContentError, Problem, stop_build
from ..floor.log import advisory
from ..floor.stash import HtmlStash
from ..pages.article import decorate
from ..pages.templates import call_line, call_problem
from ..sitewide.frozen import LISTING_PAGE
from . import mkdocs_french as french_warnings
from .engines import ZENSICAL, PageRef, read_config
from .preview import Preview, draft_banner
from .render_errors import PageTemplate


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
        # Errors raised inside the macro calls of the page being built, every one reported
        # by the page extension (mkdocs-macros would print a traceback for them).
        self.pending: list[ContentError] = []
        self.page: PageRef | None = None
        self.line_offset = 0  # file line of the rendered page's template line 1, minus 1
        self.engine_conf = None  # the engine's own configuration object (Zensical's dict)

    @functools.cached_property
    def config(self) -> PortalConfig:
        """The values the portal reads in the configuration, with their defaults."""
        return PortalConfig.from_mkdocs(self.conf)

    # -- Loading -------------------------------------------------------------------------

    def read(self, known_names) -> BuildSession:
        """Read and check everything once. A content mistake stops the build (or, while
        serving, is kept for the preview's error page). `known_names`: every name a page
        may use (macros, variables, filters)."""
        BuildSession.current = self
        conf, config, preview = self.conf, self.config, self.preview
        root, docs_dir = config.root, config.docs_dir
        french_warnings.install(docs_dir, label(docs_dir, root), config.config_file)
        try:
            self.action, action_error = Action.load(root, docs_dir, config), None
        except ContentError as error:
            self.action, action_error = None, error
        try:
            portal = Portal.load(config, known_names=known_names, drafts=preview.serving)
            if action_error:
                raise action_error
            # Placeholders are refused here, before any page is built, in a publishing build.
            self.publication = Publication.load(conf, portal, self.action)
        except ContentError as error:
            if not preview.keep(error):
                raise stop_build(error) from None
            return self
        self.portal = portal
        self.charts = Charts(portal.root, portal.sources)
        if not preview.quick:  # a quick preview draws only the charts of the pages it rebuilds
            self.charts.prerender(portal.corpus.chart_ids())
        for page_file, left in portal.unfinished.items():
            preview.draft(page_file, left)
        self._archive_notices(portal)
        self.set_page_flags(conf["extra"])
        return self

    def _archive_notices(self, portal: Portal) -> None:
        """Issue 27: a publishing build says how many cited addresses have no recorded
        archived copy (one line; `make check` lists them), and any build names the records
        of addresses no source cites any more."""
        label_ = self.config.archives_data
        if self.publication.mode == "publish":
            missing = without_copy(portal.sources, portal.corpus.cited_in())
            if missing:
                advisory.warning(unarchived_notice(len(missing), label_))
        orphans = orphan_records(portal.content.archives if portal.content else {},
                                 portal.sources)
        if orphans:
            advisory.warning(orphan_notice(orphans, label_))

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
        PageTemplate.on_error = session.render_error
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
                self.pending.append(ContentError([call_problem(
                    record.file_path if record else "docs/?", macro.__name__, macro, args,
                    kwargs, call_line(text, macro.__name__))]))
                return ""
            try:
                return macro(*args, **kwargs)
            except ContentError as error:
                self.pending.append(error)
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
        record = self.record()
        where = self.page.src_uri if self.page else "?"
        reason = " ".join(str(error).split())[:200] or type(error).__name__
        self.pending.append(ContentError([Problem(
            record.file_path if record else f"docs/{where}",
            f"erreur dans un appel de macro : {type(error).__name__} « {reason} »",
            line + self.line_offset if line else None,
            "vérifiez les noms écrits entre {{ et }} : macro, variable ou champ (un champ "
            "inconnu de `config.extra` ou de l’en-tête, par exemple)")]))
        return ""

    # -- Pages -----------------------------------------------------------------------------

    def history_url(self, src_uri: str) -> str | None:
        repo, history = self.config.repo_url, self.config.history_uri
        return f"{repo.rstrip('/')}/{history.strip('/')}/{src_uri}" if repo and history else None

    def begin_page(self, page: PageRef, markdown: str) -> None:
        """Before the page's macros run: the page is known, its head and banners are set
        (templates read them from `page.meta`)."""
        self.page = page
        self.pending.clear()
        record = self.record()
        if record:
            self.line_offset = self._body_line(record, markdown) - 1
        decorated = self.decorated(page, markdown)
        # The page's own title (front matter), not the shorter one the navigation gives it.
        title = str(page.meta.get("title") or page.title or "")
        description, head = self.publication.head(self.portal, page.src_uri, page.url, title,
                                                  page.meta, decorated)
        page.meta["description"] = escape_description(description)
        page.meta["portal_head"] = head
        page.meta["portal_banners"] = self.publication.banners(page.url)
        left = self.portal.unfinished.get(record.file_path) if record else None
        if left:  # the preview only: a draft shown, with what is left
            page.meta["portal_banners"] = draft_banner(left) + page.meta["portal_banners"]

    def _body_line(self, record, body: str) -> int:
        """The file line where the page's body (after its front matter) starts."""
        text = self.portal.corpus.texts.get(record.path, "")
        at = text.find(body[:200]) if body.strip() else -1
        return text.count("\n", 0, at) + 1 if at >= 0 else 1

    def decorated(self, page: PageRef, markdown: str) -> str:
        """The page's Markdown with its dates, updates, reply and, for an investigation,
        the call to action."""
        record = self.portal.corpus.pages.get(page.src_uri)
        if not record:
            return markdown
        markdown = decorate(record, markdown, self.history_url(page.src_uri))
        if record.dossier:
            markdown += call_to_action(self.config, page.url, page.src_uri, self.action, record)
        return markdown

    def finish_page(self, page: PageRef, markdown: str, stash: HtmlStash) -> str | None:
        """After the page's macros ran: every pending mistake of the page reported; the
        decorations added; citations turned into numbered notes; an investigation's JSON-LD
        added to its head. None: the page is left as it is (the preview shows the errors)."""
        if self.pending:
            problems = []
            for problem in (p for e in self.pending for p in e.problems):
                if problem not in problems:
                    problems.append(problem)
            self.pending.clear()
            error = ContentError(problems)
            if self.preview.keep(error):
                return None
            raise stop_build(error) from None
        markdown = self.decorated(page, markdown)
        if self.action is not None:  # the petition and home pages open with the count (not
            box = sign_box(self.action, page.src_uri, page.url)  # part of their description)
            markdown = with_sign_box(markdown, HtmlStash.mark_block(box) if box else "")
        # The citations, charts' included, found once: the notes and an investigation's JSON-LD.
        groups = list(find_citations(markdown))
        cited = [c.key for group in groups for c in (group.citations or ())]
        article = self.publication.article(self.portal, page.src_uri, page.url, cited)
        if article:
            page.meta["portal_head"] = f"{page.meta.get('portal_head', '')}\n{article}"
        markdown = render_notes(markdown, self.portal.sources, f"docs/{page.src_uri}", stash,
                                groups, site_root(page.url))
        return stash.stash_marked(markdown)

