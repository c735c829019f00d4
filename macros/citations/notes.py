"""Turn the citations of one page into numbered note calls and a "Notes et sources" list.

A source keeps its number within a page: its places share one note, which lists the
formatted reference and one back-link per place (a, b, c… when there are several).
"""

from __future__ import annotations

import html
from collections.abc import Collection, Mapping

from common.words import N_

from ..floor.errors import Problem, did_you_mean, raise_if_any
from ..floor.language import SOURCE
from ..floor.stash import HtmlStash
from .formatting import Conventions, Formatted, formatted_in
from .sources import Source
from .syntax import CitationGroup, find_citations

NOTES_HEADING = N_("Notes et sources")


def check_citations(groups: list[CitationGroup], sources: Mapping[str, Source], path: str,
                    line_offset: int = 0, broken: Collection[str] = ()) -> list[Problem]:
    """Problems (unknown key, malformed citation) with the line in the source file. Keys in
    `broken` are defined by an entry with a problem of its own: citing them is no mistake."""
    problems = []
    for group in groups:
        line = group.line + line_offset
        if group.citations is None:
            problems.append(Problem(
                path, f"citation mal formée : {group.text}", line,
                "écrivez [@clé], [@clé, p. 53] ou [@clé1; @clé2] ; "
                "pour un crochet littéral, écrivez \\[@"))
            continue
        for citation in group.citations:
            if citation.key not in sources and citation.key not in broken:
                problems.append(Problem(
                    path, f"source inconnue `{citation.key}`", line,
                    did_you_mean(citation.key, sources, "clés connues") or
                    "ajoutez l’entrée dans un fichier bibliography/*.bib"))
    return problems


def note_id(key: str) -> str:
    return f"note-{key}"


def call_id(key: str, index: int) -> str:
    return f"appel-{key}-{index}"


def site_root(page_url: str) -> str:
    """The path from a page (`france-travail/score.html`) to the site's root (`../`)."""
    depth = page_url.strip("/").count("/") if page_url.strip("/") else 0
    if page_url.endswith("/") and page_url.strip("/"):
        depth += 1  # a directory URL: the page is one level down
    return "../" * depth


def render_notes(markdown: str, sources: Mapping[str, Source], path: str,
                 stash: HtmlStash | None = None,
                 groups: list[CitationGroup] | None = None, root: str = "",
                 _=str, lang: str = SOURCE) -> str:
    """Markdown with note calls in place of citations, and the notes appended.

    With a `stash`, the calls and the notes list are stashed HTML (tokens in the Markdown),
    except calls in a heading, where the table of contents must see their text. `groups`:
    the citations of `markdown` when the caller has already found them (parsed once); `root`:
    the path from the page to the site's root, for links to the portal's kept documents;
    `_`: the words of the page's language `lang` (common/words.py), whose conventions
    format the references."""
    groups = list(find_citations(markdown)) if groups is None else groups
    if not groups:
        return markdown
    raise_if_any(check_citations(groups, sources, path))

    conventions = Conventions(lang, _)
    formatted = {key: formatted_in(sources[key], conventions)
                 for key in dict.fromkeys(c.key for g in groups for c in (g.citations or ()))}
    numbers: dict[str, int] = {}
    calls: dict[str, list[str | None]] = {}
    out, position = [], 0
    for group in groups:
        links = []
        for citation in group.citations or ():
            key = citation.key
            number = numbers.setdefault(key, len(numbers) + 1)
            calls.setdefault(key, []).append(citation.locator)
            index = len(calls[key])
            # No `title` repeating the note (1.3 KB on a page of ten notes): the call leads
            # to the note, and assets/reader.js shows the note itself beside the call.
            links.append(
                f'<a id="{html.escape(call_id(key, index))}" '
                f'href="#{html.escape(note_id(key))}" role="doc-noteref">{number}</a>')
        # A note call hugs the word it follows, as in print: "texte¹", not "texte ¹".
        out.append(markdown[position:group.start].rstrip(" \t"))
        call = '<sup class="note-call">' + ",\u202f".join(links) + "</sup>"
        in_heading = markdown.startswith("#", markdown.rfind("\n", 0, group.start) + 1)
        out.append(stash.inline(call) if stash and not in_heading else call)
        position = group.end
    out.append(markdown[position:])
    notes = _notes_list(numbers, calls, formatted, root, _)
    out.append(f"\n\n## {_(NOTES_HEADING)} {{ #notes-et-sources }}\n\n"
               + (stash.block(notes) if stash else notes + "\n"))
    return "".join(out)


def place_label(index: int) -> str:
    """a, b, … z, aa, ab…: the label of the index-th place (from 1) a note is cited at."""
    label = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        label = chr(ord("a") + rest) + label
    return label


def _backlinks(number: int, key: str, locators: list[str | None], _=str) -> str:
    """One back-link per place the source is cited: "↩" alone for a single place, else
    "↩ a, b (p. 53), c" as in an encyclopedia, each letter leading back to its place."""
    def aria(label: str, locator: str | None) -> str:
        text = (_("Retour à l’appel {label} de la note {number}").format(label=label,
                                                                         number=number)
                if label else _("Retour à l’appel de note {number}").format(number=number))
        return html.escape(text + (f" ({locator})" if locator else ""), quote=True)

    def href(index: int) -> str:
        return html.escape(call_id(key, index))

    if len(locators) == 1:
        locator = locators[0]
        label = " " + html.escape(locator, quote=False) if locator else ""
        return (f'<a class="note-back" href="#{href(1)}" aria-label="{aria("", locator)}">'
                f"↩\ufe0e{label}</a>")
    links = []
    for index, locator in enumerate(locators, start=1):
        label = place_label(index)
        link = (f'<a class="note-back" href="#{href(index)}" '
                f'aria-label="{aria(label, locator)}">{label}</a>')
        links.append(link + (f" ({html.escape(locator, quote=False)})" if locator else ""))
    return '<span aria-hidden="true">↩\ufe0e</span> ' + ", ".join(links)


def _notes_list(numbers: dict[str, int], calls: dict[str, list[str | None]],
                formatted: Mapping[str, Formatted], root: str = "", _=str) -> str:
    items = []
    # Insertion order = order of first citation = the note's number: the list numbers its
    # items itself (no `value`, 10 B a note).
    for key in numbers:
        items.append(
            f'<li id="{html.escape(note_id(key))}">'
            f"{formatted[key].html_at(root)} "
            f'<span class="note-backs">{_backlinks(numbers[key], key, calls[key], _)}</span></li>')
    return '<ol class="notes-sources">\n' + "\n".join(items) + "\n</ol>"
