"""MkDocs' own warnings (missing page, anchor or image, bad nav entry, page outside the nav),
said in French with the file and the line of the offending link; and counted, for strict
mode, by a handler of the portal's own (`WarningCount`).

The collection step finds these mistakes first, in the same words; this is for what only
MkDocs sees (an anchor made by a macro, a link in raw HTML…). It is logging's own
configuration: a formatter of the portal's, set on the handlers that print MkDocs' messages
around the formatter they had. The records are left as MkDocs made them: its strict-mode
counter, and any handler of another program, see them unchanged.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import yaml

from common.config import read_mkdocs_yml

from ..assembly.collect import OMITTED_HINT
from ..floor.errors import Problem

_DOC = r"Doc file '(?P<src>[^']+)' contains "
_PATTERNS: list[tuple[re.Pattern, str]] = [
    (re.compile(_DOC + r"a link '(?P<url>[^']+)', but the target(?: '[^']+')? is not found "
                r"among documentation files\.(?: Did you mean '(?P<suggest>[^']+)'\?)?"),
     "link"),
    (re.compile(_DOC + r"an unrecognized relative link '(?P<url>[^']+)', it was left as is\."
                r"(?: Did you mean '(?P<suggest>[^']+)'\?)?"), "unrecognized"),
    (re.compile(_DOC + r"a link '(?P<url>[^']+)', but there is no such anchor on this page\."),
     "anchor_here"),
    (re.compile(_DOC + r"a link '(?P<url>[^']+)', but the doc '(?P<doc>[^']+)' does not contain "
                r"an anchor '#(?P<anchor>[^']+)'\."), "anchor"),
    (re.compile(_DOC + r"an absolute link '(?P<url>[^']+)'.*", re.S), "absolute"),
    (re.compile(r"A reference to '(?P<url>[^']+)' is included in the 'nav' configuration, "
                r"which is not found in the documentation files\."), "nav"),
    (re.compile(r"The following pages exist in the docs directory, but are not included in the "
                r"\"nav\" configuration:\n(?P<pages>(?:\s+- .+\n?)+)"), "omitted"),
]
ANCHOR_HINT = ("l’ancre est l’intertitre en minuscules, sans accents, mots reliés par « - » : "
               "cliquez sur le « # » à côté de l’intertitre pour la copier")
def _line(text: str, needle: str) -> int | None:
    for candidate in (f"]({needle}", f'"{needle}"', needle):
        at = text.find(candidate)
        if at >= 0:
            return text.count("\n", 0, at) + 1
    return None


class FrenchWarnings(logging.Formatter):
    """Formats MkDocs' English warnings in French, and any other record as `inner` does."""

    def __init__(self, docs_dir: Path, docs_label: str, config_file: Path,
                 inner: logging.Formatter | None = None):
        super().__init__()
        self.docs_dir, self.docs_label, self.config_file = docs_dir, docs_label, config_file
        self.inner = inner or logging.Formatter()  # what a handler without one uses

    def _source(self, src: str) -> str:
        try:
            return (self.docs_dir / src).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            return ""

    def reword(self, message: str) -> str | None:
        if message.startswith("A 'dirty' build is being performed"):
            return ("aperçu rapide : seules les pages modifiées et celles qui les montrent sont "
                    "reconstruites")
        for pattern, kind in _PATTERNS:
            match = pattern.fullmatch(message.strip())
            if match:
                return str(self._problem(kind, match.groupdict()))
        return None

    def _problem(self, kind: str, found: dict) -> Problem:
        if kind == "nav":
            try:
                label, line = read_mkdocs_yml(self.config_file).value_where(found["url"], "nav")
            except (OSError, yaml.YAMLError):
                label, line = self.config_file.name, None
            return Problem(label, "entrée de `nav` vers une page introuvable : "
                           f"`{found['url']}`", line,
                           "corrigez le chemin (relatif à docs/), ou retirez l’entrée")
        if kind == "omitted":
            pages = [p.strip()[2:] for p in found["pages"].strip().splitlines()]
            return Problem(self.config_file.name, "page(s) hors de la navigation : "
                           + ", ".join(f"`{p}`" for p in pages), None, OMITTED_HINT)
        src, url = found["src"], found["url"]
        where = f"{self.docs_label}/{src}"
        line = _line(self._source(src), url)
        suggest = found.get("suggest")
        if kind == "link":
            return Problem(where, f"lien vers un fichier introuvable : `{url}`", line,
                           f"vouliez-vous dire `{suggest}` ?" if suggest else
                           "corrigez le nom du fichier visé (une page s’écrit `nom.md`)")
        if kind == "unrecognized":
            return Problem(where, f"lien relatif non reconnu : `{url}`", line,
                           f"vouliez-vous dire `{suggest}` ?" if suggest else
                           "visez le fichier lui-même, par exemple `page.md` ou `dossier/index.md`")
        if kind == "anchor_here":
            return Problem(where, f"ancre introuvable dans cette page : `{url}`", line, ANCHOR_HINT)
        if kind == "anchor":
            return Problem(where, f"ancre introuvable : `#{found['anchor']}` dans "
                           f"`{found['doc']}`", line, ANCHOR_HINT)
        return Problem(where, f"lien absolu : `{url}`", line,
                       "écrivez un lien relatif vers le fichier .md (par exemple `../sources.md`)")

    def format(self, record: logging.LogRecord) -> str:
        if record.name.startswith(MKDOCS_LOGGERS) and not record.name.startswith(PLUGINS):
            french = self.reword(record.getMessage())
            if french:
                said = logging.makeLogRecord(record.__dict__)  # the record itself untouched
                said.msg, said.args = french, ()
                return self.inner.format(said)
        return self.inner.format(record)


# MkDocs' modules log under `mkdocs.…` (ProperDocs' under `properdocs.…`, its `mkdocs` logger a
# child of `properdocs`); plugins under `mkdocs.plugins.…`, the portal's own among them.
MKDOCS_LOGGERS, PLUGINS = ("mkdocs.", "properdocs."), ("mkdocs.plugins", "properdocs.plugins")


def install(docs_dir: Path, docs_label: str, config_file: Path) -> None:
    """On every handler that prints the `mkdocs` logger's records (its own, and its
    parents' up to the root, excluded: ProperDocs prints them from `properdocs`), in place
    of the French formatter of a previous build of the same process."""
    logger: logging.Logger | None = logging.getLogger("mkdocs")
    while logger is not None and logger is not logging.getLogger():
        for handler in logger.handlers:
            inner = handler.formatter
            if isinstance(inner, FrenchWarnings):
                inner = inner.inner
            handler.setFormatter(FrenchWarnings(docs_dir, docs_label, config_file, inner))
        logger = logger.parent if logger.propagate else None


class WarningCount(logging.Handler):
    """The warnings of one strict build, counted by the build's session (MkDocs aborts in
    English after the last hook; the portal stops first, in French, before the site-wide
    steps). A handler of the portal's own on the `mkdocs` logger, added when the build
    starts and removed when it ends: MkDocs' own counter is left alone."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1

    def attach(self) -> WarningCount:
        logger = logging.getLogger("mkdocs")
        for old in [h for h in logger.handlers if isinstance(h, WarningCount)]:
            logger.removeHandler(old)  # left by a build of this process that failed
        logger.addHandler(self)
        return self

    def detach(self) -> int:
        logging.getLogger("mkdocs").removeHandler(self)
        return self.count
