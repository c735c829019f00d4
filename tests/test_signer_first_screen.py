"""What a signer meets on a phone (360 × 740, Chromium), with and without JavaScript: the
count against the goal and a way to sign on the first screen of the home and petition pages;
headings without a blank line under them; a postcode field that says its format in French
(the built page, and the action service's own answer)."""

from __future__ import annotations

import re
import urllib.parse

import pytest

from common.form_markup import POSTCODE_HINT, POSTCODE_TITLE
from macros.action import sign_box, with_sign_box
from service.forms import MESSAGES
from support.browser import serve
from support.reader import reader_pages
from support.service import Inbox, Service, make_keys, post
from support.sites import ROOT, Site, leave_out_of_nav, make_site, mkdocs_build

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
FIRST_SCREENS = ["index.html", "agir/petition.html"]
COUNT_TEXT = re.compile(r"^\d[\d\u202f]* signatures? sur un objectif de \d[\d\u202f]*, au \d")


@pytest.fixture(scope="module")
def base_url(site):
    with serve(site.dir) as url:
        yield url


@pytest.fixture(scope="module")
def phone(browser):
    contexts = {js: browser.new_context(viewport=PHONE, java_script_enabled=js)
                for js in (True, False)}
    yield lambda javascript: contexts[javascript].new_page()
    for context in contexts.values():
        context.close()


def visible_within_first_screen(page, selector: str) -> dict:
    """Where `selector` is drawn at load, and whether it is really what shows there."""
    return page.evaluate("""(selector) => {
        const element = document.querySelector(selector);
        if (!element) return null;
        const box = element.getBoundingClientRect();
        const style = getComputedStyle(element);
        const x = box.left + box.width / 2, y = box.top + box.height / 2;
        const hit = document.elementFromPoint(x, y);
        return {top: box.top, bottom: box.bottom, width: box.width, scrollY: window.scrollY,
                shown: style.visibility === "visible" && style.display !== "none"
                       && Number(style.opacity) > 0,
                onTop: !!hit && (hit === element || element.contains(hit))};
    }""", selector)


@pytest.mark.parametrize("javascript", [False, True], ids=["sans-js", "js"])
@pytest.mark.parametrize("path", FIRST_SCREENS)
def test_first_phone_screen_shows_the_count_and_a_way_to_sign(phone, base_url, path,
                                                             javascript):
    page = phone(javascript)
    page.goto(base_url + path, wait_until="load")
    for selector in (".petition-box .petition-progress__label", ".petition-box progress",
                     ".petition-box a.md-button"):
        where = visible_within_first_screen(page, selector)
        assert where is not None, f"{path}: no {selector}"
        assert where["scrollY"] == 0
        assert where["shown"] and where["onTop"] and where["width"] > 0, (path, selector, where)
        assert where["top"] >= 0 and where["bottom"] <= PHONE["height"], (path, selector, where)
    label = page.inner_text(".petition-box .petition-progress__label")
    assert COUNT_TEXT.match(label), label
    link = page.locator(".petition-box a.md-button")
    assert link.inner_text() == "Signer la pétition"
    href = link.get_attribute("href")
    assert href == ("#signer" if path.startswith("agir/") else "agir/petition.html#signer")
    # The link jumps to the form: once followed, the form starts on the screen.
    link.click()
    page.wait_for_url(re.compile(r"agir/petition\.html#signer$"))
    form = visible_within_first_screen(page, "form.petition-form")
    assert form is not None and 0 <= form["top"] < PHONE["height"], form
    assert visible_within_first_screen(page, "#petition-name")["bottom"] <= PHONE["height"]
    page.close()


def test_the_home_count_follows_the_published_count_with_javascript(phone, base_url, site):
    """The home page's box reads the count published beside the petition page."""
    assert (site.dir / "agir" / "compteur.json").is_file()
    page = phone(True)
    page.goto(base_url + "index.html", wait_until="load")
    box = page.locator(".petition-box .petition-progress")
    assert box.get_attribute("data-count-url") == "agir/compteur.json"
    page.wait_for_selector(".petition-box .petition-progress[data-live=true]", timeout=5000)
    page.close()


def test_the_count_has_one_place_on_the_petition_page(site):
    """One count per page (the ids publier-compteur rewrites), first, above the easy read."""
    html = site.html("agir/petition.html")
    assert html.count('id="petition-progress-label"') == 1
    assert html.count('id="petition-progress-bar"') == 1
    if 'class="easy-read' in html:  # its easy-read block, once written
        assert html.index('class="petition-box"') < html.index('class="easy-read')
    assert html.index('id="signer"') < html.index('class="petition-progress__note"') < \
        html.index('<form class="petition-form"')


def test_headings_get_no_blank_line_on_a_phone(phone, base_url, site):
    """The hidden anchor (« # ») of a heading that fills the width does not wrap alone onto a
    line of its own: each heading's box is exactly as tall as its lines of text."""
    page = phone(False)
    failures, wrapped = [], 0
    for path in reader_pages(site):
        page.goto(base_url + path, wait_until="load")
        found = page.evaluate("""() => [...document.querySelectorAll(
                ".md-typeset h1, .md-typeset h2, .md-typeset h3")].map(heading => {
            const range = document.createRange();
            range.selectNodeContents(heading);
            const anchor = heading.querySelector(".headerlink");
            if (anchor) range.setEndBefore(anchor);
            const lines = new Set([...range.getClientRects()].filter(r => r.width > 0)
                                  .map(r => Math.round(r.top))).size;
            return {text: heading.textContent.trim().slice(0, 60), lines,
                    height: heading.getBoundingClientRect().height,
                    lineHeight: parseFloat(getComputedStyle(heading).lineHeight)};
        })""")
        for heading in found:
            wrapped += heading["lines"] > 1
            if abs(heading["height"] - heading["lines"] * heading["lineHeight"]) > 1:
                failures.append(f"{path}: « {heading['text']} » {heading}")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            failures.append(f"{path}: {width} px wide")
    page.close()
    assert wrapped >= 3, "no heading wraps at 360 px: this test would check nothing"
    assert not failures, "\n".join(failures)


