"""mkdocs-macros entry point: wiring only. The work is done in the modules it calls."""

from __future__ import annotations

import functools
from pathlib import Path

from mkdocs.utils import get_relative_url

from .action import Action, call_to_action, register_action_macros, write_published_count
from .article import decorate
from .charts import Charts
from .citations.bibliography_page import render_bibliography, uncited
from .citations.export import write_exports
from .citations.notes import render_notes
from .compact import CompactHtmlPlugin
from .errors import ContentError, Problem, did_you_mean
from .feeds import FeedInfo, feed_entries, render_feeds
from .listings import teaser_list
from .log import advisory
from .mirrors import load_mirrors, render_mirrors
from .news import news_items, news_list
from .portal import Portal
from .redirects import page_url, redirect_html
from .search import SearchIndexPlugin
from .stash import HtmlStash, StashExtension

_portal: Portal | None = None
_action: Action | None = None
_charts: Charts | None = None
_stash = HtmlStash()


def _deferred(macro):
    """Keep a macro's ContentError for the page hook, which reports it without a traceback."""
    @functools.wraps(macro)
    def wrapper(*args, **kwargs):
        try:
            return macro(*args, **kwargs)
        except ContentError as error:
            _portal.pending.append(error)
            return ""
    return wrapper


def define_env(env):
    global _portal, _action, _charts
    _portal = Portal.load(env.conf["config_file_path"], env.conf["docs_dir"], env.conf["extra"])
    portal = _portal
    _action = Action.load(portal.root, portal.docs_dir, env.conf["extra"])
    register_action_macros(env, _action, _deferred)
    _charts = Charts(portal.root, portal.sources)
    _charts.prerender(portal.corpus.chart_ids())
    # Note calls, notes and figures reach the page after Markdown (see macros/stash.py).
    env.conf["markdown_extensions"].append(StashExtension(_stash))
    # Compacting and indexing need an event macros do not relay (a page's final HTML): adding
    # a plugin to MkDocs' collection registers its events (PluginCollection.__setitem__).
    env.conf["plugins"]["portal/compact-html"] = CompactHtmlPlugin()
    env.conf["plugins"]["portal/search-index"] = SearchIndexPlugin()

    not_cited = uncited(portal.sources, portal.corpus.cited_in())
    if not_cited:
        advisory.warning("%d source(s) citée(s) nulle part : %s", len(not_cited),
                         ", ".join(f"{s.key} ({s.path}:{s.line})" for s in not_cited))

    def page_path() -> str:
        return env.page.file.src_uri

    def check_dossier(dossier: str | None) -> None:
        dossiers = env.conf["extra"].get("dossiers", [])
        if dossier is not None and dossier not in dossiers:
            raise ContentError([Problem(f"docs/{page_path()}", f"dossier inconnu `{dossier}`",
                                        hint=did_you_mean(dossier, dossiers, "dossiers connus"))])

    @env.macro
    @_deferred
    def investigations(dossier: str) -> str:
        """The investigations of a dossier, newest first, from their front matter."""
        check_dossier(dossier)
        return teaser_list(portal.corpus.investigations(dossier), page_path(), "investigations")

    @env.macro
    @_deferred
    def latest_publications(limit: int = 5, dossier: str | None = None) -> str:
        """Publications and dated updates, newest first."""
        check_dossier(dossier)
        return news_list(news_items(portal.corpus, dossier)[:limit], page_path())

    @env.macro
    def bibliography() -> str:
        """Every cited source, grouped by kind, with the pages that cite it."""
        files, page = env.variables["files"], env.page

        def url_for(path: str) -> str:
            return get_relative_url(files.get_file_from_path(path).url, page.url)

        return render_bibliography(portal.sources, portal.corpus.cited_in(), url_for)

    @env.macro
    @_deferred
    def chart(chart_id: str) -> str:
        """A chart from data/<chart_id>.csv, rendered to inline SVG with its data table."""
        page = env.page
        record = portal.corpus.pages.get(page.file.src_uri)
        line = record.chart_lines.get(str(chart_id)) if record else None
        return HtmlStash.mark_block(_charts.figure(
            str(chart_id), f"docs/{page_path()}", line,
            lambda path: get_relative_url(path, page.url)))

    env.conf["extra"]["mirrors_page"] = (portal.docs_dir / "miroirs.md").is_file()
    known_mirrors = load_mirrors(portal.root / "data" / "miroirs.yml", "data/miroirs.yml")

    @env.macro
    def mirrors() -> str:
        """The known mirrors of the portal, from data/miroirs.yml."""
        return render_mirrors(known_mirrors)


def _history_url(conf, src_uri: str) -> str | None:
    repo, history = conf.get("repo_url"), conf["extra"].get("history_uri")
    return f"{repo.rstrip('/')}/{history.strip('/')}/{src_uri}" if repo and history else None


def on_pre_page_macros(env):
    page = env.page
    _stash.clear()
    record = _portal.corpus.pages.get(page.file.src_uri)
    if record:
        env.markdown = decorate(record, env.markdown, _history_url(env.conf, page.file.src_uri))
        if record.dossier:
            env.markdown += call_to_action(env, _action, record)
    if not env.has_j2(env.markdown):
        # No macro on this page: skip compiling it as a Jinja template (a tenth of a build).
        page.meta["render_macros"] = False


def on_post_page_macros(env):
    if _portal.pending:
        error = _portal.pending.pop(0)
        _portal.pending.clear()
        raise error
    markdown = render_notes(env.markdown, _portal.sources, f"docs/{env.page.file.src_uri}",
                            _stash)
    env.markdown = _stash.stash_marked(markdown)


def on_post_build(env):
    conf, site_dir = env.conf, Path(env.conf["site_dir"])
    # Every page's site-relative URL, from MkDocs' files: also those a dirty build
    # (`mkdocs build --dirty`) did not render.
    urls = {file.src_uri: file.url for file in env.variables["files"].documentation_pages()}
    write_exports(_portal.sources, _portal.bib_dir, site_dir / "sources")
    _charts.publish(site_dir)
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
