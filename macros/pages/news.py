"""The news stream: publications and dated updates of investigations, newest first."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..citations.syntax import find_citations
from ..floor.french import format_day
from ..floor.language import SOURCE, language_of
from ..floor.markdown_text import inline
from .corpus import Corpus, PageRecord
from .listings import relative_link

UPDATES_ANCHOR = "mises-a-jour"


@dataclass(frozen=True)
class NewsItem:
    date: dt.date
    kind: str  # "publication" or "update"
    page: PageRecord
    text: str  # plain text: the summary, or the update without its citations

    @property
    def anchor(self) -> str:
        return "" if self.kind == "publication" else f"#{UPDATES_ANCHOR}"

    @property
    def label(self) -> str:
        return "Publication" if self.kind == "publication" else "Mise à jour"


def without_citations(markdown: str) -> str:
    out, position = [], 0
    for group in find_citations(markdown):
        out.append(markdown[position:group.start].rstrip())
        position = group.end
    out.append(markdown[position:])
    return " ".join("".join(out).split())


def dated_items(pages) -> list[NewsItem]:
    """The publication and the updates of each page, newest first; on the same day an
    update comes before a publication, then by title."""
    items = []
    for page in pages:
        items.append(NewsItem(page.date, "publication", page, page.summary))
        items += [NewsItem(u["date"], "update", page, without_citations(u["text"]))
                  for u in page.updates]
    items.sort(key=lambda i: (i.kind != "update", i.page.title.casefold()))
    items.sort(key=lambda i: i.date, reverse=True)
    return items


def news_items(corpus: Corpus, dossier: str | None = None) -> list[NewsItem]:
    return dated_items(corpus.investigations(dossier))


def edition_news_items(corpus: Corpus, lang: str) -> list[NewsItem]:
    """An edition's news (macros/floor/language.py): its investigations, dated pages of its
    folder (docs/en/<dossier>/…), and their updates, newest first."""
    return dated_items(page for page in corpus.pages.values()
                       if lang != SOURCE and language_of(page.path) == lang and page.date)


def news_list(items: list[NewsItem], from_page: str) -> str:
    if not items:
        return "*Aucune publication pour l’instant.*"
    lines = [
        f'- <time datetime="{item.date.isoformat()}">{format_day(item.date)}</time> · '
        f"**{item.label}** : "
        f"[{inline(item.page.title)}]({relative_link(item.page.path, from_page)}{item.anchor})"
        f"  \n  {inline(item.text)}"
        for item in items
    ]
    return '<div class="latest" markdown>\n\n' + "\n".join(lines) + "\n\n</div>"
