"""Full-text search with Pagefind, indexed after the build, offline.

Pagefind writes a small static bundle into `site_dir/pagefind/`: the reader's
browser downloads it only when they use the search page, a few fragments per
query (never the whole index on page load, unlike Material's lunr search).
It stems French (from `<html lang="fr">`) and folds accents at query time.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from mkdocs.exceptions import PluginError

BUNDLE_DIR = "pagefind"
# Decorations that are not part of an article's text.
NOT_TEXT = (".headerlink", ".note-back", ".md-source-file", ".page-dates", "sup.note-call")
# Pagefind's ready-made interfaces: our search page uses the bare API (pagefind.js).
UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-component-ui.js",
          "pagefind-component-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
          "pagefind-highlight.js", "wasm.unknown.pagefind")


def pagefind_binary() -> Path:
    """The Pagefind executable shipped by the `pagefind-bin` wheel (no download)."""
    from pagefind_bin import get_executable

    return get_executable()


def pagefind_command(binary: Path, site_dir: Path) -> list[str]:
    """Index the articles of `site_dir` (the elements marked data-pagefind-body)."""
    return [str(binary), "--site", str(site_dir), "--output-subdir", BUNDLE_DIR,
            # Pages are `x.html` and links keep `index.html`, so they also work from disk.
            "--keep-index-url",
            "--exclude-selectors", ", ".join(NOT_TEXT),
            "--quiet"]


def index_site(site_dir: Path) -> None:
    result = subprocess.run(pagefind_command(pagefind_binary(), site_dir),
                            capture_output=True, text=True, check=False, timeout=300)
    if result.returncode != 0 or not (site_dir / BUNDLE_DIR / "pagefind.js").is_file():
        raise PluginError("indexation de la recherche (Pagefind) impossible :\n"
                          + (result.stdout + result.stderr).strip())
    for name in UNUSED:
        (site_dir / BUNDLE_DIR / name).unlink(missing_ok=True)
