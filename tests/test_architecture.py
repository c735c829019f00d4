"""The house as DESIGN.md draws it: rooms of `macros/` that only lean on the rooms below them,
and programs (site, service, tests) that never import each other the wrong way."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Which rooms each room of macros/ may import from. The floor holds what several rooms share;
# nothing runs back up (a source does not know the pages citing it, a page not the site).
ALLOWED = {
    "floor": set(),
    "citations": {"floor"},
    "charts": {"floor", "citations"},
    "pages": {"floor", "citations", "charts"},
    "action": {"floor", "citations", "pages"},
    "sitewide": {"floor", "citations", "charts", "pages", "action"},
    "build": {"floor", "citations", "charts", "pages", "action", "sitewide"},
    # The wiring to the engines (MkDocs, Zensical): every room, under macros/__init__.py.
    "engine": {"floor", "citations", "charts", "pages", "action", "sitewide", "build"},
}


def _imports(path: Path, package: str) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = parts[: len(parts) - (node.level - 1)]
                name = ".".join([*base, node.module] if node.module else base)
                if not node.module:  # `from . import x`: x may be a module
                    found.extend((node.lineno, f"{name}.{a.name}") for a in node.names)
                    continue
            else:
                name = node.module or ""
            found.append((node.lineno, name))
        elif isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
    return found


def _package(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).parent.parts)


def _room(name: str) -> str | None:
    parts = name.split(".")
    return parts[1] if parts[0] == "macros" and len(parts) > 1 else None


def test_every_module_of_macros_lives_in_a_room():
    loose = sorted(p.name for p in (ROOT / "macros").glob("*.py") if p.name != "__init__.py")
    assert loose == [], f"modules outside the rooms of macros/: {loose}"
    rooms = {p.name for p in (ROOT / "macros").iterdir()
             if p.is_dir() and (p / "__init__.py").is_file()}
    assert rooms == set(ALLOWED), f"rooms on disk {sorted(rooms)}, in this test {sorted(ALLOWED)}"


def test_rooms_only_lean_on_the_rooms_below():
    wrong = []
    for path in sorted((ROOT / "macros").rglob("*.py")):
        room = path.relative_to(ROOT / "macros").parts[0]
        if room not in ALLOWED:  # macros/__init__.py: the wiring may use every room
            continue
        for line, name in _imports(path, _package(path)):
            target = _room(name)
            if target and target != room and target in ALLOWED \
                    and target not in ALLOWED[room]:
                wrong.append(f"{path.relative_to(ROOT)}:{line} imports {name} "
                             f"({room} may use only {sorted(ALLOWED[room]) or 'nothing'})")
            if name == "macros" or (name.startswith("macros.") and target not in ALLOWED):
                wrong.append(f"{path.relative_to(ROOT)}:{line} imports the wiring ({name})")
    assert wrong == []


def test_programs_never_import_each_other_the_wrong_way():
    """Nothing imports tests/; the site never imports the service; the service never imports
    macros (what both use is in common/, which imports neither)."""
    wrong = []
    for folder in ("common", "macros", "scripts", "service", "bench", "linkcheck"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for line, name in _imports(path, _package(path)):
                top = name.split(".")[0]
                where = f"{path.relative_to(ROOT)}:{line} imports {name}"
                if top in ("tests", "support", "conftest"):
                    wrong.append(where)
                if folder == "macros" and top == "service":
                    wrong.append(where)
                if folder == "service" and top == "macros":
                    wrong.append(where)
                if folder == "common" and top in ("macros", "service", "scripts"):
                    wrong.append(where)
    assert wrong == []


def test_every_module_of_macros_imports():
    """A move between rooms leaves no import pointing at the old place (ruff does not resolve
    relative imports)."""
    import importlib

    for path in sorted((ROOT / "macros").rglob("*.py")):
        if "-" in path.stem:  # chart modules, loaded by path (macros/charts/_registry.py)
            continue
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        importlib.import_module(name)


def _is_plugin_collection(node: ast.AST) -> bool:
    """`…["plugins"]` or `….plugins`: MkDocs' plugin collection."""
    if isinstance(node, ast.Subscript):
        return isinstance(node.slice, ast.Constant) and node.slice.value == "plugins"
    return isinstance(node, ast.Attribute) and node.attr == "plugins"


def plugin_injections(source: str) -> list[int]:
    """The lines of `source` that put something into MkDocs' plugin collection: an assignment
    to one of its items, or a call that adds to it."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            lines.extend(node.lineno for target in targets for sub in ast.walk(target)
                         if isinstance(sub, ast.Subscript) and _is_plugin_collection(sub.value))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr in ("__setitem__", "update", "setdefault") \
                and _is_plugin_collection(node.func.value):
            lines.append(node.lineno)
    return lines


def test_no_plugin_is_injected_into_mkdocs():
    """Issue 19: the build and the preview run where both engines run them (the macros, the
    page extension, the post-build step, scripts/preview.py), never as a plugin slipped into
    MkDocs' configuration."""
    assert plugin_injections('env.conf["plugins"]["portal/preview"] = Plugin()\n') == [1]
    assert plugin_injections("config.plugins['x'] = p\nconfig.plugins.update(x=p)\n") == [1, 2]
    assert plugin_injections('names = conf["plugins"]\nconf["site_url"] = "x"\n') == []
    wrong = [f"{path.relative_to(ROOT)}:{line}"
             for folder in ("macros", "scripts") for path in sorted((ROOT / folder).rglob("*.py"))
             for line in plugin_injections(path.read_text(encoding="utf-8"))]
    assert wrong == []
