"""What the reader-facing browser tests share: which pages exist, of which kind, a
Chromium per test module, and the weight of what a page makes the browser download."""

from __future__ import annotations

import gzip
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from common.config import PortalConfig
from support.sites import ROOT, Site

ARTIFACTS = ROOT / "test-artifacts"
SEARCH_PAGE = "rechercher.html"
MOBILE = {"width": 360, "height": 640}
DESKTOP = {"width": 1280, "height": 800}


def dossiers() -> list[str]:
    return list(PortalConfig.read(ROOT / "mkdocs.yml").dossiers)


def reader_pages(site: Site) -> list[str]:
    """Every themed page of the built site (not redirect stubs), as URLs relative to its root."""
    return [path.relative_to(site.dir).as_posix() for path in site.pages()
            if 'data-md-component="content"' in path.read_text(encoding="utf-8")]


def page_kinds(site: Site) -> dict[str, str]:
    """One page of each kind readers meet. An investigation and a petition only when present."""
    kinds = {"accueil": "index.html"}
    folders = dossiers()
    if folders:
        kinds["dossier"] = f"{folders[0]}/index.html"
        articles = [p for p in (site.dir / folders[0]).glob("*.html") if p.name != "index.html"]
        # The longest one: the budget must hold for the heaviest investigation.
        if articles:
            heaviest = max(articles, key=lambda p: p.stat().st_size)
            kinds["enquete"] = heaviest.relative_to(site.dir).as_posix()
    kinds["sources"] = "sources.html"
    if site.path("petition.html").is_file():
        kinds["petition"] = "petition.html"
    return kinds


def investigation(site: Site) -> str:
    kinds = page_kinds(site)
    if "enquete" not in kinds:
        pytest.fail("the built portal has no investigation page", pytrace=False)
    return kinds["enquete"]


def compressed_size(body: bytes) -> int:
    """Bytes on the wire from a server that gzips responses (never more than the raw body:
    servers leave already-compressed formats alone)."""
    return min(len(body), len(gzip.compress(body, compresslevel=6, mtime=0)))


@dataclass
class Traffic:
    """Every request a page makes, with the compressed size of each response."""

    base: str
    requests: list[str] = field(default_factory=list)
    sizes: dict[str, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)

    def watch(self, page) -> Traffic:
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("requestfailed", lambda request: self.failures.append(request.url))
        page.on("response", self._record)
        return self

    def _record(self, response):
        try:
            body = response.body()
        except Exception:  # a redirect or an aborted request has no body
            body = b""
        self.sizes[response.url] = self.sizes.get(response.url, 0) + compressed_size(body)

    def foreign(self) -> set[str]:
        own = urlsplit(self.base).netloc
        return {url for url in self.requests
                if urlsplit(url).scheme not in ("data", "blob") and urlsplit(url).netloc != own}

    def paths(self) -> list[str]:
        return [urlsplit(url).path for url in self.requests]

    @property
    def total(self) -> int:
        return sum(self.sizes.values())


def artifact_dir(name: str) -> Path:
    path = ARTIFACTS / name
    path.mkdir(parents=True, exist_ok=True)
    return path


def run_query(page, query: str) -> list[str]:
    """Search on the search page and wait for the results: their links, in order."""
    page.fill("#search-q", query)
    page.press("#search-q", "Enter")
    page.wait_for_function(
        "q => document.querySelector('form[data-pagefind]').dataset.searched === q", arg=query)
    return [link.get_attribute("href") for link in page.locator("#search-results a").all()]
