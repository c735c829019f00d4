"""Lists of investigations generated from front matter (dossier pages)."""

from __future__ import annotations

import posixpath

from ..floor.french import format_day
from ..floor.markdown_text import inline
from .corpus import PageRecord


def relative_link(target: str, from_page: str) -> str:
    """Path of `target` (a .md under docs/) relative to the page `from_page`."""
    return posixpath.relpath(target, posixpath.dirname(from_page) or ".")


def teaser_list(pages: list[PageRecord], from_page: str, css_class: str) -> str:
    """A Markdown list: linked title, date (and last update) and summary of each page."""
    if not pages:
        return "*Aucune publication pour l’instant.*"
    items = []
    for page in pages:
        date = page.date
        updated = ""
        if page.updates:
            last = page.updates[0]["date"]
            updated = (f' · mis à jour le <time datetime="{last.isoformat()}">'
                       f"{format_day(last)}</time>")
        summary = f" — {inline(page.summary)}" if page.summary else ""
        items.append(
            f"- [{inline(page.title)}]({relative_link(page.path, from_page)})  \n"
            f'  <time datetime="{date.isoformat()}">{format_day(date)}</time>{updated}{summary}'
        )
    return f'<div class="{css_class}" markdown>\n\n' + "\n".join(items) + "\n\n</div>"
