"""Read the links and anchors of built HTML pages, and resolve links to files of the site."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

# Attributes that hold one address. (`srcset` holds several; the theme does not use it.)
LINK_ATTRIBUTES = {"href", "src", "poster", "data"}
_REFRESH_URL = re.compile(r"^\s*\d+\s*;\s*url\s*=\s*['\"]?([^'\"]+)", re.IGNORECASE)


@dataclass(frozen=True)
class Link:
    tag: str
    attribute: str
    url: str
    line: int
    # False for addresses built for the reader to act on, not evidence (share intents):
    # the page marks them `data-linkcheck="skip"`, or they carry a class of UNCHECKED.
    external_check: bool = True


# Classes of links that are searches, not evidence: a note's search for an archived copy
# (macros/citations/formatting.py), eight per page at times, without an attribute each.
UNCHECKED = frozenset({"source-archive-search"})


@dataclass
class ParsedPage:
    links: list[Link] = field(default_factory=list)
    anchors: set[str] = field(default_factory=set)


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = ParsedPage()

    def handle_starttag(self, tag, attrs):
        line = self.getpos()[0]
        values = dict(attrs)
        for name in ("id", "name") if tag == "a" else ("id",):
            if values.get(name):
                self.page.anchors.add(values[name])
        for name, value in attrs:
            if name in LINK_ATTRIBUTES and value is not None and value.strip():
                checked = values.get("data-linkcheck") != "skip" and not (
                    UNCHECKED & set((values.get("class") or "").split()))
                self.page.links.append(Link(tag, name, value.strip(), line, checked))
        if tag == "meta" and (values.get("http-equiv") or "").lower() == "refresh":
            match = _REFRESH_URL.match(values.get("content") or "")
            if match:
                self.page.links.append(Link(tag, "content", match.group(1).strip(), line))

    handle_startendtag = handle_starttag


def parse_html(text: str) -> ParsedPage:
    parser = _PageParser()
    parser.feed(text)
    parser.close()
    return parser.page


@cache
def _parse_file(path: Path, mtime_ns: int) -> ParsedPage:
    return parse_html(path.read_text(encoding="utf-8", errors="replace"))


def parse_file(path: Path) -> ParsedPage:
    """Parsed once per file version: anchors of a page are looked up by many links."""
    return _parse_file(path, path.stat().st_mtime_ns)


def html_files(site_dir: Path) -> list[Path]:
    return sorted(site_dir.rglob("*.html"))


def is_external(url: str) -> bool:
    return urlsplit(url).scheme in ("http", "https")


def local_target(site_dir: Path, page: str, url: str, site_url: str) -> tuple[str, str] | None:
    """(site-relative file path, fragment) that `url` on `page` points to, or None when the
    address is not a file of this site (another site, mailto:, javascript:, data:…).

    `page` is site-relative ("a/b.html"); an address under `site_url` maps to this site.
    """
    base = urlsplit(site_url).path.rstrip("/") + "/"  # where the site lives on its host
    if site_url and url.startswith(site_url):
        url = base + url[len(site_url):]
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        return None
    path = unquote(parts.path)
    if not path:
        target = page
    elif path.startswith("/"):
        # Root-relative (the 404 page): under the site's own path, or outside the site.
        inside = path.startswith(base) or path + "/" == base
        target = posixpath.normpath(path[len(base):] or ".") if inside else ".." + path
    else:
        target = posixpath.normpath(posixpath.join(posixpath.dirname(page), path))
    if target == "." or path.endswith("/"):
        target = posixpath.join("" if target == "." else target, "index.html")
    if (site_dir / target).is_dir():
        target = posixpath.join(target, "index.html")
    return target, unquote(parts.fragment)


def missing(site_dir: Path, target: str, fragment: str) -> str | None:
    """Why the link to `target#fragment` is broken (in French), or None when it is not."""
    if target.startswith("../") or target == "..":
        return "adresse hors du site"
    file = site_dir / target
    if not file.is_file():
        return "fichier introuvable"
    if fragment and fragment.lower() != "top" and target.endswith(".html") \
            and fragment not in parse_file(file).anchors:
        return f"ancre introuvable : #{fragment}"
    return None