def test_postcode_field_says_its_format_in_french(site):
    form = site.soup("agir/petition.html").select_one("form.petition-form")
    field = form.select_one("#petition-postcode")
    assert field["pattern"] == "[0-9]{5}"
    assert field["title"] == POSTCODE_TITLE == MESSAGES["postcode"] == \
        "Le code postal s’écrit avec 5 chiffres, par exemple 69003."
    label = form.select_one('label[for="petition-postcode"]').get_text(" ", strip=True)
    assert label == f"Code postal ({POSTCODE_HINT})"
    assert POSTCODE_HINT == "5 chiffres, par exemple 69003"


def test_postcode_field_of_the_service_answer_says_its_format(tmp_path):
    """A 4-digit postcode sent without the browser's check (JavaScript off, old browser): the
    service's answer shows the same form, with the same French title and label."""
    _, public_key = make_keys(tmp_path / "cles")
    inbox = Inbox().start()
    service = Service(f"sqlite:///{tmp_path / 'service.db'}", public_key, inbox.port).start()
    try:
        body = urllib.parse.urlencode({"name": "Camille Martin", "email": "camille@example.org",
                                       "postcode": "3500", "consent": "oui", "website": ""})
        answer = post(service.url + "signer", body)
    finally:
        service.stop()
        inbox.stop()
    assert answer.status == 422
    assert f'pattern="[0-9]{{5}}" title="{POSTCODE_TITLE}"' in answer.text
    assert f'<span class="petition-form__hint" id="petition-postcode-hint">({POSTCODE_HINT})' \
        in answer.text
    assert 'value="3500"' in answer.text


def test_publier_compteur_writes_the_count_into_the_home_page_too(site, tmp_path):
    """The published site: the organisers' command gives the home page's box the same count
    as the petition page (readers without JavaScript see one number)."""
    published = tmp_path / "site"
    (published / "agir").mkdir(parents=True)
    for name in ("index.html", "agir/petition.html"):
        text = site.html(name)
        # A count that is not the service's: the command must replace it on both pages.
        text = text.replace('id="petition-progress-label">0 signature',
                            'id="petition-progress-label">7 signatures')
        (published / name).write_text(text, encoding="utf-8")
    _, public_key = make_keys(tmp_path / "cles")
    service = Service(f"sqlite:///{tmp_path / 'service.db'}", public_key, 1)
    service.cli("migrer")
    service.cli("publier-compteur", str(published))
    labels = [re.search(r'id="petition-progress-label">([^<]*)<',
                        (published / name).read_text(encoding="utf-8")).group(1)
              for name in ("index.html", "agir/petition.html")]
    assert labels[0] == labels[1] and labels[0].startswith("0 signature sur un objectif de")


def test_the_sign_box_goes_under_the_page_title_or_first():
    box = '<div class="petition-box">…</div>\n'
    assert with_sign_box("# Accueil\n\nBienvenue.\n", box) == \
        f"# Accueil\n\n{box}\n\nBienvenue.\n"
    assert with_sign_box("Texte.\n", box) == f"{box}\nTexte.\n"
    assert with_sign_box("# Accueil\n", "") == "# Accueil\n"


def test_no_sign_box_without_a_petition_page_or_elsewhere():
    from macros.action import Action

    def action(petition, page):
        return Action(petition, "data/petition.yml", page, [], None)

    no_page = action(object(), None)
    assert sign_box(no_page, "index.md", "index.html") == ""
    no_petition = action(None, "agir/petition.md")
    assert sign_box(no_petition, "index.md", "index.html") == ""
    # An edition without its own petition page shows no box (French words under an
    # English title would be worse than none).
    assert sign_box(action(object(), "agir/petition.md"), "en/index.md", "en/index.html") == ""


def test_a_page_without_summary_is_described_by_its_text_not_by_the_sign_box(tmp_path):
    """The box is added to the page, not to what its description is taken from."""
    project = make_site(tmp_path, docs={
        "index.md": "---\ntitle: Accueil\n---\n\n# Le portail\n\nBienvenue sur le portail.\n",
        "agir/petition.md": "---\ntitle: La pétition\n---\n\nSignez-la.\n\n{{ petition() }}\n"},
        data={"petition.yml": (ROOT / "data" / "petition.yml").read_text(encoding="utf-8")})
    leave_out_of_nav(project, "/agir/*.md")
    result = mkdocs_build(project, tmp_path / "site")
    assert result.ok, result.output
    built = Site(tmp_path / "site")
    for url, text in (("index.html", "Bienvenue sur le portail."),
                      ("agir/petition.html", "Signez-la.")):
        soup = built.soup(url)
        assert soup.select_one('meta[name="description"]')["content"] == text
        assert soup.select_one(".petition-box a.md-button")["href"].endswith("#signer")


def test_both_engines_open_the_home_and_petition_pages_with_the_sign_box(engine_site):
    for url, href in (("index.html", "agir/petition.html#signer"),
                      ("agir/petition.html", "#signer")):
        article = engine_site.article(url)
        box = article.select_one(".petition-box")
        assert box is not None, (engine_site.engine, url)
        assert box.select_one("a.md-button")["href"] == href
        assert COUNT_TEXT.match(box.select_one(".petition-progress__label").get_text())
        assert len(article.select("#petition-progress-label")) == 1
