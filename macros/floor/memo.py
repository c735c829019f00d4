"""What one reading of the content found, kept by an owner with a lifetime (a build's
session; a preview hands its own to the next rebuild), never by a module or a class: a
second build in the same process starts from nothing unless it is handed a memo.

Each slot is a plain dict, named by the reader that fills it; a reader stores, beside its
result, what tells the files changed (their digests), and reads again when they did.
"""

from __future__ import annotations


class Memo:
    def __init__(self) -> None:
        self.slots: dict[str, dict] = {}

    def slot(self, name: str) -> dict:
        """The dict the reader `name` keeps its results in."""
        return self.slots.setdefault(name, {})
