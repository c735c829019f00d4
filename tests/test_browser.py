"""The portal in real headless Chromium (Debian's), served on 127.0.0.1."""

from urllib.parse import urlsplit

import pytest

from support import portal
from support.browser import serve
from support.sites import ROOT

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def base_url(site):
    with serve(site.dir) as url:
        yield url


@pytest.mark.parametrize("path", ["", f"{portal.DOSSIER}/", portal.main_investigation(),
                                  "sources.html", "a-propos.html"])
def test_pages_load_without_other_hosts_or_errors(browser, base_url, path):
    page = browser.new_page()
    hosts, errors = set(), []
    page.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))
    page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    response = page.goto(base_url + path, wait_until="networkidle")
    assert response.status == 200
    assert hosts == {urlsplit(base_url).netloc}
    assert errors == []
    assert page.locator("html").get_attribute("lang") == "fr"
    page.close()


def test_investigation_reads_without_javascript(browser, base_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base_url + portal.main_investigation())
    assert page.locator("h1").first.is_visible()
    call = page.locator("sup.note-call a").first
    assert call.is_visible()
    call.click()
    assert page.url.endswith(call.get_attribute("href"))
    assert page.locator("#notes-et-sources").is_visible()
    source = ROOT / "docs" / portal.main_investigation().replace(".html", ".md")
    if "\nreply:" in source.read_text(encoding="utf-8"):  # its right of reply, if it has one
        assert page.locator(".right-of-reply").is_visible()
    context.close()
