"""Every hold the portal keeps on an engine's internals is written down in ARCHITECTURE.md
with why, and checked against the installed engines: a new hold not documented fails here,
and an engine upgrade that moves one fails here, naming it.

A hold, as this scan finds it in macros/, scripts/ and common/: an attribute starting with
`_` reached on something other than `self` or `cls`; a module or name starting with `_`
imported from an engine's package (MkDocs, Zensical, Python-Markdown, mkdocs-macros,
Jinja); a processor of Python-Markdown's registries named by its key.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ENGINE_PACKAGES = ("mkdocs", "zensical", "markdown", "mkdocs_macros", "jinja2", "material",
                   "properdocs", "pymdownx")
REGISTRIES = ("preprocessors", "blockprocessors", "treeprocessors", "inlinePatterns",
              "postprocessors")


def _private(name: str) -> bool:
    return (name.startswith("_") and not (name.startswith("__") and name.endswith("__"))) \
        or name == "__main__"


def _registry_key(node: ast.AST) -> str | None:
    """`md.treeprocessors["relpath"]` or `"relpath" in md.treeprocessors`: the key."""
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute) \
            and node.value.attr in REGISTRIES and isinstance(node.slice, ast.Constant):
        return str(node.slice.value)
    if isinstance(node, ast.Compare) and isinstance(node.left, ast.Constant) \
            and any(isinstance(op, ast.In) for op in node.ops) \
            and any(isinstance(c, ast.Attribute) and c.attr in REGISTRIES
                    for c in node.comparators):
        return str(node.left.value)
    return None


def engine_holds(source: str) -> list[tuple[int, str]]:
    """(line, name) of each hold on an engine's internals in a Python source."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and _private(node.attr) and not (
                isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")):
            found.append((node.lineno, node.attr))
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level \
                and node.module.split(".")[0] in ENGINE_PACKAGES:
            parts = node.module.split(".")
            found += [(node.lineno, part) for part in parts if _private(part)]
            found += [(node.lineno, alias.name) for alias in node.names if _private(alias.name)]
        elif isinstance(node, ast.Import):
            found += [(node.lineno, part) for alias in node.names
                      if alias.name.split(".")[0] in ENGINE_PACKAGES
                      for part in alias.name.split(".") if _private(part)]
        key = _registry_key(node)
        if key is not None:
            found.append((node.lineno, key))
    return sorted(set(found))


def _documented() -> str:
    return (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")


def test_the_scan_finds_each_kind_of_hold():
    source = (
        "import os\nfrom mkdocs.__main__ import ColorFormatter\n"
        "from markdown.util import _Private\nimport jinja2._compat\n"
        "if 'relpath' in md.treeprocessors:\n    md.treeprocessors['relpath'].file\n"
        "os._exit(1)\nself._own = 1\nfrom .mine import _helper\n")
    assert engine_holds(source) == [(2, "__main__"), (3, "_Private"), (4, "_compat"),
                                    (5, "relpath"), (6, "relpath"), (7, "_exit")]


def test_every_hold_on_an_engine_is_documented():
    """A new hold is a decision: write it in ARCHITECTURE.md (« Holds on the engines »),
    with the file, the name between backquotes, and why no public interface does."""
    text = _documented()
    rows = [line for line in text.splitlines() if line.startswith("|")]
    missing = []
    for folder in ("common", "macros", "scripts"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            label = path.relative_to(ROOT).as_posix()
            for line, name in engine_holds(path.read_text(encoding="utf-8")):
                if not any(label in row and f"`{name}`" in row for row in rows):
                    missing.append(f"{label}:{line}: `{name}`")
    assert missing == [], "holds on an engine's internals missing from ARCHITECTURE.md"


def test_no_documented_hold_is_stale():
    """Each hold listed is still in the code: the list stays the real one."""
    # The rows of the table of private names: their first cell is the file.
    rows = [line for line in _documented().splitlines()
            if re.match(r"\| `(?:macros|scripts|common)/[^`]+\.py` \|", line)]
    assert rows
    for row in rows:
        label = re.match(r"\| `([^`]+)`", row)
        names = [n for n in re.findall(r"`([^`]+)`", row) if "/" not in n]
        found = {name for _, name in
                 engine_holds((ROOT / label.group(1)).read_text(encoding="utf-8"))}
        assert found & set(names), f"{label.group(1)}: {names} no longer held: update the table"


# -- The holds, against the installed engines: an upgrade that moves one fails here. --------

def test_mkdocs_still_registers_its_relpath_treeprocessor_with_the_page_file():
    """macros/engine/engines.py finds the page a Markdown instance converts through MkDocs'
    `relpath` treeprocessor and its `file` (MkDocs has no public way to tell it)."""
    import markdown
    from mkdocs.structure.pages import _RelativePathTreeprocessor

    md = markdown.Markdown()
    file = object()
    _RelativePathTreeprocessor(file, None, None)._register(md)  # as Page.render does
    assert "relpath" in md.treeprocessors, "MkDocs no longer registers `relpath`"
    assert md.treeprocessors["relpath"].file is file, "`relpath` no longer holds the file"


def test_zensical_still_hands_the_page_through_its_context_preprocessor():
    """Zensical's page context, read by macros/engine/engines.py and page_extension.py."""
    pytest.importorskip("zensical")
    from zensical.extensions.context import ContextPreprocessor
    from zensical.extensions.macros import MacrosExtension

    assert callable(getattr(ContextPreprocessor, "from_markdown", None)), \
        "zensical: ContextPreprocessor.from_markdown is gone"
    import markdown

    from macros.engine.page_extension import PageExtension

    md = markdown.Markdown()
    MacrosExtension().extendMarkdown(md)
    PageExtension().extendMarkdown(md)
    # The page extension runs just before the macros (head, banners) and just after them.
    order = [type(p).__name__ for p in md.preprocessors
             if type(p).__name__ in ("_BeforeMacros", "MacrosPreprocessor", "_AfterMacros")]
    assert order == ["_BeforeMacros", "MacrosPreprocessor", "_AfterMacros"], \
        f"zensical's macros preprocessor moved around the page extension: {order}"


def test_mkdocs_still_offers_what_the_preview_and_strict_mode_use():
    import inspect

    from mkdocs.__main__ import ColorFormatter
    from mkdocs.commands.build import build
    from mkdocs.utils import CountHandler

    assert "dirty" in inspect.signature(build).parameters, "mkdocs build(dirty=…) is gone"
    assert hasattr(CountHandler, "get_counts"), "mkdocs.utils.CountHandler.get_counts is gone"
    assert issubclass(ColorFormatter, __import__("logging").Formatter)
