"""Pandoc-style citation syntax (pure functions)."""

from macros.citations.syntax import Citation, find_citations, unclosed_markup


def cites(markdown):
    return [g.citations for g in find_citations(markdown)]


def test_single_locator_and_multiple():
    assert cites("a [@x] b [@y, p. 53] c [@a; @b, chap. 2].") == [
        (Citation("x", None),),
        (Citation("y", "p. 53"),),
        (Citation("a", None), Citation("b", "chap. 2")),
    ]


def test_line_numbers():
    groups = list(find_citations("un\ndeux [@x]\n\ntrois [@y]"))
    assert [g.line for g in groups] == [2, 4]


def test_escaped_bracket_is_literal():
    assert cites(r"voir \[@x] ici") == []


def test_code_is_left_alone():
    text = "`[@x]`\n\n```\n[@y]\n```\n\n~~~md\n[@z]\n~~~\n<!-- [@c] -->\n[@w]"
    assert cites(text) == [(Citation("w", None),)]


def test_links_and_emails_are_not_citations():
    assert cites("[@compte](https://mastodon.example/@compte) [contact@x.org]") == []


def test_malformed_group_is_reported_as_none():
    assert cites("[@x, p. 2; y]") == [None]


def test_keys_with_punctuation_inside():
    assert cites("[@a.b:c-d_1].") == [(Citation("a.b:c-d_1", None),)]


def test_each_kind_of_code_alone_is_left_alone():
    # Each kind is looked for only when its marker is in the text: one at a time.
    assert cites("`[@x]` [@w]") == [(Citation("w", None),)]
    assert cites("```\n[@y]\n```\n[@w]") == [(Citation("w", None),)]
    assert cites("~~~\n[@z]\n~~~\n[@w]") == [(Citation("w", None),)]
    assert cites("<!-- [@c] -->\n[@w]") == [(Citation("w", None),)]
    assert cites("sans citation `code` <!-- note -->\n```\nbloc\n```") == []


def test_line_numbers_around_skipped_code_and_on_one_line():
    text = "[@a] [@b]\n`[@x]`\n\n[@c]\n```\n[@y]\n```\nfin [@d]"
    groups = list(find_citations(text))
    assert [(g.citations[0].key, g.line) for g in groups] == \
        [("a", 1), ("b", 1), ("c", 4), ("d", 8)]
    assert [text[g.start:g.end] for g in groups] == ["[@a]", "[@b]", "[@c]", "[@d]"]


def test_bracket_at_start_nested_or_escaped():
    assert cites(r"[@a] \[@b] [[@c]] x[@d]. \[@e]") == [
        (Citation("a", None),), (Citation("c", None),), (Citation("d", None),)]


def test_a_citation_followed_by_a_colon_is_a_citation():
    """It was once left raw in the page, its keys never checked."""
    assert cites("Selon le rapport [@x]: la suite.") == [(Citation("x", None),)]
    assert cites("[@x, p. 3]: la suite du texte.") == [(Citation("x", "p. 3"),)]
    assert cites("Et [@a; @b]: fin.") == [(Citation("a", None), Citation("b", None))]


def test_a_link_definition_whose_name_starts_with_at_is_not_a_citation_but_is_reported():
    """`[@x]: address` alone on its line is what Markdown reads as a link's definition: the
    line disappears from the page, so the check says so."""
    for line in ("[@x]: https://example.org/a", '   [@x]: https://example.org/a "Titre"',
                 "[@x]: voir."):
        assert cites(f"Avant.\n\n{line}\n\nAprès [@y].") == [(Citation("y", None),)], line
    assert unclosed_markup("Avant.\n\n[@x]: voir.\n") == [(
        3, "« [@x]: voir. » en début de ligne : Markdown le lit comme la définition d’un lien "
           "et retire la ligne de la page",
        "placez la citation après le texte qu’elle source (« Selon le rapport [@clé] : la "
        "suite »)")]
    assert unclosed_markup("Selon [@x]: la suite.\n") == []
