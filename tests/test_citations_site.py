"""Citations, notes and the bibliography page in the built portal."""

import json
import re

from pybtex.database import parse_file

from macros.citations.sources import GROUPS, TYPE_GROUPS
from support import portal

# The investigations' addresses (`dossier/page.html`), read from the sources.
INVESTIGATIONS = portal.investigation_urls()
# Those still holding make new-campaign's skeleton: a line or two of text, one source.
SKELETON = {url for url, path in zip(INVESTIGATIONS, portal.investigations(), strict=True)
            if "À REMPLIR" in path.read_text(encoding="utf-8")}


def notes_of(article):
    return article.select("ol.notes-sources > li")


def test_calls_are_numbered_in_order_of_first_citation_and_reused(engine_site):
    for stem in INVESTIGATIONS:
        article = engine_site.article(stem)
        calls = article.select("sup.note-call a")
        assert len(calls) >= (1 if stem in SKELETON else 8), stem
        first_seen, number_of = [], {}
        for call in calls:
            key = call["href"].removeprefix("#note-")
            if key not in number_of:
                number_of[key] = len(number_of) + 1
                first_seen.append(key)
            assert call.get_text() == str(number_of[key]), (stem, key)
        assert [li["id"].removeprefix("note-") for li in notes_of(article)] == first_seen


def test_some_source_is_cited_twice_with_one_number(engine_site):
    reused = 0
    for stem in INVESTIGATIONS:
        hrefs = [a["href"] for a in engine_site.article(stem)
                 .select("sup.note-call a")]
        reused += len(hrefs) - len(set(hrefs))
    assert reused > 0


def test_every_call_leads_to_its_note(engine_site):
    article = engine_site.article(portal.main_investigation())
    calls = article.select("sup.note-call a")
    assert calls
    for call in calls:
        note = article.find(id=call["href"][1:])
        assert note.name == "li" and len(note.get_text()) > 10, call
        assert call["role"] == "doc-noteref" and not call.has_attr("title")


def test_back_links_reach_every_call(engine_site):
    for stem in INVESTIGATIONS:
        article = engine_site.article(stem)
        ids = {tag["id"] for tag in article.find_all(id=True)}
        for note in notes_of(article):
            key = note["id"].removeprefix("note-")
            backs = [a["href"][1:] for a in note.select("a.note-back")]
            calls = [a["id"] for a in article.select(f'sup.note-call a[href="#note-{key}"]')]
            assert backs == calls
            assert set(backs) <= ids


def test_notes_show_links_and_no_guessed_archived_copy(engine_site):
    """Issue 27: data/archives.yml records no copy yet (it is filled by the first run of
    make archive-sources on a machine with network): every note offers a search of the
    archive's calendar, worded as a search, and carries the Robust Links attributes."""
    searched = 0
    for stem in INVESTIGATIONS:
        for note in notes_of(engine_site.article(stem)):
            url = note.select_one("a.source-url")
            if url:
                assert url["href"].startswith(("http://", "https://"))
                assert re.search(r"consulté le \d{1,2}(er)? \w+ \d{4}", note.get_text())
                assert url["data-originalurl"] == url["href"]
                assert re.fullmatch(r"\d{4}(-\d{2}){0,2}", url["data-versiondate"])
                assert note.select_one("a.source-archive") is None
                search = note.select_one("a.source-archive-search")
                assert search.get_text() == "chercher une copie archivée"
                assert search["href"] == "https://web.archive.org/web/*/" + url["href"]
                searched += 1
    assert searched > 0 or set(INVESTIGATIONS) <= SKELETON  # the skeleton's source: no url
    guessed = re.compile(r"web\.archive\.org/web/\d")
    for page in engine_site.dir.rglob("*"):
        if page.suffix in (".html", ".json", ".bib", ".xml") and page.is_file():
            assert not guessed.search(page.read_text(encoding="utf-8")), page


def test_bibliography_groups_sources_and_says_who_cites_them(engine_site):
    soup = engine_site.soup("sources.html")
    headings = [h.get_text().rstrip("#") for h in soup.select("article h2")]
    expected = [label for label in GROUPS.values() if label in headings]
    assert headings == expected and headings
    entries = soup.select("ul.bibliography > li")
    assert entries
    for entry in entries:
        links = entry.select(".cited-in a")
        assert links, entry["id"]
        for link in links:
            page, _, anchor = link["href"].partition("#")
            target = engine_site.soup(page)
            assert target.find(id=anchor) is not None, link["href"]


def test_every_cited_source_is_on_the_bibliography_page(engine_site):
    listed = {li["id"].removeprefix("source-") for li in engine_site.soup("sources.html")
              .select("ul.bibliography > li")}
    cited = set()
    for page in engine_site.pages():
        soup = engine_site.soup(page.relative_to(engine_site.dir).as_posix())
        cited |= {a["href"].removeprefix("#note-") for a in soup.select("sup.note-call a")}
    assert cited == listed


def test_bibliography_is_published_as_bibtex_and_csl_json(engine_site):
    bib = parse_file(engine_site.dir / "sources" / "bibliographie.bib", "bibtex")
    csl = json.loads((engine_site.dir / "sources" / "bibliographie.json")
                     .read_text(encoding="utf-8"))
    listed = {li["id"].removeprefix("source-") for li in engine_site.soup("sources.html")
              .select("ul.bibliography > li")}
    assert listed <= set(bib.entries)
    assert sorted(item["id"] for item in csl) == sorted(bib.entries)
    assert all(item["title"] and item["type"] for item in csl)
    page = engine_site.soup("sources.html")
    assert page.select_one('a[href="sources/bibliographie.bib"][download]')
    assert page.select_one('a[href="sources/bibliographie.json"][download]')


def test_every_source_falls_in_a_group_of_the_bibliography_page():
    bib = {}
    for path in portal.CONFIG.bib_dir.glob("*.bib"):
        bib.update(parse_file(path, "bibtex").entries)
    assert bib
    assert {entry.type.lower() for entry in bib.values()} <= set(TYPE_GROUPS)
