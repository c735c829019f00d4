"""`make serve`'s preview: the portal built by MkDocs or Zensical, served, rebuilt on each
change, the open page reloaded by itself; a mistake shown in the browser, never a hang.

One server for both engines: MkDocs' own live-reload server, used as a library
(`mkdocs.livereload.LiveReloadServer`, what `mkdocs serve` runs). It watches the pages,
mkdocs.yml and the portal's folders, adds its reload script to every HTML page it serves,
and calls the builder below after a change. The builder never fails (the server would hang
until a build succeeds): a failure becomes a French page listing the mistakes
(scripts/preview_page.py), served in place of every page until it is fixed.

- MkDocs: built by MkDocs' own `build(config)` in a second process (scripts/preview_builds.py)
  that stays warm between saves (what a build read is handed to the next one). After an
  edit of page texts only,
  only the pages it touches are rebuilt (scripts/quick_preview.py); after an edit of the
  portal's code (macros/), the next build runs in a new process, which imports it afresh.
  The build learns it is the preview's from the variable PORTAL_SERVED_SITE_DIR, and keeps
  content mistakes for the error page instead of stopping; the program reads what the build
  logged through a handler of its own. Its configuration is the project's, with strict
  mode off (the program shows warnings as the error page) and the program's settings for
  the build handed over in it (macros/engine/page_extension.py: `hand_over`). No plugin is
  added to MkDocs' configuration.
- Zensical: built as `make build ENGINE=zensical` builds (Zensical, then the post-build
  step, scripts/build.py), the whole portal each time; the served folder is replaced only
  by a build that succeeded, and a failed one shows the error page.

    python -m scripts.preview --engine mkdocs --dev-addr 127.0.0.1:8000
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import multiprocessing
import os
import re
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

from mkdocs.config import load_config
from mkdocs.livereload import LiveReloadServer

from common.config import BIBLIOGRAPHY_DIR, CHARTS_DIR, PortalConfig
from macros.engine.engines import ENGINES, MKDOCS, ZENSICAL
from macros.engine.preview import SERVED_SITE_DIR
from macros.floor.errors import STOPPED
from macros.floor.log import log
from macros.floor.yamldata import config_problem
from scripts.build import zensical_build
from scripts.preview_builds import FULL, STOP, build_worker, show_mkdocs_log
from scripts.preview_page import error_page, write_error_page
from scripts.quick_preview import SourceState, last_build_failed
from scripts.served_count import follow_local_count

# Besides docs/ and mkdocs.yml (MkDocs watches them): sources, data, code, templates, kept
# documents (a changed one stops the build). Not `watch:` in mkdocs.yml, which refuses a
# folder that does not exist (a portal without data/).
WATCHED = (BIBLIOGRAPHY_DIR, "data", CHARTS_DIR, "macros", "overrides", "documents")


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
    """MkDocs' builds into the served folder, in a second process (`build_worker`) started
    again after an edit of the portal's code."""

    def __init__(self, config_file: Path, site_dir: Path, dev_addr: str):
        self.config_file, self.site_dir, self.dev_addr = config_file, site_dir, dev_addr
        os.environ[SERVED_SITE_DIR] = str(site_dir)  # read by the build: macros/engine/preview.py
        self.config = load_config(config_file=str(config_file), site_dir=str(site_dir),
                                  dev_addr=dev_addr)
        host, port = self.config.dev_addr
        self.url = serve_url(host, port, self.config.site_url)
        self.config.site_url = self.url
        self.code: CodeVersion | None = None
        self.sources: SourceState | None = None
        self.worker = self.connection = None

    def start_worker(self) -> None:
        spawn = multiprocessing.get_context("spawn")  # a fresh interpreter: the code afresh
        self.connection, theirs = spawn.Pipe()
        # Not a daemon: a build draws charts and share images in processes of its own.
        self.worker = spawn.Process(target=build_worker, args=(
            theirs, self.config_file, self.site_dir, self.dev_addr, self.url,
            Path(self.config["docs_dir"])))
        self.worker.start()
        theirs.close()

    def stop_worker(self) -> None:
        if self.worker is None:
            return
        with contextlib.suppress(OSError):
            self.connection.send(STOP)
        self.worker.join(10)
        if self.worker.is_alive():
            self.worker.kill()
            self.worker.join()
        self.connection.close()
        self.worker = self.connection = None

    def build(self, pages: list[str] | None) -> bool:
        """One build in the worker; True if it was a quick one."""
        if self.worker is None:
            self.start_worker()
        try:
            self.connection.send(FULL if pages is None else pages)
            return self.connection.recv()
        except (EOFError, OSError):  # the worker died (killed, out of memory)
            self.stop_worker()
            message = "la construction s’est interrompue : enregistrez à nouveau pour relancer"
            log.error("%s", message)
            write_error_page(self.site_dir, error_page([], [message]),
                             Path(self.config["docs_dir"]))
            return False

    def first_build(self) -> None:
        self.build(None)
        root, docs_dir = Path(self.config["config_file_path"]).parent, self.config["docs_dir"]
        self.code = CodeVersion(root / "macros")
        self.sources = SourceState(Path(docs_dir), [path for path in watched_paths(self.config)
                                                    if path != Path(docs_dir)])

    def __call__(self) -> None:
        """The server's builder, after a change: one line in the terminal for a save that
        builds (what changed, how long), the problems for one that does not."""
        started = time.monotonic()
        code_changed = self.code.changed()
        if code_changed:
            self.stop_worker()  # the next build imports the code afresh, in a new process
        pages = self.sources.plan()
        if not self.sources.changed and not code_changed:
            return  # an event with no file changed (one save seen twice): nothing to say
        quick = self.build(pages)
        root = Path(self.config["config_file_path"]).parent
        log.info("%s", saved_line(self.sources.changed, root, time.monotonic() - started,
                                  len(pages) if quick else None,
                                  last_build_failed(self.site_dir)))

    def shutdown(self) -> None:
        self.stop_worker()


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
