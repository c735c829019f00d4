"""The letters checked before the build, as `make check` and the build both do: every field
a page names is in data/lettres.yml, every recipient in data/destinataires.yml, and every
field and recipient of the campaign is used by some letter (a leftover of another campaign,
an old label or address, is said, and refused by a publishing build:
macros/assembly/rules.py).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping

from ..floor.errors import Problem, did_you_mean

_CALL = re.compile(r"""\{\{[^}]*?\b(letter_field|letter_form|letter_recipient|"""
                   r"""letter_actions|recipient_sources)\(([^)]*)\)""")
_STRING = re.compile(r"""["']([^"']*)["']""")


def letter_calls(text: str) -> list[tuple[str, str, int]]:
    """Each (macro, key, line) of the letter macros `text` calls: the field of
    `letter_field`, the recipient of the others (`letter_actions`' second argument)."""
    found = []
    for call in _CALL.finditer(text):
        macro, strings = call.group(1), _STRING.findall(call.group(2))
        keys = strings[1:2] if macro == "letter_actions" else [""] if macro == "letter_form" \
            else strings
        line = text.count("\n", 0, call.start()) + 1
        found += [(macro, key, line) for key in keys]
    return found


def _or(suggestion: str, fix: str) -> str:
    return f"{suggestion} ; sinon, {fix}" if suggestion else fix


def unknown_field_hint(key: str, fields: Collection[str], letters_data: str) -> str:
    return _or(did_you_mean(key, fields, "champs connus"), f"ajoutez-le dans {letters_data}")


def unknown_recipient_hint(key: str, recipients: Collection[str], recipients_data: str) -> str:
    return _or(did_you_mean(key, recipients, "destinataires connus"),
               f"ajoutez-le dans {recipients_data}, ou retirez la lettre")


def missing_form(letters_data: str, page: str, line: int | None) -> Problem:
    """A page has letters to fill in, and the campaign no form for them."""
    where = f"{page}:{line}" if line else page
    return Problem(letters_data, f"fichier introuvable, alors que {where} a des lettres à "
                   "remplir", None, "créez ce fichier avec les champs des lettres (voir "
                   "l’en-tête de macros/action/letter_fields.py), ou retirez les lettres")


def letter_problems(texts: Mapping[str, str], docs_label: str,
                    fields: Mapping[str, int | None] | None,
                    recipients: Mapping[str, int | None] | None, letters_data: str,
                    recipients_data: str) -> list[Problem]:
    """Unknown fields and recipients named by pages, with their line; recipients nobody
    writes to, fields no letter uses. `fields`: each known name and its line in
    `letters_data` (empty: no such file); `recipients`: each key and its line in
    `recipients_data`; None when their file is unreadable (its own problem)."""
    problems, used, said, filled = [], set(), False, set()
    for page in sorted(texts):
        label = f"{docs_label}/{page}"
        for macro, key, line in letter_calls(texts[page]):
            if macro in ("letter_field", "letter_form") and fields == {} and not said:
                problems.append(missing_form(letters_data, label, line))
                said = True
            if macro == "letter_form":
                continue
            if macro == "letter_field":
                filled.add(key)
                if fields and key not in fields:
                    problems.append(Problem(label, f"champ de lettre inconnu `{key}`", line,
                                            unknown_field_hint(key, fields, letters_data)))
                continue
            used.add(key)
            if recipients is not None and key not in recipients:
                problems.append(Problem(
                    label, f"destinataire inconnu `{key}`", line,
                    unknown_recipient_hint(key, recipients, recipients_data)))
    problems += _never_named(fields, filled, letters_data, "letter_field",
                             "champ de lettre `{}` : aucune lettre ne l’utilise")
    problems += _never_named(recipients, used, recipients_data, "letter_recipient",
                             "destinataire `{}` : aucune lettre ne lui écrit")
    return problems


def _never_named(declared: Mapping[str, int | None] | None, named: set[str], label: str, macro: str,
                 message: str) -> list[Problem]:
    """The keys of a data file (`declared`: key -> line) no letter names with `macro`."""
    return [Problem(label, message.format(key), line,
                    f"nommez-le dans une lettre avec {{{{ {macro}(\"{key}\") }}}}, ou "
                    "retirez-le de ce fichier (une construction de publication le refuse)")
            for key, line in (declared or {}).items() if key not in named]
