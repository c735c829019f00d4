"""`make serve ENGINE=zensical`: the portal built by Zensical, served, rebuilt on each change.

`zensical serve` has no hook for the post-build step (feeds, exports, search…): this preview
builds as `make build ENGINE=zensical` does (scripts/build.py), serves the folder on
127.0.0.1, and rebuilds the whole portal when a file it is made from changes. A failed
rebuild keeps the last good site and says why in the terminal. Not done (README.md, « Moteurs
de construction »): reloading the browser by itself, the quick preview of changed pages only,
the error page in the browser.

    python -m scripts.zensical_serve --dev-addr 127.0.0.1:8000
"""

from __future__ import annotations

import argparse
import functools
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from macros.engine.preview import WATCHED as PORTAL_FOLDERS
from macros.floor.dirs import replace_dir
from scripts.build import zensical_build

# What MkDocs' preview watches too: the pages, the configuration, and the portal's folders.
WATCHED = ("docs", "mkdocs.yml", *PORTAL_FOLDERS)


def stamp(root: Path) -> dict[str, float]:
    """What the portal is made from, file -> modification time."""
    files = {}
    for name in WATCHED:
        top = root / name
        for path in [top] if top.is_file() else top.rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                files[str(path)] = path.stat().st_mtime
    return files


def build_into(config: Path, site: Path) -> bool:
    staging = Path(tempfile.mkdtemp(prefix=".zensical-preview-", dir=site.parent))
    try:
        if zensical_build(config, staging, dict(os.environ)) != 0:
            print("\nÉchec de la construction : l’aperçu montre encore la dernière version "
                  "réussie. Corrigez, enregistrez : il est reconstruit.", flush=True)
            return False
        replace_dir(staging, site)
        return True
    finally:
        shutil.rmtree(staging, ignore_errors=True)


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format, *args) -> None:
        pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dev-addr", default="127.0.0.1:8000")
    parser.add_argument("--config-file", type=Path, default=Path("mkdocs.yml"))
    args = parser.parse_args(argv)
    # Stopped by scripts/serve.py with SIGTERM: leave through `finally`, tidily.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    host, port = args.dev_addr.rsplit(":", 1)
    config = args.config_file.resolve()
    root = config.parent
    home = Path(tempfile.mkdtemp(prefix="zensical-preview-"))
    site = home / "site"
    site.mkdir()
    try:
        build_into(config, site)
        handler = functools.partial(_Quiet, directory=str(site))
        server = ThreadingHTTPServer((host, int(port)), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        print(f"Aperçu (Zensical) : http://{host}:{port}/", flush=True)
        seen = stamp(root)
        while True:
            time.sleep(1)
            now = stamp(root)
            if now != seen:
                seen = now
                print("Modification : reconstruction…", flush=True)
                build_into(config, site)
                seen = stamp(root)
    except KeyboardInterrupt:
        return 0
    finally:
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
