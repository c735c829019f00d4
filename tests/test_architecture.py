"""The house as ARCHITECTURE.md draws it: rooms of `macros/` that lean only on the rooms
they name, siblings that never lean on each other, no room reaching into another's private
(`_name`) parts, and programs (site, service, tests) that never import each other the wrong
way."""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Which rooms each room of macros/ may import from: a tree of siblings, not a line. The floor
# holds what several rooms share; citations and charts stand side by side on it; pages cite
# sources; the action pages and the site-wide steps stand side by side on the pages; the
# assembly gathers them all; the engines' adapters hand pages to it. Nothing runs back up
# (a source does not know the pages citing it, a page not the site), and a room may import
# only what it uses: a new arrow is a decision, written here and in ARCHITECTURE.md.
# `common/` (outside macros/, shared with the service) is below every room.
ALLOWED = {
    "floor": set(),
    "citations": {"floor"},
    "charts": {"floor"},
    "pages": {"floor", "citations"},
    "action": {"floor", "pages"},
    "sitewide": {"floor", "citations", "pages"},
    "assembly": {"floor", "citations", "charts", "pages", "action", "sitewide"},
    "engine": {"floor", "pages", "sitewide", "assembly"},
}
# macros/__init__.py, the entry point mkdocs-macros imports: the adapters only.
WIRING = {"engine", "floor", "pages"}


def _imports(path: Path, package: str) -> list[tuple[int, str, tuple[str, ...]]]:
    """Each import of `path`: its line, the module imported, and the names taken from it."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            names = tuple(alias.name for alias in node.names)
            if node.level:
                parts = package.split(".")
                base = parts[: len(parts) - (node.level - 1)]
                name = ".".join([*base, node.module] if node.module else base)
                if not node.module:  # `from . import x`: x may be a module
                    found.extend((node.lineno, f"{name}.{a}", ()) for a in names)
                    continue
            else:
                name = node.module or ""
            found.append((node.lineno, name, names))
        elif isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name, ()) for alias in node.names)
    return found


def _package(path: Path, root: Path = ROOT) -> str:
    return ".".join(path.relative_to(root).parent.parts)


def _room(name: str, top: str = "macros") -> str | None:
    parts = name.split(".")
    return parts[1] if parts[0] == top and len(parts) > 1 else None


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def private_reaches(name: str, names: tuple[str, ...], top: str = "macros") -> list[str]:
    """What an import of `name` (taking `names`) reaches that is private to its room: a
    module or a name starting with `_` (not a dunder)."""
    parts = name.split(".")
    if parts[0] != top or len(parts) < 2:
        return []
    return [part for part in parts[2:] if _private(part)] + \
        [n for n in names if _private(n)]


def room_violations(root: Path, top: str, allowed: Mapping[str, set[str]],
                    wiring: set[str]) -> list[str]:
    """Every import of the package `root/top` that breaks the order `allowed` (room ->
    rooms it may import), or reaches another room's private parts."""
    wrong = []
    package_dir = root / top
    for path in sorted(package_dir.rglob("*.py")):
        parts = path.relative_to(package_dir).parts
        room = parts[0] if len(parts) > 1 else None  # None: the package's own __init__.py
        where_from = f"{path.relative_to(root).as_posix()}"
        for line, name, names in _imports(path, _package(path, root)):
            target = _room(name, top)
            if name == top or (name.startswith(f"{top}.") and target not in allowed):
                if room is not None:
                    wrong.append(f"{where_from}:{line} imports the wiring ({name})")
                continue
            if target is None or target == room:
                continue
            may = wiring if room is None else allowed.get(room, set())
            if target not in may:
                wrong.append(f"{where_from}:{line} imports {name} "
                             f"({room or 'the wiring'} may use only {sorted(may) or 'nothing'})")
            private = private_reaches(name, names, top)
            if private:
                wrong.append(f"{where_from}:{line} reaches into {target}: "
                             f"{', '.join(private)} (private to its room; use its public face)")
    return wrong


def test_the_order_is_a_tree_without_cycles():
    """Each room's allowed rooms are rooms, and no arrow comes back: a topological order
    exists."""
    assert all(targets <= set(ALLOWED) for targets in ALLOWED.values())
    placed: list[str] = []
    while len(placed) < len(ALLOWED):
        ready = [room for room, targets in ALLOWED.items()
                 if room not in placed and targets <= set(placed)]
        assert ready, f"a cycle among {sorted(set(ALLOWED) - set(placed))}"
        placed += sorted(ready)
    # Siblings do not lean on each other.
    for one, other in (("citations", "charts"), ("action", "sitewide")):
        assert other not in ALLOWED[one] and one not in ALLOWED[other]


