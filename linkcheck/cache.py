"""Results of external checks kept between runs (a JSON file under .cache/), up to a maximum age,
so a run repeated the same day asks nothing of servers already asked."""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path

from .http import Result

VERSION = 1


def load_cache(path: Path, max_age: float, now: float | None = None) -> dict[str, Result]:
    """Cached results younger than `max_age` seconds; an unreadable cache counts as empty."""
    now = time.time() if now is None else now
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("version") != VERSION:
        return {}
    fresh = {}
    for url, entry in (data.get("results") or {}).items():
        try:
            result = Result.from_json(entry)
        except TypeError:
            continue
        if 0 <= now - result.checked_at <= max_age:
            fresh[url] = result
    return fresh


def save_cache(path: Path, results: dict[str, Result]) -> None:
    """Written atomically: an interrupted run never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {"version": VERSION,
               "results": {url: r.to_json() for url, r in sorted(results.items())}}
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".linkcheck-", suffix=".json")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        json.dump(payload, out, ensure_ascii=False, indent=1)
    os.replace(temp, path)
