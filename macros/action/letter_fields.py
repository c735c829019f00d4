"""The fields of the rights letters, and their labels: content of the campaign, in
`data/lettres.yml` (`extra.action.letters_data`), beside the recipients.

    groupes:
      - titre: Vous                          # the form's fieldset
        champs:
          nom:                               # what `{{ letter_field("nom") }}` names
            libellé: Nom et prénom           # the form's label
            blanc: "[nom et prénom]"         # what the printed letter shows unfilled
            saisie: texte                    # texte (default), date or lignes
            autocomplete: name               # optional: the browser's autofill hint

A field's name is made of a-z, 0-9 and `_` (it names the form's control). Without the file,
a letter page has no field: `{{ letter_field(…) }}` is refused with the file to create.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..floor.errors import ContentError, Problem, raise_if_any
from ..floor.textfile import read_text
from ..floor.yamldata import parse_yaml

KINDS = ("texte", "date", "lignes")  # <input type=text>, <input type=date>, <textarea>
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_KEYS = ("libellé", "blanc", "saisie", "autocomplete")
_HINT = "voir l’en-tête de macros/action/letter_fields.py pour le format"


@dataclass(frozen=True)
class LetterField:
    name: str
    label: str
    blank: str
    kind: str = "texte"
    autocomplete: str = ""
    line: int | None = None  # in the data file, for messages


@dataclass(frozen=True)
class LetterForm:
    groups: tuple[tuple[str, tuple[LetterField, ...]], ...]

    @property
    def fields(self) -> dict[str, LetterField]:
        return {f.name: f for _, fields in self.groups for f in fields}


def parse_letter_fields(text: str, label: str) -> LetterForm:
    """data/lettres.yml read and checked: ContentError naming each mistake's line."""
    doc, problems = parse_yaml(text, label)
    raise_if_any(problems)
    data = doc.data
    groups_data = data.get("groupes") if isinstance(data, dict) else None
    if not isinstance(groups_data, list) or not groups_data:
        raise ContentError([Problem(label, "liste `groupes:` manquante", doc.line("groupes"),
                                    "écrivez `groupes:`, puis pour chaque groupe "
                                    "`- titre: …` et ses `champs:` ; " + _HINT)])
    groups, seen = [], set()
    for index, group in enumerate(groups_data):
        where = doc.line("groupes", index)
        if not isinstance(group, dict) or not str(group.get("titre") or "").strip() \
                or not isinstance(group.get("champs"), dict) or not group["champs"]:
            problems.append(Problem(label, f"groupe n° {index + 1} : `titre` et `champs` "
                                    "attendus", where, _HINT))
            continue
        fields = []
        for name, entry in group["champs"].items():
            line = doc.line("groupes", index, "champs", name)
            problem = _field_problem(str(name), entry, seen)
            if problem:
                problems.append(Problem(label, f"champ `{name}` : {problem[0]}", line,
                                        problem[1]))
                continue
            seen.add(str(name))
            fields.append(LetterField(str(name), str(entry["libellé"]).strip(),
                                      str(entry["blanc"]).strip(),
                                      str(entry.get("saisie") or "texte"),
                                      str(entry.get("autocomplete") or "").strip(), line))
        groups.append((str(group["titre"]).strip(), tuple(fields)))
    raise_if_any(problems)
    return LetterForm(tuple(groups))


def _field_problem(name: str, entry, seen: set[str]) -> tuple[str, str] | None:
    """What is wrong with one field, and the fix; None when it is right."""
    if not _NAME.match(name):
        return (f"nom invalide « {name} »", "lettres minuscules sans accent, chiffres et `_`, "
                "par exemple `date_decision`")
    if name in seen:
        return "écrit deux fois", "gardez un seul champ de ce nom"
    if not isinstance(entry, dict):
        return "`libellé` et `blanc` attendus", _HINT
    unknown = [key for key in entry if key not in _KEYS]
    if unknown:
        return (f"clé inconnue `{unknown[0]}`", "clés possibles : " + ", ".join(
            f"`{key}`" for key in _KEYS))
    for key in ("libellé", "blanc"):
        if not isinstance(entry.get(key), str) or not entry[key].strip():
            return (f"`{key}` manquant", f"écrivez `{key}: …` (libellé : ce que demande le "
                    "formulaire ; blanc : ce que montre la lettre imprimée, entre crochets)")
    kind = entry.get("saisie", "texte")
    if kind not in KINDS:
        return (f"`saisie` inconnue « {kind} »", "écrivez `saisie: texte`, `saisie: date` ou "
                "`saisie: lignes` (plusieurs lignes)")
    return None


def load_letter_fields(root: Path, letters_data: str) -> LetterForm | None:
    """The campaign's letter fields; None when it has no such file."""
    path = root / letters_data
    if not path.is_file():
        return None
    text, problems = read_text(path, letters_data)
    raise_if_any(problems)
    return parse_letter_fields(text, letters_data)
