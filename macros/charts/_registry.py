"""Find the chart modules: every `<charts folder>/<chart-id>.py` not starting with `_`, the
charts folder being the campaign's content (`charts/` beside `data/`, `extra.charts_dir`).

A chart module declares `COLUMNS` (CSV column -> kind, see _dataset.KINDS) and
`build(rows) -> alt.Chart`, and takes the kit's colours from the public face of this room
(`from macros.charts import CAMPAIGN, INK`). File names may hold hyphens, so modules are
loaded by path.
"""

from __future__ import annotations

import importlib.util
import re
import sys
import traceback
from pathlib import Path
from types import ModuleType

from ..floor.errors import Problem, did_you_mean, raise_if_any
from ._dataset import KINDS

CHART_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def chart_ids(charts_dir: Path) -> list[str]:
    return sorted(p.stem for p in charts_dir.glob("*.py") if CHART_ID.match(p.stem))


def module_label(charts_dir: Path, chart_id: str) -> str:
    """How messages name a chart module: from the project's root (`charts/<id>.py`), the
    charts folder sitting in the project's root or below it."""
    path = charts_dir / f"{chart_id}.py"
    for parent in [charts_dir, *charts_dir.parents]:
        if (parent / "mkdocs.yml").is_file():
            return path.relative_to(parent).as_posix()
    return path.as_posix()


def load_chart_module(chart_id: str, charts_dir: Path) -> ModuleType:
    path = charts_dir / f"{chart_id}.py"
    # A name of its own (content, not a module of this package).
    name = f"portal_chart_{chart_id.replace('-', '_')}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    label = module_label(charts_dir, chart_id)
    try:
        spec.loader.exec_module(module)
    except SyntaxError as error:
        raise_if_any([Problem(label, f"erreur de syntaxe Python : « {(error.text or '').strip()} »",
                              error.lineno, "vérifiez parenthèses, deux-points et indentation "
                              "de cette ligne (partez du modèle : make new-chart)",
                              column=error.offset)])
    except Exception as error:
        problem = module_problem(error, path, label, "au chargement du module")
        if isinstance(error, ImportError) and "relative import" in str(error):
            problem = Problem(label, problem.message, problem.line,
                              "un graphique prend les couleurs du kit par `from macros.charts "
                              "import CAMPAIGN, INK` (et non `from ._style import …`)")
        raise_if_any([problem])
    columns = getattr(module, "COLUMNS", None)
    problems = []
    if not isinstance(columns, dict) or not callable(getattr(module, "build", None)):
        problems.append(Problem(label, "un module de graphique définit COLUMNS (dict) et "
                                       "build(rows)", hint="partez du modèle : make new-chart"))
    else:
        problems += [Problem(label, f"type de colonne inconnu `{kind}` pour `{name}`",
                             hint="types possibles : " + ", ".join(KINDS))
                     for name, kind in columns.items() if kind not in KINDS]
    raise_if_any(problems)
    return module


def module_problem(error: BaseException, path: Path, label: str, when: str) -> Problem:
    """A Python error raised by a chart module, with the line of the module it came from."""
    line = None
    for frame in traceback.extract_tb(error.__traceback__):
        if Path(frame.filename).resolve() == path.resolve():
            line = frame.lineno
    reason = " ".join(str(error).split())[:200] or type(error).__name__
    return Problem(label, f"erreur Python {when} : {type(error).__name__} « {reason} »", line,
                   "corrigez cette ligne du module ; build(rows) ne lit que les colonnes "
                   "déclarées dans COLUMNS")


def unknown_chart(chart_id: str, known: list[str], page_path: str, line: int | None,
                  root: Path, charts_dir: Path) -> Problem:
    """A page shows a chart that has no module (the check and the build say it alike)."""
    if (root / "data" / f"{chart_id}.csv").exists():
        hint = (f"data/{chart_id}.csv existe mais pas son module : ajoutez "
                f"{module_label(charts_dir, chart_id)} (voir CONTRIBUTING.md, « Ajouter un "
                "graphique »)")
    else:
        hint = did_you_mean(chart_id, known, "graphiques connus") or \
            f"créez-le : make new-chart ID={chart_id}"
    return Problem(page_path, f"graphique inconnu `{chart_id}`", line, hint)
