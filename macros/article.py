"""What an investigation shows around its text: a byline, and a right of reply.

The reply is a separate, dated block after the article: the original text is
never edited to make room for it.
"""

from __future__ import annotations

from .corpus import PageRecord
from .french import format_day, join_names
from .markdown_text import inline, markdown_block


def byline(page: PageRecord) -> str:
    date = page.date
    parts = [f'Publié le <time datetime="{date.isoformat()}">{format_day(date)}</time>']
    if page.authors:
        parts.append("par " + inline(join_names(page.authors)))
    return '<p class="byline">' + " ".join(parts) + "</p>\n\n"


def reply_block(page: PageRecord) -> str:
    reply = page.reply
    if not reply:
        return ""
    date = reply["date"]
    return (
        "\n\n## Droit de réponse { #droit-de-reponse }\n\n"
        '<div class="right-of-reply" markdown>\n\n'
        f'<p class="right-of-reply__meta">Réponse de {inline(reply["author"])}, datée du '
        f'<time datetime="{date.isoformat()}">{format_day(date)}</time>. '
        "Elle est publiée telle quelle ; le texte de l’enquête n’a pas été modifié.</p>\n\n"
        f"{markdown_block(reply['text']).strip()}\n\n</div>\n"
    )
