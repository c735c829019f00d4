"""One build, three places: the root of a domain, a sub-path, and the disk (file://).

Real Chromium crawls every page of the built portal from the home page, follows every link
that stays in the site, then opens any page no link reached. It asserts: no missing page, no
failed request, no link leaving the site root or pointing to a folder, every `#anchor` target
present, and no request to any other host. The search page is opened like any page (its
own tests run queries).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlsplit

import pytest
from bs4 import BeautifulSoup

from support.browser import serve

pytestmark = pytest.mark.browser

# The server's "not found" page: its links start from the origin's root on purpose (it is
# served at any depth). MIRRORING.md says to use it only at the root of a domain.
ERROR_PAGE = "404.html"


def is_harmless_on_disk(request) -> bool:
    """Material's bundle fetches sitemap.xml beside every `link rel=alternate` (the feeds) to
    map language versions; Chromium refuses fetch() on file://, Material ignores the error
    and nothing on the page depends on it. Any other failure still counts."""
    return (request.url.startswith("file:") and request.resource_type in ("fetch", "xhr")
            and request.url.endswith("/sitemap.xml"))

COLLECT = """() => ({
  links: [...document.querySelectorAll('a[href], link[href]')].map(e => e.href),
  ids: [...document.querySelectorAll('[id]')].map(e => e.id)
        .concat([...document.querySelectorAll('a[name]')].map(e => e.name)),
})"""


@dataclass
class Crawl:
    visited: set[str] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    anchors_checked: int = 0


def crawl(browser, base: str, site_dir: Path, skip: frozenset[str] = frozenset()) -> Crawl:
    """Visit the site whose root is at `base` (ends with /)."""
    report = Crawl()
    ids: dict[str, set[str]] = {}
    anchors: list[tuple[str, str, str]] = []  # (from page, target page, fragment)
    context = browser.new_context()
    page = context.new_page()

    def on_request(request):
        report.requests.append(request.url)
        url = request.url
        if not (url.startswith(base) or url.startswith(("data:", "blob:"))):
            report.problems.append(f"request outside the site: {url} (from {page.url})")

    def on_response(response):
        if response.status >= 400:
            report.problems.append(f"HTTP {response.status}: {response.url} (from {page.url})")

    def on_failed(request):
        # ERR_ABORTED: cancelled because the crawler moved on (e.g. the favicon); a missing
        # file is a 404 response over HTTP and ERR_FILE_NOT_FOUND on disk.
        if request.failure == "net::ERR_ABORTED":
            return
        if not is_harmless_on_disk(request):
            report.problems.append(f"failed: {request.url} {request.failure} (from {page.url})")

    page.on("request", on_request)
    page.on("response", on_response)
    page.on("requestfailed", on_failed)

    def check_target(source: str, href: str) -> str | None:
        """The site-relative page a link leads to (None for other hosts and non-pages)."""
        target, fragment = urldefrag(href)
        if not target.startswith(base):
            if urlsplit(href).scheme in ("http", "https") and \
                    urlsplit(href).netloc != urlsplit(base).netloc:
                return None  # another site: a link, not a request
            if urlsplit(href).scheme in ("mailto", "tel", "data"):
                return None
            report.problems.append(f"{source}: link leaves the site root: {href}")
            return None
        relative = unquote(target[len(base):])
        if relative == "" or relative.endswith("/"):
            report.problems.append(f"{source}: link to a folder: {href}")
            return None
        if not (site_dir / relative).is_file():
            report.problems.append(f"{source}: link to a missing file: {href}")
            return None
        if fragment:
            anchors.append((source, relative, unquote(fragment)))
        return relative if relative.endswith(".html") else None

    def visit(relative: str, queue: list[str]) -> None:
        report.visited.add(relative)
        text = (site_dir / relative).read_text(encoding="utf-8")
        soup = BeautifulSoup(text, "html.parser")
        refresh = soup.find("meta", attrs={"http-equiv": "refresh"})
        if refresh:  # a redirect stub: check where it leads, without racing its refresh
            href = refresh["content"].split("url=", 1)[1]
            for link in (href, *(a["href"] for a in soup.select("a[href]"))):
                target = check_target(relative, base + _join(relative, link))
                if target and target not in report.visited:
                    queue.append(target)
            ids[relative] = set()
            return
        response = page.goto(base + relative, wait_until="load")
        if response is not None and response.status != 200:
            report.problems.append(f"{relative}: HTTP {response.status}")
            return
        found = page.evaluate(COLLECT)
        ids[relative] = set(found["ids"])
        for href in found["links"]:
            target = check_target(relative, href)
            if target and target not in report.visited and target not in skip:
                queue.append(target)

    def run(queue: list[str]) -> None:
        while queue:
            relative = queue.pop(0)
            if relative in report.visited:
                continue
            try:
                visit(relative, queue)
            except Exception as error:  # a page that does not open is a finding, not a crash
                report.problems.append(f"{relative}: {error}")

    run(["index.html"])
    every_page = sorted(p.relative_to(site_dir).as_posix() for p in site_dir.rglob("*.html"))
    run([p for p in every_page if p not in report.visited and p not in skip])
    context.close()

    for source, target, fragment in anchors:
        report.anchors_checked += 1
        if target in ids and fragment not in ids[target]:
            report.problems.append(f"{source}: anchor #{fragment} missing in {target}")
    return report


def _join(page: str, href: str) -> str:
    """`href` as written in `page`, made relative to the site root."""
    from posixpath import dirname, normpath
    return normpath(f"{dirname(page)}/{href}") if dirname(page) else normpath(href)


def assert_clean(report: Crawl, site_dir: Path, skip: frozenset[str]) -> None:
    pages = {p.relative_to(site_dir).as_posix() for p in site_dir.rglob("*.html")} - skip
    assert report.problems == []
    assert report.visited == pages  # every page of the site was opened
    assert report.anchors_checked > 0
    assert any(url.endswith(".css") for url in report.requests)


def test_served_from_the_root_of_a_domain(browser, site):
    with serve(site.dir) as url:
        report = crawl(browser, url, site.dir)
    assert_clean(report, site.dir, frozenset())
    assert ERROR_PAGE in report.visited


def test_served_from_a_sub_path(browser, site, tmp_path):
    root = tmp_path / "www"
    shutil.copytree(site.dir, root / "miroirs" / "portail")
    with serve(root) as url:
        report = crawl(browser, url + "miroirs/portail/", site.dir,
                       skip=frozenset({ERROR_PAGE}))
    assert_clean(report, site.dir, frozenset({ERROR_PAGE}))


def test_opened_from_disk(browser, site):
    report = crawl(browser, site.dir.as_uri() + "/", site.dir, skip=frozenset({ERROR_PAGE}))
    assert_clean(report, site.dir, frozenset({ERROR_PAGE}))


def test_the_crawler_sees_broken_links_and_foreign_requests(browser, site, tmp_path):
    """The checks above can fail: a copy of the site with one of each mistake."""
    broken = tmp_path / "broken"
    shutil.copytree(site.dir, broken)
    page = broken / "a-propos.html"
    page.write_text(page.read_text(encoding="utf-8").replace(
        "</article>",
        '<a href="absente.html">x</a> <a href="/index.html">y</a> <a href="dossier/">z</a>'
        ' <a href="index.html#nulle-part">w</a> <img src="http://localhost:9/pixel.png" alt="">'
        ' <img src="absente.png" alt="">'
        "</article>", 1), encoding="utf-8")
    with serve(broken) as url:
        report = crawl(browser, url + "", broken)
    text = "\n".join(report.problems)
    assert "link to a missing file" in text and "absente.html" in text
    assert "link to a folder" in text
    assert "anchor #nulle-part missing in index.html" in text
    assert "request outside the site: http://localhost:9/pixel.png" in text
    assert f"HTTP 404: {url}absente.png" in text
    report = crawl(browser, broken.as_uri() + "/", broken, skip=frozenset({ERROR_PAGE}))
    text = "\n".join(report.problems)
    assert "link leaves the site root" in text
    assert f"failed: {broken.as_uri()}/absente.png net::ERR_FILE_NOT_FOUND" in text
