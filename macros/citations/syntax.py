"""Find Pandoc-style citations in Markdown: `[@key]`, `[@key, p. 53]`, `[@a; @b, chap. 2]`.

Code blocks, inline code and HTML comments are left alone; `\\[@` is a literal
bracket; `[@x](url)` is a link, not a citation.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from ..floor.markdown_spans import code_spans

# `[` first, then "not after a backslash": a pattern opening with a literal is searched
# for that character quickly; opening with the look-behind, it is tried at every offset.
_GROUP = re.compile(r"\[(?<!\\\[)(?P<body>@[^\[\]]*)\](?![(\[])")
# `[@x]: https://…` alone on its line (up to 3 spaces before, an optional title after) is what
# Markdown reads as a link's definition: not a citation. `Selon [@x]: la suite` is one (it
# was once left raw in the page, its key never checked).
_LINK_DEFINITION = re.compile(r"[ ]{0,3}\[[^\[\]\n]*\]:[ ]*\S+[ ]*(?:(?:\"[^\n]*\"|'[^\n]*'"
                              r"|\([^\n]*\))[ ]*)?(?:\n|$)")
_ITEM = re.compile(
    r"^\s*@(?P<key>[^\W](?:[\w:.\-/]*\w)?)\s*(?:,\s*(?P<locator>\S.*?))?\s*$", re.DOTALL)
_OPENING = re.compile(r"(?<!\\)\[@")
# `[@x](url)`, `[@x][ref]`: links whose text starts with @, not citations.
_LINK_TEXT = re.compile(r"\[@[^\[\]\n]*\][(\[]")


@dataclass(frozen=True)
class Citation:
    key: str
    locator: str | None


@dataclass(frozen=True)
class CitationGroup:
    start: int
    end: int
    line: int
    text: str
    citations: tuple[Citation, ...] | None  # None: malformed


def parse_group(body: str) -> tuple[Citation, ...] | None:
    citations = []
    for item in body.split(";"):
        match = _ITEM.match(item)
        if not match:
            return None
        locator = " ".join(match.group("locator").split()) if match.group("locator") else None
        citations.append(Citation(match.group("key"), locator))
    return tuple(citations)


def find_citations(markdown: str) -> Iterator[CitationGroup]:
    if "[@" not in markdown:  # every citation opens with it: most pages have none
        return
    spans = code_spans(markdown)
    line, counted = 1, 0  # lines counted once through the text, not from its start each time
    for match in _GROUP.finditer(markdown):
        if any(a <= match.start() < b for a, b in spans) or _defines_link(markdown, match):
            continue
        line += markdown.count("\n", counted, match.start())
        counted = match.start()
        yield CitationGroup(
            start=match.start(),
            end=match.end(),
            line=line,
            text=match.group(0),
            citations=parse_group(match.group("body")),
        )


def _defines_link(markdown: str, match: re.Match) -> bool:
    if not markdown.startswith(":", match.end()):
        return False
    line_start = markdown.rfind("\n", 0, match.start()) + 1
    return (not markdown[line_start:match.start()].strip(" ")
            and bool(_LINK_DEFINITION.match(markdown, line_start)))


def _line_at(markdown: str, offset: int) -> int:
    return markdown.count("\n", 0, offset) + 1


def unclosed_markup(markdown: str) -> list[tuple[int, str, str]]:
    """`(line, message, hint)` for markup that would silently swallow or show text: an HTML
    comment never closed (the rest of the page disappears) and a citation never closed."""
    found: list[tuple[int, str, str]] = []
    comments = markdown.count("<!--")
    openings = markdown.count("[@")
    if comments == 0 and openings == 0:
        return found
    groups = {group.start for group in find_citations(markdown)} if openings else set()
    if comments == markdown.count("-->") and openings == len(groups):
        return found  # every comment closed (at worst later), every `[@` a citation: most pages
    spans = code_spans(markdown)

    def outside(start: int) -> bool:
        return not any(a <= start < b for a, b in spans)

    if comments:
        for match in re.finditer(r"<!--", markdown):
            if outside(match.start()):
                found.append((_line_at(markdown, match.start()),
                              "commentaire HTML jamais refermé : « <!-- » sans « --> »",
                              "refermez le commentaire par « --> » : sans cela, tout le texte "
                              "qui suit disparaît de la page"))
                spans.append((match.start(), len(markdown)))
                break
    if openings:
        for match in _OPENING.finditer(markdown):
            start = match.start()
            if start in groups or not outside(start) or _LINK_TEXT.match(markdown, start):
                continue
            end = markdown.find("\n", start)
            shown = markdown[start:end if end >= 0 else len(markdown)][:40]
            line_start = markdown.rfind("\n", 0, start) + 1
            if not markdown[line_start:start].strip(" ") and \
                    _LINK_DEFINITION.match(markdown, line_start):
                found.append((_line_at(markdown, start),
                              f"« {shown} » en début de ligne : Markdown le lit comme la "
                              "définition d’un lien et retire la ligne de la page",
                              "placez la citation après le texte qu’elle source (« Selon "
                              "le rapport [@clé] : la suite »)"))
                continue
            found.append((_line_at(markdown, start), f"citation jamais refermée : « {shown} »",
                          "fermez le crochet : [@clé] ou [@clé, p. 53] ; pour un crochet "
                          "littéral suivi d’un arobase, écrivez \\[@"))
    return found
