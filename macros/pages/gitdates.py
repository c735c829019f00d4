"""Date of the last commit that touched each file, from one `git log` per build."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

from ..floor.log import log


def last_commit_dates(root: Path, folder: str) -> dict[str, dt.date]:
    """`{path relative to folder: date}`; empty outside a git checkout."""
    try:
        output = subprocess.run(
            ["git", "log", "--format=%x00%cs", "--name-only", "--no-renames", "--", folder],
            cwd=root, capture_output=True, text=True, check=True, timeout=60,
        ).stdout
    except (OSError, subprocess.SubprocessError) as error:
        log.debug("no git history for page dates: %s", error)
        return {}
    return parse_git_log(output, folder)


def parse_git_log(output: str, folder: str) -> dict[str, dt.date]:
    """Newest commit first: the first date seen for a path is its last change."""
    dates: dict[str, dt.date] = {}
    prefix = folder.rstrip("/") + "/"
    for block in output.split("\x00")[1:]:
        lines = block.strip().splitlines()
        if not lines:
            continue
        day = dt.date.fromisoformat(lines[0].strip())
        for name in lines[1:]:
            name = name.strip()
            if name.startswith(prefix):
                dates.setdefault(name[len(prefix):], day)
    return dates
