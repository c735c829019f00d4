"""Every command, source key, file and setting a guide shows exists: the `make …` commands
of README.md, CONTRIBUTING.md, MIRRORING.md and service/*.md are targets of the Makefile,
their `[@key]` citations are keys of bibliography/, the repository files they name are in
the repository, and the PORTAL_* variables they name are read by the code. Deliberate
examples (a placeholder key, a file the reader creates) are listed below, each with why."""

from __future__ import annotations

import re
import subprocess

import pytest

from scripts.new_campaign import already_converted
from support.sites import ROOT

GUIDES = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", ROOT / "MIRRORING.md",
          *sorted((ROOT / "service").glob("*.md"))]

# Placeholders that explain the syntax, never meant to be a real source.
EXAMPLE_KEYS = {"cle", "cle1", "cle2", "cle_de_la_source"}
# Files a guide names that the reader creates, or that a command writes.
EXAMPLE_PATHS = {
    "docs/france-travail/les-robots-de-controle-de-france-travail.md",  # make new-article's
    "data/redirections.yml",  # created with the first renamed page
}
SOURCE_FOLDERS = ("docs", "data", "bibliography", "macros", "scripts", "service", "tests",
                  "overrides", "vendor", "linkcheck", "bench", ".github")
CODE = [*ROOT.glob("*.yml"), ROOT / "Makefile", ROOT / ".gitlab-ci.yml",
        *(ROOT / ".github").rglob("*.yml"),
        *(path for folder in ("macros", "scripts", "service", "linkcheck", "bench")
          for path in (ROOT / folder).rglob("*.py"))]

_CITATION = re.compile(r"\[@[\w:-]+(?:,[^\]\n;]*)?(?:;\s*@[\w:-]+(?:,[^\]\n;]*)?)*\]")


def guide_id(path) -> str:
    return path.relative_to(ROOT).as_posix()


def make_targets() -> set[str]:
    return set(re.findall(r"^([a-z][a-z0-9-]*):", (ROOT / "Makefile").read_text(), re.M))


def bib_keys() -> set[str]:
    text = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "bibliography").glob("*.bib"))
    return set(re.findall(r"^@\w+\s*\{\s*([^,\s]+)\s*,", text, re.M))


def commands(text: str) -> set[str]:
    return set(re.findall(r"(?<![\w/-])make ([a-z][a-z0-9-]*)", text))


def citation_keys(text: str) -> set[str]:
    return {key for group in _CITATION.findall(text) for key in re.findall(r"@([\w:-]+)", group)}


def repository_paths(text: str) -> set[str]:
    """Backquoted paths inside the repository's source folders, or its top-level files."""
    found = set()
    for path in re.findall(r"`([^`\s]+)`", text):
        path = path.split("#")[0].rstrip(":")
        if re.search(r"[<>…*{}$=]|NNNN|://", path) or not path:
            continue
        top = path.split("/")[0]
        if top in SOURCE_FOLDERS and "/" in path:
            found.add(path.rstrip("/"))
        elif "/" not in path and (ROOT / path).suffix in (".md", ".yml", ".toml", ".lock") \
                and path[0].isupper() | path.startswith(("mkdocs", "pyproject", "requirements")):
            found.add(path)
    return found


@pytest.mark.parametrize("guide", GUIDES, ids=guide_id)
def test_every_make_command_shown_exists(guide):
    assert commands(guide.read_text(encoding="utf-8")) - make_targets() == set()


# A portal made by make new-campaign keeps the guides of the generator, whose examples come
# from its first portal, the France Travail dossier (README.md says so): its pages, sources
# and data are not this portal's, so only the generator's own files are checked there.
CONVERTED = bool(already_converted(ROOT))
CONTENT_FOLDERS = ("docs", "data", "bibliography", "documents")
first_portal_examples = pytest.mark.skipif(
    CONVERTED, reason="made by make new-campaign: the guides' examples are the first portal's")


