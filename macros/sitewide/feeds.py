"""RSS 2.0, Atom and JSON Feed of the news stream, with absolute links from site_url.

Dates come from content only (never the build time), so feeds are reproducible.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from email.utils import format_datetime
from urllib.parse import urljoin
from xml.sax.saxutils import escape, quoteattr

from ..pages.news import NewsItem

FEED_FILES = {"rss": "rss.xml", "atom": "atom.xml", "json": "feed.json"}


@dataclass(frozen=True)
class FeedInfo:
    title: str
    description: str
    site_url: str  # absolute, ends with "/"
    language: str = "fr"
    author: str = ""


@dataclass(frozen=True)
class FeedEntry:
    id: str
    url: str
    title: str
    summary: str
    published: dt.datetime


def feed_entries(items: list[NewsItem], urls: dict[str, str], site_url: str,
                 _=str) -> list[FeedEntry]:
    """`_`: the words of the feed's language (common/words.py)."""
    entries = []
    for item in items:
        url = urljoin(site_url, urls[item.page.path]) + item.anchor
        published = dt.datetime.combine(item.date, dt.time(), tzinfo=dt.UTC)
        if item.kind == "publication":
            entries.append(FeedEntry(url, url, item.page.title, item.text, published))
        else:
            entries.append(FeedEntry(f"{url}-{item.date.isoformat()}", url,
                                     _("Mise à jour : {title}").format(title=item.page.title),
                                     item.text, published))
    return entries


def _rfc3339(when: dt.datetime) -> str:
    return when.isoformat().replace("+00:00", "Z")


def rss(info: FeedInfo, entries: list[FeedEntry]) -> str:
    items = "".join(
        "  <item>\n"
        f"    <title>{escape(e.title)}</title>\n"
        f"    <link>{escape(e.url)}</link>\n"
        f"    <guid isPermaLink=\"false\">{escape(e.id)}</guid>\n"
        f"    <pubDate>{format_datetime(e.published, usegmt=True)}</pubDate>\n"
        f"    <description>{escape(e.summary)}</description>\n"
        "  </item>\n" for e in entries)
    last = (f"  <lastBuildDate>{format_datetime(entries[0].published, usegmt=True)}"
            "</lastBuildDate>\n") if entries else ""
    self_url = urljoin(info.site_url, FEED_FILES["rss"])
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">\n<channel>\n'
        f"  <title>{escape(info.title)}</title>\n"
        f"  <link>{escape(info.site_url)}</link>\n"
        f"  <description>{escape(info.description)}</description>\n"
        f"  <language>{info.language}</language>\n"
        f'  <atom:link href={quoteattr(self_url)} rel="self" type="application/rss+xml"/>\n'
        f"{last}{items}</channel>\n</rss>\n"
    )


def atom(info: FeedInfo, entries: list[FeedEntry]) -> str:
    updated = _rfc3339(entries[0].published) if entries else "1970-01-01T00:00:00Z"
    self_url = urljoin(info.site_url, FEED_FILES["atom"])
    author = f"  <author><name>{escape(info.author or info.title)}</name></author>\n"
    items = "".join(
        "  <entry>\n"
        f"    <title>{escape(e.title)}</title>\n"
        f"    <link href={quoteattr(e.url)}/>\n"
        f"    <id>{escape(e.id)}</id>\n"
        f"    <published>{_rfc3339(e.published)}</published>\n"
        f"    <updated>{_rfc3339(e.published)}</updated>\n"
        f"    <summary>{escape(e.summary)}</summary>\n"
        "  </entry>\n" for e in entries)
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{info.language}">\n'
        f"  <title>{escape(info.title)}</title>\n"
        f"  <subtitle>{escape(info.description)}</subtitle>\n"
        f"  <link href={quoteattr(info.site_url)}/>\n"
        f'  <link rel="self" href={quoteattr(self_url)}/>\n'
        f"  <id>{escape(info.site_url)}</id>\n"
        f"  <updated>{updated}</updated>\n{author}{items}</feed>\n"
    )


def json_feed(info: FeedInfo, entries: list[FeedEntry]) -> str:
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": info.title,
        "home_page_url": info.site_url,
        "feed_url": urljoin(info.site_url, FEED_FILES["json"]),
        "description": info.description,
        "language": info.language,
        "items": [{"id": e.id, "url": e.url, "title": e.title, "summary": e.summary,
                   "content_text": e.summary, "date_published": _rfc3339(e.published)}
                  for e in entries],
    }
    return json.dumps(feed, ensure_ascii=False, indent=2) + "\n"


def render_feeds(info: FeedInfo, entries: list[FeedEntry]) -> dict[str, str]:
    """File name -> content."""
    return {FEED_FILES["rss"]: rss(info, entries), FEED_FILES["atom"]: atom(info, entries),
            FEED_FILES["json"]: json_feed(info, entries)}
