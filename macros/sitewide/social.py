"""What a page says about itself when it is shared or indexed: its own description, Open
Graph and Twitter-card tags, and for an investigation a JSON-LD `Article`.

Pure functions returning text and HTML; the page pipeline (assembly/) hands the result to the page
(`page.meta`), and overrides/main.html prints it in the page's head.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass

from ..citations.sources import Source
from ..floor.urls import is_web_url
from .share_image import Card

DESCRIPTION_LIMIT = 200
SHARE_IMAGE_DIR = "assets/partage"
HOME_PAGE = "index.md"

_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
_CITATION = re.compile(r"\s*\[(?:-?@[^\]]+)\]")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_ATTRS = re.compile(r"\{\s*[:#.][^}]*\}")
_MARKUP = re.compile(r"<[^>]+>|[*_`]")
# Line breaks and runs of ordinary spaces; no-break spaces (French typography) are kept.
_SPACES = re.compile(r"[ \t\r\n]+")


def squeeze(text: str) -> str:
    return _SPACES.sub(" ", text).strip(" ")


@dataclass(frozen=True)
class Publisher:
    name: str
    url: str  # the portal's address


def plain_text(markdown: str) -> str:
    """A paragraph of Markdown as plain text: no macro, citation, link target or emphasis."""
    text = _JINJA.sub("", markdown)
    text = _CITATION.sub("", text)
    text = _LINK.sub(r"\1", text)
    text = _ATTRS.sub("", text)
    text = _MARKUP.sub("", text)
    return squeeze(text)


def _starts_prose(line: str) -> bool:
    """Not a heading, list, table, quote, HTML, macro, admonition or link definition."""
    return not (line.startswith(("#", "-", "*", "+", "|", ">", "<", "{", "!!!", "???", "[",
                                 ":::")) or re.match(r"\d+[.)]\s", line))


def first_paragraph(markdown: str) -> str:
    """The first paragraph of prose of a page (headings, lists, tables, blocks, macros and
    HTML skipped), as plain text; "" when there is none."""
    paragraph: list[str] = []
    fenced = False
    for line in markdown.splitlines():
        stripped = line.strip()
        if stripped.startswith(("```", "~~~")):
            fenced = not fenced
            continue
        if fenced:
            continue
        if not stripped:
            if paragraph:
                break
            continue
        if paragraph or _starts_prose(stripped):
            paragraph.append(stripped)
    return plain_text(" ".join(paragraph))


def clip(text: str, limit: int = DESCRIPTION_LIMIT) -> str:
    """`text` cut at a word boundary to at most `limit` characters, with an ellipsis."""
    text = squeeze(text)
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:–—")
    return cut + " …"


def page_description(meta: dict, markdown: str, fallback: str) -> str:
    """The page's own description: `description`, else `summary` (an investigation's), both
    whole as written; else its first paragraph, clipped; the site's description only for a
    page without prose."""
    for value in (meta.get("description"), meta.get("summary")):
        if value and str(value).strip():
            return plain_text(str(value))
    return clip(first_paragraph(markdown) or fallback)


def share_image_path(src_uri: str) -> str:
    """Where the card of the page `src_uri` is published, relative to the site root."""
    return f"{SHARE_IMAGE_DIR}/{src_uri.removesuffix('.md')}.png"


def card_for(title: str, kicker: str, site_name: str) -> Card:
    return Card(title=title, kicker=kicker, footer=site_name)


def absolute(site_url: str, path: str) -> str:
    return site_url.rstrip("/") + "/" + path.lstrip("/")


def head_tags(*, site_name: str, title: str, description: str, url: str, image: str,
              image_alt: str, kind: str = "website", published: dt.date | None = None,
              modified: dt.date | None = None, authors: Iterable[str] = (),
              locale: str = "fr_FR") -> str:
    """Open Graph and Twitter-card tags (`locale`: the page's language, `en_GB`…). `url`
    and `image` are absolute addresses. Twitter
    reads title, description and image from the Open Graph tags when its own are missing
    (its documented fallback): they are not written twice."""
    tags_out = [
        ("property", "og:type", kind),
        ("property", "og:site_name", site_name),
        ("property", "og:locale", locale),
        ("property", "og:title", title),
        ("property", "og:description", description),
        ("property", "og:url", url),
        ("property", "og:image", image),
        ("property", "og:image:width", "1200"),
        ("property", "og:image:height", "630"),
        ("property", "og:image:alt", image_alt),
    ]
    if kind == "article":
        if published:
            tags_out.append(("property", "article:published_time", published.isoformat()))
        if modified:
            tags_out.append(("property", "article:modified_time", modified.isoformat()))
        tags_out += [("property", "article:author", name) for name in authors]
    tags_out += [
        ("name", "twitter:card", "summary_large_image"),
        ("name", "twitter:image:alt", image_alt),
    ]
    return "\n".join(f'<meta {attr}="{name}" content="{html.escape(value, quote=True)}">'
                     for attr, name, value in tags_out)


def _cited_work(source: Source) -> dict:
    """A cited source: its title and where to read it (kept short: every page carries it)."""
    work: dict = {"@type": "CreativeWork", "name": source.fields.get("title", source.key)}
    if source.date:
        work["datePublished"] = str(source.date.year)
    url = source.fields.get("url", "")
    if is_web_url(url):
        work["url"] = url
    doi = source.fields.get("doi", "")
    if doi:
        work["sameAs"] = f"https://doi.org/{doi}"
    return work


def article_jsonld(*, headline: str, url: str, image: str,
                   published: dt.date | None, modified: dt.date | None, authors: Iterable[str],
                   publisher: Publisher, cited: Iterable[Source], language: str = "fr",
                   translation_of: str = "") -> str:
    """A schema.org `Article` in a `<script type="application/ld+json">`; `language`: the
    page's, `translation_of`: the address of the original it translates (an edition's)."""
    data: dict = {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": headline,
        "url": url,
        "image": image,
        "inLanguage": language,
    }
    if translation_of:
        data["translationOfWork"] = {"@id": translation_of}
    if published:
        data["datePublished"] = published.isoformat()
        data["dateModified"] = (modified or published).isoformat()
    data["author"] = [{"@type": "Organization", "name": name} for name in authors]
    data["publisher"] = {"@type": "Organization", "name": publisher.name, "url": publisher.url}
    citations = [_cited_work(source) for source in cited]
    if citations:
        data["citation"] = citations
    text = json.dumps(data, ensure_ascii=False, indent=None, separators=(",", ":"))
    # Inside <script>, "</script" or "<!--" from a title could end or hide the element: the
    # same characters escaped the JSON way read the same once parsed.
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/ld+json">{text}</script>'
