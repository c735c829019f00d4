"""Stashed HTML (macros/floor/stash.py): kept out of Markdown, put back after conversion."""

import markdown

from macros.citations.formatting import format_reference
from macros.citations.notes import render_notes
from macros.citations.sources import Source
from macros.floor.stash import HtmlStash, StashExtension


def convert(text: str, stash: HtmlStash) -> str:
    return markdown.markdown(text, extensions=["md_in_html", "toc", StashExtension(stash)])


def source(key: str) -> Source:
    return Source(key, "book", "livres", "bibliography/t.bib", 1, {"title": "Livre"}, ("A B",),
                  None, format_reference("book", {"title": "Livre", "publisher": "P"}, ["A B"],
                                         None))


def test_inline_fragment_comes_back_untouched_inside_a_paragraph():
    stash = HtmlStash()
    html = convert(f"Texte{stash.inline('<sup>1&amp;<b>*x*</b></sup>')} suite.", stash)
    assert html == "<p>Texte<sup>1&amp;<b>*x*</b></sup> suite.</p>"


def test_block_fragment_replaces_its_paragraph():
    stash = HtmlStash()
    html = convert("Avant." + stash.block("<ol><li>*a*</li></ol>") + "Après.", stash)
    assert html == "<p>Avant.</p>\n<ol><li>*a*</li></ol>\n<p>Après.</p>"


def test_marked_block_is_stashed_with_what_was_rendered_inside():
    stash = HtmlStash()
    call = stash.inline("<sup>1</sup>")
    marked = HtmlStash.mark_block(f'<figure id="f"><figcaption>Source {call}</figcaption>'
                                  "\n\n<p>_x_</p></figure>")
    html = convert(stash.stash_marked(f"Intro.\n\n{marked}\n\nFin."), stash)
    assert html == ('<p>Intro.</p>\n<figure id="f"><figcaption>Source <sup>1</sup></figcaption>'
                    "\n\n<p>_x_</p></figure>\n<p>Fin.</p>")


def test_token_inside_markdown_html_block_and_table():
    stash = HtmlStash()
    text = (f'<div markdown>\n\nDans un bloc{stash.inline("<i>1</i>")}.\n\n</div>\n\n'
            f"| a |\n|---|\n| cellule{stash.inline('<i>2</i>')} |\n")
    html = convert(text, stash)
    assert "Dans un bloc<i>1</i>." in html and "cellule<i>2</i>" in html
    assert "\ue000" not in html


def test_unknown_tokens_and_other_private_use_text_are_left_alone():
    stash = HtmlStash()
    token = stash.inline("<i>x</i>")
    stash.clear()
    assert convert(f"a{token} \ue123", stash) == f"<p>a{token} \ue123</p>"


def test_notes_with_a_stash_give_the_same_page_as_raw_html():
    sources = {"a": source("a"), "b": source("b")}
    text = "# Titre\n\nUn fait [@a]. Un autre [@b; @a, p. 2].\n\n## Section [@b]\n\nFin.\n"
    stash = HtmlStash()
    with_stash = convert(render_notes(text, sources, "docs/x.md", stash), stash)
    without = convert(render_notes(text, sources, "docs/x.md"), HtmlStash())
    assert with_stash.replace("\n", "") == without.replace("\n", "")
    assert 'class="notes-sources"' in with_stash


def test_a_call_in_a_heading_stays_html_for_the_table_of_contents():
    stash = HtmlStash()
    out = render_notes("## Section [@a]\n\nTexte [@a].\n", {"a": source("a")}, "docs/x.md",
                       stash)
    heading = out.splitlines()[0]
    assert '<sup class="note-call">' in heading and "\ue000" not in heading
