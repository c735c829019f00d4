"""`make serve`'s preview: the portal built by MkDocs or Zensical, served, rebuilt on each
change, the open page reloaded by itself; a mistake shown in the browser, never a hang.

One server for both engines: MkDocs' own live-reload server, used as a library
(`mkdocs.livereload.LiveReloadServer`, what `mkdocs serve` runs). It watches the pages,
mkdocs.yml and the portal's folders, adds its reload script to every HTML page it serves,
and calls the builder below after a change. The builder never fails (the server would hang
until a build succeeds): a failure becomes a French page listing the mistakes
(macros/engine/preview.py), served in place of every page until it is fixed.

- MkDocs: built in this process, as `mkdocs serve` builds. After an edit of page texts only,
  only the pages it touches are rebuilt (macros/engine/quick_preview.py); after an edit of
  macros/, the code is imported afresh. The build learns it is the preview's from the
  variable PORTAL_SERVED_SITE_DIR, and keeps content mistakes for the error page instead of
  stopping. No plugin is added to MkDocs' configuration.
- Zensical: built as `make build ENGINE=zensical` builds (Zensical, then the post-build
  step, scripts/build.py), the whole portal each time; the served folder is replaced only
  by a build that succeeded, and a failed one shows the error page.

    python -m scripts.preview --engine mkdocs --dev-addr 127.0.0.1:8000
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.livereload import LiveReloadServer

from common.config import BIBLIOGRAPHY_DIR, CHARTS_DIR, PortalConfig
from macros.engine.engines import ENGINES, MKDOCS, ZENSICAL
from macros.engine.preview import SERVED_SITE_DIR, Preview, error_page, write_error_page
from macros.floor.errors import STOPPED, ContentError
from macros.floor.log import log
from macros.floor.yamldata import config_problem
from scripts.build import zensical_build
from scripts.quick_preview import SourceState, dirty_build, forget_pages, last_build_failed
from scripts.served_count import follow_local_count

# Besides docs/ and mkdocs.yml (MkDocs watches them): sources, data, code, templates, kept
# documents (a changed one stops the build). Not `watch:` in mkdocs.yml, which refuses a
# folder that does not exist (a portal without data/).
WATCHED = (BIBLIOGRAPHY_DIR, "data", CHARTS_DIR, "macros", "overrides", "documents")
# The site's code: reloaded after an edit (mkdocs-macros imports it by name, once).
PORTAL_PACKAGE = "macros"


class CodeVersion:
    """The portal's Python code as last built (file -> modification time)."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.seen = self._snapshot()

    def _snapshot(self) -> dict[str, float]:
        return {str(path): path.stat().st_mtime for path in self.folder.rglob("*.py")}

    def changed(self) -> bool:
        now = self._snapshot()
        changed, self.seen = now != self.seen, now
        return changed


def forget_portal_code() -> None:
    """Python keeps an imported module: after an edit of macros/, the next build imports
    the package afresh (mkdocs-macros imports it by name)."""
    for name in [n for n in sys.modules
                 if n == PORTAL_PACKAGE or n.startswith(f"{PORTAL_PACKAGE}.")]:
        del sys.modules[name]


def preview_class() -> type[Preview]:
    """Looked up again: the code may have been reloaded since the server started."""
    return getattr(sys.modules.get(Preview.__module__), "Preview", Preview)


# The header of a content error's message (macros/floor/errors.py), its problems below it.
_PROBLEMS_HEADER = re.compile(r"\d+ erreurs? de contenu :\s*$")


def serve_url(host: str, port: int, site_url: str) -> str:
    """The address served, under site_url's path, as `mkdocs serve` sets it."""
    path = ("/" + urlsplit(site_url or "/").path.lstrip("/")).rstrip("/") + "/"
    return f"http://{host}:{port}{path}"


def watched_paths(config) -> list[Path]:
    """docs/, mkdocs.yml, and every folder the portal is made from that exists (sources,
    data, code, templates): not `watch:` in mkdocs.yml, which refuses a missing folder."""
    portal = PortalConfig.from_mkdocs(config)
    folders = [portal.root / name for name in dict.fromkeys((*WATCHED, portal.bibliography_dir))]
    return [portal.docs_dir, portal.config_file, *(f for f in folders if f.exists()),
            *(Path(item) for item in config["watch"])]


