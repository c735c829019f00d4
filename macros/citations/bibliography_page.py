"""The bibliography page: every cited source, grouped by kind, with the pages citing it."""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from typing import Protocol

from .notes import note_id
from .sources import GROUPS, Source


class CitingPage(Protocol):
    """What the bibliography needs of a page that cites a source (pages own the full record)."""

    path: str
    title: str


def uncited(sources: Mapping[str, Source], cited_in: Mapping[str, list]) -> list[Source]:
    return sorted((s for k, s in sources.items() if k not in cited_in),
                  key=lambda s: (s.path, s.line))


def render_bibliography(sources: Mapping[str, Source],
                        cited_in: Mapping[str, list[CitingPage]],
                        url_for: Callable[[str], str], root: str = "") -> str:
    """Markdown headings and HTML lists; `url_for(path)` gives a page's URL from this page,
    `root` the path from this page to the site's root (a kept document's link)."""
    out = []
    for group, label in GROUPS.items():
        members = sorted((s for k, s in sources.items() if s.group == group and k in cited_in),
                         key=lambda s: s.sort_key)
        if not members:
            continue
        out.append(f"## {label} {{ #{group} }}\n")
        items = []
        for source in members:
            links = ", ".join(
                f'<a href="{html.escape(url_for(page.path))}#{html.escape(note_id(source.key))}">'
                f"{html.escape(page.title, quote=False)}</a>"
                for page in cited_in[source.key])
            items.append(
                f'<li id="source-{html.escape(source.key)}">{source.formatted.html_at(root)}'
                f'<br><span class="cited-in">Cité dans : {links}</span></li>')
        out.append('<ul class="bibliography">\n' + "\n".join(items) + "\n</ul>\n")
    return "\n".join(out)
