"""The reader's features kept without Material's bundle (assets/reader.js), in Chromium on
the real portal: light/dark switch remembered, note previews, back to top, a table of
contents that follows the reading, the page title in the header."""

from __future__ import annotations

import pytest

from support import portal
from support.browser import serve

pytestmark = pytest.mark.browser

PAGE = portal.main_investigation()


@pytest.fixture
def page(site, browser):
    with serve(site.dir) as base:
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        errors: list[str] = []
        tab = context.new_page()
        tab.on("pageerror", lambda error: errors.append(str(error)))
        tab.goto(base + PAGE)
        yield tab
        context.close()
        assert errors == []


def test_no_material_bundle_on_the_pages(site):
    for path in site.pages():
        html = path.read_text(encoding="utf-8")
        assert "assets/javascripts/bundle." not in html, path


def test_dark_mode_switch_is_remembered(page):
    switch = page.locator("form[data-md-component=palette] label:visible")
    assert switch.count() == 1
    before = page.evaluate("document.body.dataset.mdColorScheme")
    switch.click()
    after = page.evaluate("document.body.dataset.mdColorScheme")
    assert {before, after} == {"default", "slate"}
    page.reload()
    assert page.evaluate("document.body.dataset.mdColorScheme") == after
    assert page.locator("form[data-md-component=palette] label:visible").count() == 1


def test_a_note_call_previews_its_note(page):
    call = page.locator("sup.note-call a").first
    note_id = call.get_attribute("href")[1:]
    call.hover()
    preview = page.locator(".note-preview")
    assert preview.is_visible()
    note = page.locator(f"#{note_id}").inner_text()
    assert preview.inner_text().split(".")[0] in note
    assert call.get_attribute("aria-describedby") == "note-preview"
    page.keyboard.press("Escape")
    assert page.locator(".note-preview").count() == 0
    call.focus()  # the keyboard too
    assert page.locator(".note-preview").is_visible()


def test_back_to_top_and_the_table_of_contents_follow_the_reading(page):
    top = page.locator("[data-md-component=top]")
    hidden = "document.querySelector('[data-md-component=top]').hidden"
    assert page.evaluate(hidden)  # Material fades a [hidden] button out
    # Room to scroll, however short the investigation (a new campaign's is a skeleton).
    page.evaluate("document.querySelector('article').style.paddingBottom = '6000px'")
    page.evaluate("window.scrollTo(0, 4000)")
    page.wait_for_timeout(100)
    page.evaluate("window.scrollTo(0, 3500)")  # scrolling back up
    page.wait_for_function(f"!{hidden}")
    active = page.locator(".md-sidebar--secondary .md-nav__link--active")
    assert active.count() == 1
    assert "md-header__title--active" in page.locator(
        "[data-md-component=header-title]").get_attribute("class")
    top.click()
    page.wait_for_function("window.scrollY === 0")
    assert page.locator(".md-sidebar--secondary .md-nav__link--active").count() == 0


BANNER = ('<aside class="md-banner"><div class="md-banner__inner md-grid md-typeset">'
          '<button class="md-banner__button md-icon" aria-label="Fermer">'
          "×</button>Réunion publique le 12 décembre.</div>"
          '<script>var el=document.querySelector("[data-md-component=announce]");if(el){var '
          'content=el.querySelector(".md-typeset");__md_hash(content.innerHTML)===__md_get('
          '"__announce")&&(el.hidden=!0)}</script></aside>')


def test_a_dismissed_banner_stays_closed(site, browser):
    """Material's dismissible banner (`announce.dismiss`), as its base.html writes it."""
    with serve(site.dir) as base:
        context = browser.new_context()

        def with_banner(route):
            html = route.fetch().text()
            slot = '<div data-md-component="announce">'  # empty without a banner
            route.fulfill(body=html.replace(slot, slot + BANNER, 1),
                          content_type="text/html; charset=utf-8")

        context.route("**/*.html", with_banner)
        page = context.new_page()
        page.goto(base + PAGE)
        banner = page.locator("[data-md-component=announce]")
        assert banner.is_visible()
        page.get_by_role("button", name="Fermer").click()
        assert not banner.is_visible()
        page.goto(base + "sources.html")
        assert not page.locator("[data-md-component=announce]").is_visible()
        context.close()
