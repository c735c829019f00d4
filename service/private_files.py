"""Files only their owner can read: 0600 files in 0700 folders, whatever the umask.

The database (and its -wal and -shm), the team's keys and every export hold personal data or
a secret. The service and the organisers' commands start with `restrict_umask()`, and each
such file is also given its mode explicitly (a file made before, or by a tool started under
another umask, is put right)."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

FILE_MODE, FOLDER_MODE = 0o600, 0o700


def restrict_umask() -> None:
    """Files created from here on by this process: owner only."""
    os.umask(0o077)


def private_folder(folder: Path) -> None:
    """Create `folder` (and missing parents) for its owner only. A folder that already
    exists keeps its mode: it may be shared on purpose (/tmp, a home folder)."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for created in reversed(missing):
        with contextlib.suppress(FileExistsError):
            created.mkdir(mode=FOLDER_MODE)
        created.chmod(FOLDER_MODE)


def private_files(*paths: Path) -> None:
    """Mode 0600 for those of `paths` that exist."""
    for path in paths:
        with contextlib.suppress(FileNotFoundError):
            path.chmod(FILE_MODE)


def write_private(target: Path, data: bytes) -> None:
    """Write `target` whole or not at all (a temporary file renamed), mode 0600."""
    private_folder(target.parent)
    temporary = target.with_name(f".{target.name}.tmp")
    with contextlib.suppress(FileNotFoundError):
        temporary.unlink()
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    with os.fdopen(descriptor, "wb") as out:
        out.write(data)
    os.chmod(temporary, FILE_MODE)
    os.replace(temporary, target)
