"""The catalogue of words from the sources: `make words` and what `make check` says is missing.

`make words` extracts every translatable string of the code and the templates (the places
are listed in babel.cfg: `_()`, `gettext()`, `ngettext()`, `pgettext()`, `N_()` in Python,
`{% trans %}` and `_()` in Jinja) with Babel's extractors, then brings each language's
catalogue (`locales/<lang>/LC_MESSAGES/portal.po`) up to date: translations kept, new strings
added with an empty translation, a string whose French changed a little kept as `fuzzy` (to
check), strings no longer used kept at the end as obsolete (`#~`). French is the source and
needs no catalogue (common/words.py).

`missing(root)` is what a translator still has to do, as problems naming the catalogue, the
French string, where the code uses it and the fix; `make check` prints them and
tests/test_words.py fails on them.
"""

from __future__ import annotations

import argparse
import ast
import io
import string
import sys
import tokenize
from dataclasses import dataclass
from pathlib import Path

import yaml
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po

from common.config import MkDocsLoader, load_doc
from common.words import DOMAIN, LANGUAGES, SOURCE_LANGUAGE, catalogue_path
from macros.floor.errors import Problem

ROOT = Path(__file__).resolve().parents[1]
MAPPING_FILE = "babel.cfg"
COMMENT_TAGS = ("TRANSLATORS:",)  # `# TRANSLATORS: …` above a string reaches the catalogue
# The language as an adjective, in the French of the messages (« traduction anglaise »).
LANGUAGE_ADJECTIVES = {"en": "anglaise"}
# Header lines left out of the written catalogue: dates and placeholders change at every
# run and would make every merge conflict.
UNSTABLE_HEADERS = ("POT-Creation-Date", "PO-Revision-Date", "Last-Translator",
                    "Language-Team", "Report-Msgid-Bugs-To")
SHOWN = 70  # characters of a French string quoted in a message


@dataclass(frozen=True)
class Update:
    """What `make words` changed in one catalogue."""
    path: str
    new: int
    fuzzy: int
    obsolete: int
    retired: tuple[str, ...] = ()  # the strings this run found no longer used


# -- extractors named in babel.cfg ----------------------------------------------------------

def extract_python_calls(fileobj, keywords, comment_tags, options):
    """Babel extractor for Python read from its syntax tree: every call of a keyword
    (`_`, `gettext`, `ngettext`, `pgettext`, `N_`…, plain or as a method, `words.gettext`)
    with string arguments, including calls inside f-strings, which Babel's own extractor
    does not see on Python 3.11 (`f"{_('Publié le')} {day}"`). A `# TRANSLATORS:` comment
    on the lines just above a call goes to the catalogue with it."""
    source = fileobj.read().decode(options.get("encoding", "utf-8"))
    comments = _comments(source, comment_tags)
    calls = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else (
            func.attr if isinstance(func, ast.Attribute) else None)
        if name not in keywords:
            continue
        args = tuple(arg.value if isinstance(arg, ast.Constant) and isinstance(arg.value, str)
                     else None for arg in node.args)
        if not args or all(arg is None for arg in args):
            continue  # a variable: the string is marked where it is written (N_)
        calls.append((node.lineno, node.col_offset, name, args if len(args) > 1 else args[0]))
    for lineno, _col, name, messages in sorted(calls, key=lambda call: call[:2]):
        yield lineno, name, messages, _comments_above(comments, lineno)


def _comments(source: str, tags) -> dict[int, str]:
    """Line -> text of each `# TAG …` comment of the file."""
    found = {}
    lines = iter(source.splitlines(keepends=True))
    try:
        for token in tokenize.generate_tokens(lambda: next(lines, "")):
            if token.type == tokenize.COMMENT:
                text = token.string.lstrip("#").strip()
                if any(text.startswith(tag) for tag in tags):
                    found[token.start[0]] = text
    except (tokenize.TokenError, SyntaxError):
        pass
    return found


def _comments_above(comments: dict[int, str], lineno: int) -> list[str]:
    above, line = [], lineno - 1
    while line in comments:
        above.insert(0, comments[line])
        line -= 1
    return above