def saved_line(changed: list[str], root: Path, seconds: float, quick_pages: int | None,
               failed: bool) -> str:
    """The one line a save prints: what changed, and the preview's state after it."""
    names = []
    for name in changed:
        try:
            names.append(Path(name).relative_to(root).as_posix())
        except ValueError:
            names.append(name)
    what = ", ".join(names[:3]) + (f" (+{len(names) - 3})" if len(names) > 3 else "") \
        or "modification"
    took = f"{seconds:.1f}".replace(".", ",")
    what = f"[{time.strftime('%H:%M:%S')}] {what}"
    if failed:
        return f"{what} : à corriger, la page d’erreur est servie ({took} s)"
    if quick_pages is None:
        return f"{what} : portail reconstruit en {took} s"
    rebuilt = "1 page reconstruite" if quick_pages == 1 else \
        f"{quick_pages} pages reconstruites"
    return f"{what} : aperçu à jour en {took} s ({rebuilt})"


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


def portal_notices(output: str) -> list[str]:
    """The portal's notices in what a build printed (`WARNING -  [portal] …` and the
    indented lines under it)."""
    notices: list[str] = []
    inside = False
    for line in output.splitlines():
        if line.startswith("WARNING -  [portal] "):
            notices.append(line.removeprefix("WARNING -  [portal] "))
            inside = True
        elif inside and line.startswith("  ") and line.strip():
            notices[-1] += "\n" + line
        else:
            inside = False
    return notices


def failure_messages(output: str) -> list[str]:
    """What a failed build printed, for the error page: the content problems it listed, or
    else its last lines."""
    lines = [line.rstrip() for line in output.splitlines()]
    problems, listing = [], False
    for line in lines:
        if _PROBLEMS_HEADER.search(line):
            listing = True
        elif listing and line.startswith("  ") and line.strip():
            problems.append(line.strip())
        else:
            listing = False
    if problems:
        return list(dict.fromkeys(problems))
    said = [line.strip() for line in lines if line.strip() and line.strip() != STOPPED]
    return said[-20:] or ["la construction a échoué sans rien dire"]


class MkDocsPreview:
    """MkDocs' build in this process, into the served folder."""

    def __init__(self, config_file: Path, site_dir: Path, dev_addr: str):
        self.config_file, self.site_dir, self.dev_addr = config_file, site_dir, dev_addr
        os.environ[SERVED_SITE_DIR] = str(site_dir)  # read by the build: macros/engine/preview.py
        self.config = self.load()
        host, port = self.config.dev_addr
        self.url = serve_url(host, port, self.config.site_url)
        self.config.site_url = self.url
        self.config.plugins.on_startup(command="serve", dirty=False)
        self.code: CodeVersion | None = None
        self.sources: SourceState | None = None

    def load(self):
        return load_config(config_file=str(self.config_file), site_dir=str(self.site_dir),
                           dev_addr=self.dev_addr)

    def first_build(self) -> None:
        self.safely(lambda: build(self.config, serve_url=self.url))
        root, docs_dir = Path(self.config["config_file_path"]).parent, self.config["docs_dir"]
        self.code = CodeVersion(root / "macros")
        self.sources = SourceState(Path(docs_dir), [path for path in watched_paths(self.config)
                                                    if path != Path(docs_dir)])

    def full_build(self) -> None:
        unreadable = config_problem(self.config_file)
        if unreadable:  # said in French, as make check and make build say it
            raise ContentError([unreadable])
        config = self.load()  # afresh, as `mkdocs serve` does: mkdocs.yml may have changed
        config.site_url = self.url
        build(config, serve_url=self.url)

    def __call__(self) -> None:
        """The server's builder, after a change: one line in the terminal for a save that
        builds (what changed, how long), the problems for one that does not."""
        started = time.monotonic()
        if self.code.changed():
            forget_portal_code()
        pages = self.sources.plan()
        config = self.config
        quick = pages is not None and not last_build_failed(self.site_dir)
        if quick:
            def quick_build():
                forget_pages(pages, Path(config["docs_dir"]), self.site_dir,
                             config["use_directory_urls"])
                preview_class().quick_next = True
                dirty_build(config)
            self.safely(quick_build)
        else:
            self.safely(self.full_build)
        root = Path(config["config_file_path"]).parent
        log.info("%s", saved_line(self.sources.changed, root, time.monotonic() - started,
                                  len(pages) if quick else None,
                                  last_build_failed(self.site_dir)))

    def safely(self, step) -> None:
        try:
            step()
        except (Exception, SystemExit) as error:
            preview = preview_class().current
            messages = preview.messages() if preview else []
            problems = list(getattr(error, "problems", []))
            if not problems:
                messages.append(str(error) or type(error).__name__)
            log.error("la construction a échoué : la page d’erreur est servie")
            write_error_page(self.site_dir, error_page(problems, messages),
                             Path(self.config["docs_dir"]))

    def shutdown(self) -> None:
        self.config.plugins.on_shutdown()


