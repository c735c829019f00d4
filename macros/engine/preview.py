"""The preview (`mkdocs serve`) never hangs and never lies.

MkDocs' live server waits for a successful build before answering any request: after a
content mistake, the browser hung until the file was fixed, and the error was only in the
terminal. While serving, a content mistake (or any warning, which a strict build refuses)
does not stop the build: every page of the preview becomes a French page listing the
mistakes, in the terminal's words, and the live-reload script MkDocs adds to every page
reloads it by itself once the file is fixed. A failure of another kind is caught around
the rebuild the same way. `mkdocs build` is unchanged: it stops on the first problem.
"""

from __future__ import annotations

import html
import logging
import sys
import tempfile
from pathlib import Path

from mkdocs.plugins import BasePlugin
from mkdocs.utils import CountHandler

from ..floor.config import BIBLIOGRAPHY_DIR, PortalConfig
from ..floor.errors import ContentError, Problem
from ..floor.log import log
from .quick_preview import SourceState, dirty_build, forget_pages, last_build_failed

_MKDOCS = logging.getLogger("mkdocs")
# Besides docs/ and mkdocs.yml (MkDocs watches them): sources, data, code, templates. Not
# `watch:` in mkdocs.yml, which refuses a folder that does not exist (a portal without data/).
WATCHED = (BIBLIOGRAPHY_DIR, "data", "macros", "overrides")


def is_serving(conf) -> bool:
    """`mkdocs serve` builds into a temporary `mkdocs_…` folder, with site_url set to the
    address it serves (dev_addr). A build never passes for a preview: it must stop."""
    address = conf.get("dev_addr")
    site_url = conf.get("site_url") or ""
    site_dir = Path(conf.get("site_dir") or "")
    return (bool(address) and site_url.startswith(f"http://{address.host}:{address.port}/")
            and site_dir.name.startswith("mkdocs_")
            and site_dir.parent == Path(tempfile.gettempdir()))


def strict_warnings() -> int:
    """Warnings counted so far by a strict build (none while serving)."""
    return sum(count for handler in _MKDOCS.handlers if isinstance(handler, CountHandler)
               for _, count in handler.get_counts())


class _Capture(logging.Handler):
    """Warnings and errors logged during the build, for the error page."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if not message.startswith(("Aborted", "A 'dirty' build is being performed",
                                   "aperçu rapide")):
            self.messages.append(message)


def error_page(problems: list[Problem], messages: list[str]) -> str:
    """A self-contained French page (no theme: the theme may be what broke)."""
    items = [str(p) for p in problems] + [m for m in messages
                                          if not any(str(p) in m for p in problems)]
    count = len(items)
    heading = ("1 problème empêche" if count == 1 else f"{count} problèmes empêchent")
    rows = "\n".join(f"<li><code>{html.escape(item)}</code></li>" for item in items)
    return f"""<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>À corriger avant publication</title>
