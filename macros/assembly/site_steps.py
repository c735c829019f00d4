"""The site-wide steps, run on a built site/ folder whichever engine built it.

HTML compaction, Material's stylesheet pruned to what the pages use, bibliography exports,
chart CSVs and specs, share images, the published signature count, the partners' file,
feeds, redirect stubs and the Pagefind search index. The engines' adapters run them
(macros/engine/postbuild.py): MkDocs from the macros' `on_post_build` hook, a Zensical build
through `python -m scripts.postbuild site/ [--config-file mkdocs.yml]`.
"""

from __future__ import annotations

import gzip
from pathlib import Path

from common.config import PortalConfig

from ..action import write_published_count
from ..action.coalition import write_partners_file
from ..citations.export import publish_documents, write_exports
from ..floor.language import EDITIONS, language_of
from ..pages.news import edition_news_items, news_items
from ..sitewide.built_pages import PageCache, compact_site
from ..sitewide.feeds import FeedInfo, feed_entries, render_feeds
from ..sitewide.palette import write_palette
from ..sitewide.redirects import page_url, redirect_html
from ..sitewide.search import index_folder
from ..sitewide.sitemap import with_alternates
from ..sitewide.theme_css import prune_theme_css
from .assembled import Assembled
from .portal import Portal


def page_urls(portal: Portal) -> dict[str, str]:
    """Every page's site-relative URL, from the pages of docs/ (also those a dirty build
    did not render)."""
    return {src_uri: page_url(src_uri) for src_uri in portal.corpus.pages}


def rewritten(site_dir: Path, urls: dict[str, str], since: float) -> set[str]:
    """The pages (docs/ paths) whose HTML was written after `since`."""
    written = set()
    for src_uri, url in urls.items():
        page = site_dir / url
        if page.is_file() and page.stat().st_mtime >= since:
            written.add(src_uri)
    return written


def run_site_steps(site_dir: Path, built: Assembled, config: PortalConfig, started: float,
                   quick: bool = False) -> None:
    """`started`: when the build began (its pages were written after); `quick`: a quick
    preview rebuilt some pages only (the rest of the site stands)."""
    portal = built.portal
    urls = page_urls(portal)
    pages = compact_site(site_dir, started if quick else None,
                         PageCache(portal.root / ".cache" / "pages"))
    write_palette(site_dir, portal.content.palette)  # extra.campaign.colors
    if not config.version:  # frozen versions keep Material's whole stylesheet
        # Zensical puts its stylesheets one level down (modern/, classic/).
        prune_theme_css(site_dir, (site_dir / "assets" / "stylesheets").rglob("*.css"),
                        (site_dir / "assets").glob("*.js"),
                        carried=None if quick else (page.classes for page in pages.values()))
    if not quick:  # a quick preview changed pages only: the exports stand
        write_exports(portal.sources, portal.bib_dir, site_dir / "sources")
        publish_documents(portal.sources, portal.root, site_dir)
    built.charts.publish(site_dir, () if quick else portal.corpus.chart_ids())
    # A quick preview rewrote a few pages: only their share images can have changed.
    built.publication.write_images(portal, site_dir, rewritten(site_dir, urls, started)
                                   if quick else None)
    write_published_count(built.action, site_dir, urls)
    write_partners_file(built, site_dir, urls)
    site_url = config.site_url.rstrip("/") + "/"
    info = FeedInfo(config.site_name, config.site_description, site_url,
                    author=config.site_author)
    entries = feed_entries(news_items(portal.corpus), urls, site_url)
    for name, text in render_feeds(info, entries).items():
        (site_dir / name).write_text(text, encoding="utf-8")
    for lang in EDITIONS:  # one feed per language, in its edition's folder (en/rss.xml)
        items = edition_news_items(portal.corpus, lang)
        if not items:
            continue
        _ = built.pipeline.words.get(lang, str)
        info = FeedInfo(_(config.site_name), _(config.site_description),
                        f"{site_url}{lang}/", language=lang, author=config.site_author)
        (site_dir / lang).mkdir(exist_ok=True)
        for name, text in render_feeds(info, feed_entries(items, urls, site_url, _)).items():
            (site_dir / lang / name).write_text(text, encoding="utf-8")
    sitemap = site_dir / "sitemap.xml"  # the editions' alternates (issue 29)
    if sitemap.is_file():
        text = with_alternates(sitemap.read_text(encoding="utf-8"), site_url,
                               portal.corpus.pages)
        sitemap.write_text(text, encoding="utf-8")
        packed = site_dir / "sitemap.xml.gz"  # MkDocs' compressed copy, kept the same,
        if packed.is_file():  # with the time MkDocs gave it (the commit's, reproducible)
            mtime = int.from_bytes(packed.read_bytes()[4:8], "little")
            packed.write_bytes(gzip.compress(text.encode("utf-8"), mtime=mtime))
    for old, new in portal.redirects.items():
        target = urls[new]
        stub = site_dir / page_url(old)
        stub.parent.mkdir(parents=True, exist_ok=True)
        words = built.pipeline.words.get(language_of(old), str)  # an English page's: English
        stub.write_text(redirect_html(old, target, site_url + target, words),
                        encoding="utf-8")
    if not quick:  # a quick preview keeps the search index of the last full build
        index_folder(site_dir, portal.root / ".cache" / "search",
                     {path: (page.indexed, page.indexed_part) for path, page in pages.items()})
