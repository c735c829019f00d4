"""Fixture sites with the portal's real charts: real data/ files and real bibliography."""

from __future__ import annotations

from pathlib import Path

from support.sites import FIXTURE_ARTICLE, ROOT, make_site

CHARTS = ("chronologie-controle-algorithmique", "fraude-sociale-fiscale",
          "insee-demarches-en-ligne")
PAGE = "enquetes/une-enquete.md"


def real_data(*chart_ids: str) -> dict[str, str]:
    return {f"{chart_id}{suffix}": (ROOT / "data" / f"{chart_id}{suffix}").read_text("utf-8")
            for chart_id in chart_ids for suffix in (".csv", ".yml")}


def real_bibliography() -> dict[str, str]:
    return {path.name: path.read_text("utf-8") for path in (ROOT / "bibliography").glob("*.bib")}


def chart_page(*chart_ids: str) -> str:
    calls = "\n\n".join(f'{{{{ chart("{chart_id}") }}}}' for chart_id in chart_ids)
    return FIXTURE_ARTICLE + f"\nLes graphiques.\n\n{calls}\n\nFin de l’enquête.\n"


def chart_site(tmp: Path, chart_ids=CHARTS, data: dict[str, str | None] | None = None,
               page: str | None = None) -> Path:
    """A fixture project whose investigation shows `chart_ids`; `data` overrides files."""
    files = real_data(*CHARTS)
    files.update(data or {})
    project = make_site(tmp, docs={PAGE: page or chart_page(*chart_ids)},
                        bib={"sources.bib": None, **real_bibliography()},
                        data={k: v for k, v in files.items() if v is not None})
    return project
