"""The one reader of the portal's YAML: front matter, petition, mirrors, redirects, chart
metadata and the link checker's ignore list.

One parse gives the data and the node tree, so that every message names its line. An
impossible date (2026-11-31) stays text, for the schema to report with its line; a key
given twice is a mistake (YAML would silently keep the last one); syntax errors are told
in French, at the line where the mistake starts (an unclosed quote: the quote's line).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import yaml

from common.config import (  # YamlDoc: shared with mkdocs.yml
    InheritError,
    YamlDoc,
    label,
    read_mkdocs_yml,
)

from .errors import Problem

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: 10x faster


class Loader(_BaseLoader):
    """Safe loader that keeps an impossible date (2026-02-30) as text."""


def _timestamp_or_text(loader, node):
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_or_text)

DEFAULT_HINT = ("vérifiez l’indentation (des espaces, pas de tabulation) et mettez entre "
                "guillemets droits les valeurs qui contiennent « : » ou « # »")

# What libyaml and PyYAML say, in French. Matched on the start of `problem`.
_PROBLEMS = [
    ("found unexpected end of stream", "guillemet ouvert et jamais refermé",
     "refermez le guillemet (\" ou ') de cette ligne"),
    ("found unknown escape character", "caractère échappé inconnu entre guillemets doubles",
     "doublez la barre oblique inverse (\\\\), ou utilisez des guillemets simples"),
    ("mapping values are not allowed", "« : » inattendu dans une valeur",
     "mettez la valeur entre guillemets droits : `champ: \"texte : suite\"`"),
    ("found character '\\t'", "tabulation interdite", "indentez avec des espaces"),
    ("found character that cannot start any token", "caractère interdit en début de valeur",
     "mettez la valeur entre guillemets droits"),
    ("could not find expected ':'", "« : » manquant après le nom d’un champ",
     "écrivez `nom: valeur`, une ligne par champ"),
    ("did not find expected key", "indentation incohérente",
     "alignez les champs d’un même bloc sur la même colonne"),
    ("did not find expected '-' indicator", "indentation incohérente dans une liste",
     "alignez les « - » d’une même liste sur la même colonne"),
    ("expected <block end>", "indentation incohérente",
     "alignez les champs d’un même bloc sur la même colonne"),
    ("found undefined alias", "alias « * » inconnu",
     "mettez la valeur qui commence par « * » entre guillemets droits"),
    ("found unexpected ':'", "« : » inattendu", "mettez la valeur entre guillemets droits"),
    ("did not find expected node content", "valeur manquante ou mal placée",
     "vérifiez la ligne : `nom: valeur`, ou `- valeur` dans une liste"),
    ("expected ',' or ']'", "liste entre crochets jamais refermée",
     "refermez le crochet « ] », ou écrivez une ligne `- valeur` par élément"),
    ("expected ',' or '}'", "accolade jamais refermée",
     "refermez l’accolade « } », ou mettez la valeur entre guillemets droits"),
    ("expected the node content, but found '<stream end>'", "valeur jamais refermée",
     "refermez le crochet « ] » ou l’accolade « } » ouvert plus haut"),
    ("expected the node content", "valeur manquante ou mal placée",
     "vérifiez la ligne : `nom: valeur`, ou `- valeur` dans une liste"),
    ("did not find expected ',' or ']'", "liste entre crochets jamais refermée",
     "refermez le crochet « ] », ou écrivez une ligne `- valeur` par élément"),
    ("did not find expected ',' or '}'", "accolade jamais refermée",
     "refermez l’accolade « } », ou mettez la valeur entre guillemets droits"),
    ("found a tab character", "tabulation interdite", "indentez avec des espaces"),
]


def syntax_problem(error: yaml.YAMLError, label: str, first_line: int = 1,
                   what: str = "fichier YAML illisible", text: str = "") -> Problem:
    """A French message for a YAML syntax error; `first_line`: the file line of the text's
    first line (front matter starts on line 2)."""
    problem = str(getattr(error, "problem", "") or "")
    message, hint = "syntaxe YAML incorrecte", DEFAULT_HINT
    for start, french, french_hint in _PROBLEMS:
        if problem.startswith(start) or start in problem:
            message, hint = french, french_hint
            break
    mark = getattr(error, "problem_mark", None)
    context = getattr(error, "context_mark", None)
    if "jamais refermé" in message and context is not None:
        mark = context  # the mistake is where the quote opens, not at the end of the text
    if mark is not None and text[mark.index:mark.index + 1] == "\t":
        message, hint = "tabulation interdite", "indentez avec des espaces, jamais des tabulations"
    line = mark.line + first_line if mark else first_line
    column = mark.column + 1 if mark else None
    opened = _unclosed_quote(text, mark.line if mark else None)
    if opened is not None:  # where the quote opens, whatever YAML stumbled on later
        index, column, value = opened
        return Problem(label, f"{what} : guillemet ouvert et jamais refermé : « {value} »",
                       index + first_line, _PROBLEMS[0][2], column=column)
    return Problem(label, f"{what} : {message}", line, hint, column=column)


# A value that opens a quote: `key: "…`, `- '…`.
_QUOTED_VALUE = re.compile(r"""^(\s*(?:-\s+)?(?:[^\s#"'][^#"']*?:\s+)?)(["'])(.*)$""")


def _closes(quote: str, rest: str) -> bool:
    if quote == '"':
        return re.search(r'(?<!\\)"', rest) is not None
    return re.search(r"'(?!')", rest.replace("''", "")) is not None


def _unclosed_quote(text: str, upto: int | None) -> tuple[int, int, str] | None:
    """The first line, up to line index `upto`, whose value opens a quote it does not close
    there: (line index, column, the value as written)."""
    for index, line in enumerate(text.splitlines()):
        if upto is not None and index > upto:
            break
        match = _QUOTED_VALUE.match(line)
        if match and not _closes(match.group(2), match.group(3)):
            return index, len(match.group(1)) + 1, (match.group(2) + match.group(3)).strip()
    return None


def _duplicates(node: yaml.Node, label: str, first_line: int) -> list[Problem]:
    problems, stack = [], [node]
    while stack:
        current = stack.pop()
        if isinstance(current, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key, value in current.value:
                line = key.start_mark.line + first_line
                if isinstance(key, yaml.ScalarNode):
                    if key.value in seen:
                        problems.append(Problem(
                            label, f"champ `{key.value}` donné deux fois (lignes "
                                   f"{seen[key.value]} et {line})", line,
                            "gardez une seule ligne : la seconde effacerait la première"))
                    else:
                        seen[key.value] = line
                stack.append(value)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
    return sorted(problems, key=lambda p: p.line or 0)


def parse_yaml(text: str, label: str, first_line: int = 1, what: str = "fichier YAML illisible",
               ) -> tuple[YamlDoc | None, list[Problem]]:
    """The data and node tree of `text`, or None and the problems that prevent reading it."""
    loader = Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return YamlDoc(None, None, first_line), []
        problems = _duplicates(node, label, first_line)
        if problems:
            return None, problems
        data = loader.construct_document(node)
    except yaml.YAMLError as error:
        return None, [syntax_problem(error, label, first_line, what, text)]
    finally:
        loader.dispose()
    return YamlDoc(data, node, first_line), []


def is_day(value) -> bool:
    """A calendar date read from YAML (2024-07-12 without quotes), not a time."""
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)


DATE_HINT = ("écrivez une date qui existe, sous la forme AAAA-MM-JJ, sans guillemets, "
             "par exemple 2024-07-12")


def config_problem(config_file: Path) -> Problem | None:
    """Why mkdocs.yml (or a file it INHERITs) cannot be read, in French, as `make check` and
    `make build` both say it before anything else runs; None when it reads."""
    root = config_file.resolve().parent
    try:
        read_mkdocs_yml(config_file)
    except yaml.YAMLError as error:
        text = config_file.read_text(encoding="utf-8", errors="replace")
        return syntax_problem(error, label(config_file, root), text=text)
    except InheritError as error:
        return Problem(label(error.file, root), f"{error.reason} : « {error.inherit} »",
                       error.line, "corrigez le chemin écrit après `INHERIT:` (relatif au "
                       "dossier de ce fichier)")
    except OSError as error:
        return Problem(label(config_file, root), f"fichier illisible : {error.strerror}", None,
                       "lancez la commande depuis la racine du dépôt, où se trouve mkdocs.yml")
    return None
