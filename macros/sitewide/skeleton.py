"""Text left by `make new-campaign`: every « À REMPLIR » still in a page of docs/ or a data
file. Like an example address, it may be previewed and built locally (a warning and the
banner say so), and a publishing build refuses it, naming each file and line.

Pure: `find_skeleton_text` reads the texts it is given; `campaign_texts` reads them from a
portal's folders.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from ..floor.errors import Problem

MARKER = "À REMPLIR"
HINT = "écrivez à sa place le texte de la campagne"


def find_skeleton_text(texts: Mapping[str, str]) -> list[Problem]:
    """One problem per line holding the marker, outside YAML and BibTeX comments (`# …`,
    `% …`, whose « À REMPLIR » explains a setting, not text to publish)."""
    problems = []
    for label, text in texts.items():
        comment = ("#" if label.endswith((".yml", ".yaml")) else
                   "%" if label.endswith(".bib") else None)
        for number, line in enumerate(text.splitlines(), 1):
            if MARKER not in line or (comment and line.lstrip().startswith(comment)):
                continue
            excerpt = line.strip()
            if len(excerpt) > 70:
                excerpt = excerpt[:69] + "…"
            problems.append(Problem(label, f"texte du modèle « {MARKER} » encore en place : "
                                    f"« {excerpt} »", number, HINT))
    return problems


def petition_skeleton_text(label: str, fields: Mapping[str, object]) -> list[Problem]:
    """The petition's texts (already read by the build: its file is read once), field by
    field: `title`, `addressee`, `text`, `demands`."""
    problems = []
    for name, value in fields.items():
        texts = value if isinstance(value, (list, tuple)) else [value]
        if any(MARKER in str(text) for text in texts):
            problems.append(Problem(label, f"texte du modèle « {MARKER} » encore en place "
                                    f"dans `{name}`", hint=HINT))
    return problems


def campaign_texts(root: Path, folders: Iterable[str],
                   skip: Iterable[str] = ()) -> dict[str, str]:
    """The pages, sources and data files of a portal, by their label (`docs/index.md`),
    but those of `skip` (labels)."""
    texts = {}
    skipped = set(skip)
    for folder in folders:
        base = root / folder
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*")):
            if path.relative_to(root).as_posix() in skipped:
                continue
            if path.suffix in (".md", ".yml", ".yaml", ".bib") and path.is_file():
                try:
                    texts[path.relative_to(root).as_posix()] = path.read_text(encoding="utf-8")
                except (OSError, UnicodeDecodeError):
                    continue  # the collection step names an unreadable file
    return texts
