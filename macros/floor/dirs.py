"""Directories put in place whole: for site/, dist/, exported versions and caches."""

from __future__ import annotations

import os
import shutil
from pathlib import Path


def replace_dir(staging: Path, target: Path) -> None:
    """Put the finished `staging` directory in place of `target` with renames, so that no
    one ever sees a half-written `target`; the previous one is removed afterwards.
    The new one is made readable by all (mkdtemp makes folders private): site/, dist/ and
    exported versions are meant to be served."""
    staging.chmod(0o755)
    old = target.with_name(f".{target.name}-old-{os.getpid()}")
    if target.exists():
        target.rename(old)
    staging.rename(target)
    shutil.rmtree(old, ignore_errors=True)