class ZensicalPreview:
    """`make build ENGINE=zensical`'s build, in child processes, into the served folder."""

    def __init__(self, config_file: Path, site_dir: Path, dev_addr: str):
        self.config_file, self.site_dir = config_file, site_dir
        # Read as MkDocs reads it (macros/engine/engines.py): the folders and address.
        self.config = load_config(config_file=str(config_file), dev_addr=dev_addr)
        host, port = self.config.dev_addr
        self.url = serve_url(host, port, self.config.site_url)

    def first_build(self) -> None:
        self.sources = SourceState(Path(self.config["docs_dir"]),
                                   [p for p in watched_paths(self.config)
                                    if p != Path(self.config["docs_dir"])])
        self()

    def __call__(self) -> None:
        """Zensical's whole build; in the terminal, as with MkDocs: the portal's notices
        (each once), then one line for the save, or the problems."""
        started = time.monotonic()
        self.sources.plan()
        with tempfile.TemporaryFile("w+", encoding="utf-8") as output:
            returncode = zensical_build(self.config_file, self.site_dir, dict(os.environ),
                                        output=output)
            output.seek(0)
            said = output.read()
        for notice in portal_notices(said):
            logging.getLogger("portal.advisory").warning("%s", notice)
        if returncode != 0:
            for message in failure_messages(said):
                log.error("%s", message)
            write_error_page(self.site_dir, error_page([], failure_messages(said)),
                             Path(self.config["docs_dir"]))
        log.info("%s", saved_line(self.sources.changed, self.config_file.parent,
                                  time.monotonic() - started, None, returncode != 0))

    def shutdown(self) -> None:
        pass


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=ENGINES, default=MKDOCS)
    parser.add_argument("--dev-addr", default="127.0.0.1:8000")
    parser.add_argument("--config-file", type=Path, default=Path("mkdocs.yml"))
    parser.add_argument("--no-livereload", dest="livereload", action="store_false",
                        help="serve without watching the files or reloading the page")
    args = parser.parse_args(argv)
    # Stopped by scripts/serve.py (or a test) with SIGTERM: leave tidily, as after Ctrl+C.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    # No bytecode written into macros/__pycache__ by a build: it would count as an edit.
    sys.dont_write_bytecode = True
    os.environ["PYTHONDONTWRITEBYTECODE"] = "1"
    show_mkdocs_log()
    unreadable = config_problem(args.config_file)
    if unreadable:  # nothing can be served without it
        print(f"{unreadable}\n\nAperçu impossible : corrigez {args.config_file.name}, puis "
              "relancez la commande.", file=sys.stderr)
        return 1
    site_dir = Path(tempfile.mkdtemp(prefix="portal-preview-"))
    kind = ZensicalPreview if args.engine == ZENSICAL else MkDocsPreview
    preview, stop_count = None, lambda: None
    try:
        preview = kind(args.config_file.resolve(), site_dir, args.dev_addr)
        preview.first_build()
        # make serve: the local service's count in the served pages, without JavaScript.
        stop_count = follow_local_count(
            site_dir, PortalConfig.from_mkdocs(preview.config).petition_page)
        host, port = preview.config.dev_addr
        server = LiveReloadServer(builder=preview, host=host, port=port, root=str(site_dir),
                                  mount_path=urlsplit(preview.url).path)

        def error_handler(code: int) -> bytes | None:
            page = site_dir / f"{code}.html"  # the error page too, after a failure
            return page.read_bytes() if code in (404, 500) and page.is_file() else None

        server.error_handler = error_handler
        if args.livereload:
            for path in watched_paths(preview.config):
                server.watch(str(path))
            if args.engine == MKDOCS:
                server = preview.config.plugins.on_serve(server, config=preview.config,
                                                         builder=preview)
        try:
            server.serve()
        finally:
            server.shutdown()
    except KeyboardInterrupt:
        log.info("Arrêt de l’aperçu")
    finally:
        stop_count()
        if preview is not None:
            preview.shutdown()
        shutil.rmtree(site_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
