"""The ignore list of the external check (`data/linkcheck-ignore.yml`).

Each entry names an address (`url`, exact) or a group of addresses (`prefix`) and says why
it is not checked (`reason`): an entry without a reason is an error, so nothing is ignored
silently.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from macros.citations.sources import is_web_url
from macros.floor.errors import Problem, raise_if_any
from macros.floor.textfile import read_text
from macros.floor.yamldata import parse_yaml

EXAMPLE = ("exemple :\n  - url: https://exemple.org/page\n"
           "    reason: \"Le site refuse les robots ; adresse vérifiée à la main le 2026-11-23.\"")


@dataclass(frozen=True)
class IgnoreRule:
    url: str | None
    prefix: str | None
    reason: str
    line: int

    def matches(self, address: str) -> bool:
        return address == self.url if self.url else address.startswith(self.prefix or "\0")


def load_ignore(path: Path, label: str | None = None) -> list[IgnoreRule]:
    """The rules of the file (none when it is absent); ContentError naming file:line otherwise."""
    label = label or path.as_posix()
    if not path.exists():
        return []
    text, problems = read_text(path, label)
    raise_if_any(problems)
    doc, problems = parse_yaml(text, label)
    raise_if_any(problems)
    root = doc.node
    if root is None:
        return []
    if not isinstance(root, yaml.SequenceNode):
        raise_if_any([Problem(label, "le fichier doit être une liste d’entrées `- url: …`",
                              root.start_mark.line + 1, EXAMPLE)])
    rules, problems = [], []
    for node in root.value:
        line = node.start_mark.line + 1
        if not isinstance(node, yaml.MappingNode):
            problems.append(Problem(label, "entrée invalide : `url` et `reason` attendus",
                                    line, EXAMPLE))
            continue
        entry = {key.value: value.value for key, value in node.value
                 if isinstance(value, yaml.ScalarNode)}
        unknown = sorted(set(entry) - {"url", "prefix", "reason"})
        if unknown:
            names = ", ".join(f"`{name}`" for name in unknown)
            problems.append(Problem(label, f"champ inconnu : {names}", line,
                                    "champs possibles : `url` ou `prefix`, et `reason`"))
        address = entry.get("url") or entry.get("prefix")
        if bool(entry.get("url")) == bool(entry.get("prefix")):
            problems.append(Problem(label, "chaque entrée a soit `url`, soit `prefix`", line,
                                    EXAMPLE))
        elif not is_web_url(address):
            problems.append(Problem(label, f"adresse refusée : « {address} »", line,
                                    "seules les adresses http:// ou https:// complètes"))
        reason = (entry.get("reason") or "").strip()
        if not reason:
            problems.append(Problem(
                label, f"l’entrée `{address or '?'}` n’a pas de raison (`reason`)", line,
                "dites pourquoi cette adresse n’est pas vérifiée, et depuis quand"))
        if not problems or all(p.line != line for p in problems):
            rules.append(IgnoreRule(entry.get("url"), entry.get("prefix"), reason, line))
    raise_if_any(problems)
    return rules


def ignored_by(address: str, rules: list[IgnoreRule]) -> IgnoreRule | None:
    return next((rule for rule in rules if rule.matches(address)), None)