<style>
body {{ font: 1rem/1.5 system-ui, sans-serif; max-width: 60rem; margin: 2rem auto;
  padding: 0 1rem; color: #1a1a1a; background: #fff; }}
h1 {{ color: #8b0000; font-size: 1.5rem; }}
li {{ margin: .6rem 0; }}
code {{ white-space: pre-wrap; font-size: .95rem; }}
</style>
</head>
<body>
<main id="portal-preview-error">
<h1>À corriger : {heading} la construction du portail</h1>
<p>Le site ne serait pas publié dans cet état. Chaque ligne donne le fichier, la ligne, la
valeur en cause et quoi faire. Enregistrez la correction : cette page se recharge d’elle-même.</p>
<ol>
{rows}
</ol>
</main>
</body>
</html>
"""


def write_error_page(site_dir: Path, page: str) -> None:
    """Every page of the preview shows the problems, whatever address the browser is on."""
    site_dir.mkdir(parents=True, exist_ok=True)
    targets = set(site_dir.rglob("*.html")) | {site_dir / "index.html", site_dir / "404.html"}
    for target in targets:
        target.write_text(page, encoding="utf-8")


class _CodeVersion:
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
    package = __package__.partition(".")[0]  # the whole package, not only this room
    for name in [n for n in sys.modules if n == package or n.startswith(f"{package}.")]:
        del sys.modules[name]


class Preview:
    current: Preview | None = None
    _capture: _Capture | None = None
    quick_next = False  # the next build is a quick one (macros/engine/quick_preview.py)

    def __init__(self, serving: bool, quick: bool = False):
        self.serving = serving
        self.quick = quick  # only some pages are rebuilt: no new search index
        self.problems: list[Problem] = []

    @classmethod
    def start(cls, env) -> Preview:
        """Called at the start of each build (define_env)."""
        serving = is_serving(env.conf)
        preview = cls(serving, quick=serving and cls.quick_next)
        cls.current, cls.quick_next = preview, False
        # By class name: after a reload of the code, the classes are new ones.
        for handler in [h for h in _MKDOCS.handlers if type(h).__name__ == "_Capture"]:
            _MKDOCS.removeHandler(handler)
        cls._capture = None
        if preview.serving:
            # Strict mode would abort the preview's build on a warning, and the live server
            # would hang: the warning is shown in the error page instead.
            for handler in list(_MKDOCS.handlers):
                if isinstance(handler, CountHandler):
                    _MKDOCS.removeHandler(handler)
            cls._capture = _Capture()
            _MKDOCS.addHandler(cls._capture)
            env.conf["plugins"]["portal/preview"] = PreviewPlugin(preview)
        return preview

    def keep(self, error: ContentError) -> bool:
        """While serving, keep the mistakes for the error page (and say them in the
        terminal) instead of stopping the build."""
        if not self.serving:
            return False
        for problem in error.problems:
            if problem not in self.problems:
                self.problems.append(problem)
                log.error("%s", problem)
        return True

    def messages(self) -> list[str]:
        return list(self._capture.messages) if self._capture else []


def _preview_class() -> type[Preview]:
    """Looked up again: the code may have been reloaded since the server started."""
    return getattr(sys.modules.get(__name__), "Preview", Preview)


class PreviewPlugin(BasePlugin):
    def __init__(self, preview: Preview):
        super().__init__()
        self.preview = preview

    def on_post_build(self, *, config) -> None:
        messages = self.preview.messages()
        if self.preview.problems or messages:
            write_error_page(Path(config["site_dir"]),
                             error_page(self.preview.problems, messages))

    def on_serve(self, server, *, config, builder):
        """Watch every folder the portal is made from, not only docs/ and mkdocs.yml; any
        failure of a rebuild is shown in the browser too, never a hang."""
        root = Path(config["config_file_path"]).resolve().parent
        for name in dict.fromkeys((*WATCHED, PortalConfig.from_mkdocs(config).bibliography_dir)):
            if (root / name).exists() and str(root / name) not in config["watch"]:
                server.watch(str(root / name))
        site_dir, docs_dir = Path(config["site_dir"]), Path(config["docs_dir"])
        build = server.builder
        code = _CodeVersion(root / "macros")
        sources = SourceState(docs_dir, [root / name for name in WATCHED]
                              + [Path(config["config_file_path"])])

        def safe_build():
            if code.changed():
                forget_portal_code()
            pages = sources.plan()
            try:
                if pages is not None and not last_build_failed(site_dir):
                    forget_pages(pages, docs_dir, site_dir, config["use_directory_urls"])
                    _preview_class().quick_next = True
                    log.info("aperçu rapide : %d page(s) reconstruite(s)", len(pages))
                    dirty_build(config)
                else:
                    build()
            except (Exception, SystemExit) as error:
                preview = _preview_class().current
                messages = preview.messages() if preview else []
                problems = list(getattr(error, "problems", []))
                if not problems:
                    messages.append(str(error) or type(error).__name__)
                log.error("la construction a échoué : la page d’erreur est servie")
                write_error_page(site_dir, error_page(problems, messages))

        server.builder = safe_build
        return server
