"""Macro calls of a page (`{{ chart("x") }}`), checked before rendering: Jinja syntax and
unknown names, each with its line counted from the top of the file (front matter included).

Read by the collection step, so that `make check` and the build say the same thing, and
a mistake never reaches mkdocs-macros (which would print a traceback).
"""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Collection, Mapping

from jinja2 import Environment, TemplateSyntaxError, meta, nodes

from ..floor.errors import Problem, did_you_mean

# Names mkdocs-macros gives every page besides the macros and the `extra:` values
# (read from `env.variables` of a build of this portal).
STANDARD_NAMES = frozenset({
    "config", "page", "navigation", "files", "environment", "plugin", "git", "macros_info",
    "extra", "now", "fix_url", "context", "pretty", "filters", "macros", "filters_builtin",
    "range", "dict", "lipsum", "cycler", "joiner", "namespace", "relative_url",
})
_MARKERS = ("{{", "{%", "{#")
_SYNTAX = [
    ("unexpected end of template", "appel de macro jamais refermé",
     "refermez « {{ » par « }} » (ou « {% » par « %} ») sur la même ligne"),
    ("missing end of comment tag", "« {# » ouvre un commentaire de macro jamais refermé",
     "pour un identifiant d’intertitre, écrivez « { #mon-id } », avec une espace"),
    ("unexpected '}'", "accolade fermante en trop", "une macro s’écrit {{ nom(\"argument\") }}"),
    ("unexpected char", "caractère inattendu dans un appel de macro",
     "les arguments s’écrivent entre guillemets droits : {{ nom(\"argument\") }}"),
    ("expected token", "appel de macro mal écrit",
     "une macro s’écrit {{ nom(\"argument\") }}, guillemets droits et parenthèses fermées"),
    ("unexpected", "appel de macro mal écrit",
     "une macro s’écrit {{ nom(\"argument\") }}, guillemets droits et parenthèses fermées"),
]
_RAW_HINT = " ; pour écrire « {{ » tel quel, entourez le passage de {% raw %} et {% endraw %}"


@functools.cache
def _jinja() -> Environment:
    return Environment()


def has_macros(text: str) -> bool:
    return any(marker in text for marker in _MARKERS)


def _source_line(text: str, lineno: int) -> str:
    lines = text.splitlines()
    return lines[lineno - 1].strip()[:80] if 0 < lineno <= len(lines) else ""


def shown_arguments(args, kwargs) -> str:
    shown = [repr(a) for a in args] + [f"{k}={v!r}" for k, v in kwargs.items()]
    return f"({', '.join(shown)})" if shown else "aucun argument"


def call_problem(label: str, name: str, function, args, kwargs, line: int | None) -> Problem:
    """A macro called with arguments it does not take (the same words at check and build)."""
    try:
        parameters = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):
        parameters = []
    usage = ", ".join(f'"{p.name}"' if p.default is inspect.Parameter.empty
                      else f"{p.name}={p.default!r}" for p in parameters)
    return Problem(label, f"appel de macro incorrect : `{name}` avec "
                          f"{shown_arguments(args, kwargs)}", line,
                   f"écrivez {{{{ {name}({usage}) }}}}")


def _call_problems(tree, label: str, body_line: int, functions: Mapping) -> list[Problem]:
    problems = []
    for call in tree.find_all(nodes.Call):
        function = functions.get(call.node.name) if isinstance(call.node, nodes.Name) else None
        if not callable(function) or call.dyn_args or call.dyn_kwargs:
            continue
        args = [a.value if isinstance(a, nodes.Const) else ... for a in call.args]
        kwargs = {k.key: k.value.value if isinstance(k.value, nodes.Const) else ...
                  for k in call.kwargs}
        try:
            inspect.signature(function).bind(*args, **kwargs)
        except TypeError:
            problems.append(call_problem(label, call.node.name, function, args, kwargs,
                                         body_line + call.lineno - 1))
        except ValueError:
            continue
    return problems


def template_problems(body: str, label: str, body_line: int,
                      known: Collection[str] | Mapping | None) -> list[Problem]:
    """`body`: the page without its front matter, starting at line `body_line` of the file.
    `known`: every name a page may use (None: names not checked); a mapping gives the
    macros' functions, whose calls are checked against their parameters."""
    if not has_macros(body):
        return []
    try:
        tree = _jinja().parse(body)
    except TemplateSyntaxError as error:
        reason = (error.message or "").lower()
        message, hint = "appel de macro mal écrit", "une macro s’écrit {{ nom(\"argument\") }}"
        for start, french, french_hint in _SYNTAX:
            if reason.startswith(start):
                message, hint = french, french_hint
                break
        lineno = error.lineno or 1
        if message.endswith("jamais refermé"):  # Jinja stops at the end: blame the opening
            opening = max(body.rfind("{{"), body.rfind("{%"))
            if opening >= 0:
                lineno = body.count("\n", 0, opening) + 1
        shown = _source_line(body, lineno)
        return [Problem(label, f"{message} : « {shown} »", body_line + lineno - 1,
                        hint + _RAW_HINT)]
    if known is None:
        return []
    problems = []
    unknown = meta.find_undeclared_variables(tree) - set(known)
    reported = set()
    for node in tree.find_all(nodes.Name):
        if node.name in unknown and node.name not in reported:
            reported.add(node.name)
            macros = sorted(name for name in known if name not in STANDARD_NAMES)
            problems.append(Problem(label, f"macro inconnue `{node.name}`",
                                    body_line + node.lineno - 1,
                                    did_you_mean(node.name, macros, "macros connues")))
    if isinstance(known, Mapping):
        problems += _call_problems(tree, label, body_line, known)
    return problems


_CALL = re.compile(r"\{[{%][^}]*?\b(?P<name>[A-Za-z_]\w*)\s*\(")


def call_line(text: str, name: str) -> int | None:
    """Line of the first call of macro `name` in `text`, for messages raised at render."""
    for match in _CALL.finditer(text):
        if match.group("name") == name:
            return text.count("\n", 0, match.start()) + 1
    return None
