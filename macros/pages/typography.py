"""French typography of Markdown pages: find problems, and fix what can be fixed safely.

Code, URLs, HTML tags, link targets, citations, macro calls and front matter keys
are never touched; only prose (and front matter values) is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..floor.errors import Problem
from ..floor.markdown_spans import code_spans
from .frontmatter import front_matter_end

NBSP = "\u00a0"          # before « : » and inside « »
NNBSP = "\u202f"         # fine, before ; ! ?
NO_BREAK = (NBSP, NNBSP)

_PROTECTED = [
    re.compile(r"<[^>\n]+>"),                              # HTML tags and autolinks
    re.compile(r"\bhttps?://[^\s)>\]»]+"),                 # bare URLs
    re.compile(r"\]\([^)\n]*\)"),                          # link and image targets
    re.compile(r"^\s*\[[^\]\n]+\]:\s*\S+.*$", re.M),       # reference definitions
    re.compile(r"\[@[^\[\]]*\]"),                          # citations
    re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S),            # macro calls
    re.compile(r"\{\s*[:#.][^}\n]*\}"),                    # attribute lists
    re.compile(r"^(?:!!!|\?\?\?\+?).*$", re.M),            # admonition headers
    re.compile(r"^\s*\|?[\s:|-]+\|[\s:|-]*$", re.M),       # table alignment rows
    re.compile(r"&\w+;|&#\w+;"),                           # HTML entities
]
_HIGH = re.compile(r"(?P<before>.?)(?P<mark>[;:!?])(?=[\s)*_»\]<\"]|$)", re.M)
_OPEN_QUOTE = re.compile(r"«(?P<after>.?)", re.S)
_CLOSE_QUOTE = re.compile(r"(?P<before>.?)»", re.S)
_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)")
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
    for pattern in _PROTECTED:
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


def find_fixes(text: str) -> list[Fix]:
    """Every typography problem, with the replacement that fixes it when it is safe."""
    front_end = front_matter_end(text)
    protected = _protected(text, front_end)
    prose_in_front = _front_matter_prose(text, front_end)

    def prose(position: int) -> bool:
        if position < front_end:
            return any(a <= position < b for a, b in prose_in_front) and _free(
                position, [s for s in protected if s != (0, front_end)])
        return _free(position, protected)

    fixes: list[Fix] = []
    for m in _HIGH.finditer(text):
        mark, before = m.group("mark"), m.group("before")
        at = m.start("mark")
        if not prose(at) or before in NO_BREAK or before in ("", "\n", "!", "?", ":", ";"):
            continue
        space = NBSP if mark == ":" else NNBSP
        kind = "espace insécable" if mark == ":" else "espace fine insécable"
        if before in (" ", "\t"):
            fixes.append(Fix(m.start("before"), at, space,
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
    for m in _CLOSE_QUOTE.finditer(text):
        before = m.group("before")
        if prose(m.end() - 1) and before not in NO_BREAK:
            start = m.start() if before in (" ", "\t") else m.end() - 1
            fixes.append(Fix(start, m.end(), NBSP + "»", "espace insécable manquante avant « » »",
                             "les guillemets français s’écrivent «\u00a0texte\u00a0»"))
    for m in _APOSTROPHE.finditer(text):
        if prose(m.start()):
            fixes.append(Fix(m.start(), m.end(), "’", "apostrophe droite « ' »",
                             "utilisez l’apostrophe typographique « ’ »"))
    for m in _ELLIPSIS.finditer(text):
        if prose(m.start()):
            fixes.append(Fix(m.start(), m.end(), "…", "trois points « ... »",
                             "utilisez le caractère points de suspension « … »"))
    for line_start, line in _lines(text):
        quotes = [line_start + i for i, c in enumerate(line)
                  if c == '"' and line_start + i >= front_end and prose(line_start + i)]
        if not quotes:
            continue
        pairs = len(quotes) % 2 == 0
        for n, at in enumerate(quotes):
            replacement = ("«" + NBSP if n % 2 == 0 else NBSP + "»") if pairs else '"'
            fixes.append(Fix(at, at + 1, replacement, "guillemets droits « \" »",
                             "utilisez les guillemets français «\u00a0…\u00a0»"))
    return sorted(fixes, key=lambda f: (f.start, f.end))


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
