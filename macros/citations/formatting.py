"""Format one bibliography entry in French (or in an edition's language: English quotation
marks, dates and words, from the catalogue), as HTML and as plain text.

Pure functions over plain values (already decoded from LaTeX). Every value is
escaped here, URLs included: pybtex's own HTML backend does not escape `href`.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass

from ..floor.dates import PartialDate, parse_date
from ..floor.language import SOURCE, format_date, format_day, join_names
from .archives import ArchiveRecord, calendar_url
from .kept import KeptDocument

SENTENCE_END = (".", "?", "!", "…")


def end_sentence(text: str) -> str:
    """`text` with a final period, unless it already ends one ("s. d.", "etc.", "?")."""
    return text if text.endswith(SENTENCE_END) else text + "."


# Stands for the path from a page to the site's root in a link to the portal's own files (a
# kept document): `<` cannot come from a source, whose text is escaped.
SITE_ROOT = "<site-root/>"


@dataclass(frozen=True)
class Formatted:
    markup: str  # HTML, with SITE_ROOT where a link leads to a file of the site
    text: str

    def html_at(self, root: str) -> str:
        """The HTML on a page whose path to the site's root is `root` ("", "../"…)."""
        return self.markup.replace(SITE_ROOT, root)

    @property
    def html(self) -> str:
        """The HTML on a page at the site's root."""
        return self.html_at("")



@dataclass(frozen=True)
class Conventions:
    """How a language writes a reference: its words (`words`, the gettext of
    common/words.py), its quotation marks, its dates, and the space before « ; » and « : »."""

    lang: str = SOURCE
    words: Callable[[str], str] = str

    @property
    def quotes(self) -> tuple[str, str]:
        return ("«\u00a0", "\u00a0»") if self.lang == SOURCE else ("\u201c", "\u201d")

    @property
    def space(self) -> str:  # before ; and :
        return "\u00a0" if self.lang == SOURCE else ""

    def date(self, date: PartialDate) -> str:
        return format_date(date.year, date.month, date.day, self.lang)

    def day(self, day) -> str:
        return format_day(day, self.lang)


FRENCH = Conventions()


def formatted_in(source, conventions: Conventions) -> Formatted:
    """A source (macros/citations/sources.py: Source) formatted with a language's
    `conventions`: the build formats every source in French once; an edition's page asks
    for its own on the fly (a few sources a page)."""
    if conventions.lang == SOURCE:
        return source.formatted
    urldate = parse_date(source.fields.get("urldate", ""))
    return format_reference(source.entry_type, source.fields, list(source.authors),
                            source.date, urldate, source.archive, source.document, conventions)


class _Builder:
    """Collects pieces of a reference, each with an HTML and a text form."""

    def __init__(self, conventions: Conventions = FRENCH) -> None:
        self.pieces: list[tuple[str, str]] = []
        self.quotes = conventions.quotes

    def add(self, value: str | None, style: str = "plain") -> None:
        if not value:
            return
        escaped = html.escape(value, quote=False)
        if style == "italic":
            self.pieces.append((f"<i>{escaped}</i>", value))
        elif style == "quoted":
            start, end = self.quotes
            self.pieces.append((f"{start}{escaped}{end}", f"{start}{value}{end}"))
        else:
            self.pieces.append((escaped, value))

    def sentence(self) -> tuple[str, str]:
        """(html, text), each ending a sentence."""
        html_text = ", ".join(p[0] for p in self.pieces)
        plain = ", ".join(p[1] for p in self.pieces)
        if not plain.endswith(SENTENCE_END):
            html_text += "."
            plain += "."
        return html_text, plain


def _title_style(title: str, style: str) -> str:
    # A bracketed title is a description of an untitled item: no quotes, no italics.
    return "plain" if title.startswith("[") else style


def format_reference(
    entry_type: str,
    fields: dict[str, str],
    authors: list[str],
    date: PartialDate | None,
    urldate: PartialDate | None = None,
    record: ArchiveRecord | None = None,
    document: KeptDocument | None = None,
    conventions: Conventions = FRENCH,
) -> Formatted:
    """French reference: authors "Prénom Nom et Prénom Nom", « article », *livre*; in another
    language with its `conventions` (“article”, "1 July 2024", "accessed").

    `fields` holds decoded text; `url` must already be validated. `record`: what
    data/archives.yml holds for the url (its archived copy, the original's state);
    `document`: the campaign's own copy of the document, checked against its hash.
    """
    c, _ = conventions, conventions.words
    b = _Builder(c)
    who = join_names(authors, c.lang)
    title = fields.get("title", "")
    when = c.date(date) if date else _("s.\u00a0d.")
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
        b.add(_("n°\u00a0{number}").format(number=number) if number else None)
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
    first_html, first_text = b.sentence()
    html_parts.append(first_html)
    text_parts.append(first_text)

    note = fields.get("note")
    if note:
        html_parts.append(html.escape(end_sentence(note), quote=False))
        text_parts.append(end_sentence(note))

    url = fields.get("url")
    if url:
        web_html, web_text = _web_address(url, urldate, record, c)
        html_parts.append(web_html)
        text_parts.append(web_text)
    if document:
        kept, print_ = _("Copie conservée par le portail"), _("empreinte SHA-256")
        html_parts.append(
            f'<a class="source-document" href="{SITE_ROOT}{html.escape(document.path, quote=True)}"'
            f'>{kept}</a> ({html.escape(document.kind, quote=False)}, '
            f'{print_}{c.space}: <code class="source-hash">{document.sha256}</code>).')
        text_parts.append(f"{kept}{c.space}: {document.path} "
                          f"({document.kind}, {print_}{c.space}: {document.sha256}).")
    return Formatted(" ".join(html_parts), " ".join(text_parts))


