"""What a campaigner waits for on the synthetic portal: `make check`, and the preview
(`make serve`'s scripts/preview.py, with MkDocs) showing a saved investigation.

The preview time runs from saving the file to the page served with the change in it (the
live server's own wait for edits to settle included), polled every 50 ms.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from scripts.processes import stop

ROOT = Path(__file__).resolve().parents[1]
POLL = 0.05


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _page(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.read().decode("utf-8")
    except OSError:
        return None


def _wait(url: str, marker: str, timeout: float) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        body = _page(url)
        if body is not None and marker in body:
            return time.perf_counter() - started
        time.sleep(POLL)
    raise TimeoutError(f"{marker!r} not served at {url} within {timeout:.0f} s")


def check_time(project: Path, repeats: int = 3) -> dict:
    """Wall seconds of `make check` (python -m scripts.check) on the project."""
    runs, problems = [], 0
    for _ in range(repeats):
        started = time.perf_counter()
        result = subprocess.run([sys.executable, "-m", "scripts.check", "--root", str(project)],
                                cwd=ROOT, capture_output=True, text=True, timeout=600)
        runs.append(time.perf_counter() - started)
        problems = result.stdout.count("\n") if result.returncode else 0
    return {"seconds": runs, "problem_lines": problems}


def preview_time(project: Path, repeats: int = 3, timeout: float = 600) -> dict:
    """Seconds from saving one investigation to the preview serving the change."""
    page = next(path for path in sorted((project / "docs").glob("*/*.md"))
                if path.name != "index.md")
    rel = page.relative_to(project / "docs").with_suffix(".html").as_posix()
    port = _free_port()
    url = f"http://127.0.0.1:{port}/{rel}"
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    env.pop("PORTAL_SITE_URL", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "scripts.preview", "--engine", "mkdocs", "--dev-addr",
         f"127.0.0.1:{port}"],
        cwd=project, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    original = page.read_text(encoding="utf-8")
    try:
        started = time.perf_counter()
        _wait(url, "</html>", timeout)
        first = time.perf_counter() - started
        runs, loads = [], []
        for number in range(repeats):
            marker = f"apercu{number}x{time.time_ns()}"
            saved = time.perf_counter()
            page.write_text(f"{original}\n\nTexte ajouté {marker}.\n", encoding="utf-8")
            _wait(url, marker, timeout)
            runs.append(time.perf_counter() - saved)
            loads.append(os.getloadavg()[0])  # a busy machine's figure says so beside it
        return {"first_serve_seconds": first, "seconds": runs, "load_average": loads}
    finally:
        page.write_text(original, encoding="utf-8")
        stop([server], 30)
