"""The portal's page transformations as a Python-Markdown extension, which MkDocs and Zensical
both run (`markdown_extensions: [macros.engine.page_extension]` in mkdocs.yml).

Once the page's macros have rendered (mkdocs-macros renders before Markdown; Zensical's
macros preprocessor has priority 35, this one 34): every pending mistake of the page is
reported, the decorations are added (byline, updates, reply, call to action), citations
become numbered notes with « Notes et sources », and an investigation's JSON-LD joins its
head. HTML that needs no Markdown is stashed (macros/floor/stash.py) and put back last.

Under Zensical, which has no page hook, a first preprocessor (priority 36, before the
macros) reads the build's session and sets the page's head and banners, as MkDocs'
`on_pre_page_macros` does.
"""

from __future__ import annotations

import functools
import os
import sys

from markdown import Extension
from markdown.preprocessors import Preprocessor

from ..floor.errors import BuildStopped
from ..floor.stash import HtmlStash, StashExtension
from ..pages.templates import has_macros
from .engines import ZENSICAL, page_of
from .page_macros import macro_names
from .session import BuildSession

AFTER_MACROS, BEFORE_MACROS = 34, 36


def _french_stop(run):
    """Under Zensical, a content mistake ends the build with the portal's French message
    only: Zensical would print it with a Python traceback and go on with other pages."""
    @functools.wraps(run)
    def wrapper(self, lines):
        try:
            return run(self, lines)
        except BuildStopped as stop:
            page = page_of(self.md)
            if page is None or page.engine != ZENSICAL:
                raise
            print(stop, file=sys.stderr, flush=True)
            sys.stdout.flush()
            os._exit(1)
    return wrapper


class _BeforeMacros(Preprocessor):
    @_french_stop
    def run(self, lines: list[str]) -> list[str]:
        page = page_of(self.md)
        if page is None or page.engine != ZENSICAL:
            return lines  # MkDocs: on_pre_page_macros did it, before the macros rendered
        from zensical.extensions.context import ContextPreprocessor

        config = ContextPreprocessor.from_markdown(self.md).config
        session = BuildSession.for_zensical(
            config, lambda: macro_names(config.get("extra") or {}))
        session.page = page
        markdown = "\n".join(lines)
        if session.portal is not None:
            session.begin_page(page, markdown)
        if not has_macros(markdown):
            # No macro on this page: Zensical need not compile it as a Jinja template.
            page.meta["render_macros"] = False
        return lines


class _AfterMacros(Preprocessor):
    def __init__(self, md, stash: HtmlStash) -> None:
        super().__init__(md)
        self.stash = stash

    @_french_stop
    def run(self, lines: list[str]) -> list[str]:
        session, page = BuildSession.current, page_of(self.md)
        if session is None or session.portal is None or page is None:
            return lines
        self.stash.clear()
        markdown = session.finish_page("\n".join(lines), self.stash)
        return lines if markdown is None else markdown.split("\n")


class PageExtension(Extension):
    def extendMarkdown(self, md) -> None:
        stash = HtmlStash()  # one per Markdown instance: each page has its own
        md.preprocessors.register(_BeforeMacros(md), "portal_before_macros", BEFORE_MACROS)
        md.preprocessors.register(_AfterMacros(md, stash), "portal_page", AFTER_MACROS)
        StashExtension(stash).extendMarkdown(md)


def makeExtension(**kwargs) -> PageExtension:
    return PageExtension(**kwargs)
