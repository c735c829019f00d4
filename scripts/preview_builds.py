"""The MkDocs preview's builds (`make serve`, scripts/preview.py), in the second process that
runs them (`build_worker`), warm between saves and started afresh after an edit of the
portal's code: MkDocs' own `build(config)`, on the project's configuration read afresh for
each build with strict mode off, the preview's settings handed over in it
(macros/engine/page_extension.py: `hand_over`), and what the build logged read by a
handler of the program's own (`BuildLog`) for the error page."""

from __future__ import annotations

import logging
import re
import signal
import sys
from pathlib import Path

from mkdocs.commands.build import build
from mkdocs.config import load_config

from macros.engine.page_extension import hand_over, memo_of
from macros.floor.errors import ContentError
from macros.floor.log import log
from macros.floor.yamldata import config_problem
from scripts.preview_page import error_page, write_error_page
from scripts.quick_preview import forget_pages, last_build_failed

# What the program asks its build process: a full build, a quick one (the pages' list), or
# to end.
FULL, STOP = "full", "stop"


class QuietTerminal(logging.Filter):
    """What the preview's terminal shows: MkDocs' and mkdocs-macros' routine lines at each
    build are left out (the preview says one line per save), the browser's favicon.ico
    request (the portal declares its icon) is not a warning, and a notice already said
    (settings left to fill in, sources cited nowhere) is said again only if it changed."""

    ROUTINE = ("Detected file changes", "Reloading browsers", "Documentation built in",
               "Cleaning site directory", "Building documentation", "Browser connected",
               "A 'dirty' build is being performed", "aperçu rapide : seules les pages",
               "index de recherche ", "graphique `")

    def __init__(self):
        super().__init__()
        self.said: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.name.startswith("mkdocs.plugins.mkdocs_macros") and \
                record.levelno < logging.WARNING:
            return False
        text = re.sub(r"^\[\d\d:\d\d:\d\d\] ", "", message)
        if text.startswith(self.ROUTINE) or (
                text.startswith('"GET /') and "favicon.ico" in text.split()[1]):
            return False
        if record.name.startswith("portal.advisory"):
            if message in self.said:
                return False
            self.said.add(message)
        return True


def show_mkdocs_log() -> None:
    """MkDocs' messages in the terminal, as the `mkdocs` command shows them, without the
    routine lines of each build (QuietTerminal)."""
    from mkdocs.__main__ import ColorFormatter

    quiet = QuietTerminal()
    logger = logging.getLogger("mkdocs")
    logger.setLevel(logging.INFO)
    logger.propagate = False
    handler = logging.StreamHandler()
    handler.setFormatter(ColorFormatter())
    handler.addFilter(quiet)
    logger.addHandler(handler)
    for advisory in logging.getLogger("portal.advisory").handlers:
        advisory.addFilter(quiet)


class BuildLog(logging.Handler):
    """What a preview's build logged (warnings and errors), for the error page: the
    program's own handler on the `mkdocs` logger (the build formats MkDocs' warnings in
    French on every handler there, this one too)."""

    ROUTINE = ("Aborted", "A 'dirty' build is being performed", "aperçu rapide")

    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = self.format(record)
        if not message.startswith(self.ROUTINE):
            self.messages.append(message)


class MkDocsBuilds:
    """The MkDocs builds of one preview, in the process that runs them (`build_worker`)."""

    def __init__(self, config_file: Path, site_dir: Path, dev_addr: str, url: str,
                 docs_dir: Path):
        self.config_file, self.site_dir, self.dev_addr, self.url = \
            config_file, site_dir, dev_addr, url
        self.docs_dir = docs_dir
        self.last = None  # the configuration of the last build, which holds its session
        self.log = BuildLog()
        logging.getLogger("mkdocs").addHandler(self.log)

    def load(self):
        """The project's configuration, read afresh for each build as `mkdocs serve` reads
        it (mkdocs.yml may have changed), strict mode off: the program shows warnings."""
        config = load_config(config_file=str(self.config_file), site_dir=str(self.site_dir),
                             dev_addr=self.dev_addr, strict=False)
        config.site_url = self.url
        return config

    def build(self, pages: list[str] | None) -> bool:
        """A full build (`pages` None), or only `pages` (MkDocs' `build(dirty=True)`, as
        `mkdocs serve --dirty`). Never fails: a failure writes the error page. True if the
        build was a quick one."""
        quick = pages is not None and not last_build_failed(self.site_dir)
        self.log.messages.clear()
        try:
            self.run(pages if quick else None)
        except (Exception, SystemExit) as error:
            problems = list(getattr(error, "problems", []))
            messages = list(self.log.messages)
            if not problems:
                messages.append(str(error) or type(error).__name__)
            log.error("la construction a échoué : la page d’erreur est servie")
            write_error_page(self.site_dir, error_page(problems, messages), self.docs_dir)
        else:
            if self.log.messages:  # the mistakes the build kept, the warnings it logged
                write_error_page(self.site_dir, error_page([], self.log.messages))
        return quick

    def run(self, pages: list[str] | None) -> None:
        unreadable = config_problem(self.config_file)
        if unreadable:  # said in French, as make check and make build say it
            raise ContentError([unreadable])
        config = self.load()
        hand_over(config["markdown_extensions"],
                  memo_of(self.last) if self.last is not None else None, quick=bool(pages))
        self.last = config
        if pages:
            forget_pages(pages, Path(config["docs_dir"]), self.site_dir,
                         config["use_directory_urls"])
        build(config, serve_url=self.url, dirty=bool(pages))


def build_worker(connection, config_file: Path, site_dir: Path, dev_addr: str, url: str,
                 docs_dir: Path) -> None:
    """The second process of the MkDocs preview: builds on request, warm between saves.
    Ctrl+C is the program's: this process ends when the program tells it, or leaves."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    sys.dont_write_bytecode = True
    show_mkdocs_log()
    builds = MkDocsBuilds(config_file, site_dir, dev_addr, url, docs_dir)
    while True:
        try:
            pages = connection.recv()
        except (EOFError, OSError):
            return
        if pages == STOP:
            return
        connection.send(builds.build(None if pages == FULL else pages))
