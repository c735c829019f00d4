"""Icons drawn once per page (macros/sitewide/icons.py): pure function, no build."""

from __future__ import annotations

from bs4 import BeautifulSoup

from macros.sitewide.icons import shared_icons

# Paths of real icons' length (Material's logo: 244 B; the forge's icon: 782 B).
LOGO = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path d="M12 8a3 3 0 0 0 3-3'
        + " 3 3 0 0 0-3-3" * 12 + '"/></svg>')
REPO = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 448 512"><!--! licence -->'
        '<path d="M439.6 236.1 244 40.5' + " c-5.4-5.5-12.8-8.5-20.4-8.5" * 25 + '"/></svg>')
MENU = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path d="M3 6h18"/></svg>'
CHART = ('<svg xmlns="http://www.w3.org/2000/svg" class="marks" width="400" height="200" '
         'viewBox="0 0 400 200"><rect width="10" height="20"/></svg>')


def _page(body: str) -> str:
    return f'<!doctype html><html><head><title>t</title></head><body dir="ltr">{body}</body></html>'


def test_an_icon_shown_twice_is_drawn_once_and_shown_twice():
    page = _page(f"<header><a>{LOGO}</a>{MENU}<a>{REPO}</a></header>"
                 f"<nav><a>{LOGO}</a><a>{REPO}</a></nav><figure>{CHART}</figure>")
    out = shared_icons(page)
    soup = BeautifulSoup(out, "html.parser")
    sprite = soup.body.contents[1]  # first thing in the body, after a line break
    assert sprite.name == "svg" and sprite["class"] == ["portal-icons"]
    assert (sprite["width"], sprite["height"], sprite["aria-hidden"]) == ("0", "0", "true")
    symbols = sprite.find_all("symbol")
    assert [(s["id"], s["viewbox"]) for s in symbols] == [
        ("portal-icon-1", "0 0 24 24"), ("portal-icon-2", "0 0 448 512")]
    assert out.count('d="M12 8a3 3 0 0 0 3-3') == 1 and out.count("M439.6") == 1
    uses = [(u.parent.parent.parent.name, u["href"]) for u in soup.find_all("use")]
    assert uses == [("header", "#portal-icon-1"), ("header", "#portal-icon-2"),
                    ("nav", "#portal-icon-1"), ("nav", "#portal-icon-2")]
    # Shown once: drawn where it is, only without the namespace HTML does not need.
    assert '<svg viewBox="0 0 24 24"><path d="M3 6h18"/></svg>' in out
    assert CHART in out  # a chart is not an icon
    assert len(out) < len(page)
    assert shared_icons(out) == out  # the compaction may run twice on a page


def test_a_page_without_a_repeated_icon_gets_no_sprite():
    # MENU twice: too small for a reference to weigh less than its drawing.
    page = _page(f"<header>{MENU}</header><nav>{MENU}</nav><figure>{CHART}</figure>")
    out = shared_icons(page)
    assert "portal-icons" not in out and "<use" not in out
    assert out == page.replace(' xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"',
                               ' viewBox="0 0 24 24"')
    assert shared_icons(_page("<p>texte</p>")) == _page("<p>texte</p>")
