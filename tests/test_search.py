"""Pagefind search in real Chromium: nothing downloaded until used, French stemming,
accents folded, result links right under a sub-path, clear notices where it cannot run."""

from __future__ import annotations

import json
import os

import pytest

from macros.sitewide.search import BUNDLE_DIR, UNUSED, sort_entry
from support import portal
from support.browser import serve
from support.reader import SEARCH_PAGE, Traffic, artifact_dir, run_query
from support.sites import FIXTURE_ARTICLE, Site, make_site, mkdocs_build

pytestmark = pytest.mark.browser



def article(title: str, text: str) -> str:
    return FIXTURE_ARTICLE.replace('"Une enquête"', f'"{title}"').replace(
        "Un fait [@dubois_2021].", text)


# Each page uses one form of a word only: a result proves stemming or folding, not luck.
FIXTURE_DOCS = {
    "enquetes/controles.md": article("Automatisés", "Les contrôles automatisés s’étendent."),
    "enquetes/verbe.md": article("Un verbe", "Le service cherche à contrôler les chômeurs."),
    "enquetes/accents.md": article("Accents", "La dématérialisation éloigne les précaires."),
}


@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("search")
    project = make_site(tmp, docs=FIXTURE_DOCS)  # with the search page, as the portal
    result = mkdocs_build(project, tmp / "site")
    assert result.ok, result.output
    return Site(result.site_dir)


@pytest.fixture(scope="module")
def mirror(engine_site, tmp_path_factory):
    """The portal served under a sub-path, as on a partner's mirror."""
    root = tmp_path_factory.mktemp("mirror")
    (root / "miroir").mkdir()
    os.symlink(engine_site.dir, root / "miroir" / "portail")
    with serve(root) as url:
        yield url + "miroir/portail/"


def pages_found(fixture_site, browser, *queries) -> dict[str, set[str]]:
    with serve(fixture_site.dir) as base:
        page = browser.new_page()
        page.goto(base + SEARCH_PAGE)
        found = {q: {href.rsplit("/", 1)[-1] for href in run_query(page, q)} for q in queries}
        page.close()
    return found


def test_french_stemming_and_accent_folding(fixture_site, browser):
    found = pages_found(fixture_site, browser, "controle", "contrôle", "controler",
                        "dematerialisation", "DÉMATÉRIALISATION", "precaire")
    assert {"controles.html", "verbe.html"} <= found["controle"]  # plural, verb, no accent
    assert found["contrôle"] == found["controle"]
    assert {"controles.html", "verbe.html"} <= found["controler"]
    assert found["dematerialisation"] == {"accents.html"}
    assert found["DÉMATÉRIALISATION"] == {"accents.html"}
    assert found["precaire"] == {"accents.html"}  # singular, no accent: « précaires »


def test_only_articles_are_indexed_and_unused_bundles_removed(engine_site):
    bundle = engine_site.dir / BUNDLE_DIR
    assert (bundle / "pagefind.js").is_file()
    assert not [name for name in UNUSED if (bundle / name).exists()]
    entry = json.loads((bundle / "pagefind-entry.json").read_text())
    # One index per language (`<html lang>`): French, and the English edition (issue 29)
    # when the portal has one (a new campaign starts French-only).
    english = portal.HAS_ENGLISH
    assert sorted(entry["languages"]) == (["en", "fr"] if english else ["fr"])
    # The search page and the 404 are not articles: not in the index.
    for page in (SEARCH_PAGE, "404.html",
                 *(("en/" + SEARCH_PAGE, "en/404.html") if english else ())):
        assert "data-pagefind-body" not in engine_site.html(page), page
    assert "data-pagefind-body" in engine_site.html("index.html")
    pages = sum(language["page_count"] for language in entry["languages"].values())
    articles = sum("data-pagefind-body" in p.read_text(encoding="utf-8")
                   for p in engine_site.pages())
    assert pages == articles


def test_search_loads_on_demand_and_works_under_a_sub_path(engine_site, browser, mirror):
    page = browser.new_page()
    traffic = Traffic(mirror).watch(page)
    page.goto(mirror + SEARCH_PAGE, wait_until="networkidle")
    assert not [p for p in traffic.paths() if f"/{BUNDLE_DIR}/" in p]
    before = dict(traffic.sizes)

    results = run_query(page, "controle")
    page.wait_for_load_state("networkidle")
    assert results, "« controle » finds nothing in the portal"
    for href in results:
        assert href.startswith("/miroir/portail/"), href
        assert engine_site.path(href.removeprefix("/miroir/portail/")).is_file(), href
    assert traffic.foreign() == set()

    query_bytes = sum(size for url, size in traffic.sizes.items() if url not in before)
    report = {"first_query": "controle", "requests": len(traffic.sizes) - len(before),
              "bytes_compressed": query_bytes}
    (artifact_dir(".") / "search-first-query.json").write_text(json.dumps(report, indent=2))
    print(f"\nfirst search query: {report}")
    assert query_bytes < 250_000
    page.close()


def test_header_form_leads_to_results(engine_site, browser, mirror):
    page = browser.new_page()
    page.goto(mirror + "sources.html")
    page.fill("#portal-search-q", "contrôle")
    page.press("#portal-search-q", "Enter")
    page.wait_for_url("**/rechercher.html?q=*")
    page.wait_for_function("document.querySelector('form[data-pagefind]').dataset.searched")
    assert page.locator("#search-results li").count() >= 1
    assert "résultat" in page.locator("#search-status").inner_text()
    page.close()


def test_search_page_explains_itself_from_disk(site, browser):
    page = browser.new_page()
    page.goto((site.dir / SEARCH_PAGE).as_uri())
    notice = page.locator("#search-unavailable")
    assert notice.is_visible()
    assert "file://" in notice.inner_text()
    href = notice.locator("a").first.get_attribute("href")
    assert (site.dir / href).is_file()
    page.close()


def test_the_entry_file_lists_its_languages_in_order(engine_site, tmp_path):
    """Pagefind writes the languages of its entry file in a hash map's order; the portal sorts
    them, so that two builds of the same pages give the same bytes (MkDocs and ProperDocs)."""
    entry = engine_site.path(f"{BUNDLE_DIR}/pagefind-entry.json").read_text(encoding="utf-8")
    assert entry == json.dumps(json.loads(entry), sort_keys=True, separators=(",", ":"))
    (tmp_path / "pagefind-entry.json").write_text(
        '{"version":"1","languages":{"fr":{"page_count":2},"en":{"page_count":1}}}',
        encoding="utf-8")
    sort_entry(tmp_path)
    assert (tmp_path / "pagefind-entry.json").read_text(encoding="utf-8") == (
        '{"languages":{"en":{"page_count":1},"fr":{"page_count":2}},"version":"1"}')
