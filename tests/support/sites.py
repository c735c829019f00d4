"""Build real sites for tests: the portal itself, and small fixture sites."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[2]
NETGUARD = Path(__file__).resolve().parent / "netguard"


def build_env(**extra: str) -> dict[str, str]:
    """This environment without the organisation's PORTAL_* settings (a test build is a
    local build with the repository's defaults), plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PORTAL_")}
    env.update(NO_MKDOCS_2_WARNING="1", **extra)
    return env


def script(name: str) -> list[str]:
    """The command of scripts/<name>.py, run as a module as the Makefile runs it."""
    return [sys.executable, "-m", f"scripts.{name}"]


def importable(env: dict[str, str] | None = None) -> dict[str, str]:
    """`env` (default: this environment) with the project root on PYTHONPATH, for a script
    run from another folder (a fixture project): from the root, `python -m` finds it."""
    env = dict(os.environ if env is None else env)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (env.get("PYTHONPATH"), str(ROOT)) if p)
    return env


@dataclass
class BuildResult:
    returncode: int
    output: str
    site_dir: Path

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def mkdocs_build(project: Path, site_dir: Path, env: dict[str, str] | None = None,
                 python: str = sys.executable) -> BuildResult:
    result = subprocess.run(
        [python, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site_dir)],
        cwd=project, env=env or build_env(), capture_output=True, text=True, timeout=300,
    )
    return BuildResult(result.returncode, result.stdout + result.stderr, site_dir)


def zensical_build(project: Path, site_dir: Path, env: dict[str, str] | None = None,
                   ) -> BuildResult:
    """The portal built by Zensical and the post-build step, as `make build ENGINE=zensical`
    (scripts/build.py) does it, into `site_dir`."""
    site_dir.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        [sys.executable, "-c", "import sys; from scripts.build import zensical_build; "
         "from pathlib import Path; sys.exit(zensical_build(Path(sys.argv[1]), "
         "Path(sys.argv[2]), None))", str(project / "mkdocs.yml"), str(site_dir)],
        cwd=ROOT, env=env or build_env(), capture_output=True, text=True, timeout=600)
    return BuildResult(result.returncode, result.stdout + result.stderr, site_dir)


def assert_fails_cleanly(result: BuildResult, *expected: str) -> None:
    """The build failed with a message naming each of `expected`, and no traceback."""
    assert not result.ok, result.output
    for english in ("Traceback", "Aborted with", "Error reading page", "premature end"):
        assert english not in result.output, result.output
    for text in expected:
        assert text in result.output, result.output


class Site:
    """Read pages of a built site."""

    def __init__(self, site_dir: Path):
        self.dir = site_dir

    def path(self, url: str) -> Path:
        target = self.dir / url.lstrip("/")
        return target / "index.html" if url.endswith("/") or url == "" else target

    def html(self, url: str) -> str:
        return self.path(url).read_text(encoding="utf-8")

    def soup(self, url: str) -> BeautifulSoup:
        return BeautifulSoup(self.html(url), "html.parser")

    def article(self, url: str):
        return self.soup(url).select_one("article.md-content__inner")

    def pages(self) -> list[Path]:
        return sorted(self.dir.rglob("*.html"))


FIXTURE_BIB = textwrap.dedent("""\
    @book{dubois_2021,
      author = {Dubois, Vincent},
      title = {Contrôler les assistés},
      publisher = {Raisons d’agir},
      date = {2021},
    }
    @report{cour_des_comptes_2020,
      author = {{Cour des comptes}},
      title = {La lutte contre les fraudes aux prestations sociales},
      date = {2020},
    }
    """)

FIXTURE_ARTICLE = textwrap.dedent("""\
    ---
    title: "Une enquête"
    date: 2026-01-15
    authors:
      - Équipe du portail
    summary: "Résumé."
    tags:
      - test
    ---

    Un fait [@dubois_2021].
    """)


def leave_out_of_nav(project: Path, pattern: str) -> None:
    """Add `pattern` (e.g. `/agir/*.md`) to the fixture's `not_in_nav`: pages the build
    otherwise refuses as missing from the navigation."""
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "/enquetes/*.md\n", f"/enquetes/*.md\n  {pattern}\n", 1), encoding="utf-8")


def make_site(tmp: Path, docs: dict[str, str] | None = None,
              bib: dict[str, str] | None = None, data: dict[str, str] | None = None) -> Path:
    """A small project using the portal's real configuration, macros and theme.

    `docs` and `bib` replace the default fixture files (name -> text; None deletes);
    `data` adds files to the project's data/ folder (chart tables and metadata).
    """
    project = tmp / "project"
    (project / "docs" / "enquetes").mkdir(parents=True)
    (project / "bibliography").mkdir()
    for name in ("macros", "overrides"):
        (project / name).symlink_to(ROOT / name)
    # Chart modules of the fixture's own (tests/fixtures/charts/, whatever the campaign's
    # are), copied: a test may add its own beside them.
    shutil.copytree(Path(__file__).resolve().parents[1] / "fixtures" / "charts",
                    project / "charts", ignore=shutil.ignore_patterns("__pycache__", "*.csv",
                                                                     "*.yml", "*.bib", "*.md"))
    (project / "mkdocs.yml").write_text(textwrap.dedent(f"""\
        INHERIT: {ROOT / "mkdocs.yml"}
        site_url: https://fixture.example.org/
        nav:
          - Accueil: index.md
          - Enquêtes: enquetes/index.md
          - Sources: sources.md
        not_in_nav: |
          /enquetes/*.md
          /rechercher.md
        extra:
          dossiers:
            - enquetes
          bibliography_dir: bibliography
        """), encoding="utf-8")
    files = {
        "index.md": "---\ntitle: Accueil\n---\n\nBienvenue.\n",
        "enquetes/index.md": '---\ntitle: Enquêtes\n---\n\n{{ investigations("enquetes") }}\n',
        "sources.md": "---\ntitle: Sources\n---\n\n{{ bibliography() }}\n",
        "enquetes/une-enquete.md": FIXTURE_ARTICLE,
        # The header's search form leads here: part of the theme, like overrides/.
        "rechercher.md": (ROOT / "docs" / "rechercher.md").read_text(encoding="utf-8"),
    }
    files.update(docs or {})
    bibs = {"sources.bib": FIXTURE_BIB}
    bibs.update(bib or {})
    for folder, entries in (("docs", files), ("bibliography", bibs), ("data", data or {})):
        for name, text in entries.items():
            if text is not None:
                target = project / folder / name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text, encoding="utf-8")
    return project
