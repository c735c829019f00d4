"""HTML the portal writes into a page, kept out of Markdown's way until the page is converted.

Python-Markdown and MkDocs read every raw HTML tag of a page's Markdown with Python's
HTMLParser (md_in_html's block scan, then MkDocs' anchor scan): for the note calls, the
« Notes et sources » list and the chart figures, that was a quarter of a build. HTML that
needs no Markdown inside is kept here instead, and the Markdown carries a short token made
of private-use characters (no letter, digit or tag: Markdown, the table of contents and
slugs leave it alone). After conversion, `StashExtension` puts the HTML back in place of
each token.
"""

from __future__ import annotations

import re

from markdown import Extension
from markdown.postprocessors import Postprocessor

_OPEN, _CLOSE = "\ue000", "\ue001"          # around a token
_BLOCK_OPEN, _BLOCK_CLOSE = "\ue002", "\ue003"  # around HTML to stash as one block
_DIGIT0 = 0xE010                            # a token's number, in base 16, as U+E010–U+E01F
_TOKEN = re.compile(f"{_OPEN}[\ue010-\ue01f]+{_CLOSE}")
_BLOCK_TOKEN = re.compile(f"<p>({_OPEN}[\ue010-\ue01f]+{_CLOSE})</p>")
_MARKED_BLOCK = re.compile(f"{_BLOCK_OPEN}(.*?){_BLOCK_CLOSE}", re.S)


def _number(n: int) -> str:
    return "".join(chr(_DIGIT0 + int(d, 16)) for d in f"{n:x}")


class HtmlStash:
    """The HTML fragments of the page being built, by token. Emptied for each page."""

    def __init__(self) -> None:
        self._fragments: dict[str, str] = {}

    def clear(self) -> None:
        self._fragments.clear()

    def inline(self, html: str) -> str:
        """A token that stands for `html` inside a paragraph."""
        token = f"{_OPEN}{_number(len(self._fragments))}{_CLOSE}"
        self._fragments[token] = html
        return token

    def block(self, html: str) -> str:
        """A paragraph of its own that becomes `html`, without the paragraph."""
        return f"\n\n{self.inline(html)}\n\n"

    @staticmethod
    def mark_block(html: str) -> str:
        """`html` marked to be stashed as a block by `stash_marked`, once what is inside it
        (citations, for instance) has been rendered."""
        return f"{_BLOCK_OPEN}{html}{_BLOCK_CLOSE}"

    def stash_marked(self, markdown: str) -> str:
        return _MARKED_BLOCK.sub(lambda m: self.block(self.restore(m.group(1))), markdown)

    def restore(self, html: str) -> str:
        """`html` with every token replaced by its fragment (unknown tokens are kept)."""
        if _OPEN not in html:
            return html
        html = _BLOCK_TOKEN.sub(lambda m: self._fragments.get(m.group(1), m.group(0)), html)
        return _TOKEN.sub(lambda m: self._fragments.get(m.group(0), m.group(0)), html)


class _Restore(Postprocessor):
    def __init__(self, md, stash: HtmlStash) -> None:
        super().__init__(md)
        self.stash = stash

    def run(self, text: str) -> str:
        return self.stash.restore(text)


class StashExtension(Extension):
    """Markdown extension: the page's stashed HTML back in place of its tokens."""

    def __init__(self, stash: HtmlStash) -> None:
        super().__init__()
        self.stash = stash

    def extendMarkdown(self, md) -> None:
        # Last, after Markdown's own postprocessors: the fragments are final HTML.
        md.postprocessors.register(_Restore(md, self.stash), "portal_html_stash", 5)
