"""The English edition (issue 29): pages under /en/ at the French paths, in English from
<html lang> to footer under both engines, tied to their French counterparts by hreflang (head
and sitemap) and by a language switcher of plain links; a page not yet translated reached as
the French page with a notice; one feed and one search index per language.

These are the generator's tests: the pages they read come from the portal's sources
(tests/support/portal.py: its English pages, an investigation translated, one not yet). A
portal without an English edition (one just made by make new-campaign) skips the built-site
tests, saying why; what this portal's English texts say (its searches, the originality of
its pages) is tested in tests/content/test_english_edition.py."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from urllib.parse import urljoin, urlsplit

import pytest
from babel.messages.pofile import read_po

from common.words import catalogue_path, translations
from macros.floor.language import edition_path, format_date, language_of, source_path, versions
from macros.pages.editions import alternates, notice_anchors, switcher, untranslated_notices
from macros.sitewide.sitemap import with_alternates
from support import portal
from support.browser import serve
from support.portal import SITE_URL
from support.reader import run_query
from support.sites import ROOT

# The built-site tests need an English edition to look at.
needs_english = pytest.mark.skipif(not portal.HAS_ENGLISH, reason=portal.NO_ENGLISH)
ENGLISH = {"Langue de la page": "Language of the page",
           "Pas encore traduit.": "Not yet translated."}
WORDS = {"fr": str, "en": lambda message: ENGLISH.get(message, message)}


def english_pages(site) -> list[str]:
    """The English edition's pages (its 404 page aside: no counterpart among docs/)."""
    return sorted(p.relative_to(site.dir).as_posix() for p in (site.dir / "en").rglob("*.html")
                  if p.name != "404.html")


# -- Pure parts ----------------------------------------------------------------------------

def test_a_page_knows_its_language_and_its_counterparts():
    assert language_of("en/dossier/une-enquete.md") == "en"
    assert language_of("dossier/une-enquete.md") == "fr"
    assert language_of("enquetes/en.md") == "fr"  # only the first folder names an edition
    assert source_path("en/agir/petition.md") == "agir/petition.md"
    assert edition_path("agir/petition.md", "en") == "en/agir/petition.md"
    pages = {"a.md", "en/a.md", "b.md"}
    assert versions("a.md", pages) == {"fr": "a.md", "en": "en/a.md"}
    assert versions("en/a.md", pages) == {"fr": "a.md", "en": "en/a.md"}
    assert versions("b.md", pages) == {"fr": "b.md"}
    assert format_date(2024, 7, 1, "en") == "1 July 2024"
    assert format_date(2024, 7, 1, "fr") == "1er juillet 2024"


def test_alternates_name_every_edition_and_the_french_page_as_default():
    pages = {"x/a.md", "en/x/a.md", "x/b.md"}
    links = alternates("en/x/a.md", pages, "https://p.example.org/")
    assert links.splitlines() == [
        '<link rel="alternate" hreflang="fr" href="https://p.example.org/x/a.html">',
        '<link rel="alternate" hreflang="en" href="https://p.example.org/en/x/a.html">',
        '<link rel="alternate" hreflang="x-default" href="https://p.example.org/x/a.html">']
    assert alternates("x/b.md", pages, "https://p.example.org/") == ""  # one language only


def test_the_switcher_leads_to_the_counterpart_or_to_the_notice():
    pages = {"x/a.md", "en/x/a.md", "x/b.md", "index.md", "en/index.md"}
    assert 'href="../en/x/a.html" hreflang="en"' in switcher("x/a.md", pages, WORDS)
    assert 'href="../../x/a.html" hreflang="fr"' in switcher("en/x/a.md", pages, WORDS)
    assert 'href="b.html#pas-encore-traduit-en"' in switcher("x/b.md", pages, WORDS)
    assert 'aria-label="Language of the page"' in switcher("en/x/a.md", pages, WORDS)
    notice = untranslated_notices("x/b.md", pages, WORDS)
    assert 'id="pas-encore-traduit-en" lang="en"' in notice
    assert "Not yet translated." in notice and 'href="../en/index.html"' in notice
    assert untranslated_notices("x/a.md", pages, WORDS) == ""
    assert notice_anchors("x/b.md", pages) == {"pas-encore-traduit-en"}
    assert notice_anchors("x/a.md", pages) == frozenset()


