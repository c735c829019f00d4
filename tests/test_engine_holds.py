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


def test_mkdocs_still_offers_what_the_preview_uses():
    """The quick preview's `build(config, dirty=True)` (scripts/preview_builds.py), and the
    terminal's formatter (`mkdocs.__main__.ColorFormatter`)."""
    import inspect

    from mkdocs.__main__ import ColorFormatter
    from mkdocs.commands.build import build

    assert "dirty" in inspect.signature(build).parameters, "mkdocs build(dirty=…) is gone"
    assert issubclass(ColorFormatter, __import__("logging").Formatter), \
        "mkdocs.__main__.ColorFormatter is no longer a logging formatter"


def test_mkdocs_makes_each_page_from_the_list_that_holds_the_session(tmp_path):
    """The build's session joins MkDocs' configuration as the page extension's instance in
    `markdown_extensions` (macros/engine/page_extension.py: `hold_session`), put there by
    the macros' `define_env`, which mkdocs-macros calls from `on_config`: MkDocs must make
    each page's Markdown from that list. A page built without it has no byline."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from macros.engine.page_extension import session_of
    from macros.engine.session import BuildSession
    from support.sites import make_site

    project = make_site(tmp_path)
    config = load_config(config_file=str(project / "mkdocs.yml"),
                         site_dir=str(tmp_path / "site"))
    build(config)
    assert isinstance(session_of(config), BuildSession), \
        "mkdocs-macros no longer calls define_env with the build's configuration"
    page = (tmp_path / "site" / "enquetes" / "une-enquete.html").read_text(encoding="utf-8")
    assert 'class="byline"' in page, "MkDocs no longer makes each page's Markdown from " \
        "config.markdown_extensions as on_config left it (hold_session)"


def test_zensical_still_makes_each_page_from_its_configuration_list(tmp_path, monkeypatch):
    """The build's session lives in Zensical's configuration, as the page extension's
    instance in its `markdown_extensions` (put there at the first page): Zensical must make
    every page's Markdown from that list, one dict for the whole build. Two pages rendered
    by Zensical's own renderer share one session, read once."""
    pytest.importorskip("zensical")
    from zensical.config import get_config, parse_config
    from zensical.markdown.render import render

    from macros.engine.page_extension import PageExtension, session_of
    from support.sites import make_site

    project = make_site(tmp_path)
    monkeypatch.chdir(project)
    parse_config(str(project / "mkdocs.yml"))
    sessions = []
    for page in ("enquetes/une-enquete.md", "index.md"):
        text = (project / "docs" / page).read_text(encoding="utf-8")
        rendered = render(text, page, page.replace(".md", ".html"))
        sessions.append(session_of(get_config()))
        if page != "index.md":
            assert 'class="byline"' in rendered["content"], \
                "zensical: the page extension's instance no longer runs on its pages"
    held = [e for e in get_config()["markdown_extensions"] if isinstance(e, PageExtension)]
    assert len(held) == 1 and held[0].session is sessions[0], \
        "zensical no longer keeps the page extension's instance in its markdown_extensions"
    assert sessions[0] is sessions[1], "zensical: a second page got another session"
    assert sessions[0].engine == "zensical" and sessions[0].portal is not None


# A hook (MkDocs' public `hooks:`) that logs one of MkDocs' own warnings, as MkDocs logs it,
# and writes down each record the `mkdocs` logger's handlers get, as the record has it.
WARNING_HOOK = '''\
import logging

class Seen(logging.Handler):
    def emit(self, record):
        with open("seen.txt", "a", encoding="utf-8") as seen:
            seen.write(record.getMessage() + "\\n")

logging.getLogger("mkdocs").addHandler(Seen(logging.WARNING))

def on_page_markdown(markdown, page, **kwargs):
    if page.file.src_uri == "enquetes/une-enquete.md":
        logging.getLogger("mkdocs.structure.pages").warning(
            "Doc file 'enquetes/une-enquete.md' contains a link 'absente.md', but the target "
            "'enquetes/absente.md' is not found among documentation files.")
    return markdown
'''


def test_mkdocs_warnings_are_said_in_french_and_counted_without_touching_records(tmp_path):
    """MkDocs' warnings in French through a formatter of the portal's own on the handlers
    that print them (macros/engine/mkdocs_french.py), the records left as MkDocs made them
    (another handler sees MkDocs' words); the strict build stopped by the portal's own
    counter, in French, before MkDocs' English abort."""
    import subprocess
    import sys

    from support.sites import build_env, make_site

    project = make_site(tmp_path)
    (project / "warning_hook.py").write_text(WARNING_HOOK, encoding="utf-8")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "\nhooks:\n  - warning_hook.py\n",
                      encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir",
         str(tmp_path / "site")], cwd=project, env=build_env(), capture_output=True,
        text=True, timeout=300)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "WARNING -  docs/enquetes/une-enquete.md: lien vers un fichier introuvable : " \
           "`absente.md`" in output, output
    assert "1 avertissement(s) ci-dessus : le mode strict refuse de publier le site tant " \
           "qu’ils ne sont pas corrigés." in output, output
    assert "Doc file" not in output and "Aborted with" not in output and "Traceback" \
        not in output, output
    seen = (project / "seen.txt").read_text(encoding="utf-8")
    assert seen.startswith("Doc file 'enquetes/une-enquete.md' contains a link 'absente.md'"), \
        "the portal rewrote MkDocs' log record instead of formatting it"


RAISING_EXTENSION = '''\
from markdown import Extension
from markdown.preprocessors import Preprocessor


class Raising(Preprocessor):
    def run(self, lines):
        raise {kind}("message de l’extension")


class RaisingExtension(Extension):
    def extendMarkdown(self, md):
        md.preprocessors.register(Raising(md), "raising", 10)


def makeExtension(**kwargs):
    return RaisingExtension(**kwargs)
'''


@pytest.mark.parametrize("kind", ["ValueError", "SystemExit"])
def test_zensical_still_prints_an_extensions_exception_with_its_traceback(tmp_path, kind):
    """Why macros/engine/page_extension.py ends a Zensical build with `os._exit(1)` after
    the portal's French message: Zensical prints any exception a Markdown extension raises
    (a `SystemExit` too) as « Python error » with its traceback. When this fails, Zensical
    has learned to stop cleanly: raise instead, and drop the hold."""
    pytest.importorskip("zensical")
    import subprocess
    import sys

    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Essai\n\nTexte.\n", encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: Essai\nmarkdown_extensions:\n  - raising_extension\n", encoding="utf-8")
    (tmp_path / "raising_extension.py").write_text(RAISING_EXTENSION.format(kind=kind),
                                                   encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "zensical", "build", "--clean"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=300)
    output = result.stdout + result.stderr
    assert "message de l’extension" in output, output
    assert "Traceback (most recent call last)" in output, \
        "zensical no longer prints an extension's exception with a traceback: " \
        "os._exit(1) in macros/engine/page_extension.py may go"
