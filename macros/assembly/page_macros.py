"""The macros a page may call (`{{ chart("x") }}`, `{{ bibliography() }}`…), registered the
same way under both engines; and every name a page may use, for `make check`."""

from __future__ import annotations

from mkdocs.utils import get_relative_url

from ..action import register_action_macros
from ..citations.bibliography_page import render_bibliography
from ..citations.notes import site_root
from ..floor.errors import ContentError, Problem, did_you_mean
from ..floor.language import language_of
from ..floor.stash import HtmlStash
from ..pages.listings import teaser_list
from ..pages.news import news_items, news_list
from ..pages.templates import STANDARD_NAMES, call_line
from ..sitewide.frozen import frozen_listing_html, versions_html
from ..sitewide.legal import legal_notice_html
from ..sitewide.mirrors import render_mirrors
from ..sitewide.redirects import page_url
from .build import PortalBuild


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
    register_macros(recorder, PortalBuild(None))
    return {**dict.fromkeys(STANDARD_NAMES), **dict.fromkeys(extra), **recorder.macros}


def register_macros(env, session: PortalBuild) -> None:
    """The page macros, registered on the macros' `env` (mkdocs-macros' or Zensical's).
    They read the build (`session`) when a page calls them, not before."""
    register_action_macros(env, session, session.deferred)

    def page_path() -> str:
        return env.page.file.src_uri

    def check_dossier(dossier: str | None) -> None:
        dossiers = session.config.dossiers
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
                                   url_for, site_root(here))

    @env.macro
    @session.deferred
    def chart(chart_id: str) -> str:
        """A chart from data/<chart_id>.csv, rendered to inline SVG with its data table."""
        page = env.page
        record = session.portal.corpus.pages.get(page.file.src_uri)
        line = record.chart_lines.get(str(chart_id)) if record else None
        lang = language_of(page.file.src_uri)  # the figure's words in the page's language
        words = session.pipeline.gettext(page.file.src_uri) if session.pipeline else str
        return HtmlStash.mark_block(session.charts.figure(
            str(chart_id), f"docs/{page_path()}", line,
            lambda path: get_relative_url(path, page.url), words, lang))

    @env.macro
    def mirrors() -> str:
        """The known mirrors of the portal, from data/miroirs.yml."""
        return render_mirrors(session.portal.content.mirrors)

    @env.macro
    def legal_notice() -> str:
        """Publisher, director of publication and host, from `extra.legal`."""
        config = session.config
        return legal_notice_html(config.legal, session.publication.site_url,
                                 config.repo_url or None)

    @env.macro
    def frozen_versions() -> str:
        """The frozen versions published with the portal, with their dates."""
        if session.publication.frozen_name:
            return frozen_listing_html()
        return versions_html(session.publication.versions or [], env.page.url)
