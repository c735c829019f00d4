"""The 404 page as a server shows it: at any depth, under a mirror's sub-path, and opened
from disk, it is styled (inline), asks nothing of any third party, and its links lead to
the portal's real root."""

from __future__ import annotations

import functools
import shutil
import threading
from contextlib import contextmanager
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest

from support.browser import _QuietHandler

pytestmark = pytest.mark.browser


class _NotFoundHandler(_QuietHandler):
    """Serves `error_page` for every missing file, as `error_page 404 …` does in nginx."""

    error_page: Path

    def send_error(self, code, message=None, explain=None):
        if code != 404:
            return super().send_error(code, message, explain)
        body = self.error_page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


@contextmanager
def serve_with_error_page(directory: Path, error_page: Path):
    handler = type("Handler", (_NotFoundHandler,), {"error_page": error_page})
    server = ThreadingHTTPServer(("127.0.0.1", 0),
                                 functools.partial(handler, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def check_styled(page) -> None:
    style = page.evaluate("""() => {
        const header = getComputedStyle(document.querySelector('header'));
        const icons = [...document.querySelectorAll('svg, img')];
        return {background: header.backgroundColor, font: getComputedStyle(document.body)
                .fontFamily, width: document.documentElement.scrollWidth, icons: icons.length};
    }""")
    assert style["background"] == "rgb(122, 22, 49)", style  # the portal's colour
    assert style["font"].startswith("system-ui"), style
    assert style["icons"] == 0 and style["width"] <= 1280, style


@pytest.mark.parametrize("prefix", ["", "miroirs/portail/"])
def test_not_found_page_is_styled_and_leads_home_at_any_depth(site, browser, tmp_path, prefix):
    root = tmp_path / "www"
    shutil.copytree(site.dir, root / prefix)
    with serve_with_error_page(root, root / prefix / "404.html") as base:
        page = browser.new_page()
        requests = []
        page.on("request", lambda request: requests.append(request.url))
        answer = page.goto(base + prefix + "ancienne/adresse/disparue.html")
        assert answer.status == 404
        page.wait_for_function(
            "expected => document.querySelector('main a').href === expected",
            arg=base + prefix + "index.html")
        check_styled(page)
        assert page.locator("form").get_attribute("action") == base + prefix + "rechercher.html"
        page.locator("main a").first.click()
        page.wait_for_load_state()
        assert page.url == base + prefix + "index.html"
        page.close()
    assert all(url.startswith(base) for url in requests), requests


def test_not_found_page_is_styled_from_disk(site, browser):
    page = browser.new_page()
    page.goto((site.dir / "404.html").as_uri())
    check_styled(page)
    home = page.locator("main a").first.get_attribute("href")
    assert home == (site.dir / "index.html").as_uri()
    page.close()


def test_not_found_page_loads_nothing_but_itself(site):
    html = site.html("404.html")
    assert "<link" not in html and "<img" not in html and "src=" not in html
    assert 'lang="fr"' in html and "Page introuvable" in html