def _iso(date: PartialDate) -> str:
    return "-".join([f"{date.year:04d}"] + [f"{p:02d}" for p in (date.month, date.day) if p])


def _robust(url: str, copy: str | None, when: str | None) -> str:
    """The Robust Links attributes of a cited link: the original, its copy, the copy's date
    (or, with no copy, the day the address was consulted)."""
    attributes = f' data-originalurl="{html.escape(url, quote=True)}"'
    if copy:
        attributes += f' data-versionurl="{html.escape(copy, quote=True)}"'
    if when:
        attributes += f' data-versiondate="{when}"'
    return attributes


def _web_address(url: str, urldate: PartialDate | None,
                 record: ArchiveRecord | None, c: Conventions = FRENCH) -> tuple[str, str]:
    """The address, with its recorded archived copy, or only a search for one; an original
    found gone leads with the copy and says so."""
    _, sp = c.words, c.space
    copy = record.copy if record and record.copy else None
    captured = record.captured if copy else None
    when = captured.isoformat() if captured else (_iso(urldate) if urldate else None)
    robust = _robust(url, copy, when)
    shown = html.escape(url, quote=False)
    consulted = _("consulté le {date}").format(date=c.date(urldate)) if urldate else ""
    state = record.state if record else None
    since = c.day(record.since) if record and record.since else ""
    seen = _("constaté le {date}").format(date=since)
    if copy:
        copy_label = _("copie archivée le {date}").format(date=c.day(captured))

        def archive_link(label: str) -> str:
            return (f'<a class="source-archive" href="{html.escape(copy, quote=True)}" '
                    f'rel="noreferrer"{robust}>{label}</a>')
    else:
        search = html.escape(calendar_url(url), quote=True)
        # A search, not evidence: the weekly external check leaves it alone (by its class,
        # linkcheck/pages.py).
        search_link = (f'<a class="source-archive-search" href="{search}" rel="noreferrer">'
                       f'{_("chercher une copie archivée")}</a>')
    if state == "gone":
        gone = f"{_('la page d’origine a disparu')} ({seen})"
        original = f'<span class="source-url source-gone">{shown}</span>'
        aside = f" ({consulted})" if consulted else ""
        of = _("de")
        if copy:
            label = copy_label[0].upper() + copy_label[1:]
            return (f"{archive_link(label)} {of} {original}{aside}{sp}; {gone}.",
                    f"{label}{sp}: {copy}, {of} {url}{aside}{sp}; {gone}.")
        return (f"{original}{aside}{sp}: {gone}{sp}; {search_link}.",
                f"{url}{aside}{sp}: {gone}.")
    link = f'<a class="source-url" href="{html.escape(url, quote=True)}" rel="noreferrer"{robust}>'
    if copy:
        inside_html = archive_link(copy_label)
        inside_text = f"{copy_label}{sp}: {copy}"
    else:
        inside_html, inside_text = search_link, ""
    joined_html = f"{sp}; ".join(p for p in (consulted, inside_html) if p)
    joined_text = f"{sp}; ".join(p for p in (consulted, inside_text) if p)
    out_html = f"{link}{shown}</a> ({joined_html})."
    out_text = f"{url} ({joined_text})." if joined_text else f"{url}."
    if state == "moved":
        if record.moved_to:
            target = html.escape(record.moved_to, quote=True)
            leads = _("L’adresse mène désormais à")
            out_html += (f' {leads} <a class="source-moved" href="{target}" '
                         f'rel="noreferrer">{html.escape(record.moved_to, quote=False)}</a> '
                         f"({seen}).")
            out_text += f" {leads} {record.moved_to} ({seen})."
        else:
            out_html += f" {_('L’adresse a changé')} ({seen})."
            out_text += f" {_('L’adresse a changé')} ({seen})."
    elif state == "changed":
        more = f"{sp}; {_('la copie archivée montre la version citée')}" if copy else ""
        out_html += f" {_('La page a changé depuis')} ({seen}){more}."
        out_text += f" {_('La page a changé depuis')} ({seen}){more}."
    return out_html, out_text
