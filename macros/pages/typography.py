"""French typography of Markdown pages: find problems, and fix what can be fixed safely.

Code, URLs, HTML tags, link targets, citations, macro calls and front matter keys
are never touched; only prose (and front matter values) is.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from ..floor.errors import Problem
from ..floor.markdown_spans import code_spans
from .frontmatter import front_matter_end

NBSP = "\u00a0"          # before « : » and inside « »
NNBSP = "\u202f"         # fine, before ; ! ?
NO_BREAK = (NBSP, NNBSP)

# (pattern, a string every match contains, or strings one of which it contains: a page without
# it is not searched). Patterns start
# with a character to look for where they can: one starting with an assertion (`\b`, `(?<=`)
# is tried at every position of the text.
_PROTECTED = [
    (re.compile(r"<[^>\n]+>"), "<"),                              # HTML tags and autolinks
    (re.compile(r"h(?<=\bh)ttps?://[^\s)>\]»]+"), "http"),        # bare URLs
    (re.compile(r"\]\([^)\n]*\)"), "]("),                          # link and image targets
    (re.compile(r"^\s*\[[^\]\n]+\]:\s*\S+.*$", re.M), "]:"),      # reference definitions
    (re.compile(r"\[@[^\[\]]*\]"), "[@"),                          # citations
    (re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S), "{"),             # macro calls
    (re.compile(r"\{\s*[:#.][^}\n]*\}"), "{"),                    # attribute lists
    (re.compile(r"^(?:!!!|\?\?\?\+?).*$", re.M), ("!!!", "???")),  # admonition headers
    (re.compile(r"^\s*\|?[\s:|-]+\|[\s:|-]*$", re.M), "|"),       # table alignment rows
    (re.compile(r"&\w+;|&#\w+;"), "&"),                           # HTML entities
]
# Each pattern starts with the character it looks for (a pattern starting with an optional
# character is tried at every position of the text: ten times slower); the character before
# it is read from the text (`_before`).
_HIGH = re.compile(r"[;:!?](?=[\s)*_»\]<\"]|$)", re.M)
_OPEN_QUOTE = re.compile(r"«(?P<after>.?)", re.S)
_CLOSE_QUOTE = re.compile(r"»")
_APOSTROPHE = re.compile(r"'(?<=\w')(?=\w)")
_STRAIGHT_QUOTE = re.compile('"')
_ELLIPSIS = re.compile(r"(?<!\.)\.\.\.(?!\.)")
_YAML_PREFIX = re.compile(r"^(\s*(?:-\s+)?(?:[\w.-]+:\s*)?)(\|[-+]?|>[-+]?)?\s*", re.M)


@dataclass(frozen=True)
class Fix:
    start: int
    end: int
    replacement: str
    message: str
    hint: str


def _protected(text: str, front_end: int) -> list[tuple[int, int]]:
    spans = [(0, front_end)] if front_end else []
    spans += code_spans(text)
    for pattern, needed in _PROTECTED:
        if any(part in text for part in ((needed,) if isinstance(needed, str) else needed)):
            spans += [m.span() for m in pattern.finditer(text)]
    return sorted(spans)


def _front_matter_prose(text: str, front_end: int) -> list[tuple[int, int]]:
    """Spans of front matter values (not keys, list marks or quote delimiters)."""
    spans, offset = [], 0
    for line in text[:front_end].splitlines(keepends=True):
        body = line.rstrip("\n")
        prefix = _YAML_PREFIX.match(body)
        start = prefix.end() if prefix else 0
        value = body[start:]
        if body.strip() in ("---", "...") or not value:
            offset += len(line)
            continue
        if value[:1] in "\"'" and value[-1:] == value[:1] and len(value) > 1:
            start, value = start + 1, value[1:-1]
        spans.append((offset + start, offset + start + len(value)))
        offset += len(line)
    return spans


def _free(position: int, spans: list[tuple[int, int]]) -> bool:
    return not any(a <= position < b for a, b in spans)


def _outside(spans: list[tuple[int, int]]):
    """A test of `position` outside every span of `spans` (sorted), in O(log n): the spans
    starting at or before it, and the furthest end among them."""
    starts = [a for a, _ in spans]
    furthest, reach = [], 0
    for _, b in spans:
        reach = max(reach, b)
        furthest.append(reach)

    def outside(position: int) -> bool:
        index = bisect_right(starts, position)
        return index == 0 or furthest[index - 1] <= position
    return outside


def _before(text: str, at: int, newline: bool) -> str:
    """The character before `at`, "" at the start (and before a line's start unless
    `newline`)."""
    if at == 0 or (not newline and text[at - 1] == "\n"):
        return ""
    return text[at - 1]


def find_fixes(text: str) -> list[Fix]:
    """Every typography problem, with the replacement that fixes it when it is safe."""
    front_end = front_matter_end(text)
    protected = _protected(text, front_end)
    prose_in_front = _front_matter_prose(text, front_end)
    outside_body = _outside(protected)
    in_front = [s for s in protected if s != (0, front_end)]

    def prose(position: int) -> bool:
        if position < front_end:
            return any(a <= position < b for a, b in prose_in_front) and _free(
                position, in_front)
        return outside_body(position)

    fixes: list[Fix] = []
    for m in _HIGH.finditer(text):
        mark, at = m.group(), m.start()
        before = _before(text, at, newline=False)
        if not prose(at) or before in NO_BREAK or before in ("", "\n", "!", "?", ":", ";"):
            continue
        space = NBSP if mark == ":" else NNBSP
        kind = "espace insécable" if mark == ":" else "espace fine insécable"
        if before in (" ", "\t"):
            fixes.append(Fix(at - 1, at, space,
                             f"espace ordinaire avant « {mark} »",
                             f"remplacez-la par une {kind}"))
        elif before.isalnum() or before in "»)*_’\"":
            fixes.append(Fix(at, at, space, f"espace manquante avant « {mark} »",
                             f"ajoutez une {kind} avant « {mark} »"))
    for m in _OPEN_QUOTE.finditer(text):
        after = m.group("after")
        if prose(m.start()) and after not in NO_BREAK:
            end = m.end() if after in (" ", "\t") else m.start() + 1
            fixes.append(Fix(m.start(), end, "«" + NBSP, "espace insécable manquante après « « »",
                             "les guillemets français s’écrivent «\u00a0texte\u00a0»"))
    for at, before in _closing_quotes(text):
        if prose(at) and before not in NO_BREAK:
            start = at - 1 if before in (" ", "\t") else at
            fixes.append(Fix(start, at + 1, NBSP + "»", "espace insécable manquante avant « » »",
                             "les guillemets français s’écrivent «\u00a0texte\u00a0»"))
    for m in _APOSTROPHE.finditer(text) if "'" in text else ():
        if prose(m.start()):
            fixes.append(Fix(m.start(), m.end(), "’", "apostrophe droite « ' »",
                             "utilisez l’apostrophe typographique « ’ »"))
    for m in _ELLIPSIS.finditer(text):
        if prose(m.start()):
            fixes.append(Fix(m.start(), m.end(), "…", "trois points « ... »",
                             "utilisez le caractère points de suspension « … »"))
    for line_start, line in _lines(text) if '"' in text else ():
        if '"' not in line:
            continue
        quotes = [line_start + m.start() for m in _STRAIGHT_QUOTE.finditer(line)
                  if line_start + m.start() >= front_end and prose(line_start + m.start())]
        if not quotes:
            continue
        pairs = len(quotes) % 2 == 0
        for n, at in enumerate(quotes):
            replacement = ("«" + NBSP if n % 2 == 0 else NBSP + "»") if pairs else '"'
            fixes.append(Fix(at, at + 1, replacement, "guillemets droits « \" »",
                             "utilisez les guillemets français «\u00a0…\u00a0»"))
    return sorted(fixes, key=lambda f: (f.start, f.end))


def _closing_quotes(text: str):
    """(position, character before) of each « » » a pattern `(.?)»` would find, without
    trying that pattern at every position: a « » » right after the previous match has no
    character before it, unless another « » » follows, which then takes it as its own."""
    end = 0
    for m in _CLOSE_QUOTE.finditer(text):
        at = m.start()
        if at < end:
            continue
        if at > end:
            yield at, text[at - 1]
            end = at + 1
        elif text[at + 1:at + 2] == "»":
            yield at + 1, "»"
            end = at + 2
        else:
            yield at, ""
            end = at + 1


def _lines(text: str):
    offset = 0
    for line in text.splitlines(keepends=True):
        yield offset, line
        offset += len(line)


def check(text: str, path: str) -> list[Problem]:
    return [Problem(path, f.message, text.count("\n", 0, f.start) + 1, f.hint)
            for f in find_fixes(text)]


def fix(text: str) -> str:
    """Apply every safe fix (unbalanced straight quotes are left for a human)."""
    out, position = [], 0
    for f in find_fixes(text):
        if f.start < position:
            continue  # overlapping fixes: keep the first
        out.append(text[position:f.start])
        out.append(f.replacement)
        position = f.end
    out.append(text[position:])
    return "".join(out)
