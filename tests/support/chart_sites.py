"""Fixture sites with charts of their own: tests/fixtures/charts/ holds three charts (table,
sheet, module: copies of the France Travail dossier's, which a new campaign no longer has)
and the sources they cite. The chart kit's tests read them, never the portal's content."""

from __future__ import annotations

import shutil
from pathlib import Path

from support.sites import FIXTURE_ARTICLE, ROOT, make_site

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "charts"
CHARTS = ("chronologie-controle-algorithmique", "fraude-sociale-fiscale",
          "insee-demarches-en-ligne")
PAGE = "enquetes/une-enquete.md"
KIT = ROOT / "macros" / "charts"  # the chart kit: its `_*.py` modules


def real_data(*chart_ids: str) -> dict[str, str]:
    """The fixture charts' tables and sheets (named so since they were the portal's)."""
    return {f"{chart_id}{suffix}": (FIXTURES / f"{chart_id}{suffix}").read_text("utf-8")
            for chart_id in chart_ids for suffix in (".csv", ".yml")}


def real_bibliography() -> dict[str, str]:
    return {"sources.bib": (FIXTURES / "sources.bib").read_text("utf-8")}


def fixture_sources():
    from macros.citations.sources import load_sources

    return load_sources(FIXTURES, FIXTURES)


def charts_dir(tmp: Path) -> Path:
    """A folder with the chart kit and the fixture charts' modules, for `Charts(…,
    charts_dir=…)` and `load_chart_module(…, charts_dir)`."""
    folder = tmp / "charts-kit"
    folder.mkdir(parents=True, exist_ok=True)
    for path in KIT.glob("_*.py"):
        shutil.copy(path, folder / path.name)
    for chart_id in CHARTS:
        shutil.copy(FIXTURES / f"{chart_id}.py", folder / f"{chart_id}.py")
    return folder


def chart_page(*chart_ids: str) -> str:
    calls = "\n\n".join(f'{{{{ chart("{chart_id}") }}}}' for chart_id in chart_ids)
    return FIXTURE_ARTICLE + f"\nLes graphiques.\n\n{calls}\n\nFin de l’enquête.\n"


def chart_site(tmp: Path, chart_ids=CHARTS, data: dict[str, str | None] | None = None,
               page: str | None = None) -> Path:
    """A fixture project whose investigation shows `chart_ids`; `data` overrides files.
    The modules are written to the project's charts/ folder, where a portal keeps them."""
    files = real_data(*CHARTS)
    files.update(data or {})
    project = make_site(tmp, docs={PAGE: page or chart_page(*chart_ids)},
                        bib=real_bibliography(),
                        data={k: v for k, v in files.items() if v is not None})
    (project / "charts").mkdir(exist_ok=True)
    for chart_id in CHARTS:
        shutil.copy(FIXTURES / f"{chart_id}.py", project / "charts" / f"{chart_id}.py")
    return project
