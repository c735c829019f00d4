"""Quality gates on every page of the built portal, in real headless Chromium:
accessibility (axe-core, WCAG 2.1 AA), no third party, no JavaScript needed to read,
small screens, print. Each test walks every page and reports all failures at once."""

from __future__ import annotations

import pytest
import yaml
from axe_playwright_python.sync_playwright import Axe

from support.browser import serve
from support.reader import (
    DESKTOP,
    MOBILE,
    SEARCH_PAGE,
    Traffic,
    artifact_dir,
    page_kinds,
    reader_pages,
)
from support.sites import ROOT

pytestmark = pytest.mark.browser

WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
              "resultTypes": ["violations"]}
MIN_TARGET = 24  # CSS px: WCAG 2.2 success criterion 2.5.8, target size (minimum)


@pytest.fixture(scope="module")
def base_url(site):
    with serve(site.dir) as url:
        yield url


@pytest.fixture(scope="module")
def pages(site):
    found = reader_pages(site)
    assert len(found) >= 5, found
    return found


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_page_passes_axe_wcag21_aa(browser, base_url, pages, scheme):
    axe = Axe()
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    failures = []
    for path in pages:
        page.goto(base_url + path, wait_until="load")
        assert page.evaluate("document.body.dataset.mdColorScheme") == (
            "slate" if scheme == "dark" else "default"), path
        for violation in axe.run(page, options=WCAG_21_AA).response["violations"]:
            targets = [" ".join(node["target"]) for node in violation["nodes"]][:5]
            failures.append(f"{path}: {violation['id']} ({violation['help']}) at {targets}")
    context.close()
    assert not failures, "\n".join(failures)


def test_every_page_talks_only_to_its_own_server_without_errors(browser, base_url, pages):
    context = browser.new_context()
    failures = []
    for path in pages:
        page = context.new_page()
        traffic = Traffic(base_url).watch(page)
        errors = []
        page.on("console",
                lambda msg, errors=errors: msg.type == "error" and errors.append(msg.text))
        page.on("pageerror", lambda error, errors=errors: errors.append(str(error)))
        response = page.goto(base_url + path, wait_until="networkidle")
        if response.status != 200:
            failures.append(f"{path}: HTTP {response.status}")
        if traffic.foreign():
            failures.append(f"{path}: requests to other hosts {sorted(traffic.foreign())}")
        if traffic.failures:
            failures.append(f"{path}: failed requests {traffic.failures}")
        if errors:
            failures.append(f"{path}: console errors {errors}")
        # Search costs nothing until used: no index, no Pagefind code with a page.
        search_files = [p for p in traffic.paths() if "/pagefind/" in p]
        if search_files:
            failures.append(f"{path}: search files loaded with the page {search_files}")
        page.close()
    context.close()
    assert not failures, "\n".join(failures)


def test_every_page_reads_without_javascript(browser, base_url, pages):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    failures = []
    for path in pages:
        page.goto(base_url + path)
        article = page.locator("article.md-content__inner")
        if not article.locator("h1").first.is_visible():
            failures.append(f"{path}: no visible title")
        if len(article.inner_text().split()) < 15:
            failures.append(f"{path}: the text is missing")
        must_show = {
            "notes": article.locator("#notes-et-sources, ol.notes-sources"),
            "chart": article.locator("figure, .chart, svg[role=img]"),
        }
        for what, elements in must_show.items():
            for index in range(elements.count()):
                if not elements.nth(index).is_visible():
                    failures.append(f"{path}: {what} #{index + 1} is hidden without JavaScript")
        # A form marked `hidden` is a JavaScript enhancement (Mastodon share, letter
        # generator) whose no-JavaScript fallback is plain text or a printable page.
        forms = article.locator("form:not([data-pagefind]):not([hidden])")
        for index in range(forms.count()):
            form = forms.nth(index)
            fields = form.locator("input:not([type=hidden]), textarea, select, button")
            if not form.is_visible() or any(not fields.nth(i).is_enabled()
                                             for i in range(fields.count())):
                failures.append(f"{path}: form #{index + 1} is not usable without JavaScript")
        if path == SEARCH_PAGE:  # (Playwright's text search skips <noscript>)
            notice = page.locator("noscript .search-notice")
            if not notice.is_visible() or "a besoin de JavaScript" not in notice.inner_text():
                failures.append(f"{path}: no notice that search needs JavaScript")
            elif notice.locator("a").count() < 2:
                failures.append(f"{path}: no way to the dossier and sources without search")
    context.close()
    assert not failures, "\n".join(failures)


