"""Documents kept by the campaign: a file of the repository that a BibTeX entry points at.

A document obtained under the CADA, a letter, a PDF report that may vanish from its publisher:
the entry names the file and its SHA-256,

    file   = {documents/cada/2024-note-ocapi.pdf},
    sha256 = {9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08},

the note links to the portal's own copy (published under the same path) and prints the
hash, so that a reader can check the copy is the one the campaign holds. The build refuses a
missing file and a file whose content no longer matches its hash: a document that changed
silently is no evidence. Only the files an entry names are published, never the folder.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..floor.errors import Problem, did_you_mean

DOCUMENTS_DIR = "documents"
_HEX = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class KeptDocument:
    path: str     # relative to the repository, and to the site's root: documents/…
    sha256: str

    @property
    def kind(self) -> str:
        """`PDF`, `ODT`…: the file's extension, for the reader."""
        return posixpath.splitext(self.path)[1].lstrip(".").upper() or "fichier"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def field_line(text: str, entry_line: int | None, name: str) -> int | None:
    """The line of `name = ` in the entry starting at `entry_line` (else the entry's line)."""
    if entry_line is None:
        return None
    lines = text.splitlines()
    pattern = re.compile(rf"(?:^|[,{{\s]){re.escape(name)}\s*=", re.IGNORECASE)
    for number in range(entry_line, len(lines) + 1):
        row = lines[number - 1]
        if number > entry_line and re.match(r"^\s*@\w+\s*[{(]", row):
            break
        if pattern.search(row):
            return number
    return entry_line


def check_document(key: str, fields: Mapping[str, str], bib_path: str, entry_line: int | None,
                   root: Path, bib_text: str = "",
                   documents_dir: str = DOCUMENTS_DIR) -> tuple[KeptDocument | None,
                                                                list[Problem]]:
    """The entry's kept document, checked against its hash; or the problems."""
    name = fields.get("file")
    digest = fields.get("sha256")
    if name is None and digest is None:
        return None, []

    def line(field: str) -> int | None:
        return field_line(bib_text, entry_line, field) if bib_text else entry_line

    if name is None:
        return None, [Problem(bib_path, f"`sha256` sans `file` dans `{key}`", line("sha256"),
                              f"ajoutez file = {{{documents_dir}/…}}, le chemin du document "
                              "dans le dépôt, ou supprimez le champ `sha256`")]
    folder = documents_dir.rstrip("/") + "/"
    normal = posixpath.normpath(name) if name else ""
    if (not name or name.startswith("/") or "\\" in name or normal != name
            or not name.startswith(folder) or ".." in name.split("/")):
        return None, [Problem(bib_path, f"`file` refusé dans `{key}` : « {name} »", line("file"),
                              f"un chemin relatif dans le dossier {folder} du dépôt, sans « .. », "
                              f"par exemple file = {{{folder}cada/2024-note.pdf}}")]
    path = root / name
    if not path.is_file():
        known = [p.relative_to(root).as_posix() for p in (root / documents_dir).rglob("*")
                 if p.is_file()] if (root / documents_dir).is_dir() else []
        return None, [Problem(bib_path, f"document introuvable pour `{key}` : « {name} »",
                              line("file"),
                              did_you_mean(name, known, "documents présents")
                              or f"ajoutez le fichier dans {folder} (git add), ou corrigez le "
                                 "chemin du champ `file`")]
    actual = sha256_of(path)
    if digest is None:
        return None, [Problem(bib_path, f"`file` sans `sha256` dans `{key}` : « {name} »",
                              line("file"),
                              f"après avoir vérifié que le fichier est bien le document obtenu, "
                              f"ajoutez sha256 = {{{actual}}}")]
    if not _HEX.match(digest):
        return None, [Problem(bib_path, f"`sha256` illisible dans `{key}` : « {digest} »",
                              line("sha256"), "64 caractères 0-9 et a-f, tels que les donne "
                                              f"`sha256sum {name}`")]
    if digest != actual:
        return None, [Problem(bib_path, f"le document « {name} » de `{key}` ne correspond plus "
                                        f"à son empreinte : attendue {digest}, calculée {actual}",
                              line("sha256"),
                              f"si le fichier a changé par erreur, rétablissez-le (git checkout "
                              f"-- {name}) ; si un nouveau document le remplace volontairement, "
                              f"écrivez sha256 = {{{actual}}}")]
    return KeptDocument(name, digest), []
