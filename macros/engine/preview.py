"""The preview (`make serve`, scripts/preview.py) never hangs and never lies: the build's side.

MkDocs' live server waits for a successful build before answering any request: after a
content mistake, the browser hung until the file was fixed, and the error was only in the
terminal. While serving, a content mistake (or any warning, which a strict build refuses)
does not stop the build: it is logged, and the preview program, which reads the build's
log through a handler of its own, makes every page of the preview a French page listing
the mistakes, in the terminal's words; the live-reload script the server adds to every page
reloads it by itself once the file is fixed. A failure of another kind is caught around the
rebuild and shown on the same page. `mkdocs build` is unchanged: it stops on the first problem.

The preview program tells the build it is the preview by an environment variable naming
the folder it serves (`SERVED_SITE_DIR`): no plugin is added to MkDocs' configuration.
"""

from __future__ import annotations

import html
import os
from collections.abc import Mapping
from pathlib import Path

from common.config import SERVED_SITE_DIR_VARIABLE, PortalConfig

from ..floor.errors import ContentError, Problem
from ..floor.log import log

# Set by the preview program (scripts/preview.py) to the folder it serves, for its builds.
SERVED_SITE_DIR = SERVED_SITE_DIR_VARIABLE


def is_serving(conf, environ: Mapping[str, str] = os.environ) -> bool:
    """A build by the preview program: into the very folder it says it serves. Any other
    build (`mkdocs build`, a plain `mkdocs serve`, a build at the preview's address) never
    passes for a preview: it must stop on a mistake."""
    served = PortalConfig.from_mkdocs(conf, environ).served_site_dir
    site_dir = conf.get("site_dir")
    return bool(served and site_dir) and Path(site_dir).resolve() == Path(served).resolve()


def draft_banner(left: list[Problem]) -> str:
    """The preview's banner on an unfinished page: what is left, each with its line and fix.
    `make build`, `make check` and CI refuse the page until the list is empty."""
    items = "\n".join(
        f"<li>{'ligne ' + str(p.line) + ' : ' if p.line else ''}{html.escape(p.message)}"
        f"{' — ' + html.escape(p.hint) if p.hint else ''}</li>" for p in left)
    count = len(left)
    what = "1 point à terminer" if count == 1 else f"{count} points à terminer"
    return (f'<div class="portal-draft" id="portal-draft" role="note">\n'
            f'<p class="portal-banner__text"><strong>Brouillon</strong> : {what} avant de '
            f"publier cette page ({html.escape(left[0].path)}). Seul l’aperçu la montre : "
            "<code>make build</code>, <code>make check</code> et la CI la refusent tant "
            f"qu’il en reste.</p>\n<ul>\n{items}\n</ul>\n</div>\n")


class Preview:
    """What the build does differently for the preview program: keep content mistakes for
    its error page instead of stopping, serve unfinished pages as drafts, and, for a quick
    rebuild (only some pages, scripts/quick_preview.py), no new search index nor charts
    drawn ahead. Told by the program: `serving` by the variable naming the folder it serves,
    `quick` through the configuration it builds (macros/engine/page_extension.py:
    `hand_over`)."""

    def __init__(self, serving: bool, quick: bool = False):
        self.serving = serving
        self.quick = serving and quick  # only some pages are rebuilt: no new search index
        self.problems: list[Problem] = []

    @classmethod
    def start(cls, conf, quick: bool = False) -> Preview:
        """At the start of each build (define_env); the environment is read here, once."""
        return cls(is_serving(conf), quick)

    def keep(self, error: ContentError) -> bool:
        """While serving, keep the mistakes for the error page (and say them in the
        terminal, where the preview program reads them) instead of stopping the build."""
        if not self.serving:
            return False
        for problem in error.problems:
            if problem not in self.problems:
                self.problems.append(problem)
                log.error("%s", problem)
        return True

    def draft(self, page_file: str, left: list[Problem]) -> None:
        """An unfinished page served as a draft: one line in the terminal."""
        if self.serving:
            count = len(left)
            log.info("brouillon : %s — %s avant publication (bandeau sur la page)", page_file,
                     "1 point à terminer" if count == 1 else f"{count} points à terminer")
