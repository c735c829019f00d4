"""Escape text from front matter or data files before it goes into Markdown or HTML."""

import html
import re

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]{}#|!])")


def inline(text: str) -> str:
    """Plain text safe inside a Markdown paragraph: no HTML, no emphasis, no links."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(str(text), quote=False))


def markdown_block(text: str) -> str:
    """Markdown written in front matter (e.g. a reply): formatting kept, raw HTML neutralised."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
