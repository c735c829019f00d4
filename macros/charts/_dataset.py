"""Read a chart's table (`data/<id>.csv`) and its metadata record (`data/<id>.yml`).

Every cell is checked against the column types the chart module declares, and every
problem names its place: `data/<id>.csv:line:column`, `data/<id>.yml:line`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..floor.dates import parse_date
from ..floor.errors import Problem, did_you_mean, raise_if_any
from ..floor.textfile import read_text
from ..floor.yamldata import parse_yaml

# Column kinds a chart module may declare, with what a cell must look like.
KINDS = {
    "texte": "du texte",
    "entier": "un nombre entier, par exemple 2021",
    "nombre": "un nombre, par exemple 2 ou 2.5 (point décimal)",
    "sources": "des clés de sources séparées par « ; », par exemple lqdn_2021; dubois_2021",
}
_CSV_ERRORS = {
    "unexpected end of data": "guillemet ouvert et jamais refermé",
    "',' expected after '\"'": "texte collé après un guillemet fermant",
}
_INTEGER = re.compile(r"^-?\d+$")
_NUMBER = re.compile(r"^-?\d+(?:[.,]\d+)?$")

REQUIRED_FIELDS = ("title", "description", "source", "licence", "date")
OPTIONAL_FIELDS = ("unit",)


@dataclass(frozen=True)
class Table:
    """The CSV as read: header and raw cells (shown as is), and typed rows (for the chart)."""

    header: tuple[str, ...]
    cells: tuple[tuple[str, ...], ...]
    rows: tuple[dict, ...]


@dataclass(frozen=True)
class Metadata:
    title: str
    description: str
    source: str
    licence: str
    date: str
    unit: str = ""


def _convert(kind: str, value: str, sources: Mapping) -> tuple[object, str]:
    """The typed value, or None and the reason it is refused."""
    value = value.strip()
    if not value:
        return None, "cellule vide"
    if kind == "entier":
        return (int(value), "") if _INTEGER.match(value) else (None, "")
    if kind == "nombre":
        return (float(value.replace(",", ".")), "") if _NUMBER.match(value) else (None, "")
    if kind == "sources":
        keys = [k.strip().lstrip("@") for k in value.split(";")]
        unknown = [k for k in keys if k not in sources]
        if unknown:
            return None, f"source inconnue `{unknown[0]}`"
        return tuple(keys), ""
    return value, ""


def parse_table(text: str, label: str, columns: Mapping[str, str],
                sources: Mapping) -> Table:
    """The rows of a CSV text; raises ContentError listing every problem."""
    problems: list[Problem] = []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records, start = [], 1
    try:
        for record in reader:
            records.append((start, record))
            start = reader.line_num + 1
    except csv.Error as error:
        reason = _CSV_ERRORS.get(str(error), str(error))
        raise_if_any([Problem(label, f"CSV illisible : {reason}", start,
                              "vérifiez les guillemets : une cellule qui contient une virgule "
                              "s’écrit entre guillemets droits, \"comme, ceci\"")])
    records = [(line, record) for line, record in records if any(c.strip() for c in record)]
    if not records:
        raise_if_any([Problem(label, "fichier CSV vide", 1,
                              "la première ligne nomme les colonnes : " + ",".join(columns))])
    header = tuple(c.strip() for c in records[0][1])
    missing = [name for name in columns if name not in header]
    for name in missing:
        problems.append(Problem(label, f"colonne `{name}` manquante", 1,
                                did_you_mean(name, header) or
                                "colonnes attendues : " + ", ".join(columns)))
    raise_if_any(problems)

    cells, rows = [], []
    for line, record in records[1:]:
        if len(record) != len(header):
            problems.append(Problem(
                label, f"{len(record)} valeurs sur cette ligne, l’en-tête annonce "
                f"{len(header)} colonnes", line,
                "une cellule qui contient une virgule s’écrit entre guillemets droits"))
            continue
        row = {}
        for index, (name, value) in enumerate(zip(header, record, strict=True), start=1):
            kind = columns.get(name, "texte")
            typed, reason = _convert(kind, value, sources)
            if typed is None:
                hint = KINDS[kind]
                if reason.startswith("source inconnue"):
                    bad = reason.split("`")[1]
                    hint = did_you_mean(bad, sources, "clés connues") or \
                        "ajoutez l’entrée dans un fichier bibliography/*.bib"
                problems.append(Problem(
                    label, f"colonne `{name}` : « {value} » refusé"
                    + (f" ({reason})" if reason else f", {KINDS[kind].split(',')[0]} attendu"),
                    line, hint if reason.startswith("source") else f"écrivez {hint}",
                    column=index))
            row[name] = typed
        cells.append(tuple(record))
        rows.append(row)
    if not rows and not problems:
        problems.append(Problem(label, "aucune ligne de données", 2,
                                "ajoutez une ligne par valeur sous l’en-tête"))
    raise_if_any(problems)
    return Table(header, tuple(cells), tuple(rows))


def read_table(path: Path, label: str, columns: Mapping[str, str], sources: Mapping) -> Table:
    if not path.exists():
        raise_if_any([Problem(label, "fichier de données introuvable",
                              hint=f"créez-le (make new-chart ID={path.stem}) : "
                                   "une ligne d’en-tête, puis une ligne par valeur")])
    text, problems = read_text(path, label)
    raise_if_any(problems)
    return parse_table(text, label, columns, sources)


def has_row_sources(columns: Mapping[str, str]) -> bool:
    """Whether each row of the table names its own sources (a column of kind `sources`)."""
    return "sources" in columns.values()


def read_metadata(path: Path, label: str, sources: Mapping, row_sources: bool = False) -> Metadata:
    """The record beside the CSV: title, description, unit, source key, licence, date.
    `row_sources`: the table gives each row its sources, so `source` may be left out (the
    caption then sends readers to each row's source)."""
    if not path.exists():
        raise_if_any([Problem(label, "fiche de métadonnées introuvable",
                              hint="créez-la à côté du CSV avec les champs "
                                   + ", ".join(REQUIRED_FIELDS) + " (voir CONTRIBUTING.md)")])
    text, problems = read_text(path, label)
    raise_if_any(problems)
    doc, problems = parse_yaml(text, label)
    raise_if_any(problems)
    data = doc.data
    if not isinstance(data, dict):
        raise_if_any([Problem(label, "la fiche doit lister des champs `nom: valeur`", 1,
                              "champs attendus : " + ", ".join(REQUIRED_FIELDS))])
    lines = {key: doc.line(key) for key in data}
    known = REQUIRED_FIELDS + OPTIONAL_FIELDS
    for key in data:
        if key not in known:
            problems.append(Problem(label, f"champ inconnu `{key}`", lines.get(key),
                                    did_you_mean(str(key), known, "champs possibles")))
    for key in REQUIRED_FIELDS:
        if key == "source" and row_sources and "source" not in data:
            continue
        value = data.get(key)
        if isinstance(value, dt.date):
            data[key] = value = value.isoformat()
        if not isinstance(value, str | int) or not str(value).strip():
            what = "pas de source" if key == "source" else f"champ `{key}` manquant ou vide"
            hint = ("indiquez la clé BibTeX d’où viennent les chiffres, par exemple "
                    "`source: insee_focus_2022`" if key == "source" else
                    f"ajoutez `{key}: …`")
            problems.append(Problem(label, what, lines.get(key, 1), hint))
    date = str(data.get("date") or "").strip()
    if date and parse_date(date) is None:
        problems.append(Problem(label, f"`date` invalide : « {date} »", lines.get("date"),
                                "écrivez AAAA, AAAA-MM ou AAAA-MM-JJ, par exemple 2022-05"))
    source = str(data.get("source") or "").strip().lstrip("@")
    if source and source not in sources:
        problems.append(Problem(label, f"source inconnue `{source}`", lines.get("source"),
                                did_you_mean(source, sources, "clés connues") or
                                "ajoutez l’entrée dans un fichier bibliography/*.bib"))
    raise_if_any(problems)
    return Metadata(title=str(data["title"]).strip(), description=str(data["description"]).strip(),
                    source=source, licence=str(data["licence"]).strip(),
                    date=parse_date(date).french(), unit=str(data.get("unit") or "").strip())
