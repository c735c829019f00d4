"""Load `bibliography/*.bib` once per build into validated, pre-formatted sources.

Parsing uses pybtex; validation reports every problem of every file at once,
each as `file:line: message — hint`; formatting happens here, once per entry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pybtex.errors
from pybtex.backends.plaintext import Backend as PlainTextBackend
from pybtex.database import BibliographyDataError, Entry, parse_string
from pybtex.database.input.bibtex import DuplicateField, UndefinedMacro
from pybtex.richtext import Text
from pybtex.scanner import PybtexError, PybtexSyntaxError

from ..floor.dates import PartialDate, parse_date
from ..floor.errors import Problem, did_you_mean, raise_if_any
from ..floor.textfile import decode as decode_text
from ..floor.urls import is_web_url
from .archives import ArchiveRecord
from .formatting import Formatted, format_reference
from .kept import KeptDocument

pybtex.errors.set_strict_mode(True)

# Groups of the bibliography page, in display order.
GROUPS = {
    "rapports": "Rapports officiels",
    "juridique": "Textes juridiques",
    "jurisprudence": "Décisions de justice",
    "livres": "Livres et recherche",
    "presse": "Presse et associations",
    "documents": "Documents obtenus",
}

# Entry type -> group. Types follow biblatex (and Zotero's Better BibTeX export).
TYPE_GROUPS = {
    "report": "rapports",
    "techreport": "rapports",
    "legislation": "juridique",
    "jurisdiction": "jurisprudence",
    "book": "livres",
    "incollection": "livres",
    "thesis": "livres",
    "article": "presse",
    "online": "presse",
    "unpublished": "documents",
}

# Fields read as written, never as LaTeX: addresses, a repository path and a hash.
RAW_FIELDS = ("url", "archive", "file", "sha256")

# Field names written by other tools, mapped to the ones we read.
ALIASES = {"journal": "journaltitle", "year": "date", "address": "location"}

# Required fields: a tuple means "one of these".
REQUIRED = {
    "report": ["title", ("author", "institution")],
    "legislation": ["title", "date"],
    "jurisdiction": ["title", "institution", "date"],
    "book": ["author", "title", "publisher", "date"],
    "incollection": ["author", "title", "booktitle", "date"],
    "thesis": ["author", "title", "institution", "date"],
    "article": ["title", "journaltitle"],
    "online": ["title", "author"],
    "unpublished": ["title", ("author", "institution")],
}
REQUIRED["techreport"] = REQUIRED["report"]

# Words of a note to oneself, which readers would see in the notes: "Titre exact non relevé".
_WORKING_NOTE = re.compile(r"\bnon relevée?s?\b|\bà (?:vérifier|compléter|confirmer|retrouver)\b"
                           r"|\b(?:TODO|FIXME|XXX)\b", re.IGNORECASE)
_ENTRY_HEAD = re.compile(r"^[ \t]*@(\w+)[ \t]*[{(][ \t]*([^,\s]+)[ \t]*,", re.MULTILINE)


@dataclass(frozen=True)
class Source:
    key: str
    entry_type: str
    group: str
    path: str
    line: int
    fields: dict[str, str]
    authors: tuple[str, ...]
    date: PartialDate | None
    formatted: Formatted
    # Joined after reading (macros/citations/preserved.py): data/archives.yml's record of the
    # url, and the campaign's own copy of the document.
    archive: ArchiveRecord | None = None
    document: KeptDocument | None = None

    @property
    def sort_key(self) -> tuple:
        date = self.date
        return (-(date.year if date else 0), -(date.month or 0) if date else 0,
                self.formatted.text.casefold())


# One backend for every field: `render_as("text")` looks the backend up through
# importlib.metadata on each call, which made loading 2,000 entries take a minute.
_PLAIN_TEXT = PlainTextBackend()


# A value with none of these is already plain text (LaTeX decoding is slow).
_LATEX_MARKUP = re.compile(r"[\\{}~%$`'\"\r\n-]|\s\s")


def decode(value: str) -> str:
    """LaTeX field value to plain text: braces, accents, `--`, `\\&`."""
    if not _LATEX_MARKUP.search(value):
        return value.strip()
    return Text.from_latex(value).render(_PLAIN_TEXT).strip()


def person_name(person) -> str:
    parts = (person.first_names + person.middle_names + person.prelast_names
             + person.last_names + person.lineage_names)
    return decode(" ".join(parts))


def _entry_lines(text: str) -> dict[str, list[int]]:
    lines: dict[str, list[int]] = {}
    line, position = 1, 0  # counted from the previous entry: counting from 0 is quadratic
    for match in _ENTRY_HEAD.finditer(text):
        line += text.count("\n", position, match.start())
        position = match.start()
        if match.group(1).lower() in ("comment", "string", "preamble"):
            continue
        lines.setdefault(match.group(2), []).append(line)
    return lines


def _check_entry(key: str, entry: Entry, path: str, line: int,
                 problems: list[Problem]) -> Source | None:
    entry_type = entry.type.lower()
    if entry_type not in TYPE_GROUPS:
        problems.append(Problem(
            path, f"type d’entrée `@{entry.type}` non pris en charge pour `{key}`", line,
            did_you_mean(entry_type, TYPE_GROUPS, "types connus") or
            "types possibles : " + ", ".join(f"@{t}" for t in TYPE_GROUPS)))
        return None

    fields: dict[str, str] = {}
    for name, raw in entry.fields.items():
        name = ALIASES.get(name.lower(), name.lower())
        fields[name] = raw.strip() if name in RAW_FIELDS else decode(raw)
    authors = tuple(person_name(p) for p in entry.persons.get("author", []))
    present = set(fields) | ({"author"} if authors else set())

    ok = True
    for required in REQUIRED[entry_type]:
        options = required if isinstance(required, tuple) else (required,)
        if not present.intersection(options):
            ok = False
            wanted = " ou ".join(f"`{o}`" for o in options)
            problems.append(Problem(
                path, f"l’entrée `{key}` (@{entry_type}) n’a pas de champ {wanted}", line,
                f"ajoutez {wanted} = {{…}}, ou choisissez un type d’entrée qui convient "
                "(laissez de côté un champ inconnu plutôt que de l’inventer)"))

    for name in ("title", "note", "type"):
        working = _WORKING_NOTE.search(fields.get(name, ""))
        if working:
            ok = False
            problems.append(Problem(
                path, f"note de travail dans `{name}` de `{key}` : « {working.group()} » "
                "(les lecteurs la verraient)", line,
                "complétez le renseignement manquant, ou dites-le simplement au lecteur "
                "(une entrée sans `date` s’affiche « s. d. ») ; une remarque pour l’équipe va "
                "dans une ligne de commentaire commençant par %"))

    dates = {}
    for name in ("date", "urldate"):
        if name in fields:
            dates[name] = parse_date(fields[name])
            if dates[name] is None:
                ok = False
                problems.append(Problem(
                    path, f"`{name}` invalide dans `{key}` : « {fields[name]} »", line,
                    "écrivez AAAA, AAAA-MM ou AAAA-MM-JJ, par exemple 2024-07-12"))
    for name in ("url", "archive"):
        if name in fields and not is_web_url(fields[name]):
            ok = False
            problems.append(Problem(
                path, f"`{name}` refusée dans `{key}` : « {fields[name]} »", line,
                "seules les adresses http:// ou https:// complètes sont acceptées"))
    if "url" in fields and "urldate" not in fields:
        ok = False
        problems.append(Problem(
            path, f"l’entrée `{key}` a une `url` sans `urldate`", line,
            "ajoutez urldate = {AAAA-MM-JJ}, la date à laquelle l’adresse a été consultée"))
    if not ok:
        return None

    formatted = format_reference(entry_type, fields, list(authors),
                                 dates.get("date"), dates.get("urldate"))
    return Source(key, entry_type, TYPE_GROUPS[entry_type], path, line, fields,
                  authors, dates.get("date"), formatted)


def load_sources(bib_dir: Path, root: Path) -> dict[str, Source]:
    """Parse and validate every `.bib` file of `bib_dir`; raise ContentError listing all problems.

    Paths in messages are relative to `root` (the project directory).
    """
    sources, problems = collect_sources(bib_dir, root)
    raise_if_any(problems)
    return sources


def collect_sources(bib_dir: Path, root: Path) -> tuple[dict[str, Source], list[Problem]]:
    """The valid sources, and the problems of the others."""
    bibliography = read_bibliography(bib_dir, root)
    return bibliography.sources, bibliography.problems


@dataclass
class Bibliography:
    sources: dict[str, Source]
    problems: list[Problem]
    # Keys of entries that could not be read or have a problem of their own: a citation of
    # one of them is a knock-on of that one problem, not another mistake.
    broken: set[str]


def _syntax_message(error: PybtexError) -> tuple[str, str]:
    """pybtex's English, in French: (message, hint)."""
    text = str(error.args[0]) if error.args else ""
    hint = "accolades, virgules et guillemets"
    if isinstance(error, UndefinedMacro):
        return (f"valeur sans accolades : `{text}`",
                "écrivez la valeur entre accolades, par exemple title = {Mon titre}")
    if text == "premature end of file":
        return "fin du fichier atteinte au milieu d’une entrée", \
            "une accolade ou un guillemet n’est jamais refermé : " + hint
    if text == "unbalanced braces":
        return "accolades déséquilibrées", "autant d’accolades fermantes qu’ouvrantes : " + hint
    expected = re.match(r"^'(.+)' expected$", text)
    if expected:
        return f"« {expected.group(1)} » attendu ici", \
            "une virgule après chaque champ, et l’entrée refermée par « } »"
    return "syntaxe BibTeX incorrecte", hint


