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

from ..assembly.page_macros import macro_names
from ..floor.errors import BuildStopped
from ..floor.memo import Memo
from ..floor.stash import HtmlStash, StashExtension
from ..pages.templates import has_macros
from .engines import zensical_page_of
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
            if zensical_page_of(self.md) is None:
                raise
            print(stop, file=sys.stderr, flush=True)
            sys.stdout.flush()
            os._exit(1)
    return wrapper


class _BeforeMacros(Preprocessor):
    def __init__(self, md, extension: PageExtension) -> None:
        super().__init__(md)
        self.extension = extension

    @_french_stop
    def run(self, lines: list[str]) -> list[str]:
        page = zensical_page_of(self.md)
        if page is None:
            # MkDocs: on_pre_page_macros did it, before the macros rendered (or a Markdown
            # instance made outside a build: a test, a tool).
            return lines
        from zensical.extensions.context import ContextPreprocessor

        session = self.extension.session or zensical_session(
            ContextPreprocessor.from_markdown(self.md).config)
        session.page = page
        markdown = "\n".join(lines)
        if session.portal is not None:
            session.begin_page(page, markdown)
        if not has_macros(markdown):
            # No macro on this page: Zensical need not compile it as a Jinja template.
            page.meta["render_macros"] = False
        return lines


class _AfterMacros(Preprocessor):
    def __init__(self, md, extension: PageExtension, stash: HtmlStash) -> None:
        super().__init__(md)
        self.extension, self.stash = extension, stash

    @_french_stop
    def run(self, lines: list[str]) -> list[str]:
        session = self.extension.session
        if session is None:  # Zensical's first page: the extension was made from its name
            page = zensical_page_of(self.md)
            if page is None:
                return lines
            from zensical.extensions.context import ContextPreprocessor

            session = session_of(ContextPreprocessor.from_markdown(self.md).config)
        if session is None or session.portal is None or session.page is None:
            return lines
        self.stash.clear()
        markdown = session.finish_page("\n".join(lines), self.stash)
        return lines if markdown is None else markdown.split("\n")


class PageExtension(Extension):
    """Made from its name by the engine (mkdocs.yml), then replaced in the engine's own
    `markdown_extensions` by an instance that holds the build's session: MkDocs' from the
    macros' `define_env` (run from `on_config`), Zensical's at its first page. Both engines
    make each page's Markdown from that list, so the session lives exactly as long as the
    build's configuration, and no class or module holds it."""

    def __init__(self, session: BuildSession | None = None, *, memo: Memo | None = None,
                 quick: bool = False, **kwargs) -> None:
        super().__init__(**kwargs)
        self.session = session
        # What the preview program hands its next build (`hand_over`), before it starts.
        self.memo, self.quick = memo, quick

    def extendMarkdown(self, md) -> None:
        stash = HtmlStash()  # one per Markdown instance: each page has its own
        md.preprocessors.register(_BeforeMacros(md, self), "portal_before_macros",
                                  BEFORE_MACROS)
        md.preprocessors.register(_AfterMacros(md, self, stash), "portal_page", AFTER_MACROS)
        StashExtension(stash).extendMarkdown(md)


# The extension's name in mkdocs.yml's `markdown_extensions`.
NAME = __name__


def _put(extensions: list, mine: PageExtension) -> None:
    """`mine` in place of the extension named in mkdocs.yml, or of a previous instance
    (`extensions`: the engine's `markdown_extensions`, a list both engines accept
    extensions in, by name or as instances)."""
    for at, extension in enumerate(extensions):
        if extension == NAME or isinstance(extension, PageExtension):
            extensions[at] = mine
            return
    extensions.append(mine)


def hold_session(extensions: list, session: BuildSession) -> None:
    """The build's session joins its configuration, as the page extension's instance."""
    _put(extensions, PageExtension(session))


def hand_over(extensions: list, memo: Memo | None, quick: bool) -> None:
    """The preview program's settings for the build of this configuration (`extensions`:
    its `markdown_extensions`): what the previous build read, and whether only some pages
    are rebuilt. Read by the build when it starts (`handed_over`)."""
    _put(extensions, PageExtension(memo=memo, quick=quick))


def handed_over(extensions: list) -> PageExtension:
    """What the preview program handed over (nothing, for any other build)."""
    for extension in extensions:
        if isinstance(extension, PageExtension):
            return extension
    return PageExtension()


def memo_of(engine_conf) -> Memo | None:
    """What the build of this configuration read, for the preview's next build."""
    session = session_of(engine_conf)
    return session.memo if session is not None else None


def session_of(engine_conf) -> BuildSession | None:
    """The session of the build whose configuration this is (MkDocs' or Zensical's)."""
    for extension in engine_conf.get("markdown_extensions") or ():
        if isinstance(extension, PageExtension) and extension.session is not None:
            return extension.session
    return None


def zensical_session(engine_conf: dict) -> BuildSession:
    """The session of a Zensical build: read once, at its first page, from the project's
    mkdocs.yml (Zensical's own dict lacks what MkDocs derives, such as `docs_dir`)."""
    session = session_of(engine_conf)
    if session is None:
        session = BuildSession.for_zensical(
            engine_conf, lambda: macro_names(engine_conf.get("extra") or {}))
        hold_session(engine_conf["markdown_extensions"], session)
    return session


def makeExtension(**kwargs) -> PageExtension:
    return PageExtension(**kwargs)
