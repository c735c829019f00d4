"""What this portal's content is, read from its configuration and its files, for the tests
of the content: the dossiers, the investigations, the example addresses, the petition's.

A portal made by `make new-campaign` has other dossiers, pages and addresses: its tests
read them here, never a France Travail name written in a test.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import yaml

from common.config import PortalConfig
from support.sites import ROOT

# The repository's defaults (the tests' builds drop the PORTAL_* variables).
CONFIG = PortalConfig.read(ROOT / "mkdocs.yml",
                           {k: v for k, v in os.environ.items() if not k.startswith("PORTAL_")})
DOSSIERS: tuple[str, ...] = CONFIG.dossiers
DOSSIER = DOSSIERS[0]          # the first dossier: what the home page leads to
SITE_URL = CONFIG.site_url     # the example address, ends with "/"
REPO_URL = CONFIG.repo_url
PETITION_FILE = ROOT / "data" / "petition.yml"


def petition() -> dict:
    return yaml.safe_load(PETITION_FILE.read_text(encoding="utf-8")) or {}


SERVICE_URL: str = str((petition().get("service") or {}).get("url") or "")


def investigations(dossier: str | None = None) -> list[Path]:
    """The investigations' sources (docs/<dossier>/*.md but the index), sorted."""
    return sorted(path for d in ((dossier,) if dossier else DOSSIERS)
                  for path in (ROOT / "docs" / d).glob("*.md") if path.name != "index.md")


def investigation_urls(dossier: str | None = None) -> list[str]:
    """Their site-relative addresses (`dossier/page.html`)."""
    return [p.relative_to(ROOT / "docs").with_suffix(".html").as_posix()
            for p in investigations(dossier)]


def chart_ids() -> list[str]:
    """The charts this portal has (a module and its data)."""
    from macros.charts import chart_ids as ids

    return [i for i in ids(ROOT / CONFIG.charts_dir) if (ROOT / "data" / f"{i}.csv").exists()]


def filled_in(text: str) -> str:
    """`text` with the skeleton's « À REMPLIR » written over, as a campaign does before
    publishing (a portal just made by make new-campaign still has them)."""
    return text.replace("À REMPLIR\u00a0: ", "Texte, ").replace("À REMPLIR", "Texte")


def main_investigation() -> str:
    """The richest investigation, the page tests read: one with a right of reply if any,
    then the one that cites the most (notes, sources)."""
    def richness(path: Path) -> tuple[bool, int]:
        text = path.read_text(encoding="utf-8")
        return "\nreply:" in text, text.count("[@")

    best = max(investigations(), key=richness)
    return best.relative_to(ROOT / "docs").with_suffix(".html").as_posix()


CHART_CALL = re.compile(r"""\{\{\s*chart\(\s*["']([^"']+)["']""")


def chart_pages() -> dict[str, list[str]]:
    """Each page showing charts (site-relative `.html`) -> the charts it shows, in order."""
    found = {}
    for path in sorted((ROOT / "docs").rglob("*.md")):
        ids = CHART_CALL.findall(path.read_text(encoding="utf-8"))
        if ids:
            found[path.relative_to(ROOT / "docs").with_suffix(".html").as_posix()] = ids
    return found


def first_investigation_word() -> str:
    """A word the search must find: the longest of the first investigation's title."""
    title = str(yaml.safe_load(investigations()[0].read_text(encoding="utf-8")
                               .split("---")[1])["title"])
    return max(re.findall(r"\w+", title), key=len)


def first_goal() -> int:
    goal = petition()["goal"]
    return int(goal[0] if isinstance(goal, list) else goal)


def progress_label() -> str:
    """The petition's bar label as built from the repository (count 0, its first goal)."""
    from macros.floor.french import format_date

    day = petition()["count_date"]
    goal = f"{first_goal():,}".replace(",", "\u202f")
    return (f"0 signature sur un objectif de {goal}, au "
            + format_date(day.year, day.month, day.day))


# -- The English edition (docs/en/, issue 29) ------------------------------------------------

DOCS = ROOT / "docs"
# A portal has an English edition once its home page is written (macros/floor/language.py);
# a portal just made by make new-campaign has none (CONTRIBUTING.md, « Traduire une page »).
HAS_ENGLISH = (DOCS / "en" / "index.md").is_file()
NO_ENGLISH = ("ce portail n’a pas (encore) d’édition anglaise : docs/en/index.md n’existe "
              "pas (CONTRIBUTING.md, « Traduire une page »)")


def english_urls() -> list[str]:
    """The English edition's pages (docs/en/**.md but its 404), site-relative `.html`."""
    return sorted(p.relative_to(DOCS).with_suffix(".html").as_posix()
                  for p in (DOCS / "en").rglob("*.md") if p.name != "404.md")


def translated_investigation() -> str:
    """An investigation that has its English page (`dossier/page.html`, the French one): the
    richest such (main_investigation's order), so that the tests see notes and sources."""
    def richness(path: Path) -> tuple[bool, int]:
        text = path.read_text(encoding="utf-8")
        return "\nreply:" in text, text.count("[@")

    found = [p for p in investigations() if (DOCS / "en" / p.relative_to(DOCS)).is_file()]
    assert found, "no investigation of the dossiers has its English page under docs/en/"
    return max(found, key=richness).relative_to(DOCS).with_suffix(".html").as_posix()


def french_only_investigation() -> str:
    """An investigation not yet translated (`dossier/page.html`), else any French page."""
    pages = investigations() + sorted(p for p in DOCS.rglob("*.md")
                                      if p.relative_to(DOCS).parts[0] != "en")
    for path in pages:
        if not (DOCS / "en" / path.relative_to(DOCS)).is_file():
            return path.relative_to(DOCS).with_suffix(".html").as_posix()
    raise AssertionError("every page of docs/ has its English page")


def front_matter(url: str) -> dict:
    """The front matter of the page built at `url` (site-relative `.html`)."""
    text = (DOCS / url).with_suffix(".md").read_text(encoding="utf-8")
    if not text.startswith("---"):
        return {}
    return yaml.safe_load(text.split("---")[1]) or {}
