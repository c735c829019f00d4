"""What a reading found, kept on disk from one build to the next (`.cache/reading/`).

The in-process memo (memo.py) spares a preview's rebuild the files that did not change; this
spares a new build process the same work: the pages' checks and the parsed bibliography are
found again by the digest of what they were read from. Each kept reading is one file,
`<name>-<key>.pickle`, holding the version of the code that wrote it and its value: another
version of the portal's code or of a library that reads, and it is read again. The build and
`make check` read with other keys (their known macro names differ): the last few of each
name are kept, so that neither undoes the other's. A missing, partial or unreadable file is
a reading not kept, never an error: the cache can always be deleted. Written beside, then
renamed: never seen half-written. The folder is the build's own (0700, files 0600): reading a
pickle can run code, so it is never shared between machines nor restored from a CI cache
(the workflows cache nothing of `.cache/` but the external links' report).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from .log import log

FOLDER = Path(".cache") / "reading"  # relative to the project
KEPT_PER_NAME = 4  # readings kept under one name, the most recent ones
# The libraries whose reading ends up in a kept result (BibTeX, YAML, LaTeX, Jinja's parser).
READING_LIBRARIES = ("pybtex", "latexcodec", "PyYAML", "Jinja2")
# The code that reads: the portal's own (a changed checker reads everything again).
CODE_FOLDERS = (Path(__file__).resolve().parents[1], Path(__file__).resolve().parents[2] / "common")


def digest(*parts: str | bytes) -> str:
    """One hex digest of several parts, each hashed apart (no two lists give the same)."""
    whole = hashlib.blake2b(digest_size=20)
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        whole.update(hashlib.blake2b(data, digest_size=20).digest())
    return whole.hexdigest()


def code_version(folders: tuple[Path, ...] = CODE_FOLDERS,
                 libraries: tuple[str, ...] = READING_LIBRARIES) -> str:
    """The digest of the Python code under `folders`, the libraries' versions and Python's."""
    parts: list[str | bytes] = [sys.version]
    for name in libraries:
        try:
            parts.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            parts.append(f"{name} absent")
    for folder in folders:
        for path in sorted(folder.rglob("*.py")):
            parts += [path.relative_to(folder).as_posix(), path.read_bytes()]
    return digest(*parts)


@dataclass(frozen=True)
class KeptReadings:
    folder: Path
    version: str  # code_version() of the code that reads

    @classmethod
    def of_project(cls, root: Path) -> KeptReadings:
        return cls(root / FOLDER, code_version())

    def path(self, name: str, key: str) -> Path:
        return self.folder / f"{name}-{key[:24]}.pickle"

    def load(self, name: str, key: str):
        """The value kept under `name` for `key` by this version of the code, or None."""
        try:
            with self.path(name, key).open("rb") as file:
                kept_version, kept_key, value = pickle.load(file)
        except Exception:  # absent, partial, from another Python: read again
            return None
        return value if (kept_version, kept_key) == (self.version, key) else None

    def save(self, name: str, key: str, value) -> None:
        """Keep `value` for `key`, and the few latest other readings of `name`. A folder
        that cannot be written only costs the next build its reading again."""
        temporary = None
        try:
            self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=f".{name}-")
            with os.fdopen(handle, "wb") as file:  # mkstemp: 0600
                pickle.dump((self.version, key, value), file, pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, self.path(name, key))
            older = sorted(self.folder.glob(f"{name}-*.pickle"), key=lambda p: p.stat().st_mtime,
                           reverse=True)[KEPT_PER_NAME:]
            for path in older:
                path.unlink(missing_ok=True)
        except Exception as error:  # a full disk, a read-only checkout: not kept, said
            log.debug("lecture non conservée dans %s : %s", self.folder, error)
            if temporary:
                Path(temporary).unlink(missing_ok=True)
