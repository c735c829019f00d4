"""One page's way through the portal, whichever engine builds it: a plain object of the
portal's own, driven by the engines' adapters (macros/engine/) and by tests without any engine.

An engine hands a page over twice:

1. `start(page, markdown)`, before the page's macros run: the page's decorations are built
   (once: dates, updates, reply, call to action), its head (description, Open Graph tags) and
   banners are written into `page.meta`, where the templates read them;
2. `finish(work, markdown, stash)`, once the macros have rendered: the mistakes the macros
   kept (`work.pending`) are reported, the decorations put around the text, the count and a
   way to sign put at the top of the home and petition pages, citations turned into
   numbered notes, and an investigation's JSON-LD added to its head.

Each step is a function of the page's record and text (plus what the build read once); the
only thing written outside is `page.meta`, the engine's own dict the templates read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from common.config import PortalConfig

from ..action import Action, call_to_action, sign_box, with_sign_box
from ..citations.notes import render_notes, site_root
from ..citations.syntax import find_citations
from ..floor.errors import ContentError, stop_build
from ..floor.language import SOURCE, edition_path, language_of
from ..floor.stash import HtmlStash
from ..pages.article import decorations
from ..pages.corpus import PageRecord
from ..pages.editions import Words, alternates, switcher, untranslated_notices
from ..sitewide.frozen import LISTING_PAGE
from .portal import Portal
from .publication import Publication, escape_description


class PageLike(Protocol):
    """What an adapter hands over of a page (macros/engine/engines.py: PageRef)."""

    @property
    def src_uri(self) -> str: ...  # relative to docs/
    url: str                         # site-relative
    title: str
    meta: dict                       # the engine's front-matter dict, read by the templates


# The pages the footer links to, when the site has them (fixture sites may not).
FOOTER_PAGES = {"mirrors_page": "miroirs.md", "legal_page": "mentions-legales.md",
                "accessibility_page": "accessibilite.md", "versions_page": LISTING_PAGE}


@dataclass
class PageWork:
    """One page on its way, between the two halves of the pipeline."""

    src_uri: str
    url: str
    meta: dict
    record: PageRecord | None
    before: str = ""       # decorations, built once
    after: str = ""
    line_offset: int = 0   # file line of the text's first line, minus 1
    pending: list[ContentError] = field(default_factory=list)  # the macros' mistakes
    notice: str = ""       # a French page's « not yet translated » notices

    def decorated(self, markdown: str) -> str:
        return self.before + markdown + self.after

    @property
    def file_path(self) -> str:
        return self.record.file_path if self.record else f"docs/{self.src_uri}"


def body_line(text: str, body: str) -> int:
    """The line of `text` (the page's file) where `body` (its text after the front matter,
    as the engine hands it over) starts."""
    at = text.find(body[:200]) if body.strip() else -1
    return text.count("\n", 0, at) + 1 if at >= 0 else 1


def pending_error(pending: list[ContentError]) -> ContentError | None:
    """Every mistake the page's macros kept, each once, in one error."""
    problems = []
    for problem in (p for error in pending for p in error.problems):
        if problem not in problems:
            problems.append(problem)
    return ContentError(problems) if problems else None


def cited_keys(markdown: str) -> tuple[list, list[str]]:
    """The citation groups of the text (charts' included) and the keys they cite, in order."""
    groups = list(find_citations(markdown))
    return groups, [c.key for group in groups for c in (group.citations or ())]


