"""This portal's English edition, by its content: the English search finds the words of its
investigations (English stemming) in English pages only, and not the French pages' words.
A new campaign removes this file with its content (tests/content/LISEZMOI.md); the
generator's side of the English edition is tested in tests/test_editions.py."""

from __future__ import annotations

import pytest

from support.browser import serve
from support.reader import run_query


@pytest.fixture(scope="module")
def served(site, browser):
    with serve(site.dir) as base:
        page = browser.new_page()
        yield base, page
        page.close()


@pytest.mark.browser
def test_english_search_finds_english_words_in_english_pages_only(served):
    base, page = served
    page.goto(base + "en/rechercher.html")
    for query, expected in (("suspicion", "en/france-travail/score-de-suspicion.html"),
                            ("employability", "en/france-travail/index.html"),
                            ("scores", "en/france-travail/journal-recherche-emploi.html"),
                            # English stemming: "rating" finds the title's "rates".
                            ("rating", "en/france-travail/score-de-suspicion.html")):
        found = [href.removeprefix("/") for href in run_query(page, query)]
        assert expected in found, (query, found)
        assert all(href.startswith("en/") for href in found), (query, found)
    # Words of the French pages only: the French pages are not in the English index (the
    # English pages' notes quote French sources, whose words are found there).
    for query in ("chômeuses", "escroquerie"):
        assert run_query(page, query) == [], query
    assert page.locator("#search-status").inner_text().startswith("No result")
