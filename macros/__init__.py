"""mkdocs-macros entry point (MkDocs and Zensical alike): wiring only.

The state of a build lives in `session.BuildSession`; the page transformations run in the
Markdown extension `macros.page_extension` (listed in mkdocs.yml, so both engines run it),
and the site-wide steps in `macros.postbuild`, run on the built folder.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.utils import get_relative_url

from .action import register_action_macros
from .citations.bibliography_page import render_bibliography
from .engines import MKDOCS, ZENSICAL, engine_of_env, mkdocs_page
from .errors import ContentError, Problem, did_you_mean, stop_build
from .frozen import frozen_listing_html, versions_html
from .legal import legal_notice_html
from .listings import teaser_list
from .mirrors import render_mirrors
from .news import news_items, news_list
from .preview import Preview, strict_warnings
from .redirects import page_url
from .render_errors import PageTemplate
from .session import BuildSession
from .stash import HtmlStash
from .templates import STANDARD_NAMES, call_line


class _Recorder:
    """Stands for mkdocs-macros' env to learn the names of the macros (for `make check`)."""

    def __init__(self):
        self.macros: dict = {}

    def macro(self, function, name: str = ""):
        self.macros[name or function.__name__] = function
        return function


def macro_names(extra: dict) -> dict[str, object]:
    """Every name a page may use, as the build knows them: the macros (with their function),
    the `extra:` values and what mkdocs-macros gives every page. Read by `make check`."""
    recorder = _Recorder()
    _register_macros(recorder, BuildSession(None, MKDOCS, Preview(serving=False)))
    return {**dict.fromkeys(STANDARD_NAMES), **dict.fromkeys(extra), **recorder.macros}


def _register_macros(env, session: BuildSession) -> None:
    """The page macros. They read the portal when a page calls them, not before."""
    register_action_macros(env, session, session.deferred)

    def page_path() -> str:
        return env.page.file.src_uri

    def check_dossier(dossier: str | None) -> None:
        dossiers = env.conf["extra"].get("dossiers", [])
        if dossier is not None and dossier not in dossiers:
            text = session.page_source()
            raise ContentError([Problem(f"docs/{page_path()}", f"dossier inconnu `{dossier}`",
                                        call_line(text, "investigations")
                                        or call_line(text, "latest_publications"),
                                        did_you_mean(dossier, dossiers, "dossiers connus"))])

    @env.macro
    @session.deferred
    def investigations(dossier: str) -> str:
        """The investigations of a dossier, newest first, from their front matter."""
        check_dossier(dossier)
        return teaser_list(session.portal.corpus.investigations(dossier), page_path(),
                           "investigations")

    @env.macro
    @session.deferred
    def latest_publications(limit: int = 5, dossier: str | None = None) -> str:
        """Publications and dated updates, newest first."""
        check_dossier(dossier)
        return news_list(news_items(session.portal.corpus, dossier)[:limit], page_path())

    @env.macro
    def bibliography() -> str:
        """Every cited source, grouped by kind, with the pages that cite it."""
        here = env.page.url

        def url_for(path: str) -> str:
            return get_relative_url(page_url(path), here)

        return render_bibliography(session.portal.sources, session.portal.corpus.cited_in(),
                                   url_for)

    @env.macro
    @session.deferred
    def chart(chart_id: str) -> str:
        """A chart from data/<chart_id>.csv, rendered to inline SVG with its data table."""
        page = env.page
        record = session.portal.corpus.pages.get(page.file.src_uri)
        line = record.chart_lines.get(str(chart_id)) if record else None
        return HtmlStash.mark_block(session.charts.figure(
            str(chart_id), f"docs/{page_path()}", line,
            lambda path: get_relative_url(path, page.url)))

    @env.macro
    def mirrors() -> str:
        """The known mirrors of the portal, from data/miroirs.yml."""
        return render_mirrors(session.portal.content.mirrors)

    @env.macro
    def legal_notice() -> str:
        """Publisher, director of publication and host, from `extra.legal`."""
        return legal_notice_html(env.conf["extra"].get("legal"), session.publication.site_url,
                                 env.conf.get("repo_url"))

    @env.macro
    def frozen_versions() -> str:
        """The frozen versions published with the portal, with their dates."""
        if session.publication.frozen_name:
            return frozen_listing_html()
        return versions_html(session.publication.versions or [], env.page.url)


def define_env(env):
    if engine_of_env(env) == ZENSICAL:
        # Called for every page, once the page extension has read the build's session.
        session = BuildSession.current
        env.conf, env.page = session.conf, session.page  # what mkdocs-macros' env gives
        _register_macros(env, session)
        return
    session = BuildSession(env.conf, MKDOCS, Preview.start(env))
    _register_macros(env, session)
    PageTemplate.on_error = session.render_error
    session.read({**dict.fromkeys((*STANDARD_NAMES, *env.filters, *env.variables)),
                  **env.macros})


def on_pre_page_macros(env):
    session = BuildSession.current
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
    """MkDocs' end of build: the site-wide steps every engine runs (macros/postbuild.py)."""
    session = BuildSession.current
    if session.portal is None:
        return
    warnings = strict_warnings()
    if warnings:  # MkDocs would abort after this hook, in English
        raise stop_build(f"{warnings} avertissement(s) ci-dessus : le mode strict refuse "
                         "de publier le site tant qu’ils ne sont pas corrigés.")
    from .postbuild import run_site_steps

    run_site_steps(Path(env.conf["site_dir"]), session)