TAP_TARGETS = (".md-header a, .md-header button, .md-header label, .md-header input, "
               ".md-nav a, .md-footer a, .md-top, article button, article input, "
               "article select, article textarea, article .md-button")


def test_every_page_fits_a_small_phone(browser, base_url, pages):
    context = browser.new_context(viewport=MOBILE, is_mobile=True, has_touch=True)
    page = context.new_page()
    failures = []
    for path in pages:
        page.goto(base_url + path, wait_until="load")
        scroll, width = page.evaluate(
            "[document.scrollingElement.scrollWidth, window.innerWidth]")
        if scroll > width:
            failures.append(f"{path}: scrolls sideways ({scroll} px wide for {width} px)")
        small = page.evaluate("""([selector, minimum]) => {
            const small = [];
            for (const el of document.querySelectorAll(selector)) {
              const box = el.getBoundingClientRect();
              const style = getComputedStyle(el);
              if (!box.width || !box.height || style.visibility === "hidden") continue;
              if (box.width < minimum || box.height < minimum) {
                small.push(`${el.tagName.toLowerCase()}.${el.className} "${
                  (el.textContent || el.getAttribute("aria-label") || "").trim().slice(0, 30)
                }" ${Math.round(box.width)}×${Math.round(box.height)}`);
              }
            }
            return small;
        }""", [TAP_TARGETS, MIN_TARGET])
        failures += [f"{path}: tap target too small: {target}" for target in small]
    context.close()
    assert not failures, "\n".join(failures)


def test_every_page_prints_text_and_source_addresses(browser, base_url, pages):
    page = browser.new_page()
    page.emulate_media(media="print")
    failures = []
    for path in pages:
        page.goto(base_url + path, wait_until="load")
        for selector in (".md-header", ".md-sidebar", ".md-footer", ".md-top", "button",
                         ".md-content__button", ".headerlink", "form[role=search]"):
            shown = page.locator(selector).evaluate_all(
                "els => els.filter(el => el.checkVisibility()).length")
            if shown:
                failures.append(f"{path}: {selector} is printed")
        if not page.locator("article h1").first.is_visible():
            failures.append(f"{path}: the title is not printed")
        # A printed note must give the address of its source, not just underlined text.
        for link in page.locator("ol.notes-sources a.source-url, ol.notes-sources a.source-archive,"
                                 " ul.bibliography a.source-url, ul.bibliography a.source-archive"
                                 ).all():
            href = link.get_attribute("href")
            after = link.evaluate("el => getComputedStyle(el, '::after').content")
            if not link.is_visible() or (href not in link.inner_text() and href not in after):
                failures.append(f"{path}: the address {href} is not printed")
    page.close()
    assert not failures, "\n".join(failures)


def test_screenshots_of_each_kind_of_page(browser, base_url, site):
    folder = artifact_dir("screenshots")
    kinds = page_kinds(site) | {"recherche": SEARCH_PAGE}
    # Dark mode on a phone only: full-page screenshots are the slowest step of the suite.
    for size_name, viewport, schemes in (("mobile", MOBILE, ("light", "dark")),
                                         ("bureau", DESKTOP, ("light",))):
        for scheme in schemes:
            context = browser.new_context(viewport=viewport, color_scheme=scheme)
            page = context.new_page()
            for kind, path in kinds.items():
                page.goto(base_url + path, wait_until="networkidle")
                target = folder / f"{kind}-{size_name}-{scheme}.png"
                page.screenshot(path=str(target), full_page=True)
                assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
                width = int.from_bytes(target.read_bytes()[16:20], "big")
                assert width == viewport["width"], (target, width)
            context.close()


def test_ci_keeps_screenshots_and_page_weight_as_artifacts():
    github = yaml.safe_load((ROOT / ".github/workflows/ci.yml").read_text(encoding="utf-8"))
    uploads = [step["with"]["path"] for step in github["jobs"]["test"]["steps"]
               if "upload-artifact" in step.get("uses", "")]
    assert "test-artifacts/" in uploads
    gitlab = yaml.safe_load((ROOT / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    assert "test-artifacts/" in gitlab["test"]["artifacts"]["paths"]
    assert gitlab["test"]["artifacts"]["when"] == "always"
