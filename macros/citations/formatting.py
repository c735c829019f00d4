"""Format one bibliography entry in French, as HTML and as plain text.

Pure functions over plain values (already decoded from LaTeX). Every value is
escaped here, URLs included: pybtex's own HTML backend does not escape `href`.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from ..floor.french import format_date, join_names

SENTENCE_END = (".", "?", "!", "…")


def end_sentence(text: str) -> str:
    """`text` with a final period, unless it already ends one ("s. d.", "etc.", "?")."""
    return text if text.endswith(SENTENCE_END) else text + "."


@dataclass(frozen=True)
class PartialDate:
    year: int
    month: int | None = None
    day: int | None = None

    def french(self) -> str:
        return format_date(self.year, self.month, self.day)

    def compact(self) -> str:
        """`20240712`, as the Wayback Machine wants it (missing parts as 01)."""
        return f"{self.year:04d}{self.month or 1:02d}{self.day or 1:02d}"


@dataclass(frozen=True)
class Formatted:
    html: str
    text: str
    short: str  # the reference alone, without final period, note or link: for tooltips

    def tooltip(self, locator: str | None = None) -> str:
        return end_sentence(f"{self.short}, {locator}" if locator else self.short)



class _Builder:
    """Collects pieces of a reference, each with an HTML and a text form."""

    def __init__(self) -> None:
        self.pieces: list[tuple[str, str]] = []

    def add(self, value: str | None, style: str = "plain") -> None:
        if not value:
            return
        escaped = html.escape(value, quote=False)
        if style == "italic":
            self.pieces.append((f"<i>{escaped}</i>", value))
        elif style == "quoted":
            self.pieces.append((f"«\u00a0{escaped}\u00a0»", f"«\u00a0{value}\u00a0»"))
        else:
            self.pieces.append((escaped, value))

    def sentence(self) -> tuple[str, str, str]:
        """(html, text, short): `short` is the text without its final period."""
        html_text = ", ".join(p[0] for p in self.pieces)
        plain = short = ", ".join(p[1] for p in self.pieces)
        if not plain.endswith(SENTENCE_END):
            html_text += "."
            plain += "."
        return html_text, plain, short


def _title_style(title: str, style: str) -> str:
    # A bracketed title is a description of an untitled item: no quotes, no italics.
    return "plain" if title.startswith("[") else style


def format_reference(
    entry_type: str,
    fields: dict[str, str],
    authors: list[str],
    date: PartialDate | None,
    urldate: PartialDate | None = None,
) -> Formatted:
    """French reference: authors "Prénom Nom et Prénom Nom", « article », *livre*.

    `fields` holds decoded text; `url` and `archive` must already be validated.
    """
    b = _Builder()
    who = join_names(authors)
    title = fields.get("title", "")
    when = date.french() if date else "s.\u00a0d."
    number = fields.get("number")

    if entry_type in ("article", "online"):
        b.add(who)
        b.add(title, _title_style(title, "quoted"))
        b.add(fields.get("journaltitle"), "italic")
        b.add(fields.get("type"))
        b.add(when)
    elif entry_type == "book":
        b.add(who)
        b.add(title, _title_style(title, "italic"))
        b.add(fields.get("location"))
        b.add(fields.get("publisher"))
        b.add(when)
    elif entry_type == "report":
        b.add(who)
        b.add(title, _title_style(title, "italic"))
        b.add(fields.get("type"))
        if fields.get("institution") != who:
            b.add(fields.get("institution"))
        b.add(f"n°\u00a0{number}" if number else None)
        b.add(when)
    elif entry_type == "legislation":
        b.add(title)
        b.add(fields.get("journaltitle"), "italic")
    elif entry_type == "jurisdiction":
        b.add(fields.get("institution"))
        b.add(when)
        b.add(title, _title_style(title, "italic"))
        b.add(number)
    else:  # unpublished
        b.add(who or fields.get("institution"))
        b.add(title, _title_style(title, "italic"))
        b.add(fields.get("type"))
        b.add(when)

    html_parts, text_parts = [], []
    first_html, first_text, short = b.sentence()
    html_parts.append(first_html)
    text_parts.append(first_text)

    note = fields.get("note")
    if note:
        ending = "" if note.endswith(SENTENCE_END) else "."
        html_parts.append(html.escape(note, quote=False) + ending)
        text_parts.append(note + ending)

    url = fields.get("url")
    if url:
        consulted = f" (consulté le {urldate.french()})" if urldate else ""
        html_parts.append(
            f'<a class="source-url" href="{html.escape(url, quote=True)}" rel="noreferrer">'
            f"{html.escape(url, quote=False)}</a>{consulted}."
        )
        text_parts.append(f"{url}{consulted}.")
    archive = archive_url(fields, urldate)
    if archive:
        html_parts.append(
            f'<a class="source-archive" href="{html.escape(archive, quote=True)}" '
            f'rel="noreferrer">Copie archivée</a>.'
        )
    return Formatted(" ".join(html_parts), " ".join(text_parts), short)


def archive_url(fields: dict[str, str], urldate: PartialDate | None) -> str | None:
    """The entry's `archive` field, or the Wayback Machine copy nearest to `urldate`."""
    if fields.get("archive"):
        return fields["archive"]
    if fields.get("url") and urldate:
        return f"https://web.archive.org/web/{urldate.compact()}/{fields['url']}"
    return None
