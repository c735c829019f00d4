"""Read and validate the YAML front matter of a Markdown page, with line numbers."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import yaml

from .errors import Problem, did_you_mean

_FRONT_MATTER = re.compile(r"\A-{3}[ \t]*\n(.*?\n)?(?:-{3}|\.{3})[ \t]*(?:\n|\Z)", re.DOTALL)

# Keys MkDocs, Material and mkdocs-macros read, accepted on any page.
THEME_KEYS = {"description", "hide", "icon", "render_macros", "search", "status", "template"}
PAGE_KEYS = {"title", "summary", "facile"} | THEME_KEYS  # facile: macros/easyread.py
INVESTIGATION_KEYS = PAGE_KEYS | {"date", "authors", "tags", "reply", "updates"}
REPLY_KEYS = {"date", "author", "text"}
UPDATE_KEYS = {"date", "text"}


# libyaml's loader where installed: 10x faster parsing.
class DateTolerantLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """Safe loader that keeps an impossible date (2026-02-30) as text, so that the
    schema check reports it with its line instead of YAML raising ValueError."""


def _timestamp_or_text(loader, node):
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


DateTolerantLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_or_text)


@dataclass
class FrontMatter:
    meta: dict = field(default_factory=dict)
    body: str = ""
    body_line: int = 1  # line of the file where the body starts
    key_lines: dict[str, int] = field(default_factory=dict)


def split_front_matter(text: str, path: str) -> tuple[FrontMatter, list[Problem]]:
    match = _FRONT_MATTER.match(text)
    if not match:
        return FrontMatter(body=text), []
    raw = match.group(1) or ""
    body_line = text.count("\n", 0, match.end()) + 1
    key_lines = {m.group(1): text.count("\n", 0, m.start()) + 2
                 for m in re.finditer(r"^([\w-]+)[ \t]*:", raw, re.MULTILINE)}
    front = FrontMatter(body=text[match.end():], body_line=body_line, key_lines=key_lines)
    try:
        meta = yaml.load(raw, Loader=DateTolerantLoader) if raw.strip() else {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 2 if mark else 1
        problem = getattr(error, "problem", None) or str(error)
        return front, [Problem(path, f"en-tête YAML illisible : {problem}", line,
                               "vérifiez l’indentation et mettez entre guillemets "
                               "les valeurs qui contiennent « : »")]
    if not isinstance(meta, dict):
        return front, [Problem(path, "l’en-tête YAML doit être une liste de champs `nom: valeur`",
                               1, "voir CONTRIBUTING.md pour un exemple d’en-tête")]
    front.meta = meta
    return front, []


def _is_text(value) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _check_date(value, where: str, path: str, line: int | None) -> list[Problem]:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return []
    return [Problem(path, f"`{where}` n’est pas une date : « {value} »", line,
                    "écrivez la date sous la forme AAAA-MM-JJ, sans guillemets, "
                    "par exemple 2024-07-12")]


# A new article may be built before its summary and tags are written (make new-article);
# `make check` (complete=True) still asks for them.
TO_FILL = {"summary", "tags"}


def validate(front: FrontMatter, path: str, investigation: bool,
             complete: bool = False) -> list[Problem]:
    """Problems of a page's front matter. Investigations need more fields."""
    meta, lines = front.meta, front.key_lines
    problems: list[Problem] = []
    allowed = INVESTIGATION_KEYS if investigation else PAGE_KEYS
    for key in meta:
        if key not in allowed:
            problems.append(Problem(path, f"champ d’en-tête inconnu `{key}`", lines.get(key),
                                    did_you_mean(str(key), allowed, "champs connus")))

    required = ["title", "date", "summary", "authors", "tags"] if investigation else ["title"]
    for key in required:
        if key not in meta:
            problems.append(Problem(path, f"champ d’en-tête obligatoire manquant : `{key}`", 1,
                                    f"ajoutez `{key}:` dans l’en-tête (entre les lignes ---)"))
        elif meta[key] in (None, "", []) and (complete or key not in TO_FILL):
            problems.append(Problem(path, f"champ d’en-tête vide : `{key}`", lines.get(key),
                                    f"remplissez `{key}` dans l’en-tête"))
    for key in ("title", "summary", "facile"):
        if meta.get(key) not in (None, "") and not _is_text(meta[key]):
            problems.append(Problem(path, f"`{key}` doit être un texte", lines.get(key),
                                    "mettez la valeur entre guillemets"))
    if meta.get("date") is not None:
        problems += _check_date(meta["date"], "date", path, lines.get("date"))
    for key in ("authors", "tags"):
        value = meta.get(key)
        if value not in (None, []) and not (isinstance(value, list)
                                            and all(_is_text(v) for v in value)):
            problems.append(Problem(path, f"`{key}` doit être une liste de textes", lines.get(key),
                                    f"écrivez une ligne `  - …` par valeur sous `{key}:`"))
    if "reply" in meta:
        problems += _validate_reply(meta["reply"], path, lines.get("reply"))
    if "updates" in meta:
        problems += _validate_updates(meta["updates"], path, lines.get("updates"))
    return problems


def _validate_updates(updates, path: str, line: int | None) -> list[Problem]:
    hint = "chaque mise à jour est un élément `- date: AAAA-MM-JJ` suivi de `text: …`"
    if not isinstance(updates, list):
        return [Problem(path, "`updates` doit être une liste de mises à jour datées", line, hint)]
    problems = []
    for number, update in enumerate(updates, start=1):
        where = f"updates[{number}]"
        if not isinstance(update, dict):
            problems.append(Problem(path, f"`{where}` doit contenir `date` et `text`", line, hint))
            continue
        problems += [Problem(path, f"champ inconnu `{where}.{k}`", line,
                             did_you_mean(str(k), UPDATE_KEYS, "champs connus"))
                     for k in update if k not in UPDATE_KEYS]
        for key in sorted(UPDATE_KEYS - set(update)):
            problems.append(Problem(path, f"`{where}.{key}` manquant", line, hint))
        if "date" in update:
            problems += _check_date(update["date"], f"{where}.date", path, line)
        if "text" in update and not _is_text(update["text"]):
            problems.append(Problem(path, f"`{where}.text` doit être un texte non vide", line,
                                    hint))
    return problems


def _validate_reply(reply, path: str, line: int | None) -> list[Problem]:
    hint = "le droit de réponse a besoin de `date`, `author` et `text` (voir CONTRIBUTING.md)"
    if not isinstance(reply, dict):
        return [Problem(path, "`reply` doit contenir `date`, `author` et `text`", line, hint)]
    problems = [Problem(path, f"champ inconnu `reply.{k}`", line,
                        did_you_mean(str(k), REPLY_KEYS, "champs connus"))
                for k in reply if k not in REPLY_KEYS]
    for key in sorted(REPLY_KEYS - set(reply)):
        problems.append(Problem(path, f"`reply.{key}` manquant", line, hint))
    if "date" in reply:
        problems += _check_date(reply["date"], "reply.date", path, line)
    for key in ("author", "text"):
        if key in reply and not _is_text(reply[key]):
            problems.append(Problem(path, f"`reply.{key}` doit être un texte non vide", line, hint))
    return problems
