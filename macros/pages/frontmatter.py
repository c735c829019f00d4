"""Read and validate the YAML front matter of a Markdown page, with line numbers."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from ..floor.errors import Problem, did_you_mean
from ..floor.yamldata import DATE_HINT, YamlDoc, is_day, parse_yaml

# The one pattern of a front matter, for every reader (the build, make check, the typography
# fixer, the preview): a byte order mark and `\r\n` line ends are allowed, whoever read the file.
FRONT_MATTER = re.compile(r"\A\ufeff?-{3}[ \t]*\r?\n(.*?\r?\n)?(?:-{3}|\.{3})[ \t]*(?:\r?\n|\Z)",
                          re.DOTALL)
_UNCLOSED = re.compile(r"\A\ufeff?-{3}[ \t]*\r?\n")


def front_matter_end(text: str) -> int:
    """Where the front matter of `text` ends (0: it has none)."""
    match = FRONT_MATTER.match(text)
    return match.end() if match else 0


def front_matter_text(text: str) -> str:
    """The front matter of `text`, its `---` lines included ("" when it has none)."""
    return text[:front_matter_end(text)]

# Keys MkDocs, Material and mkdocs-macros read, accepted on any page.
THEME_KEYS = {"description", "hide", "icon", "render_macros", "search", "status", "template"}
# facile: macros/pages/easyread.py; updates: any page corrects in the open (dated entries).
PAGE_KEYS = {"title", "summary", "facile", "updates"} | THEME_KEYS
INVESTIGATION_KEYS = PAGE_KEYS | {"date", "authors", "tags", "reply"}
REPLY_KEYS = {"date", "author", "text"}
UPDATE_KEYS = {"date", "text"}


@dataclass
class FrontMatter:
    meta: dict = field(default_factory=dict)
    body: str = ""
    body_line: int = 1  # line of the file where the body starts
    key_lines: dict[str, int] = field(default_factory=dict)
    doc: YamlDoc | None = None  # for the lines of nested fields (updates, reply)

    def line(self, *path) -> int | None:
        return self.doc.line(*path) if self.doc else None


def split_front_matter(text: str, path: str) -> tuple[FrontMatter, list[Problem]]:
    match = FRONT_MATTER.match(text)
    if not match:
        if _UNCLOSED.match(text):
            return FrontMatter(body=text), [Problem(
                path, "en-tête jamais refermé : la ligne `---` de fin manque", 1,
                "ajoutez une ligne `---` après le dernier champ de l’en-tête")]
        return FrontMatter(body=text), []
    raw = match.group(1) or ""
    body_line = text.count("\n", 0, match.end()) + 1
    front = FrontMatter(body=text[match.end():], body_line=body_line)
    doc, problems = parse_yaml(raw, path, first_line=2, what="en-tête YAML illisible")
    if problems:
        return front, problems
    meta = doc.data if doc.data is not None else {}
    if not isinstance(meta, dict):
        return front, [Problem(path, "l’en-tête YAML doit être une liste de champs `nom: valeur`",
                               2, "voir CONTRIBUTING.md pour un exemple d’en-tête")]
    front.meta, front.doc = meta, doc
    front.key_lines = {str(key): doc.line(key) for key in meta}
    return front, []


def _is_text(value) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _shown(value) -> str:
    """A value as the campaigner wrote it, for a message."""
    if isinstance(value, list):
        return "[" + ", ".join(_shown(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_shown(v)}" for k, v in value.items()) + "}"
    return "" if value is None else str(value)


def _check_date(value, where: str, path: str, line: int | None,
                today: dt.date | None) -> list[Problem]:
    if not is_day(value):
        return [Problem(path, f"`{where}` n’est pas une date : « {_shown(value)} »", line,
                        DATE_HINT)]
    if today is not None and value > today:
        return [Problem(path, f"`{where}` est dans le futur : « {value.isoformat()} »", line,
                        "datez ce qui est déjà publié ; pour une publication à venir, "
                        "attendez ce jour-là pour fusionner (la date affichée serait fausse)")]
    return []


def validate(front: FrontMatter, path: str, investigation: bool,
             today: dt.date | None = None) -> list[Problem]:
    """Problems of a page's front matter. Investigations need more fields.
    `today`: dates after it are refused (None: not checked)."""
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
        elif meta[key] in (None, "", []):
            problems.append(Problem(path, f"champ d’en-tête vide : `{key}`", lines.get(key),
                                    f"remplissez `{key}` dans l’en-tête"))
    for key in ("title", "summary", "facile"):
        if meta.get(key) not in (None, "") and not _is_text(meta[key]):
            problems.append(Problem(path, f"`{key}` doit être un texte : « {_shown(meta[key])} »",
                                    lines.get(key), "mettez la valeur entre guillemets"))
    if meta.get("date") is not None:
        problems += _check_date(meta["date"], "date", path, lines.get("date"), today)
    for key in ("authors", "tags"):
        value = meta.get(key)
        if value not in (None, []) and not (isinstance(value, list)
                                            and all(_is_text(v) for v in value)):
            problems.append(Problem(path, f"`{key}` doit être une liste de textes : "
                                          f"« {_shown(value)} »", lines.get(key),
                                    f"écrivez une ligne `  - …` par valeur sous `{key}:`"))
    if "reply" in meta:
        problems += _validate_reply(meta["reply"], path, front, today)
    if "updates" in meta:
        problems += _validate_updates(meta["updates"], path, front, today)
    return problems


def _validate_updates(updates, path: str, front: FrontMatter,
                      today: dt.date | None) -> list[Problem]:
    hint = "chaque mise à jour est un élément `- date: AAAA-MM-JJ` suivi de `text: …`"
    if not isinstance(updates, list):
        return [Problem(path, "`updates` doit être une liste de mises à jour datées : "
                              f"« {_shown(updates)} »", front.line("updates"), hint)]
    problems = []
    for number, update in enumerate(updates, start=1):
        where = f"updates[{number}]"
        line = front.line("updates", number - 1)
        if not isinstance(update, dict):
            problems.append(Problem(path, f"`{where}` doit contenir `date` et `text` : "
                                          f"« {_shown(update)} »", line, hint))
            continue
        problems += [Problem(path, f"champ inconnu `{where}.{k}`",
                             front.line("updates", number - 1, k),
                             did_you_mean(str(k), UPDATE_KEYS, "champs connus"))
                     for k in update if k not in UPDATE_KEYS]
        for key in sorted(UPDATE_KEYS - set(update)):
            problems.append(Problem(path, f"`{where}.{key}` manquant", line, hint))
        if "date" in update:
            problems += _check_date(update["date"], f"{where}.date", path,
                                    front.line("updates", number - 1, "date"), today)
        if "text" in update and not _is_text(update["text"]):
            problems.append(Problem(path, f"`{where}.text` doit être un texte non vide : "
                                          f"« {_shown(update['text'])} »",
                                    front.line("updates", number - 1, "text"), hint))
    return problems


def _validate_reply(reply, path: str, front: FrontMatter,
                    today: dt.date | None) -> list[Problem]:
    hint = "le droit de réponse a besoin de `date`, `author` et `text` (voir CONTRIBUTING.md)"
    line = front.line("reply")
    if not isinstance(reply, dict):
        return [Problem(path, "`reply` doit contenir `date`, `author` et `text` : "
                              f"« {_shown(reply)} »", line, hint)]
    problems = [Problem(path, f"champ inconnu `reply.{k}`", front.line("reply", k),
                        did_you_mean(str(k), REPLY_KEYS, "champs connus"))
                for k in reply if k not in REPLY_KEYS]
    for key in sorted(REPLY_KEYS - set(reply)):
        problems.append(Problem(path, f"`reply.{key}` manquant", line, hint))
    if "date" in reply:
        problems += _check_date(reply["date"], "reply.date", path, front.line("reply", "date"),
                                today)
    for key in ("author", "text"):
        if key in reply and not _is_text(reply[key]):
            problems.append(Problem(path, f"`reply.{key}` doit être un texte non vide : "
                                          f"« {_shown(reply[key])} »",
                                    front.line("reply", key), hint))
    return problems