def read_bibliography(bib_dir: Path, root: Path) -> Bibliography:
    problems: list[Problem] = []
    sources: dict[str, Source] = {}
    broken: set[str] = set()
    files = sorted(bib_dir.glob("*.bib"))
    if not files:
        problems.append(Problem(_rel(bib_dir, root), "aucun fichier .bib trouvé",
                                hint="ajoutez au moins un fichier bibliography/*.bib"))
    for file in files:
        path = _rel(file, root)
        raw = file.read_bytes()
        text, found = decode_text(raw, path)
        if text is None:
            problems += found
            broken.update(_entry_lines(raw.decode("utf-8", "replace")))
            continue
        lines = _entry_lines(text)
        duplicated = {k: v for k, v in lines.items() if len(v) > 1}
        for key, where in duplicated.items():
            problems.append(Problem(
                path, f"la clé `{key}` est définie plusieurs fois (lignes "
                + ", ".join(map(str, where)) + ")", where[1],
                "renommez l’une des entrées ou supprimez le doublon"))
        if duplicated:
            broken.update(lines)
            continue
        try:
            data = parse_string(text, "bibtex")
        except DuplicateField as error:
            broken.update(lines)
            match = re.match(r"entry with key (\S+) has a duplicate (\S+) field", str(error))
            key, name = match.groups() if match else ("?", "?")
            line = _duplicate_field_line(text, lines.get(key, [1])[0], name)
            problems.append(Problem(path, f"champ `{name}` donné deux fois dans l’entrée `{key}`",
                                    line, "gardez un seul champ : supprimez ou renommez l’autre"))
            continue
        except PybtexSyntaxError as error:
            broken.update(lines)
            # An unclosed brace is only noticed at the next entry: blame the one before.
            heads = sorted((line, key) for key, where in lines.items() for line in where)
            started = [h for h in heads if h[0] < error.lineno] or \
                [h for h in heads if h[0] == error.lineno]
            entry = "l’entrée `{1}` (ligne {0})".format(*max(started)) if started else \
                "l’entrée à cette ligne"
            message, hint = _syntax_message(error)
            problems.append(Problem(path, f"erreur de syntaxe BibTeX : {message}",
                                    error.lineno, f"vérifiez {entry} : {hint}"))
            continue
        except (BibliographyDataError, PybtexError) as error:
            broken.update(lines)
            message, hint = _syntax_message(error)
            problems.append(Problem(path, f"fichier BibTeX illisible : {message}",
                                    getattr(error, "lineno", None), f"vérifiez {hint}"))
            continue
        for key, entry in data.entries.items():
            line = lines.get(key, [None])[0]
            if key in sources:
                other = sources[key]
                problems.append(Problem(
                    path, f"la clé `{key}` est déjà définie dans {other.path}:{other.line}",
                    line, "chaque source n’a qu’une entrée : supprimez ou renommez le doublon"))
                continue
            source = _check_entry(key, entry, path, line, problems)
            if source:
                sources[key] = source
            else:
                broken.add(key)
    return Bibliography(sources, problems, broken - set(sources))


def _duplicate_field_line(text: str, entry_line: int, name: str) -> int:
    """The line of the second `name = ` after the entry's first line."""
    lines = text.splitlines()
    seen = 0
    for number in range(entry_line, len(lines) + 1):
        row = lines[number - 1]
        if number > entry_line and _ENTRY_HEAD.match(row):
            break
        seen += len(re.findall(rf"(?:^|[,{{\s]){re.escape(name)}\s*=", row, re.IGNORECASE))
        if seen >= 2:
            return number
    return entry_line


def _rel(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
