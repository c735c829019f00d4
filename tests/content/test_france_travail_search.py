"""Search that understands French, on the real portal's index in Chromium: a word is found
whatever elision precedes it (typographic or straight apostrophe), accents are optional, and
the page whose title or summary holds the words comes first."""

from __future__ import annotations

import re

import pytest

from macros.sitewide.search import ELISIONS, split_elisions
from support.browser import serve
from support.reader import SEARCH_PAGE, run_query
from support.sites import ROOT

ENQUETES = "france-travail/"

# (query, the page expected first), drawn from the portal's own text. Several queries differ
# from one another only by an elision, an apostrophe or accents: they must agree.
FIRST_PAGE = [
    ("employabilité", ENQUETES + "score-employabilite.html"),
    ("d’employabilité", ENQUETES + "score-employabilite.html"),
    ("l'employabilite", ENQUETES + "score-employabilite.html"),
    ("chances de retour à l’emploi", ENQUETES + "score-employabilite.html"),
    ("honnêteté", ENQUETES + "score-de-suspicion.html"),
    ("l’honnêteté", ENQUETES + "score-de-suspicion.html"),
    ("HONNETETE", ENQUETES + "score-de-suspicion.html"),
    ("score de suspicion", ENQUETES + "score-de-suspicion.html"),
    ("qu’un algorithme", ENQUETES + "score-de-suspicion.html"),
    ("robots", ENQUETES + "loi-plein-emploi-robots.html"),
    ("plein emploi", ENQUETES + "loi-plein-emploi-robots.html"),
    ("RSA", ENQUETES + "loi-plein-emploi-robots.html"),
    ("dématérialisation", ENQUETES + "dematerialisation-forcee.html"),
    ("dematerialisation forcee", ENQUETES + "dematerialisation-forcee.html"),
    ("tout-numérique", ENQUETES + "dematerialisation-forcee.html"),
    ("lettre recommandée", ENQUETES + "dematerialisation-forcee.html"),
    ("s’actualiser", ENQUETES + "dematerialisation-forcee.html"),
    ("journal de la recherche d’emploi", ENQUETES + "journal-recherche-emploi.html"),
    ("perte de confiance", ENQUETES + "journal-recherche-emploi.html"),
    ("l’intelligence artificielle", ENQUETES + "journal-recherche-emploi.html"),
    ("CAF", ENQUETES + "de-la-caf-a-france-travail.html"),
    ("allocations familiales", ENQUETES + "de-la-caf-a-france-travail.html"),
    ("CADA", "agir/droits.html"),
    ("pétition", "agir/petition.html"),
    ("témoignage", "agir/temoignages.html"),
    ("miroirs", "miroirs.html"),
    ("méthode", "a-propos.html"),
]


@pytest.fixture(scope="module")
def search_page(site, browser):
    with serve(site.dir) as base:
        page = browser.new_page()
        page.goto(base + SEARCH_PAGE)
        yield base, page
        page.close()


def first_pages(search_page, queries) -> dict[str, list[str]]:
    _, page = search_page
    return {q: [href.removeprefix("/") for href in run_query(page, q)] for q in queries}


@pytest.mark.browser
def test_each_query_finds_its_page_first(site, search_page):
    assert len(FIRST_PAGE) >= 20
    for _, expected in FIRST_PAGE:
        assert site.path(expected).is_file(), expected
    found = first_pages(search_page, [q for q, _ in FIRST_PAGE])
    wrong = {q: (found[q][:3], expected) for q, expected in FIRST_PAGE
             if not found[q] or found[q][0] != expected}
    assert not wrong, wrong


@pytest.mark.browser
def test_a_word_after_an_elision_is_found_like_the_word_alone(search_page):
    found = first_pages(search_page, ["honnêteté", "l’honnêteté", "l'honnêteté", "employabilité",
                                      "d’employabilité", "D'EMPLOYABILITE"])
    assert found["honnêteté"] == found["l’honnêteté"] == found["l'honnêteté"]
    assert found["employabilité"] == found["d’employabilité"] == found["D'EMPLOYABILITE"]


@pytest.mark.browser
def test_excerpts_keep_the_elision_on_its_word(search_page):
    _, page = search_page
    run_query(page, "honnêteté")
    excerpts = " ".join(page.locator("#search-results p").all_inner_texts())
    assert "l’honnêteté" in excerpts
    assert not re.search(r"\b[ldjmnstc]’ ", excerpts, re.IGNORECASE), excerpts


def test_every_elision_is_split_in_text_and_never_in_tags():
    words = " ".join(f"{e}’avis {e.upper()}'Avis" for e in ELISIONS)
    split = split_elisions(f'<p title="l’avis">{words}</p><p>aujourd’hui, presqu’île</p>')
    assert split.startswith('<p title="l’avis">')
    for elision in ELISIONS:
        assert f"{elision}’ avis" in split and f"{elision.upper()}' Avis" in split
    assert "aujourd’hui, presqu’île" in split  # not elisions: one word each


def test_the_search_page_strips_the_same_elisions():
    script = (ROOT / "overrides" / "assets" / "search.js").read_text(encoding="utf-8")
    alternatives = re.search(r'var ELISION = "\(([^)]*)\)', script).group(1).split("|")
    letters = re.fullmatch(r"\[(\w+)\]", alternatives[-1]).group(1)
    assert set(alternatives[:-1]) | set(letters) == set(ELISIONS)


def test_summaries_are_indexed_with_weight(site):
    page = site.soup(ENQUETES + "score-employabilite.html")
    summary = page.select_one("article[data-pagefind-body] p[hidden][data-pagefind-weight]")
    assert summary is not None and "chances de retour" in summary.get_text()
