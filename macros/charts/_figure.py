"""The HTML readers get for one chart: a <figure> with its caption, the SVG, a button for
the interactive version, the data table and the CSV link. Pure: text in, HTML out.

The figure's own words (captions, button, table summary, download link) come from the
catalogue in the page's language (`_`, its gettext; French as written); the chart's title,
description and column labels are the chart module's and its data's (CONTRIBUTING.en.md)."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from common.words import SOURCE_LANGUAGE

from ._dataset import Metadata, Table

Words = Callable[[str], str]

_SVG_OPEN = re.compile(r"<svg\b([^>]*)>")
_MARK_ACCESSIBILITY = re.compile(r'\s(?:role|aria-[\w-]+)="[^"]*"')


def _esc(text: str) -> str:
    return html.escape(str(text), quote=True)


def accessible_svg(svg: str, title_id: str, description_id: str) -> str:
    """The chart is one image for screen readers, named by the caption's title and
    described by its description (the marks' own English labels are not read)."""
    # Vega's roles and English labels on every mark: dropped, the chart is read as one image.
    svg = _MARK_ACCESSIBILITY.sub("", svg.strip())

    def opening(match: re.Match) -> str:
        attributes = re.sub(r'\sclass="[^"]*"', "", match.group(1))
        return (f'<svg{attributes} class="chart-svg" role="img" aria-labelledby="{title_id}" '
                f'aria-describedby="{description_id}">')
    return _SVG_OPEN.sub(opening, svg, count=1).replace("\n", " ")


def _cell(value: str, kind: str, lang: str = SOURCE_LANGUAGE) -> str:
    value = value.strip()
    if kind == "sources":
        # Pandoc citations: the page's notes engine numbers them with the other notes.
        return "[" + "; ".join(f"@{k.strip().lstrip('@')}" for k in value.split(";")) + "]"
    if kind == "nombre" and lang == SOURCE_LANGUAGE:  # the French decimal comma
        value = value.replace(".", ",")
    return html.escape(value, quote=False)


def data_table(table: Table, columns: dict[str, str], labels: dict[str, str],
               caption: str, lang: str = SOURCE_LANGUAGE) -> str:
    numeric = {"entier", "nombre"}
    head = "".join(f'<th scope="col">{_esc(labels.get(name, name))}</th>' for name in table.header)
    rows = []
    for cells in table.cells:
        row = []
        for name, value in zip(table.header, cells, strict=True):
            kind = columns.get(name, "texte")
            align = ' class="chart-number"' if kind in numeric else ""
            row.append(f"<td{align}>{_cell(value, kind, lang)}</td>")
        rows.append("<tr>" + "".join(row) + "</tr>")
    return (f'<table class="chart-table"><caption>{_esc(caption)}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>")


def row_source_keys(table: Table, columns: dict[str, str]) -> list[str]:
    """The keys of every row's `sources` cells, first seen first, each once."""
    keys: dict[str, None] = {}
    for cells in table.cells:
        for name, value in zip(table.header, cells, strict=True):
            if columns.get(name) == "sources":
                keys.update((k.strip().lstrip("@"), None) for k in value.split(";") if k.strip())
    return list(keys)


def source_caption(meta: Metadata, source_label: str, row_keys: list[str],
                   _: Words = str) -> str:
    """The caption's source line: the record's source, and, when the table gives each row
    its own, a note for each of them (the same notes as in the table)."""
    parts = []
    if meta.source:
        parts.append(_("Source\u00a0: {source}").format(source=_esc(source_label))
                     + f"[@{meta.source}]")
    if row_keys:
        cited = "[" + "; ".join(f"@{k}" for k in row_keys) + "]"
        parts.append((_("sources de chaque ligne\u00a0: indiquées ligne par ligne dans le "
                        "tableau des données") if meta.source else
                      _("Sources\u00a0: indiquées ligne par ligne dans le tableau des "
                        "données")) + cited)
    return " · ".join(parts)


def figure_html(chart_id: str, meta: Metadata, table: Table, columns: dict[str, str],
                labels: dict[str, str], svg: str, source_label: str, csv_url: str,
                csv_bytes: int, spec_url: str, script_url: str | None = None,
                _: Words = str, lang: str = SOURCE_LANGUAGE) -> str:
    """`script_url`: charts.js, given for the first chart of a page only, so that pages
    without a chart load no script of ours. `_`, `lang`: the page's words and language."""
    # One block of raw HTML (no blank line), so Markdown leaves it whole.
    base = f"graphique-{chart_id}"
    title_id, description_id = f"{base}-titre", f"{base}-description"
    unit = (" " + _("Unité\u00a0: {unit}.").format(unit=_esc(meta.unit))) if meta.unit else ""
    row_keys = row_source_keys(table, columns)
    kilobytes = max(1, round(csv_bytes / 1024))
    caption = (
        f'<figcaption><span class="chart-title" id="{title_id}">{_esc(meta.title)}</span> '
        f'<span class="chart-description" id="{description_id}">{_esc(meta.description)}'
        f"{unit}</span> "
        f'<span class="chart-source">{source_caption(meta, source_label, row_keys, _)}'
        " · " + _("données\u00a0: {date} · licence {licence}").format(
            date=_esc(meta.date), licence=_esc(meta.licence)) + "</span></figcaption>")
    parts = [
        f'<figure class="chart" id="{base}">',
        caption,
        f'<div class="chart-image">{accessible_svg(svg, title_id, description_id)}</div>',
        # Hidden until charts.js runs: without JavaScript there is nothing to offer.
        f'<div class="chart-interactive" data-chart-spec="{_esc(spec_url)}">'
        '<button type="button" class="md-button chart-interactive-button" hidden>'
        f"{_esc(_('Version interactive'))}</button>"
        '<p class="chart-interactive-status" role="status"></p>'
        '<div class="chart-interactive-view"></div></div>',
        '<details class="chart-data"><summary>'
        f"{_esc(_('Les données du graphique en tableau'))}</summary>"
        + data_table(table, columns, labels, meta.title, lang) + "</details>",
        f'<p class="chart-download"><a href="{_esc(csv_url)}" download="{_esc(chart_id)}.csv" '
        f'type="text/csv">'
        + _esc(_("Télécharger les données (CSV, {size}\u00a0Ko)").format(size=kilobytes))
        + "</a></p>",
        "</figure>",
    ]
    if script_url:
        parts.insert(-1, f'<script src="{_esc(script_url)}" defer></script>')
    return "\n".join(parts)
