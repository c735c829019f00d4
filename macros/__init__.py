"""mkdocs-macros entry point: wiring only. The work is done in the modules it calls."""

from __future__ import annotations

import functools
import inspect
from pathlib import Path

from mkdocs.utils import get_relative_url

from .action import Action, call_to_action, register_action_macros, write_published_count
from .build.portal import Portal
from .build.publication import Publication, escape_description
from .charts import Charts
from .citations.bibliography_page import render_bibliography, uncited
from .citations.export import write_exports
from .citations.notes import render_notes
from .citations.syntax import find_citations
from .engine import mkdocs_french as french_warnings
from .engine.preview import Preview, strict_warnings
from .engine.render_errors import PageTemplate
from .floor.config import PortalConfig
from .floor.errors import ContentError, Problem, did_you_mean, stop_build
from .floor.log import advisory
from .floor.stash import HtmlStash, StashExtension
from .pages.article import decorate
from .pages.listings import teaser_list
from .pages.news import news_items, news_list
from .pages.templates import STANDARD_NAMES, call_line, call_problem
from .sitewide.compact import CompactHtmlPlugin
from .sitewide.feeds import FeedInfo, feed_entries, render_feeds
from .sitewide.frozen import LISTING_PAGE, frozen_listing_html, versions_html
from .sitewide.legal import legal_notice_html
from .sitewide.mirrors import render_mirrors
from .sitewide.redirects import page_url, redirect_html
from .sitewide.search import SearchIndexPlugin
from .sitewide.theme_css import prune_theme_css

_portal: Portal | None = None
_action: Action | None = None
_charts: Charts | None = None
_publication: Publication | None = None
_stash = HtmlStash()


def _deferred(macro):
    """Keep a macro's ContentError for the page hook, which reports it without a traceback;
    a call with the wrong arguments is one too."""
    signature = inspect.signature(macro)

    @functools.wraps(macro)
    def wrapper(*args, **kwargs):
        try:
            signature.bind(*args, **kwargs)
        except TypeError:
            page = _portal.corpus.pages.get(_page_path())
            text = _portal.corpus.texts.get(page.path, "") if page else ""
            _portal.pending.append(ContentError([call_problem(
                page.file_path if page else "docs/?", macro.__name__, macro, args, kwargs,
                call_line(text, macro.__name__))]))
            return ""
        try:
            return macro(*args, **kwargs)
        except ContentError as error:
            _portal.pending.append(error)
            return ""
    return wrapper


_current_env = None


def _page_path() -> str:
    return _current_env.page.file.src_uri if _current_env else ""


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
    _register_macros(recorder, None)
    return {**dict.fromkeys(STANDARD_NAMES), **dict.fromkeys(extra), **recorder.macros}


def _register_macros(env, action: Action | None) -> None:
    """The page macros. They read the portal when a page calls them, not before."""
    register_action_macros(env, action, _deferred)

    def page_path() -> str:
        return env.page.file.src_uri

    def check_dossier(dossier: str | None) -> None:
        dossiers = PortalConfig.from_mkdocs(env.conf).dossiers
        if dossier is not None and dossier not in dossiers:
            raise ContentError([Problem(f"docs/{page_path()}", f"dossier inconnu `{dossier}`",
                                        call_line(_page_source(env), "investigations")
                                        or call_line(_page_source(env), "latest_publications"),
                                        did_you_mean(dossier, dossiers, "dossiers connus"))])

    @env.macro
    @_deferred
    def investigations(dossier: str) -> str:
        """The investigations of a dossier, newest first, from their front matter."""
        check_dossier(dossier)
        return teaser_list(_portal.corpus.investigations(dossier), page_path(), "investigations")

    @env.macro
    @_deferred
    def latest_publications(limit: int = 5, dossier: str | None = None) -> str:
        """Publications and dated updates, newest first."""
        check_dossier(dossier)
        return news_list(news_items(_portal.corpus, dossier)[:limit], page_path())

    @env.macro
    def bibliography() -> str:
        """Every cited source, grouped by kind, with the pages that cite it."""
        files, page = env.variables["files"], env.page

        def url_for(path: str) -> str:
            return get_relative_url(files.get_file_from_path(path).url, page.url)

        return render_bibliography(_portal.sources, _portal.corpus.cited_in(), url_for)

    @env.macro
    @_deferred
    def chart(chart_id: str) -> str:
        """A chart from data/<chart_id>.csv, rendered to inline SVG with its data table."""
        page = env.page
        record = _portal.corpus.pages.get(page.file.src_uri)
        line = record.chart_lines.get(str(chart_id)) if record else None
        return HtmlStash.mark_block(_charts.figure(
            str(chart_id), f"docs/{page_path()}", line,
            lambda path: get_relative_url(path, page.url)))

    @env.macro
    def mirrors() -> str:
        """The known mirrors of the portal, from data/miroirs.yml."""
        return render_mirrors(_portal.content.mirrors)

    @env.macro
    def legal_notice() -> str:
        """Publisher, director of publication and host, from `extra.legal`."""
        config = PortalConfig.from_mkdocs(env.conf)
        return legal_notice_html(config.legal, _publication.site_url, config.repo_url or None)

    @env.macro
    def frozen_versions() -> str:
        """The frozen versions published with the portal, with their dates."""
        if _publication.frozen_name:
            return frozen_listing_html()
        return versions_html(_publication.versions or [], env.page.url)