def extract_config_values(fileobj, keywords, comment_tags, options):
    """Babel extractor for the texts of mkdocs.yml that the templates translate
    (`gettext(config.site_name)`): the values at the dotted `keys` babel.cfg gives, a list
    on the way meaning each of its items (`theme.palette.toggle.name`)."""
    doc = load_doc(fileobj.read().decode("utf-8"), MkDocsLoader, environ={})
    for key in options.get("keys", "").split():
        for node in _nodes(doc.node, key.split(".")):
            if isinstance(node, yaml.ScalarNode) and node.value.strip():
                yield node.start_mark.line + 1, "gettext", node.value, []


def _nodes(node, path: list[str]):
    if node is None:
        return
    if isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _nodes(item, path)
        return
    if not path:
        yield node
        return
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == path[0]:
                yield from _nodes(value, path[1:])


def label(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def extract(root: Path) -> Catalog:
    """Every translatable string of the sources babel.cfg names, with where it is used
    (none for a project without babel.cfg: a site with nothing to translate)."""
    template = Catalog(domain=DOMAIN, locale=SOURCE_LANGUAGE, fuzzy=False)
    if not (root / MAPPING_FILE).is_file():
        return template
    with (root / MAPPING_FILE).open(encoding="utf-8") as mapping:
        method_map, options_map = parse_mapping_cfg(mapping, MAPPING_FILE)
    tops = {pattern.split("/", 1)[0] for pattern, _method in method_map}

    def wanted(dirpath: str) -> bool:  # walk only the folders babel.cfg names
        relative = Path(dirpath).resolve().relative_to(root.resolve()).parts
        return not relative or (relative[0] in tops and not any(
            part.startswith((".", "_")) and part != "__init__.py" for part in relative))

    for filename, lineno, message, comments, context in extract_from_dir(
            root, method_map, options_map, comment_tags=COMMENT_TAGS,
            strip_comment_tags=True, directory_filter=wanted):
        template.add(message, None, [(Path(filename).as_posix(), lineno)],
                     auto_comments=comments, context=context)
    return template


def _read(path: Path, lang: str) -> Catalog:
    with path.open("rb") as po:
        return read_po(po, locale=lang, domain=DOMAIN)


def _write(path: Path, catalog: Catalog) -> None:
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=96, sort_by_file=True, include_lineno=False)
    lines = [line for line in buffer.getvalue().decode("utf-8").splitlines(keepends=True)
             if not line.startswith(tuple(f'"{name}:' for name in UNSTABLE_HEADERS))]
    lines = [f'"Project-Id-Version: {DOMAIN}\\n"\n' if line.startswith('"Project-Id-Version:')
             else line for line in lines]
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".po.tmp")
    temporary.write_text("".join(lines).lstrip("\n"), encoding="utf-8")
    temporary.replace(path)


def update(root: Path) -> list[Update]:
    """Each language's catalogue brought up to date with the sources (see the module)."""
    template = extract(root)
    done = []
    for lang in LANGUAGES:
        if lang == SOURCE_LANGUAGE:
            continue
        path = catalogue_path(root, lang)
        catalog = _read(path, lang) if path.is_file() else Catalog(
            locale=lang, domain=DOMAIN, project="portal", fuzzy=False)
        before = {message.id for message in catalog if message.id}
        was_obsolete = set(catalog.obsolete)
        catalog.update(template, update_creation_date=False)
        _write(path, catalog)
        written = _read(path, lang)
        done.append(Update(
            label(root, path),
            new=sum(1 for m in written if m.id and m.id not in before),
            fuzzy=sum(1 for m in written if m.id and m.fuzzy),
            obsolete=len(written.obsolete),
            retired=tuple(_forms(key)[0] for key in written.obsolete
                          if key not in was_obsolete)))
    return done