def test_the_sitemap_gets_alternates_and_the_missing_editions():
    sitemap = ('<?xml version="1.0" encoding="UTF-8"?>\n'
               '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
               '    <url>\n         <loc>https://p.example.org/a.html</loc>\n    </url>\n'
               '    <url>\n         <loc>https://p.example.org/b.html</loc>\n    </url>\n'
               '    <url>\n         <loc>https://p.example.org/en/404.html</loc>\n    </url>\n'
               "</urlset>\n")
    text = with_alternates(sitemap, "https://p.example.org/",
                           {"a.md", "en/a.md", "b.md", "en/404.md"})
    root = ET.fromstring(text)
    entries = {u.find("{*}loc").text: [(link.get("hreflang"), link.get("href"))
                                       for link in u.findall("{http://www.w3.org/1999/xhtml}link")]
               for u in root}
    both = [("fr", "https://p.example.org/a.html"), ("en", "https://p.example.org/en/a.html"),
            ("x-default", "https://p.example.org/a.html")]
    assert entries == {"https://p.example.org/a.html": both,
                       "https://p.example.org/en/a.html": both,
                       "https://p.example.org/b.html": []}


# -- The built site, under both engines ----------------------------------------------------

ENGLISH_TOO = {"dossier"}  # French messages that are English words as well


def french_ui_words() -> list[str]:
    """The French forms of the catalogue's entries that an English page must not show: the
    literal parts of each message (placeholders aside) the translation changes."""
    with catalogue_path(ROOT, "en").open("rb") as po:
        catalog = read_po(po, locale="en")
    found = set()
    for message in catalog:
        if not message.id or not isinstance(message.id, str) or message.id == message.string:
            continue
        for part in re.split(r"\{\w+\}", message.id):
            part = part.strip(" :,.()")
            if (len(part) >= 4 or " " in part) and part not in ENGLISH_TOO:
                found.add(part)
    return sorted(found)


def visible_text(soup) -> str:
    """What a reader of the English page reads as English: without what is marked French
    (`lang="fr"`: the switcher's « Français »), code, and quotations of French titles « … »."""
    for element in soup.select('body [lang="fr"], code, script, style'):
        element.decompose()
    text = " ".join(soup.get_text(" ").split())
    # Attributes a reader meets too: labels, titles, placeholders.
    attributes = " ".join(str(tag.get(name)) for tag in soup.find_all(True)
                          for name in ("aria-label", "title", "placeholder", "alt")
                          if tag.get(name))
    return re.sub(r"«[^»]*»", " ", f"{text} {attributes}")


@needs_english
def test_english_pages_show_no_french_word_of_the_catalogue(engine_site):
    words = french_ui_words()
    assert len(words) > 40, words
    pattern = re.compile("|".join(rf"(?<!\w){re.escape(w)}(?!\w)" for w in words))
    pages = [*english_pages(engine_site), "en/404.html"]
    assert set(portal.english_urls()) <= set(pages), pages
    problems = []
    for url in pages:
        soup = engine_site.soup(url)
        assert soup.html.get("lang") == "en", url
        found = sorted(set(pattern.findall(visible_text(soup))))
        if found:
            problems.append(f"{url}: {found}")
    assert not problems, "\n".join(problems)
    # The search can fail: the French page shows these words.
    french = visible_text(engine_site.soup(portal.translated_investigation()))
    assert {"Notes et sources", "Partager cette page", "Publié le"} <= set(
        pattern.findall(french))


def hreflang_links(soup) -> dict[str, str]:
    return {link["hreflang"]: link["href"]
            for link in soup.select('link[rel="alternate"][hreflang]')}


@needs_english
def test_every_hreflang_partner_exists_and_points_back(engine_site):
    for url in english_pages(engine_site):
        links = hreflang_links(engine_site.soup(url))
        assert set(links) == {"fr", "en", "x-default"}, url
        assert links["en"] == SITE_URL + url and links["x-default"] == links["fr"], url
        partner = links["fr"].removeprefix(SITE_URL)
        assert engine_site.path(partner).is_file(), f"{url}: {partner} missing"
        assert engine_site.soup(partner).html.get("lang") == "fr"
        assert hreflang_links(engine_site.soup(partner)) == links, partner
    # A page written in French only names no alternate.
    assert hreflang_links(engine_site.soup(portal.french_only_investigation())) == {}


def switch_target(site, url: str, lang: str) -> str:
    link = site.soup(url).select_one(f'.portal-languages a[hreflang="{lang}"]')
    assert link is not None, f"{url}: no link to {lang}"
    return urljoin(url, link["href"])