@first_portal_examples
@pytest.mark.parametrize("guide", GUIDES, ids=guide_id)
def test_every_source_key_shown_exists(guide):
    assert citation_keys(guide.read_text(encoding="utf-8")) - bib_keys() - EXAMPLE_KEYS == set()


@pytest.mark.parametrize("guide", GUIDES, ids=guide_id)
def test_every_repository_file_shown_exists(guide):
    missing = {path for path in repository_paths(guide.read_text(encoding="utf-8"))
               if not (ROOT / path).exists() and not (guide.parent / path).exists()
               and not (CONVERTED and (path.split("/")[0] in CONTENT_FOLDERS
                                       or path.startswith("tests/content/")))}
    assert missing - EXAMPLE_PATHS == set()


@pytest.mark.parametrize("guide", GUIDES, ids=guide_id)
def test_every_portal_variable_shown_is_read_by_the_code(guide):
    code = "\n".join(path.read_text(encoding="utf-8") for path in CODE if path.is_file())
    named = set(re.findall(r"\bPORTAL_[A-Z_]+\b", guide.read_text(encoding="utf-8")))
    assert {v for v in named if not re.search(rf"\b{v}\b", code)} == set()


@first_portal_examples
def test_the_extractors_find_what_the_guides_show():
    """The extraction itself, on the guides' own sentences (it must not find nothing)."""
    contributing = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    assert {"new-article", "check", "fix-typography", "serve"} <= commands(contributing)
    assert {"cour_des_comptes_2020", "ft_note_dinum_2020"} <= citation_keys(contributing)
    assert citation_keys("Deux sources [@a_1; @b_2, chap. 2] et [un lien](x.md)") == \
        {"a_1", "b_2"}
    assert "data/redirections.yml" in repository_paths(contributing)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert {"scripts/preview.py", "mkdocs.yml", "requirements.lock"} <= repository_paths(readme)
    # And the allow-lists hold only what the guides still show.
    shown = "\n".join(guide.read_text(encoding="utf-8") for guide in GUIDES)
    assert citation_keys(shown) >= EXAMPLE_KEYS
    assert set().union(*(repository_paths(g.read_text(encoding="utf-8"))
                                          for g in GUIDES)) >= EXAMPLE_PATHS


def test_the_settings_table_names_every_variable_the_refusal_names():
    """README's settings table gives, for each setting a publishing build refuses, the
    variable that refusal names (none is « — »)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("| réglage | dans `mkdocs.yml` | variable |", 1)[1].split("\n\n", 1)[0]
    assert "| — |" not in table
    refusals = (ROOT / "macros" / "sitewide" / "placeholders.py").read_text(encoding="utf-8")
    named = set(re.findall(r"\b(PORTAL_[A-Z_]+)\b", refusals)) - {"PORTAL_BUILD"}
    assert len(named) == 11  # README: « a clean publication refusal listing all 11 settings »
    for variable in named:
        assert f"`{variable}`" in table, variable


def test_a_failed_venv_is_explained_in_french(tmp_path):
    """On Debian or Ubuntu without python3-venv, `python3 -m venv` fails: the Makefile says
    which package to install, and leaves no half-made .venv behind."""
    for name in ("Makefile", "requirements.lock", "pyproject.toml"):
        (tmp_path / name).write_bytes((ROOT / name).read_bytes())
    fake = tmp_path / "python3"
    fake.write_text("#!/bin/sh\nmkdir -p .venv/bin\necho 'The virtual environment was not "
                    "created successfully because ensurepip is not available.' >&2\nexit 1\n",
                    encoding="utf-8")
    fake.chmod(0o755)
    result = subprocess.run(["make", "--no-print-directory", ".venv/.installed",
                             f"PYTHON={fake}"], cwd=tmp_path, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode != 0
    assert ("Impossible de créer l’environnement virtuel .venv : sur Debian ou Ubuntu, "
            "installez d’abord le paquet python3-venv (sudo apt-get install python3-venv), "
            "puis relancez la commande.") in result.stderr
    assert not (tmp_path / ".venv").exists()
