"""The preview's error page (`make serve`, scripts/preview.py): what every page of the
preview shows while a mistake stops the portal's build, in French, with file, line and fix;
the live-reload script the server adds to it reloads it once the file is fixed."""

from __future__ import annotations

import html
from pathlib import Path

from macros.floor.errors import Problem
from macros.sitewide.redirects import page_url


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
<link rel="icon" href="data:,">
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


def write_error_page(site_dir: Path, page: str, docs_dir: Path | None = None) -> None:
    """Every page of the preview shows the problems, whatever address the browser is on.
    With `docs_dir`, also at the address of each of its pages: after a failed first build,
    none was built, and the live server adds its reload script to the pages it serves, not
    to its « not found » answer."""
    site_dir.mkdir(parents=True, exist_ok=True)
    targets = set(site_dir.rglob("*.html")) | {site_dir / "index.html", site_dir / "404.html"}
    if docs_dir is not None:
        targets |= {site_dir / page_url(path.relative_to(docs_dir).as_posix())
                    for path in docs_dir.rglob("*.md")}
    for target in targets:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page, encoding="utf-8")
