"""`make serve`: the petition's count in the served pages follows the local action service,
so that a reader without JavaScript sees their confirmed signature counted.

The published site gets its count from `python -m service publier-compteur`; the preview
has no such step. While the preview serves, a thread asks the local service for its count
(`count.json`, on this machine only) every second, and writes it into the served pages that
show a count (the petition page and the home page), as publier-compteur writes it into a
published site. A page the preview has just rebuilt gets the count again at the next tick.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
import urllib.request
from collections.abc import Callable, Iterable
from pathlib import Path
from urllib.parse import urlsplit

from common.config import PortalConfig
from common.form_markup import with_count
from common.words import LANGUAGES, SOURCE_LANGUAGE, translations

INTERVAL = 1.0  # seconds between two questions to the service
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


def local_service(url: str) -> str | None:
    """The service's address when it runs on this machine (make serve), else None."""
    url = (url or "").strip()
    if urlsplit(url).scheme != "http" or urlsplit(url).hostname not in LOCAL_HOSTS:
        return None
    return url.rstrip("/") + "/"


def read_count(service: str, timeout: float = 2.0) -> tuple[int, int, dt.date] | None:
    """(count, goal, day) from the local service's count.json; None while it does not
    answer or answers something else."""
    try:
        with urllib.request.urlopen(f"{service}count.json", timeout=timeout) as answer:
            data = json.load(answer)
        count, goal = data["count"], data["goal"]
        day = dt.date.fromisoformat(data["date"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in (count, goal)):
        return None
    return count, max(goal, 1), day


def edition_pages(pages: Iterable[str]) -> list[str]:
    """`pages` and their counterparts in each other language's edition (`en/…`)."""
    return [*pages, *(f"{lang}/{page}" for lang in LANGUAGES if lang != SOURCE_LANGUAGE
                      for page in pages)]


def refresh(site_dir: Path, pages: Iterable[str], count: tuple[int, int, dt.date],
            words: dict | None = None) -> list[str]:
    """Write `count` into each of `pages` (paths under `site_dir`) that shows another one,
    in the page's language (its edition's folder; `words`: each language's words); the
    pages rewritten. A page being written by a build (incomplete) is left for later."""
    words = words or {}
    changed = []
    for name in pages:
        path = site_dir / name
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if not text.rstrip().endswith("</html>"):
            continue
        lang = name.split("/", 1)[0] if "/" in name else SOURCE_LANGUAGE
        new = with_count(text, *count, *([words[lang]] if lang in words else []))
        if new is None or new == text:
            continue
        temporary = path.with_name(f".{path.name}.count")
        temporary.write_text(new, encoding="utf-8")
        os.replace(temporary, path)  # the server reads the old page or the new, whole
        changed.append(name)
    return changed


def keep_count(site_dir: Path, pages: list[str], service: str,
               interval: float = INTERVAL) -> Callable[[], None]:
    """Start following the service's count in the served pages; returns the stop."""
    stop = threading.Event()
    root = Path(__file__).resolve().parents[1]
    words = {lang: translations(root, lang) for lang in LANGUAGES}
    pages = edition_pages(pages)

    def follow() -> None:
        while not stop.is_set():
            count = read_count(service)
            if count is not None:
                refresh(site_dir, pages, count, words)
            stop.wait(interval)

    thread = threading.Thread(target=follow, name="served-count", daemon=True)
    thread.start()

    def stopping() -> None:
        stop.set()
        thread.join(timeout=5)

    return stopping


def follow_local_count(site_dir: Path, petition_page: str,
                       environ=os.environ) -> Callable[[], None]:
    """For the preview: follow the service of PORTAL_SERVICE_URL (set by make serve) when it
    runs on this machine; the stop (which does nothing otherwise)."""
    service = local_service(PortalConfig.from_mkdocs({}, environ).service_url)
    if service is None:
        return lambda: None
    pages = [petition_page.removesuffix(".md") + ".html", "index.html"]
    return keep_count(site_dir, pages, service)