@dataclass
class PagePipeline:
    config: PortalConfig
    portal: Portal
    publication: Publication
    action: Action | None
    # What becomes of a page's mistakes: True, kept (the preview shows them instead of the
    # page); False, the build stops.
    keep: Callable[[ContentError], bool] = lambda error: False
    # The preview's banner above a draft, from what is left to do (Portal.unfinished).
    draft_banner: Callable[[list], str] | None = None
    # Each language's gettext (common/words.py), read once per build.
    words: Words = field(default_factory=dict)
    # What the templates of an edition's page read (`page.meta`): language -> values
    # (Assembled.template_values).
    templates: dict = field(default_factory=dict)

    def gettext(self, path: str) -> Callable[[str], str]:
        """The words of the page at `path`, in its language (French: as written)."""
        return self.words.get(language_of(path), str)

    def history_url(self, src_uri: str) -> str | None:
        repo, history = self.config.repo_url, self.config.history_uri
        return f"{repo.rstrip('/')}/{history.strip('/')}/{src_uri}" if repo and history else None

    def decorations(self, record: PageRecord, url: str) -> tuple[str, str]:
        """Before and after the text: dates, updates, reply; for an investigation, the call
        to action."""
        before, after = decorations(record, self.history_url(record.path),
                                    self.gettext(record.path), language_of(record.path))
        if record.dossier and self.action is not None:
            after += call_to_action(self.config, url, record.path, self.action, record)
        lang = language_of(record.path)
        if lang != SOURCE and record.date and self.action is not None:  # an edition's
            petition = self.action.petition_page  # the petition in its language, if written
            if petition and edition_path(petition, lang) in self.portal.corpus.pages:
                petition = edition_path(petition, lang)
            after += call_to_action(self.config, url, record.path, self.action, record,
                                    self.gettext(record.path), petition)
        return before, after

    def start(self, page: PageLike, markdown: str) -> PageWork:
        """Before the page's macros run: decorations, head and banners (into `page.meta`)."""
        record = self.portal.corpus.pages.get(page.src_uri)
        work = PageWork(page.src_uri, page.url, page.meta, record)
        if record:
            text = self.portal.corpus.texts.get(record.path, "")
            work.line_offset = body_line(text, markdown) - 1
            work.before, work.after = self.decorations(record, page.url)
        # The page's own title (front matter), not the shorter one the navigation gives it.
        title = str(page.meta.get("title") or page.title or "")
        description, head = self.publication.head(self.portal, page.src_uri, page.url, title,
                                                  page.meta, work.decorated(markdown))
        page.meta["description"] = escape_description(description)
        # The page's language and its other editions (macros/pages/editions.py).
        existing = self.portal.corpus.pages
        page.meta["lang"] = lang = language_of(page.src_uri)
        # The footer's links (partials/copyright.html), from page.meta: Zensical's templates
        # never see the `config.extra` flags written at build time.
        page.meta["portal_footer"] = {flag: path in existing
                                      for flag, path in FOOTER_PAGES.items()}
        if lang in self.templates:  # an edition's page: its words and pages, for the templates
            page.meta.update(self.templates[lang])
        hreflang = alternates(page.src_uri, existing, self.publication.site_url)
        page.meta["portal_head"] = f"{head}\n{hreflang}" if hreflang else head
        if self.words:
            page.meta["portal_languages"] = switcher(page.src_uri, existing, self.words)
            work.notice = untranslated_notices(page.src_uri, existing, self.words)
        page.meta["portal_banners"] = self.publication.banners(page.url)
        left = self.portal.unfinished.get(record.file_path) if record else None
        if left and self.draft_banner:  # the preview only: a draft shown, with what is left
            page.meta["portal_banners"] = self.draft_banner(left) + page.meta["portal_banners"]
        return work

    def finish(self, work: PageWork, markdown: str, stash: HtmlStash) -> str | None:
        """After the page's macros ran: its mistakes reported, its decorations added, its
        citations turned into notes, an investigation's JSON-LD added to its head. None: the
        page is left as it is (the preview shows its mistakes)."""
        error = pending_error(work.pending)
        work.pending.clear()
        if error is not None:
            if self.keep(error):
                return None
            raise stop_build(error) from None
        markdown = work.decorated(markdown)
        if work.notice:  # raw HTML in the text: the engines' anchor checks see its id
            markdown = work.notice + "\n\n" + markdown
        if self.action is not None:  # the petition and home pages open with the count (not
            box = sign_box(self.action, work.src_uri, work.url)  # part of their description)
            markdown = with_sign_box(markdown, HtmlStash.mark_block(box) if box else "")
        groups, cited = cited_keys(markdown)  # found once: the notes and the JSON-LD
        article = self.publication.article(self.portal, work.src_uri, work.url, cited)
        if article:
            work.meta["portal_head"] = f"{work.meta.get('portal_head', '')}\n{article}"
        markdown = render_notes(markdown, self.portal.sources, f"docs/{work.src_uri}", stash,
                                groups, site_root(work.url), self.gettext(work.src_uri),
                                language_of(work.src_uri))
        return stash.stash_marked(markdown)
