"""Each icon drawn once per page: an icon the page shows twice or more is defined once.

Material writes every icon inline, in full, where it is shown: the logo and the forge's icon
appear twice on every page (header and navigation drawer), ~1 KB. On the built page, such an
icon becomes a `<symbol>` in one hidden `<svg>` at the top of the body, and each place shows it
with `<use href="#…">`: same drawing, no request, no JavaScript, printed alike (an inline
sprite, not a file: a file's symbols do not show on a page opened from disk in Chromium).
An icon shown once stays where it is (a reference would only add bytes), as does an icon too
small for a reference to weigh less than it. Every icon loses its
`xmlns`, which HTML does not need (the parser puts `<svg>` in the SVG namespace itself).
"""

from __future__ import annotations

import re
from collections import Counter

# Material's icons as its templates write them: nothing but the namespace and the viewBox.
# Charts (vl-convert) carry a class, width and height, and never match.
# The drawing: runs of text between tags that are not an `<svg>`'s own (consumed a run at a
# time, not a character at a time).
_ICON = re.compile(r'<svg xmlns="http://www.w3.org/2000/svg" viewBox="([^"<>]+)">'
                   r"([^<]*(?:<(?!/?svg\b)[^<]*)*)</svg>")
_BODY = re.compile(r"<body\b[^>]*>")
PREFIX = "portal-icon-"
# What sharing costs: each `<use href="#portal-icon-N"/>`, each `<symbol …></symbol>` without
# its viewBox, and once the `<svg>` around the symbols.
_USE_BYTES, _SYMBOL_BYTES, _SPRITE_BYTES = 30, 46, 72


def shared_icons(html: str) -> str:
    """`html` with each icon shown more than once drawn once (see the module's doc)."""
    found = Counter(match.groups() for match in _ICON.finditer(html))
    # Bytes saved by sharing an icon: its drawing but once, less a reference per place
    # and a symbol around the drawing; then less the `<svg>` around the symbols.
    saved = {(view, drawing): (times - 1) * len(drawing) - times * _USE_BYTES - len(view)
             - _SYMBOL_BYTES for (view, drawing), times in found.items()}
    shared = [icon for icon, saving in saved.items() if saving > 0]
    if sum(saved[icon] for icon in shared) <= _SPRITE_BYTES:
        shared = []
    body = _BODY.search(html)
    if not found or body is None:
        return html
    ids = {icon: f"{PREFIX}{index}" for index, icon in enumerate(shared, 1)}

    def reference(match: re.Match) -> str:
        ident = ids.get(match.groups())
        inside = match.group(2) if ident is None else f'<use href="#{ident}"/>'
        return f'<svg viewBox="{match.group(1)}">{inside}</svg>'

    sprite = ""
    if shared:
        symbols = "".join(f'<symbol id="{ident}" viewBox="{view}">{drawing}</symbol>'
                          for (view, drawing), ident in ids.items())
        sprite = (f'\n<svg class="portal-icons" width="0" height="0" aria-hidden="true">'
                  f"{symbols}</svg>")
    head, rest = html[:body.end()], html[body.end():]
    return head + sprite + _ICON.sub(reference, rest)
