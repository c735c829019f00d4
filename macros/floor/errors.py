"""One error type for content mistakes: where (file, line), what (the bad value), what to do.

It subclasses MkDocs' PluginError so that a build stops with the message alone,
never with a Python traceback.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

from mkdocs.exceptions import PluginError


@dataclass(frozen=True)
class Problem:
    """A single content mistake, printed as `file:line: message — hint`."""

    path: str
    message: str
    line: int | None = None
    hint: str = ""
    column: int | None = None  # a cell of a CSV file: `file:line:column`

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        if self.line and self.column:
            where += f":{self.column}"
        text = f"{where}: {self.message}"
        return f"{text} — {self.hint}" if self.hint else text


class ContentError(PluginError):
    """One or more content mistakes. The message lists all of them."""

    def __init__(self, problems: Iterable[Problem], header: str | None = None):
        self.problems = list(problems)
        count = len(self.problems)
        if header is None:
            header = "1 erreur de contenu" if count == 1 else f"{count} erreurs de contenu"
        super().__init__(f"{header} :\n" + "\n".join(f"  {p}" for p in self.problems))


def raise_if_any(problems: Iterable[Problem]) -> None:
    problems = list(problems)
    if problems:
        raise ContentError(problems)


def did_you_mean(value: str, candidates: Iterable[str], known: str = "") -> str:
    """A hint naming the closest candidates, or listing a few of them after `known`
    (a French phrase that agrees with them, e.g. "clés connues")."""
    candidates = sorted(set(candidates))
    close = difflib.get_close_matches(value, candidates, n=3, cutoff=0.6)
    if not close:
        lowered = value.lower()
        close = [c for c in candidates if lowered in c.lower() or c.lower() in lowered][:3]
    if close:
        return "vouliez-vous dire " + " ou ".join(f"`{c}`" for c in close) + " ?"
    if known and candidates:
        shown = ", ".join(f"`{c}`" for c in candidates[:8])
        more = " …" if len(candidates) > 8 else ""
        return f"{known} : {shown}{more}"
    return ""


STOPPED = "Construction arrêtée : rien n’a été publié."


class BuildStopped(SystemExit):
    """Ends a build with a French message, printed as it is. Not an Exception: MkDocs would
    add its English ("Error reading page…", "Aborted with a BuildError!")."""


def stop_build(error: ContentError | str) -> BuildStopped:
    return BuildStopped(f"{error}\n\n{STOPPED}")
