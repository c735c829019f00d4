"""Every entry of the real bibliography, formatted every way a reader sees it (note, plain
text): no doubled punctuation, no note to oneself."""

from __future__ import annotations

import re

import pytest

from macros.citations.formatting import end_sentence
from macros.citations.sources import load_sources
from support.sites import ROOT

# Two periods in a row (an ellipsis is "…"), a comma or semicolon before a period or a
# comma, a space before a period or a comma.
DOUBLED = re.compile(r"\.\s*\.|[,;]\s*[.,;]|\s[.,]")
WORKING_NOTES = re.compile(r"non relevé|à vérifier|à compléter|TODO|FIXME", re.IGNORECASE)


@pytest.fixture(scope="module")
def sources():
    """A real-world bibliography of every kind (the fixture's), and the portal's own."""
    fixture = ROOT / "tests" / "fixtures" / "bibliography"
    return {**load_sources(fixture, fixture), **load_sources(ROOT / "bibliography", ROOT)}


def renderings(source) -> dict[str, str]:
    return {"html": re.sub(r"<[^>]+>", "", source.formatted.html),
            "text": source.formatted.text}


def test_no_doubled_punctuation_in_any_entry(sources):
    assert len(sources) > 20
    doubled = {(key, how): text for key, source in sources.items()
               for how, text in renderings(source).items() if DOUBLED.search(text)}
    assert not doubled, doubled


def test_undated_entries_say_so_with_one_period(sources):
    undated = [s for s in sources.values() if s.date is None and s.entry_type != "legislation"]
    assert undated, "the real bibliography has undated entries: the case must be tested"
    for source in undated:
        assert "s.\u00a0d." in source.formatted.text, source.key
        assert "s.\u00a0d.." not in source.formatted.text, source.key


def test_no_note_to_oneself_reaches_readers(sources):
    found = {key: text for key, source in sources.items()
             for text in renderings(source).values() if WORKING_NOTES.search(text)}
    assert not found, found


def test_end_sentence_adds_one_period_only():
    assert end_sentence("s.\u00a0d.") == "s.\u00a0d."
    assert end_sentence("2024") == "2024."
    assert end_sentence("Vraiment ?") == "Vraiment ?"


def test_no_doubled_punctuation_in_the_built_notes(site):
    """What readers get: every note, every bibliography entry."""
    seen, doubled = 0, []
    for path in site.pages():
        soup = site.soup(path.relative_to(site.dir).as_posix())
        texts = [" ".join(li.get_text(" ").split()) for li in
                  soup.select("ol.notes-sources > li, ul.bibliography > li")]
        for text in texts:
            text = text.split("↩")[0]  # the back-links: "↩ a, b (p. 53)"
            seen += 1
            if DOUBLED.search(text.replace(" .", ".").replace(" ,", ",")):
                doubled.append((path.name, text))
    assert seen
    assert not doubled, doubled[:5]
