"""The site-wide steps, run on a built site/ folder whichever engine built it.

HTML compaction, Material's stylesheet pruned to what the pages use, bibliography exports,
chart CSVs and specs, share images, the published signature count, feeds, redirect stubs and
the Pagefind search index. MkDocs runs them from the macros' `on_post_build` hook (with the
session of its build); a Zensical build is followed by

    python -m scripts.postbuild site/ [--config-file mkdocs.yml]
"""

from __future__ import annotations

from pathlib import Path

from ..action import write_published_count
from ..action.coalition import write_partners_file
from ..citations.export import publish_documents, write_exports
from ..pages.news import news_items
from ..sitewide.compact import compact_site
from ..sitewide.feeds import FeedInfo, feed_entries, render_feeds
from ..sitewide.redirects import page_url, redirect_html
from ..sitewide.search import index_folder
from ..sitewide.theme_css import prune_theme_css
from .session import BuildSession


def page_urls(session: BuildSession) -> dict[str, str]:
    """Every page's site-relative URL, from the pages of docs/ (also those a dirty build
    did not render)."""
    return {src_uri: page_url(src_uri) for src_uri in session.portal.corpus.pages}


def rewritten(site_dir: Path, urls: dict[str, str], since: float) -> set[str]:
    """The pages (docs/ paths) whose HTML was written after `since`."""
    written = set()
    for src_uri, url in urls.items():
        page = site_dir / url
        if page.is_file() and page.stat().st_mtime >= since:
            written.add(src_uri)
    return written


def run_site_steps(site_dir: Path, session: BuildSession) -> None:
    portal, config, quick = session.portal, session.config, session.preview.quick
    urls = page_urls(session)
    pages = compact_site(site_dir, session.started if quick else None)
    if not config.version:  # frozen versions keep Material's whole stylesheet
        # Zensical puts its stylesheets one level down (modern/, classic/).
        prune_theme_css(site_dir, (site_dir / "assets" / "stylesheets").rglob("*.css"),
                        (site_dir / "assets").glob("*.js"))
    if not quick:  # a quick preview changed pages only: the exports stand
        write_exports(portal.sources, portal.bib_dir, site_dir / "sources")
        publish_documents(portal.sources, portal.root, site_dir)
    session.charts.publish(site_dir, () if quick else portal.corpus.chart_ids())
    # A quick preview rewrote a few pages: only their share images can have changed.
    session.publication.write_images(portal, site_dir, rewritten(site_dir, urls, session.started)
                                     if quick else None)
    write_published_count(session.action, site_dir, urls)
    write_partners_file(session, site_dir, urls)
    site_url = config.site_url.rstrip("/") + "/"
    info = FeedInfo(config.site_name, config.site_description, site_url,
                    author=config.site_author)
    entries = feed_entries(news_items(portal.corpus), urls, site_url)
    for name, text in render_feeds(info, entries).items():
        (site_dir / name).write_text(text, encoding="utf-8")
    for old, new in portal.redirects.items():
        target = urls[new]
        stub = site_dir / page_url(old)
        stub.parent.mkdir(parents=True, exist_ok=True)
        stub.write_text(redirect_html(old, target, site_url + target), encoding="utf-8")
    if not quick:  # a quick preview keeps the search index of the last full build
        index_folder(site_dir, portal.root / ".cache" / "search", pages)