@needs_english
def test_the_switcher_lands_on_the_same_page(engine_site):
    for url in english_pages(engine_site):
        french = switch_target(engine_site, url, "fr")
        assert french == url.removeprefix("en/"), url
        assert switch_target(engine_site, french, "en") == url, french
    # Not yet translated: the French page itself, at its English notice.
    url = portal.french_only_investigation()
    target = urlsplit(switch_target(engine_site, url, "en"))
    assert (target.path, target.fragment) == (url, "pas-encore-traduit-en")
    notice = engine_site.soup(url).find(id="pas-encore-traduit-en")
    assert notice.get("lang") == "en" and "Not yet translated." in notice.get_text()


@needs_english
def test_one_feed_per_language(engine_site):
    for name in ("rss.xml", "atom.xml", "feed.json"):
        assert engine_site.path(f"en/{name}").is_file(), name
    rss = ET.fromstring(engine_site.html("en/rss.xml"))
    assert rss.find("channel/language").text == "en"
    links = [item.find("link").text for item in rss.iter("item")]
    assert SITE_URL + "en/" + portal.translated_investigation() in links
    assert all(link.startswith(SITE_URL + "en/") for link in links), links
    french = [item.find("link").text
              for item in ET.fromstring(engine_site.html("rss.xml")).iter("item")]
    assert french and not any("/en/" in link for link in french)
    head = engine_site.soup("en/index.html").select_one('link[type="application/rss+xml"]')
    assert urljoin("en/index.html", head["href"]) == "en/rss.xml"
    english_name = translations(ROOT, "en").gettext(portal.CONFIG.site_name)
    assert english_name != portal.CONFIG.site_name and english_name in head["title"]


@needs_english
def test_the_sitemap_pairs_the_editions(site):
    root = ET.fromstring(site.html("sitemap.xml"))
    entries = {u.find("{*}loc").text: {link.get("hreflang"): link.get("href") for link in
                                       u.findall("{http://www.w3.org/1999/xhtml}link")}
               for u in root}
    english = SITE_URL + "en/" + portal.translated_investigation()
    french = SITE_URL + portal.translated_investigation()
    assert entries[english] == entries[french] == {"fr": french, "en": english,
                                                   "x-default": french}


@needs_english
def test_an_english_investigation_is_dated_shared_and_marked_up_in_english(site):
    french = portal.translated_investigation()
    url = "en/" + french
    day = portal.front_matter(url)["date"]
    soup = site.soup(url)
    assert soup.select_one(".byline").get_text(" ", strip=True).startswith(
        f"Published on {format_date(day.year, day.month, day.day, 'en')} by ")
    assert soup.select_one("#notes-et-sources").get_text(strip=True).startswith(
        "Notes and sources")
    sign = soup.select_one(".call-to-action a.md-button--primary")
    petition = portal.CONFIG.petition_page.removesuffix(".md") + ".html"
    assert sign.get_text() == "Sign the petition"
    assert urljoin(url, sign["href"]) == "en/" + petition
    assert soup.select_one('meta[property="og:locale"]')["content"] == "en_GB"
    jsonld = soup.select_one('script[type="application/ld+json"]').string
    assert '"inLanguage":"en"' in jsonld
    assert f'"translationOfWork":{{"@id":"{SITE_URL}{french}"}}' in jsonld
    assert site.path(f"assets/partage/en/{french.removesuffix('.html')}.png").is_file()


# -- In the browser: the notice and the search --------------------------------------------

@pytest.fixture(scope="module")
def served(site, browser):
    with serve(site.dir) as base:
        page = browser.new_page()
        yield base, page
        page.close()


@needs_english
@pytest.mark.browser
def test_the_notice_shows_only_when_the_switcher_points_at_it(served):
    base, page = served
    url = base + portal.french_only_investigation()
    page.goto(url)
    assert not page.locator("#pas-encore-traduit-en").is_visible()
    page.click('.portal-languages a[hreflang="en"]')
    page.wait_for_url(url + "#pas-encore-traduit-en")
    assert page.locator("#pas-encore-traduit-en").is_visible()


@needs_english
@pytest.mark.browser
@pytest.mark.skipif(not (ROOT / "docs" / "en" / "rechercher.md").is_file(),
                    reason="l’édition anglaise n’a pas de page de recherche "
                           "(docs/en/rechercher.md)")
