"""The hooks mkdocs-macros calls (MkDocs and Zensical alike), imported by the package's entry
point (`macros/__init__.py`) when it is first called.

A build is `assembly/build.py` (`PortalBuild`), held by the engines' adapters as
`engine/session.py: BuildSession`, which lives in the engine's configuration; the page
macros are `assembly/page_macros.py`; one page's way is `assembly/pipeline.py`, handed each
page by the Markdown extension `macros.engine.page_extension` (listed in mkdocs.yml, so
both engines run it); the site-wide steps run on the built folder (`engine/postbuild.py`).
"""

from __future__ import annotations

from pathlib import Path

from ..floor.errors import stop_build
from ..floor.stash import HtmlStash
from ..pages.templates import STANDARD_NAMES
from .engines import MKDOCS, ZENSICAL, engine_of_env, mkdocs_page
from .mkdocs_french import WarningCount
from .page_extension import handed_over, hold_session, session_of
from .postbuild import run_site_steps
from .preview import Preview
from .session import BuildSession


def define_env(env):
    if engine_of_env(env) == ZENSICAL:
        # Called for every page, once the page extension has read the build's session into
        # Zensical's configuration (`env.conf`).
        session = session_of(env.conf)
        env.conf, env.page = session.conf, session.page  # what mkdocs-macros' env gives
        session.wire_macros(env)
        return
    # MkDocs: called from the macros plugin's `on_config`, once per build. The session
    # joins this build's configuration as the page extension's instance.
    conf = env.conf
    handed = handed_over(conf["markdown_extensions"])  # by the preview program, if any
    session = BuildSession(conf, MKDOCS, Preview.start(conf, quick=handed.quick))
    hold_session(conf["markdown_extensions"], session)
    if conf["strict"] and not session.preview.serving:
        session.warnings = WarningCount().attach()
    session.wire_macros(env)
    session.read({**dict.fromkeys((*STANDARD_NAMES, *env.filters, *env.variables)),
                  **env.macros}, memo=handed.memo if session.preview.serving else None)


def on_pre_page_macros(env):
    session = session_of(env.conf)
    if session.portal is None:  # the preview shows the content mistakes instead of the pages
        env.markdown, env.page.meta["render_macros"] = "", False
        return
    session.begin_page(mkdocs_page(env.page), env.markdown)
    if not env.has_j2(env.markdown):
        # No macro on this page: skip compiling it as a Jinja template (a tenth of a build).
        env.page.meta["render_macros"] = False


def on_post_page_macros(env):
    """Python-Markdown skips a blank page with every extension: a page whose only macro
    failed, or an investigation's empty text, would lose its report or its decorations.
    An empty stashed block keeps it non-blank and adds nothing (Zensical renders the
    macros inside Markdown, after the check)."""
    if not env.markdown.strip():
        env.markdown = HtmlStash.mark_block("")


def on_post_build(env):
    """MkDocs' end of build: the site-wide steps every engine runs (engine/postbuild.py).
    In the preview, the program shows the mistakes the build logged (scripts/preview.py)."""
    session = session_of(env.conf)
    warnings = session.warnings.detach() if session.warnings else 0
    if session.portal is None:
        return
    if warnings:  # MkDocs would abort after this hook, in English
        raise stop_build(f"{warnings} avertissement(s) ci-dessus : le mode strict refuse "
                         "de publier le site tant qu’ils ne sont pas corrigés.")
    run_site_steps(Path(env.conf["site_dir"]), session)