def _shown(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SHOWN else text[:SHOWN - 1].rstrip() + "…"


def _used(message: Message) -> str:
    places = [f"{path}:{line}" for path, line in message.locations]
    more = len(places) - 2
    return ", ".join(places[:2]) + (f" (et {more} autre{'s' if more > 1 else ''})"
                                    if more > 0 else "")


def _forms(value) -> tuple[str, ...]:
    return tuple(value) if isinstance(value, (list, tuple)) else (value or "",)


def _placeholders(text: str) -> set[str]:
    try:
        return {name for _literal, name, _spec, _conv in string.Formatter().parse(text)
                if name is not None}
    except ValueError:  # an unpaired brace: reported as a mismatch below
        return {"{"}


def missing(root: Path) -> list[Problem]:
    """What each catalogue lacks for the strings the code uses: absent, untranslated, to
    check (fuzzy), or translated without the `{placeholders}` the French has."""
    template = extract(root)
    if not len(template):
        return []
    problems = []
    for lang in LANGUAGES:
        if lang == SOURCE_LANGUAGE:
            continue
        path = catalogue_path(root, lang)
        where = label(root, path)
        catalog = _read(path, lang) if path.is_file() else None
        adjective = LANGUAGE_ADJECTIVES.get(lang, f"« {lang} »")
        for source in template:
            if not source.id:
                continue
            french = _shown(_forms(source.id)[0])
            used = _used(source)
            entry = catalog.get(source.id, source.context) if catalog else None
            if entry is None:
                problems.append(Problem(
                    where, f"pas de traduction {adjective} pour « {french} », utilisée dans "
                    f"{used}", hint=f"lancez `make words` (il l’ajoute au catalogue), puis "
                    f"écrivez la traduction sur la ligne msgstr qui suit ce msgid dans {where}"))
            elif not all(_forms(entry.string)) or len(_forms(entry.string)) < len(
                    _forms(source.id)):
                problems.append(Problem(
                    where, f"pas de traduction {adjective} pour « {french} », utilisée dans "
                    f"{used}", line=entry.lineno, hint="écrivez la traduction entre les "
                    "guillemets de la ligne msgstr qui suit ce msgid"))
            elif entry.fuzzy:
                problems.append(Problem(
                    where, f"traduction {adjective} à revoir pour « {french} », utilisée dans "
                    f"{used} : le français a changé depuis qu’elle a été écrite (#, fuzzy)",
                    line=entry.lineno, hint="vérifiez la traduction, puis retirez la ligne "
                    "`#, fuzzy` au-dessus du msgid"))
            else:
                wanted = set().union(*(_placeholders(text) for text in _forms(source.id)))
                for text in _forms(entry.string):
                    found = _placeholders(text)
                    if found != wanted:
                        names = ", ".join(f"{{{name}}}" for name in sorted(wanted)) or "aucun"
                        problems.append(Problem(
                            where, f"la traduction {adjective} de « {french} » n’a pas les "
                            f"mêmes repères entre accolades que le français (utilisée dans "
                            f"{used})", line=entry.lineno,
                            hint=f"gardez exactement ceux du français : {names}"))
                        break
    return sorted(problems, key=lambda problem: (problem.path, problem.line or 0))


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count > 1 else ''}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--root", type=Path, default=ROOT)
    args = parser.parse_args()
    root = args.root.resolve()
    if not (root / MAPPING_FILE).is_file():
        print(f"{MAPPING_FILE} manquant dans {root} : ce fichier dit où sont les chaînes à "
              "traduire ; recopiez celui du portail.", file=sys.stderr)
        return 2
    for done in update(root):
        print(f"{done.path} : {_plural(done.new, 'chaîne')} nouvelle{'s' if done.new > 1 else ''}"
              f", {_plural(done.fuzzy, 'traduction')} à revoir (fuzzy), "
              f"{_plural(done.obsolete, 'chaîne')} qui ne sert plus (#~)")
        for text in done.retired:
            print(f"  ne sert plus (gardée à la fin, #~) : « {_shown(text)} » — si le code "
                  "l’utilise encore, marquez-la dans le code : _(\"…\") ou N_(\"…\")")
    problems = missing(root)
    for problem in problems:
        print(problem)
    if problems:
        print(f"\n{_plural(len(problems), 'chaîne')} à traduire ou à revoir : écrivez-les "
              "dans le catalogue, puis relancez `make check`.", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