def test_the_english_search_finds_english_pages_only(served):
    """One index per language: a word of an English investigation's title finds that page,
    and only English pages (the words of this portal's texts: tests/content)."""
    base, page = served
    url = "en/" + portal.translated_investigation()
    word = max(re.findall(r"[A-Za-z]+", str(portal.front_matter(url)["title"])), key=len)
    page.goto(base + "en/rechercher.html")
    found = [href.removeprefix("/") for href in run_query(page, word)]
    assert url in found, (word, found)
    assert all(href.startswith("en/") for href in found), (word, found)


# -- Written, not copied --------------------------------------------------------------------

RUN = 8  # words in a row that two texts written apart never share, quotations aside


def prose_runs(text: str) -> set[tuple[str, ...]]:
    """Every run of RUN words of a page's prose: front matter, code, links' targets,
    citations and quotations (« … », “ … ”) left out."""
    text = re.sub(r"\A---\n.*?\n---\n", " ", text, flags=re.S)
    for pattern in (r"`[^`]*`", r"\]\([^)]*\)", r"\[@[^\]]*\]", r"«[^»]*»", r"“[^”]*”",
                    r"\"[^\"\n]*\"", r"<[^>]+>", r"\{\{.*?\}\}"):
        text = re.sub(pattern, " | ", text, flags=re.S)
    runs = set()
    for chunk in re.split(r"[|.;:!?\n]", text):
        words = re.findall(r"[\w’']+", chunk.casefold())
        runs |= {tuple(words[i:i + RUN]) for i in range(len(words) - RUN + 1)}
    return runs


@needs_english
def test_english_texts_copy_no_run_of_words_from_the_portal_or_its_sources():
    """The rule of the portal's texts (CONTRIBUTING.md, « Traduire une page »): facts carry
    over with their sources, sentences do not. No English page shares RUN words in a row
    with a French page (an untranslated paragraph) or with the bibliography's own text
    (titles and notes of the sources, English ones included)."""
    docs = ROOT / "docs"
    english = {p.relative_to(docs).as_posix(): p.read_text(encoding="utf-8")
               for p in (docs / "en").rglob("*.md")}
    assert len(english) >= len(portal.english_urls())
    others = {p.relative_to(docs).as_posix(): prose_runs(p.read_text(encoding="utf-8"))
              for p in docs.rglob("*.md") if not p.relative_to(docs).as_posix().startswith("en/")}
    bib = " ".join(re.findall(r"(?:title|note)\s*=\s*\{(.*?)\},?\n",
                              " ".join(p.read_text(encoding="utf-8")
                                       for p in (ROOT / "bibliography").glob("*.bib")), re.S))
    others["bibliography/"] = prose_runs(bib)
    copied = [f"{path}: {' '.join(run)} (in {where})"
              for path, text in english.items() for run in sorted(prose_runs(text))
              for where, theirs in others.items() if run in theirs]
    assert copied == []
    # The check can fail: a French paragraph left in an English page is found.
    french = portal.translated_investigation().removesuffix(".html") + ".md"
    sample = (docs / french).read_text(encoding="utf-8")
    assert prose_runs(sample) & others[french]


def test_an_english_page_moved_leaves_an_english_stub():
    from macros.sitewide.redirects import redirect_html

    stub = redirect_html("en/old.md", "en/new.html", SITE_URL + "en/new.html",
                         translations(ROOT, "en").gettext)
    assert '<html lang="en">' in stub and "<title>Page moved</title>" in stub
    assert '<p>This page has moved: <a href="new.html">follow this link</a>.</p>' in stub
    french = redirect_html("old.md", "new.html", SITE_URL + "new.html")
    assert '<html lang="fr">' in french and "suivre ce lien" in french


@needs_english
def test_the_footer_links_the_pages_of_the_readers_language_under_both_engines(engine_site):
    """Zensical's templates do not see `config.extra` written at build time: the footer's
    links come from `page.meta` (both engines). On an English page each leads to the English
    page when there is one, else to the French page at its « not yet translated » notice."""
    def footer(url):
        soup = engine_site.soup(url)
        return {a.get_text(strip=True): urljoin(url, a["href"])
                for a in soup.select(".md-copyright a")}

    french = footer(portal.translated_investigation())
    english = footer("en/" + portal.translated_investigation())
    assert french and len(english) == len(french)
    assert not set(english) & set(french), (english, french)  # labels in each language
    for target in french.values():
        assert "#" not in target and not target.startswith("en/"), french
    english_pages_ = set(portal.english_urls())
    assert sorted(english.values()) == sorted(
        "en/" + target if "en/" + target in english_pages_ else target + "#pas-encore-traduit-en"
        for target in french.values())
