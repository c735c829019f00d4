"""What a page shows around its text: dates, history link, updates, right of reply.

Updates and the reply are separate, dated blocks: the original text is never
edited to make room for them.
"""

from __future__ import annotations

import datetime as dt
import html

from ..floor.language import SOURCE, format_day, join_names
from ..floor.markdown_text import inline, markdown_block
from ..floor.stash import HtmlStash
from .corpus import PageRecord
from .easyread import render as render_easy_read
from .news import UPDATES_ANCHOR


def _time(date: dt.date, lang: str = SOURCE) -> str:
    return f'<time datetime="{date.isoformat()}">{format_day(date, lang)}</time>'


def _history(history_url: str | None, _=str) -> str:
    if not history_url:
        return ""
    return (f' · <a class="page-history" href="{html.escape(history_url)}" rel="noreferrer">'
            f"{_('historique des modifications')}</a>")


def byline(page: PageRecord, history_url: str | None, _=str, lang: str = SOURCE) -> str:
    """`Publié le … par … · Mis à jour le … · historique` at the top of an investigation."""
    parts = f"{_('Publié le')} {_time(page.date, lang)}"
    if page.authors:
        parts += f" {_('par')} " + inline(join_names(page.authors, lang))
    if page.updated:
        parts += f" · {_('Mis à jour le')} {_time(page.updated, lang)}"
    return HtmlStash.mark_block(f'<p class="byline">{parts}{_history(history_url, _)}</p>') \
        + "\n\n"


def page_dates(page: PageRecord, history_url: str | None, _=str, lang: str = SOURCE) -> str:
    """`Page mise à jour le … · historique` at the end of any other page."""
    if not page.changed and not history_url:
        return ""
    text = (f"{_('Page mise à jour le')} {_time(page.changed, lang)}" if page.changed
            else _("Page"))
    return f'\n\n<p class="page-dates">{text}{_history(history_url, _)}</p>\n'


def updates_block(page: PageRecord, _=str, lang: str = SOURCE) -> str:
    if not page.updates:
        return ""
    colon = ":" if lang == "en" else " :"
    items = "\n".join(f"- {_time(u['date'], lang)}{colon} "
                      f"{' '.join(markdown_block(u['text']).split())}"
                      for u in page.updates)
    return (f'<div class="page-updates" id="{UPDATES_ANCHOR}" markdown>\n\n'
            f'<p class="page-updates__title">{_("Mises à jour")}</p>\n\n{items}\n\n</div>\n\n')


def reply_block(page: PageRecord) -> str:
    reply = page.reply
    if not reply:
        return ""
    return (
        "\n\n## Droit de réponse { #droit-de-reponse }\n\n"
        '<div class="right-of-reply" markdown>\n\n'
        f'<p class="right-of-reply__meta">Réponse de {inline(reply["author"])}, datée du '
        f"{_time(reply['date'])}. "
        "Elle est présentée à part : le texte de l’enquête n’a pas été modifié pour y "
        "répondre.</p>\n\n"
        f"{markdown_block(reply['text']).strip()}\n\n</div>\n"
    )


def easy_read(page: PageRecord) -> str:
    """« L’essentiel, facile à lire », from the front matter's `facile:`, first on the page."""
    text = page.meta.get("facile")
    return HtmlStash.mark_block(render_easy_read(text)) if text else ""


def decorations(page: PageRecord, history_url: str | None, _=str,
                lang: str = SOURCE) -> tuple[str, str]:
    """What goes before and after the page's text: its easy-to-read block, dates, updates
    and reply. Built once per page, put around its text as often as needed. `_`: the
    words of the page's language `lang`."""
    if page.dossier:
        return easy_read(page) + byline(page, history_url, _, lang) + \
            updates_block(page, _, lang), reply_block(page)
    if lang != SOURCE and page.date:  # an edition's investigation (docs/en/<dossier>/…)
        return byline(page, history_url, _, lang) + updates_block(page, _, lang), ""
    # Any other page (home, dossier index…) shows its dated corrections after its text.
    return easy_read(page), ((f"\n\n{updates_block(page, _, lang)}" if page.updates else "")
                             + page_dates(page, history_url, _, lang))


def decorate(page: PageRecord, markdown: str, history_url: str | None) -> str:
    """The page's Markdown with its decorations around the original text."""
    before, after = decorations(page, history_url)
    return before + markdown + after
