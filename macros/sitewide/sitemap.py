"""The sitemap with the editions (issue 29): every page that exists in several languages
gets, in sitemap.xml, its `xhtml:link` alternates (each language and `x-default`, the French
page), as search engines read them; the edition pages the engine left out are added, and
an edition's 404 page (a page of docs/ for the engine) is left out.

Run on the sitemap the engine wrote (MkDocs and Zensical write different ones): its entries
are kept as they are, only completed.
"""

from __future__ import annotations

import html
import re
from collections.abc import Collection

from ..floor.language import SOURCE, versions

XHTML = "http://www.w3.org/1999/xhtml"
_URL = re.compile(r"([ \t]*)<url>(.*?)</url>\n?", re.S)
_LOC = re.compile(r"<loc>\s*(.*?)\s*</loc>", re.S)


def _source(loc: str, site_url: str) -> str | None:
    """The docs/ path of the page at `loc` (None: not a page of this site)."""
    if not loc.startswith(site_url) or not loc.endswith(".html"):
        return None
    return loc[len(site_url):].removesuffix(".html") + ".md"


def _links(found: dict[str, str], site_url: str, indent: str) -> str:
    hrefs = [(lang, site_url + path.removesuffix(".md") + ".html")
             for lang, path in found.items()]
    hrefs.append(("x-default", hrefs[0][1] if SOURCE not in found
                  else site_url + found[SOURCE].removesuffix(".md") + ".html"))
    return "".join(f'{indent}  <xhtml:link rel="alternate" hreflang="{lang}" '
                   f'href="{html.escape(href)}"/>\n' for lang, href in hrefs)


def with_alternates(text: str, site_url: str, pages: Collection[str]) -> str:
    """`text` (a sitemap) with the alternates of every page written in several languages
    (`pages`: the paths of docs/), and an entry for each such page it lacked."""
    site_url = site_url.rstrip("/") + "/"
    listed = {m for m in (_source(loc, site_url) for loc in _LOC.findall(text)) if m}
    added: list[str] = []

    def entry(match: re.Match) -> str:
        indent, body = match.group(1), match.group(2)
        loc = _LOC.search(body)
        path = _source(loc.group(1), site_url) if loc else None
        if path and path.rsplit("/", 1)[-1] == "404.md":
            return ""  # an edition's 404 page (docs/en/404.md): not a page to index
        found = versions(path, pages) if path in pages else {}
        if len(found) < 2:
            return match.group(0)
        for other in found.values():
            if other not in listed:
                listed.add(other)
                added.append(f"{indent}<url>\n{indent}  <loc>{html.escape(site_url)}"
                             f"{html.escape(other.removesuffix('.md'))}.html</loc>\n"
                             f"{_links(found, site_url, indent)}{indent}</url>\n")
        return (f"{indent}<url>{body.rstrip()}\n{_links(found, site_url, indent)}"
                f"{indent}</url>\n")

    text = _URL.sub(entry, text)
    if added:
        text = text.replace("</urlset>", "".join(added) + "</urlset>", 1)
    if "<xhtml:link" in text and f'xmlns:xhtml="{XHTML}"' not in text:
        text = text.replace("<urlset ", f'<urlset xmlns:xhtml="{XHTML}" ', 1)
    return text
