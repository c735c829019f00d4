"""Where Markdown is not text: fenced code blocks, inline code and HTML comments."""

from __future__ import annotations

import re

_FENCE = re.compile(r"^[ ]{0,3}(`{3,}|~{3,})")
_INLINE_CODE = re.compile(r"(`+)(?:.+?)\1", re.DOTALL)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


def code_spans(markdown: str) -> list[tuple[int, int]]:
    """Offsets of fenced code blocks, inline code and HTML comments."""
    spans: list[tuple[int, int]] = []
    if "```" not in markdown and "~~~" not in markdown:
        lines = []  # no fence anywhere: skip the line-by-line walk (most pages)
    else:
        lines = markdown.splitlines(keepends=True)
    offset, fence, fence_start = 0, None, 0
    for line in lines:
        match = _FENCE.match(line)
        if fence is None and match:
            fence, fence_start = match.group(1), offset
        elif fence is not None and match and match.group(1).startswith(fence[0] * len(fence)) \
                and line.strip() == match.group(1):
            spans.append((fence_start, offset + len(line)))
            fence = None
        offset += len(line)
    if fence is not None:
        spans.append((fence_start, offset))

    def outside(start: int) -> bool:
        return not any(a <= start < b for a, b in spans)

    for pattern, marker in ((_INLINE_CODE, "`"), (_COMMENT, "<!--")):
        if marker in markdown:  # each pattern needs its marker: skip a search that finds none
            spans.extend(m.span() for m in pattern.finditer(markdown) if outside(m.start()))
    return spans