def test_every_module_of_macros_lives_in_a_room():
    loose = sorted(p.name for p in (ROOT / "macros").glob("*.py") if p.name != "__init__.py")
    assert loose == [], f"modules outside the rooms of macros/: {loose}"
    rooms = {p.name for p in (ROOT / "macros").iterdir()
             if p.is_dir() and (p / "__init__.py").is_file()}
    assert rooms == set(ALLOWED), f"rooms on disk {sorted(rooms)}, in this test {sorted(ALLOWED)}"


def test_rooms_only_lean_on_the_rooms_they_name():
    assert room_violations(ROOT, "macros", ALLOWED, WIRING) == []


def test_the_order_is_exact():
    """Each arrow of ALLOWED is used: an arrow nobody takes any more is removed, so that the
    drawing stays the real one."""
    used: dict[str, set[str]] = {room: set() for room in ALLOWED}
    for path in sorted((ROOT / "macros").rglob("*.py")):
        parts = path.relative_to(ROOT / "macros").parts
        if len(parts) < 2:
            continue
        for _, name, _ in _imports(path, _package(path)):
            target = _room(name)
            if target in ALLOWED and target != parts[0]:
                used[parts[0]].add(target)
    assert used == ALLOWED


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


def test_the_checker_finds_each_kind_of_mistake(tmp_path):
    """The test tested: a small package with one mistake of each kind, found and named."""
    _write(tmp_path, {
        "house/__init__.py": "from .top.a import run\nfrom .low import helpers\n",
        "house/low/__init__.py": "def helpers(): ...\n",
        "house/low/_inner.py": "SECRET = 1\n",
        "house/low/face.py": "from . import _inner\nfrom ._inner import SECRET\n",
        "house/left/__init__.py": "",
        "house/left/a.py": "from ..low import helpers\nfrom ..low._inner import SECRET\n",
        "house/right/__init__.py": "",
        "house/right/b.py": "from ..left import a\nfrom house.low import _hidden\n",
        "house/top/__init__.py": "",
        "house/top/a.py": "from ..left import a\nfrom ..right import b\nimport house\n",
    })
    allowed = {"low": set(), "left": {"low"}, "right": {"low"}, "top": {"left", "right"}}
    assert room_violations(tmp_path, "house", allowed, {"top", "low"}) == [
        "house/left/a.py:2 reaches into low: _inner (private to its room; use its public face)",
        "house/right/b.py:1 imports house.left (right may use only ['low'])",
        "house/right/b.py:2 reaches into low: _hidden (private to its room; use its public "
        "face)",
        "house/top/a.py:3 imports the wiring (house)",
    ]
    # The same package in order: nothing found (a room's own `_` modules are its business).
    _write(tmp_path, {"house/right/b.py": "from ..low import helpers\n",
                      "house/left/a.py": "from ..low.face import SECRET\n",
                      "house/top/a.py": "from ..left import a\nfrom ..right import b\n"})
    assert room_violations(tmp_path, "house", allowed, {"top", "low"}) == []


def test_programs_reach_no_private_part_of_macros():
    """scripts/, bench/, linkcheck/ use the rooms' public faces (tests may look inside)."""
    wrong = [f"{path.relative_to(ROOT)}:{line} reaches {', '.join(private)} in {name}"
             for folder in ("scripts", "bench", "linkcheck")
             for path in sorted((ROOT / folder).rglob("*.py"))
             for line, name, names in _imports(path, _package(path))
             for private in [private_reaches(name, names)] if private]
    assert wrong == []


def test_the_drawing_processes_import_their_room_without_the_build():
    """The charts' and share images' second processes import `macros.charts` and
    `macros.sitewide.share_image`: the package's entry point loads the hooks only when
    mkdocs-macros calls one, so these processes start without the build's code (0.3 s of
    CPU each)."""
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, macros.charts, macros.sitewide.share_image; "
         "print(sorted({m.split('.')[1] if m.startswith('macros.') else m.split('.')[0] "
         "for m in sys.modules}))"],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=True).stdout
    modules = set(ast.literal_eval(loaded))
    assert {"charts", "sitewide"} <= modules  # what was asked for, to be sure it ran
    assert modules & {"engine", "assembly", "action", "jinja2", "markdown", "pybtex"} == set()


def test_programs_never_import_each_other_the_wrong_way():
    """Nothing imports tests/; the site never imports the service; the service never imports
    macros (what both use is in common/, which imports neither)."""
    wrong = []
    for folder in ("common", "macros", "scripts", "service", "bench", "linkcheck"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for line, name, _ in _imports(path, _package(path)):
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
