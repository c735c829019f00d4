"""What the portal needs from the engine that builds it (MkDocs 1.x or Zensical), in one place.

Both engines run Python-Markdown extensions and mkdocs-macros' `define_env`; they differ in
how an extension learns which page it converts, in what the macros' `env` holds, and in how
they read `mkdocs.yml`. The rest of `macros/` sees only `PageRef` and an MkDocs-style
configuration (`read_config`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..sitewide.redirects import page_url

MKDOCS, ZENSICAL = "mkdocs", "zensical"
ENGINES = (MKDOCS, ZENSICAL)  # `make build ENGINE=…`; the built-site tests run on each


@dataclass
class FileRef:
    src_uri: str  # relative to docs/, e.g. "france-travail/score-de-suspicion.md"


@dataclass
class PageRef:
    """The page being converted, as both engines can tell it. `meta` is the engine's own
    front-matter dict: what is written into it reaches the templates (`page.meta`)."""

    engine: str
    file: FileRef
    url: str                 # site-relative, e.g. "france-travail/score-de-suspicion.html"
    title: str = ""
    meta: dict = field(default_factory=dict)

    @property
    def src_uri(self) -> str:
        return self.file.src_uri


def mkdocs_page(page) -> PageRef:
    """An MkDocs `Page` (the macros' `env.page`, or a file's `.page`)."""
    return PageRef(MKDOCS, FileRef(page.file.src_uri), page.url, str(page.title or ""),
                   page.meta)


def zensical_page(page) -> PageRef:
    """Zensical's page context (`zensical.extensions.context.Page`): `path` is relative to
    docs/; its URL is the portal's (`use_directory_urls: false`)."""
    src_uri = str(page.path).replace("\\", "/").lstrip("/")
    return PageRef(ZENSICAL, FileRef(src_uri), page_url(src_uri),
                   str(page.meta.get("title") or page.title or ""), page.meta)


def zensical_page_of(md) -> PageRef | None:
    """The page a Markdown instance converts under Zensical (its context preprocessor, a
    public helper of Zensical's); None under MkDocs, whose page the macros' hook hands to
    the session, and outside a build (a Markdown instance made by a test or a tool)."""
    try:
        from zensical.extensions.context import ContextPreprocessor
    except ImportError:
        return None
    context = ContextPreprocessor.from_markdown(md)
    if context is None or context.page is None:
        return None
    return zensical_page(context.page)


def engine_of_env(env) -> str:
    """Which engine called `define_env`: Zensical's `MacroEnv` or mkdocs-macros' plugin."""
    return ZENSICAL if type(env).__module__.startswith("zensical") else MKDOCS


def read_config(config_file: Path):
    """`mkdocs.yml` as MkDocs reads it (INHERIT, !ENV, defaults): the same values whichever
    engine builds, and for the post-build step run on its own."""
    from mkdocs.config import load_config

    return load_config(config_file=str(config_file))
