"""Numbered notes of one page (pure function over Markdown)."""

import re

import pytest
from bs4 import BeautifulSoup

from macros.citations.formatting import format_reference
from macros.citations.notes import render_notes
from macros.citations.sources import Source
from macros.floor.errors import ContentError


def source(key, title):
    return Source(key, "book", "livres", "bibliography/t.bib", 1, {"title": title}, ("A B",),
                  None, format_reference("book", {"title": title, "publisher": "P"}, ["A B"],
                                         None))


SOURCES = {"a": source("a", "Livre A"), "b": source("b", "Livre B"),
           "cour_des_comptes_2020": source("cour_des_comptes_2020", "Rapport")}


def render(markdown):
    out = render_notes(markdown, SOURCES, "docs/x.md")
    return out, BeautifulSoup(out, "html.parser")


def test_numbers_follow_first_citation_and_are_reused():
    _, soup = render("x [@b] y [@a, p. 3] z [@b, p. 9].")
    calls = [a.get_text() for a in soup.select("sup.note-call a")]
    assert calls == ["1", "2", "1"]
    notes = soup.select("ol.notes-sources > li")
    assert [li["id"] for li in notes] == ["note-b", "note-a"]


def test_each_call_links_to_its_note_and_back():
    _, soup = render("x [@a] y [@a, p. 4].")
    ids = {tag["id"] for tag in soup.find_all(id=True)}
    for call in soup.select("sup.note-call a"):
        assert call["href"].lstrip("#") in ids
    backs = soup.select("#note-a .note-back")
    assert [b["href"] for b in backs] == ["#appel-a-1", "#appel-a-2"]
    assert [b.get_text() for b in backs] == ["a", "b"]
    assert soup.select_one("#note-a .note-backs").get_text() == "↩\ufe0e a, b (p. 4)"
    assert backs[1]["aria-label"] == "Retour à l’appel b de la note 1 (p. 4)"


def test_one_place_one_arrow_and_many_places_one_letter_each():
    _, soup = render("x [@b, p. 2]." + " y [@a]." * 28)
    single = soup.select("#note-b .note-back")
    assert [b.get_text() for b in single] == ["↩\ufe0e p. 2"]
    labels = [b.get_text() for b in soup.select("#note-a .note-back")]
    assert labels[:3] == ["a", "b", "c"] and labels[25:] == ["z", "aa", "ab"]
    assert soup.select_one("#note-a .note-backs").get_text().count("↩") == 1


def test_a_call_leads_to_its_note_without_repeating_it():
    """The note is the call's target (and what assets/reader.js shows beside the call): no
    `title` repeating it on every call, 1.3 KB on a page of ten notes."""
    _, soup = render("x [@a, p. 3].")
    call = soup.select_one("sup.note-call a")
    assert call.attrs == {"id": "appel-a-1", "href": "#note-a", "role": "doc-noteref"}
    assert soup.select_one("#note-a").get_text().startswith("A B, Livre A, P, s.\u00a0d.")


def test_notes_heading_is_added_once_at_the_end():
    out, _ = render("x [@a; @b].\n\nSuite [@a].")
    assert out.count("## Notes et sources") == 1
    assert out.rstrip().endswith("</ol>")


def test_page_without_citation_is_unchanged():
    assert render_notes("rien ici", SOURCES, "docs/x.md") == "rien ici"


def test_unknown_key_names_file_line_and_suggests():
    with pytest.raises(ContentError) as error:
        render_notes("un\n\nx [@courdescomptes2020].", SOURCES, "docs/x.md")
    message = str(error.value)
    assert "docs/x.md:3: source inconnue `courdescomptes2020`" in message
    assert "vouliez-vous dire `cour_des_comptes_2020` ?" in message


def test_malformed_citation_is_an_error():
    with pytest.raises(ContentError, match=re.escape("citation mal formée : [@a; b]")):
        render_notes("x [@a; b].", SOURCES, "docs/x.md")


def test_note_call_hugs_the_preceding_word():
    out, _ = render("Un fait [@a]. Deux faits\t[@a; @b] et la suite.\nLigne [@b]")
    assert "fait<sup" in out and "faits<sup" in out and "Ligne<sup" in out
    assert "fait <sup" not in out
