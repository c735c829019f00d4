"""Links between Markdown pages: every `[texte](page.md#ancre)` must reach a page and an anchor.

Used by `make check`, which runs in seconds without building the site.
"""

from __future__ import annotations

import functools
import posixpath
import re
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import unquote

from markdown.extensions.toc import slugify

from ..citations.syntax import code_spans
from ..floor.errors import Problem, did_you_mean
from .templates import has_macros

# Opens with `[` (a literal first character makes the search fast); `!` before it: an image.
_LINK = re.compile(r"\[[^\]\n]*\]\((?P<target>[^)\s]+)(?:\s+\"[^\"]*\")?\)")
_HEADING = re.compile(r"^#{1,6}\s+(?P<text>.+?)\s*(?:\{\s*#(?P<id>[\w-]+)[^}]*\})?\s*#*\s*$",
                      re.M)
_EXPLICIT_ID = re.compile(r"\{\s*#(?P<id>[\w-]+)[^}]*\}|\bid=\"(?P<html>[^\"]+)\"")
# Anchors the portal adds to pages (notes, reply, updates).
GENERATED = {"notes-et-sources", "droit-de-reponse", "mises-a-jour"}


@functools.lru_cache(maxsize=8192)
def anchors(markdown: str) -> frozenset[str]:
    found = set(GENERATED)
    seen: dict[str, int] = {}
    for m in _HEADING.finditer(markdown):
        if m.group("id"):
            found.add(m.group("id"))
            continue
        slug = slugify(re.sub(r"<[^>]+>|[*_`]", "", m.group("text")), "-")
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        found.add(slug if count == 0 else f"{slug}_{count}")
    for m in _EXPLICIT_ID.finditer(markdown):
        found.add(m.group("id") or m.group("html"))
    return frozenset(found)


@functools.lru_cache(maxsize=8192)
def _links_of(text: str) -> tuple[tuple[str, int, bool], ...]:
    """`(target, line, is an image)` of each link outside code, read once per text."""
    if "](" not in text:
        return ()
    spans = code_spans(text)
    found, line, counted = [], 1, 0  # lines counted once through the text
    for m in _LINK.finditer(text):
        if spans and any(a <= m.start() < b for a, b in spans):
            continue
        line += text.count("\n", counted, m.start())
        counted = m.start()
        found.append((m.group("target"), line, text[m.start() - 1:m.start()] == "!"))
    return tuple(found)


def check_links(pages: Mapping[str, str], docs_label: str,
                docs_dir: Path | None = None) -> list[Problem]:
    """`pages`: docs-relative path -> Markdown text. With `docs_dir`, links and images to
    other files of docs/ (pictures, PDF) are checked too."""
    page_anchors: dict[str, frozenset[str]] = {}  # computed for the pages an anchor link targets

    def anchors_of(path: str) -> frozenset[str]:
        if path not in page_anchors:
            page_anchors[path] = anchors(pages[path])
        return page_anchors[path]

    problems = []
    for path, text in pages.items():
        for target, line, image in _links_of(text):
            if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith("//") \
                    or (image and not target.split("#")[0]):
                continue  # external or mailto: checked elsewhere
            file_part, _, anchor = target.partition("#")
            where = f"{docs_label}/{path}"
            if file_part:
                resolved = posixpath.normpath(posixpath.join(posixpath.dirname(path),
                                                             unquote(file_part)))
                if not resolved.endswith(".md"):
                    # A file of docs/ (image, PDF), as MkDocs checks them.
                    if docs_dir is not None and not resolved.startswith("../"):
                        problems += _file_problems(image, target, resolved, where,
                                                   line, docs_dir, docs_label, pages)
                    continue
                if resolved not in pages:
                    problems.append(Problem(where, f"lien vers une page introuvable : `{target}`",
                                            line, did_you_mean(resolved, pages, "pages connues")))
                    continue
            else:
                resolved = path
            # A page made partly by macros may have headings its Markdown does not show:
            # MkDocs checks anchors into it on the built page (said in French, with the line).
            if anchor and not anchor.startswith(("note-", "appel-", "source-")) and \
                    not has_macros(pages[resolved]) and anchor not in anchors_of(resolved):
                problems.append(Problem(where, f"ancre introuvable : `#{anchor}` dans "
                                               f"`{resolved}`", line,
                                        did_you_mean(anchor, page_anchors[resolved],
                                                     "ancres connues")))
    return problems


def _file_problems(image: bool, target: str, resolved: str, where: str, line: int,
                   docs_dir: Path, docs_label: str, pages: Mapping[str, str]) -> list[Problem]:
    # MkDocs also serves the theme's files (overrides/ beside docs/: stylesheets, scripts).
    if (docs_dir / resolved).is_file() or (docs_dir.parent / "overrides" / resolved).is_file():
        return []
    page = posixpath.splitext(resolved)[0] + ".md"
    if page in pages:
        hint = f"vouliez-vous dire `{posixpath.splitext(target.split('#')[0])[0]}.md` ?"
    else:
        hint = ""
    if image:
        return [Problem(where, f"image introuvable : `{target}`", line,
                        f"ajoutez le fichier {docs_label}/{resolved}, ou corrigez son nom")]
    if not posixpath.splitext(resolved)[1]:
        return [Problem(where, f"lien relatif non reconnu : `{target}`", line,
                        hint or "visez le fichier lui-même, par exemple `page.md` ou "
                                "`dossier/index.md`")]
    return [Problem(where, f"lien vers un fichier introuvable : `{target}`", line,
                    hint or "corrigez le nom du fichier visé (une page s’écrit `nom.md`)")]
