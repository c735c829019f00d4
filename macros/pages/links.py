"""Links between Markdown pages: every `[texte](page.md#ancre)` must reach a page and an anchor.

Used by `make check`, which runs in seconds without building the site.
"""

from __future__ import annotations

import difflib
import functools
import posixpath
import re
from collections.abc import Collection, Mapping
from pathlib import Path
from urllib.parse import unquote

from markdown.extensions.toc import slugify

from ..floor.errors import Problem, did_you_mean
from ..floor.markdown_spans import code_spans
from .easyread import ANCHOR as EASY_READ_ANCHOR
from .editions import notice_anchors
from .templates import has_macros

# Opens with `[` (a literal first character makes the search fast); `!` before it: an image.
_LINK = re.compile(r"\[[^\]\n]*\]\((?P<target>[^)\s]+)(?:\s+\"[^\"]*\")?\)")
_HEADING = re.compile(r"^#{1,6}\s+(?P<text>.+?)\s*(?:\{\s*#(?P<id>[\w-]+)[^}]*\})?\s*#*\s*$",
                      re.M)
_EXPLICIT_ID = re.compile(r"\{\s*#(?P<id>[\w-]+)[^}]*\}|\bid=\"(?P<html>[^\"]+)\"")
# Anchors the portal adds to pages (notes, reply, updates).
GENERATED = {"notes-et-sources", "droit-de-reponse", "mises-a-jour"}


_COMMENT = re.compile(r"<!--.*?-->", re.S)


@functools.lru_cache(maxsize=8192)
def anchors(markdown: str) -> frozenset[str]:
    """The anchors of a page: its headings' and explicit ids (an HTML comment hides one, as
    on the built page), and those the portal adds."""
    markdown = _COMMENT.sub("", markdown) if "<!--" in markdown else markdown
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


def link_from(page: str, target: str) -> str:
    """The link to write in `page` (docs-relative) to reach `target` (docs-relative): what
    MkDocs resolves against the page's own folder."""
    return posixpath.relpath(target, posixpath.dirname(page) or ".")


def _close_pages(resolved: str, pages: Collection[str]) -> list[str]:
    """The pages nearest to `resolved`: the best one, and those as near as it."""
    close = difflib.get_close_matches(resolved, sorted(pages), n=3, cutoff=0.6)
    if close:
        ratio = {c: difflib.SequenceMatcher(None, resolved, c).ratio() for c in close}
        close = [c for c in close if ratio[c] >= ratio[close[0]] - 0.02]
    else:
        name = posixpath.basename(resolved).lower()
        close = [p for p in sorted(pages) if name and name in p.lower()][:3]
    return close


def link_hint(page: str, resolved: str, anchor: str, pages: Collection[str]) -> str:
    """« vouliez-vous dire … ? » with the links to write in `page`, each one working when
    pasted in place of the broken link; else the pages that exist, as links from `page`."""
    suffix = f"#{anchor}" if anchor else ""
    close = _close_pages(resolved, pages)
    if close:
        return "vouliez-vous dire " + " ou ".join(
            f"`{link_from(page, c)}{suffix}`" for c in close) + " ?"
    known = sorted(pages, key=lambda p: (p.count("/"), p))[:8]
    more = " …" if len(pages) > 8 else ""
    return "pages connues : " + ", ".join(f"`{link_from(page, p)}`" for p in known) + more


_MACRO_CALL = re.compile(r"\{\{-?\s*(\w+)\s*\(")
_FACILE = re.compile(r"\A---[ \t]*\n(?:.*\n)*?facile:", re.M)


def check_links(pages: Mapping[str, str], docs_label: str, docs_dir: Path | None = None,
                macro_anchors: Mapping[str, frozenset[str]] | None = None) -> list[Problem]:
    """`pages`: docs-relative path -> Markdown text. With `docs_dir`, links and images to
    other files of docs/ (pictures, PDF) are checked too. Every suggestion is the link to
    write in the page itself (relative to it), as MkDocs reads it. `macro_anchors`: the
    anchors each macro's output may hold (None: anchors into a page made partly by macros
    are left to MkDocs, which checks them on the built page)."""
    page_anchors: dict[str, frozenset[str]] = {}  # computed for the pages an anchor link targets

    def anchors_of(path: str) -> frozenset[str]:
        if path not in page_anchors:
            text = pages[path]
            found = anchors(text)
            if _FACILE.match(text):
                found |= {EASY_READ_ANCHOR}
            found |= notice_anchors(path, pages)  # « not yet translated » (editions.py)
            if macro_anchors is not None and has_macros(text):
                for name in set(_MACRO_CALL.findall(text)):
                    found |= macro_anchors.get(name, frozenset())
            page_anchors[path] = found
        return page_anchors[path]

    def checkable(path: str) -> bool:
        return macro_anchors is not None or not has_macros(pages[path])

    problems = []
    for path, text in pages.items():
        for target, line, image in _links_of(text):
            if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith("//") \
                    or (image and not target.split("#")[0]):
                continue  # external or mailto: checked elsewhere
            file_part, _, anchor = target.partition("#")
            where = f"{docs_label}/{path}"
            if file_part.startswith("/"):
                # MkDocs leaves an absolute link as it is (it would break on a mirror, in a
                # sub-folder or from disk) and the strict build refuses it.
                resolved = posixpath.normpath(unquote(file_part).lstrip("/"))
                if resolved in pages or (docs_dir is not None and (docs_dir / resolved).is_file()):
                    hint = (f"écrivez le lien relatif à la page : "
                            f"`{link_from(path, resolved)}{'#' + anchor if anchor else ''}`")
                else:
                    hint = link_hint(path, resolved, anchor, pages)
                problems.append(Problem(where, f"lien absolu : `{target}`", line, hint))
                continue
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
                                            line, link_hint(path, resolved, anchor, pages)))
                    continue
            else:
                resolved = path
            # A page made partly by macros may have headings its Markdown does not show:
            # MkDocs checks anchors into it on the built page (said in French, with the line).
            if anchor and not anchor.startswith(("note-", "appel-", "source-")) and \
                    checkable(resolved) and anchor not in anchors_of(resolved):
                base = file_part  # the link as written, its anchor corrected
                close = difflib.get_close_matches(anchor, sorted(page_anchors[resolved]), n=3,
                                                  cutoff=0.6)
                hint = ("vouliez-vous dire " + " ou ".join(f"`{base}#{a}`" for a in close)
                        + " ?") if close else did_you_mean(anchor, page_anchors[resolved],
                                                           "ancres connues")
                problems.append(Problem(where, f"ancre introuvable : `#{anchor}` dans "
                                               f"`{resolved}`", line, hint))
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