def _page_source(env) -> str:
    record = _portal.corpus.pages.get(env.page.file.src_uri) if _portal else None
    return _portal.corpus.texts.get(record.path, "") if record else ""


def _label(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def define_env(env):
    global _portal, _action, _charts, _publication
    preview = Preview.start(env)
    conf = env.conf
    config = PortalConfig.from_mkdocs(conf)
    root, docs_dir = Path(conf["config_file_path"]).resolve().parent, Path(conf["docs_dir"])
    french_warnings.install(docs_dir, _label(docs_dir, root), Path(conf["config_file_path"]))
    try:
        _action, action_error = Action.load(root, docs_dir.resolve(), config), None
    except ContentError as error:
        _action, action_error = None, error
    _register_macros(env, _action)
    PageTemplate.on_error = _render_error
    known = {**dict.fromkeys((*STANDARD_NAMES, *env.filters, *env.variables)), **env.macros}
    try:
        _portal = Portal.load(config, known_names=known)
        if action_error:
            raise action_error
        # Placeholders are refused here, before any page is built, in a publishing build.
        _publication = Publication.load(conf, _portal, _action)
    except ContentError as error:
        if not preview.keep(error):
            raise stop_build(error) from None
        _portal = None
        return
    portal = _portal
    _charts = Charts(portal.root, portal.sources)
    if not preview.quick:  # a quick preview draws only the charts of the pages it rebuilds
        _charts.prerender(portal.corpus.chart_ids())
    # Note calls, notes and figures reach the page after Markdown (see macros/floor/stash.py).
    env.conf["markdown_extensions"].append(StashExtension(_stash))
    # Compacting and indexing need an event macros do not relay (a page's final HTML): adding
    # a plugin to MkDocs' collection registers its events (PluginCollection.__setitem__).
    env.conf["plugins"]["portal/compact-html"] = CompactHtmlPlugin()
    if not preview.quick:  # a quick preview keeps the search index of the last full build
        env.conf["plugins"]["portal/search-index"] = SearchIndexPlugin()

    not_cited = uncited(portal.sources, portal.corpus.cited_in())
    if not_cited:
        advisory.warning("%d source(s) citée(s) nulle part : %s", len(not_cited),
                         ", ".join(f"{s.key} ({s.path}:{s.line})" for s in not_cited))
    env.conf["extra"]["mirrors_page"] = (portal.docs_dir / "miroirs.md").is_file()
    # Footer links to the legal and trust pages (fixture sites may not have them).
    for key, page in (("legal_page", "mentions-legales.md"),
                      ("accessibility_page", "accessibilite.md"),
                      ("versions_page", LISTING_PAGE)):
        env.conf["extra"][key] = (portal.docs_dir / page).is_file()


def _history_url(conf, src_uri: str) -> str | None:
    config = PortalConfig.from_mkdocs(conf)
    repo, history = config.repo_url, config.history_uri
    return f"{repo.rstrip('/')}/{history.strip('/')}/{src_uri}" if repo and history else None


def on_pre_page_macros(env):
    global _current_env
    _current_env = env
    if _portal is None:  # the preview shows the content mistakes instead of the pages
        env.markdown, env.page.meta["render_macros"] = "", False
        return
    page = env.page
    _stash.clear()
    env.env.template_class = PageTemplate  # the Jinja environment exists once pages render
    record = _portal.corpus.pages.get(page.file.src_uri)
    if record:
        _set_line_offset(record, env.markdown)
        env.markdown = decorate(record, env.markdown, _history_url(env.conf, page.file.src_uri))
        if record.dossier:
            env.markdown += call_to_action(env, _action, record)
    # The page's own title (front matter), not the shorter one the navigation gives it.
    title = str(page.meta.get("title") or page.title or "")
    description, head = _publication.head(_portal, page.file.src_uri, page.url, title,
                                          page.meta, env.markdown)
    page.meta["description"] = escape_description(description)
    page.meta["portal_head"] = head
    page.meta["portal_banners"] = _publication.banners(page.url)
    if not env.has_j2(env.markdown):
        # No macro on this page: skip compiling it as a Jinja template (a tenth of a build).
        page.meta["render_macros"] = False


_line_offset = 0  # file line of a rendered page's template line 1, minus 1


def _set_line_offset(record, body: str) -> None:
    """Template lines of the page to be rendered -> lines of its file: the front matter
    above, and the byline and updates `decorate` puts before the text."""
    global _line_offset
    text = _portal.corpus.texts.get(record.path, "")
    at = text.find(body[:200]) if body.strip() else -1
    body_line = text.count("\n", 0, at) + 1 if at >= 0 else 1
    prefix = decorate(record, body, None)
    added = prefix.count("\n", 0, prefix.find(body)) if body and body in prefix else 0
    _line_offset = body_line - 1 - added


def _render_error(error: Exception, line: int | None) -> None:
    page = _portal.corpus.pages.get(_page_path()) if _portal else None
    reason = " ".join(str(error).split())[:200] or type(error).__name__
    _portal.pending.append(ContentError([Problem(
        page.file_path if page else f"docs/{_page_path()}",
        f"erreur dans un appel de macro : {type(error).__name__} « {reason} »",
        line + _line_offset if line else None,
        "vérifiez les noms écrits entre {{ et }} : macro, variable ou champ (un champ "
        "inconnu de `config.extra` ou de l’en-tête, par exemple)")]))


def on_post_page_macros(env):
    if _portal is None:
        return
    if _portal.pending:
        error = _portal.pending.pop(0)
        _portal.pending.clear()
        if Preview.current.keep(error):
            return
        raise stop_build(error) from None
    page = env.page
    # The citations, charts' included, found once: the notes and an investigation's JSON-LD.
    groups = list(find_citations(env.markdown))
    cited = [c.key for group in groups for c in (group.citations or ())]
    article = _publication.article(_portal, page.file.src_uri, page.url, cited)
    if article:
        page.meta["portal_head"] = f"{page.meta.get('portal_head', '')}\n{article}"
    markdown = render_notes(env.markdown, _portal.sources, f"docs/{page.file.src_uri}",
                            _stash, groups)
    env.markdown = _stash.stash_marked(markdown)


def on_post_build(env):
    if _portal is None:
        return
    warnings = strict_warnings()
    if warnings:  # MkDocs would abort after this hook, in English
        raise stop_build(f"{warnings} avertissement(s) ci-dessus : le mode strict refuse "
                         "de publier le site tant qu’ils ne sont pas corrigés.")
    conf, site_dir = env.conf, Path(env.conf["site_dir"])
    # Every page's site-relative URL, from MkDocs' files: also those a dirty build
    # (`mkdocs build --dirty`) did not render.
    urls = {file.src_uri: file.url for file in env.variables["files"].documentation_pages()}
    # Frozen versions keep Material's whole stylesheet.
    if not PortalConfig.from_mkdocs(conf).version:
        prune_theme_css(site_dir, (site_dir / "assets" / "stylesheets").glob("*.css"),
                        (site_dir / "assets").glob("*.js"))
    if not Preview.current.quick:  # a quick preview changed pages only: the exports stand
        write_exports(_portal.sources, _portal.bib_dir, site_dir / "sources")
    _charts.publish(site_dir)
    _publication.write_images(_portal, site_dir)
    write_published_count(_action, site_dir, urls)
    site_url = (conf.get("site_url") or "").rstrip("/") + "/"
    info = FeedInfo(conf["site_name"], conf.get("site_description") or "", site_url,
                    author=conf.get("site_author") or "")
    entries = feed_entries(news_items(_portal.corpus), urls, site_url)
    for name, text in render_feeds(info, entries).items():
        (site_dir / name).write_text(text, encoding="utf-8")
    for old, new in _portal.redirects.items():
        target = urls[new]
        stub = site_dir / page_url(old)
        stub.parent.mkdir(parents=True, exist_ok=True)
        stub.write_text(redirect_html(old, target, site_url + target), encoding="utf-8")
