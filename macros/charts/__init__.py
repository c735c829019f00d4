"""Charts from data: `{{ chart("<chart-id>") }}` in Markdown.

`data/<chart-id>.csv` holds the table, `data/<chart-id>.yml` its metadata, and
`charts/<chart-id>.py` (the campaign's content, `extra.charts_dir`) builds the Altair chart
with the kit of this room: its public face below (the colours, the chart ids, the checks).
The chart is rendered at build time to inline SVG (cached under `.cache/charts/`), and the
CSV and the Vega-Lite spec are published under `donnees/` for download and for the
interactive version.
"""

from __future__ import annotations

import functools
import json
import multiprocessing
import shutil
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from common.config import CHARTS_DIR

from ..floor.errors import ContentError, Problem, raise_if_any
from ._dataset import Metadata, Table, has_row_sources, read_metadata, read_table
from ._figure import figure_html
from ._registry import CHART_ID, chart_ids, load_chart_module, module_label, unknown_chart
from ._render import (
    LOCALE,
    RenderCache,
    cache_key,
    draw,
    drawing_problem,
    failure_reason,
    library_versions,
    module_line,
    render_cached,
    vega_lite_spec,
)
from ._style import CAMPAIGN, CAMPAIGN_TINT, GRID, INK, SECONDARY, Colour

# The public face of the room: what scripts and the other rooms use (the `_` modules are
# its own business).
__all__ = [
    "CAMPAIGN",
    "CAMPAIGN_TINT",
    "CHART_ID",
    "GRID",
    "INK",
    "KIT_DIR",
    "SECONDARY",
    "SITE_FOLDER",
    "Charts",
    "Colour",
    "build_spec",
    "chart_ids",
    "check_chart",
    "checked_files",
    "is_chart_id",
    "module_label",
    "source_label",
    "unknown_chart",
]

KIT_DIR = Path(__file__).resolve().parent  # the kit's own code (the `_` modules)
SITE_FOLDER = "donnees"  # where the CSV files and specs are published in the site
SCRIPT = "assets/charts.js"  # from overrides/: shows the « Version interactive » buttons
_SHARED_CODE = ("_style.py", "_render.py")  # code whose change alters every SVG
# Code whose change may alter what a chart check finds.
_CHECKED_CODE = ("_style.py", "_render.py", "_dataset.py", "_registry.py")
# Fewer charts to draw than this: drawn where they are used. Starting a drawing process
# costs about as much as drawing a few charts here.
PRERENDER_MIN = 8


def source_label(source) -> str:
    """`La Quadrature du Net, 2024`: who and when, the note gives the rest."""
    who = (source.authors[0] if source.authors else
           source.fields.get("institution") or source.fields.get("journaltitle") or
           source.fields.get("title", source.key))
    return f"{who}, {source.date.year}" if source.date else who


@dataclass
class _Prepared:
    module: ModuleType
    meta: Metadata
    table: Table
    csv_path: Path
    key: str
    colours: Mapping[str, str] = field(default_factory=dict)

    def spec(self) -> dict:
        return build_spec(self.module, self.table.rows, self.colours)


def build_spec(module: ModuleType, rows: Iterable[dict],
               colours: Mapping[str, str] | None = None) -> dict:
    return vega_lite_spec(module.build([dict(row) for row in rows]), colours)


def _draw_apart(chart_id: str, charts_dir: Path, rows: tuple[dict, ...],
                colours: Mapping[str, str]):
    """Run in the drawing process: the spec is built there too (Altair validates it, which
    costs nearly as much as drawing), so the build only hands over the typed rows."""
    return draw(chart_id, lambda: build_spec(load_chart_module(chart_id, charts_dir), rows,
                                             colours), charts_dir / f"{chart_id}.py")


@dataclass
class Charts:
    root: Path  # the project folder: data/ and .cache/ are found here
    sources: Mapping
    charts_dir: Path | None = None  # the chart modules: root / charts/ unless given
    # The kit's campaign colours -> the campaign's (`extra.campaign.colors`), lower case.
    colours: Mapping[str, str] = field(default_factory=dict)
    published: dict[str, dict] = field(default_factory=dict)  # chart id -> spec
    pages_with_script: set[str] = field(default_factory=set)
    drawing: dict[str, Future] = field(default_factory=dict)  # key -> `draw`'s answer
    # Module, data and cache key of each chart, read once per build (prerender, then figure).
    prepared: dict[str, _Prepared] = field(default_factory=dict)
    drawn: int = 0  # charts this object drew in this process (a rebuild from the cache: 0)

    @property
    def folder(self) -> Path:
        return self.charts_dir or self.root / CHARTS_DIR

    # Read once per build, not once per chart.
    @functools.cached_property
    def _known(self) -> list[str]:
        return chart_ids(self.folder)

    @functools.cached_property
    def _shared_code(self) -> list[bytes]:
        return [(KIT_DIR / name).read_bytes() for name in _SHARED_CODE]

    @property
    def cache(self) -> RenderCache:
        return RenderCache(self.root / ".cache" / "charts")

    def _prepare(self, chart_id: str, page_path: str = "", page_line: int | None = None,
                 ) -> _Prepared:
        if chart_id in self.prepared:
            return self.prepared[chart_id]
        known = self._known
        if chart_id not in known:
            raise_if_any([unknown_chart(chart_id, known, page_path, page_line, self.root,
                                        self.folder)])
        module = load_chart_module(chart_id, self.folder)
        csv_path = self.root / "data" / f"{chart_id}.csv"
        meta_path = csv_path.with_suffix(".yml")
        meta = read_metadata(meta_path, f"data/{chart_id}.yml", self.sources,
                             row_sources=has_row_sources(module.COLUMNS))
        table = read_table(csv_path, f"data/{chart_id}.csv", module.COLUMNS, self.sources)
        key = self.drawing_key(chart_id, module)
        self.prepared[chart_id] = _Prepared(module, meta, table, csv_path, key,
                                            dict(self.colours))
        return self.prepared[chart_id]

    def drawing_key(self, chart_id: str, module: ModuleType) -> str:
        """The drawing's cache key: data, metadata, the module, shared code, libraries."""
        csv_path = self.root / "data" / f"{chart_id}.csv"
        return cache_key(chart_id.encode(), csv_path.read_bytes(),
                         csv_path.with_suffix(".yml").read_bytes(),
                         Path(module.__file__).read_bytes(), *self._shared_code,
                         library_versions().encode(),
                         json.dumps(sorted(self.colours.items())).encode())

    def prerender(self, ids: Iterable[str], minimum: int = PRERENDER_MIN) -> None:
        """Start drawing, in a second process, the charts the cache lacks, in the order
        given (that of the pages): the build goes on meanwhile, and `figure` takes each SVG
        when its page comes. vl-convert holds Python's lock while it draws, so a thread
        would not run beside the build; a process does, on another core."""
        todo = []
        for chart_id in ids:
            try:
                prepared = self._prepare(chart_id)
                if not self.cache.has(prepared.key):
                    todo.append((chart_id, prepared))
            except Exception:
                continue
        if len(todo) < minimum:
            return
        # "spawn": a clean process, not a copy of this one and of its threads (Pagefind's).
        pool = ProcessPoolExecutor(max_workers=1,
                                   mp_context=multiprocessing.get_context("spawn"))
        for chart_id, prepared in todo:
            self.drawing[prepared.key] = pool.submit(_draw_apart, chart_id, self.folder,
                                                     prepared.table.rows, dict(self.colours))
        pool.shutdown(wait=False)  # the process ends once the queue is drawn

    def figure(self, chart_id: str, page_path: str, page_line: int | None,
               url_for: Callable[[str], str], words: Callable[[str], str] = str,
               lang: str = "fr") -> str:
        """The figure's HTML; `url_for` turns a site path into a URL relative to the page;
        `words`, `lang`: the page's gettext and language (the figure's own words)."""
        prepared = self._prepare(chart_id, page_path, page_line)
        rendered = render_cached(self.cache, prepared.key, chart_id, prepared.spec,
                                 self.drawing.pop(prepared.key, None),
                                 Path(prepared.module.__file__),
                                 module_label(self.folder, chart_id))
        self.drawn += rendered.drawn_here
        self.published[chart_id] = rendered.spec
        first_on_page = page_path not in self.pages_with_script
        self.pages_with_script.add(page_path)
        return figure_html(
            chart_id, prepared.meta, prepared.table, prepared.module.COLUMNS,
            getattr(prepared.module, "LABELS", {}), rendered.svg,
            source_label(self.sources[prepared.meta.source]) if prepared.meta.source else "",
            csv_url=url_for(f"{SITE_FOLDER}/{chart_id}.csv"),
            csv_bytes=prepared.csv_path.stat().st_size,
            spec_url=url_for(f"{SITE_FOLDER}/{chart_id}.vl.json"),
            script_url=url_for(SCRIPT) if first_on_page else None, _=words, lang=lang)

    def publish(self, site_dir: Path, shown: Iterable[str] = ()) -> None:
        """The CSV (for download) and the spec (for the interactive version) of every chart
        shown on a page: those drawn by this process, and `shown` (the post-build step of
        another engine's build, whose pages were drawn in that engine's process)."""
        for chart_id in shown:
            if chart_id not in self.published:
                prepared = self._prepare(chart_id)
                rendered = render_cached(
                    self.cache, prepared.key, chart_id, prepared.spec,
                    self.drawing.pop(prepared.key, None), Path(prepared.module.__file__),
                    module_label(self.folder, chart_id))
                self.drawn += rendered.drawn_here
                self.published[chart_id] = rendered.spec
        if not self.published:
            return
        import vl_convert

        locales = {"formatLocale": vl_convert.get_format_locale(LOCALE),
                   "timeFormatLocale": vl_convert.get_time_format_locale(LOCALE)}
        folder = site_dir / SITE_FOLDER
        folder.mkdir(parents=True, exist_ok=True)
        for chart_id, spec in sorted(self.published.items()):
            shutil.copyfile(self.root / "data" / f"{chart_id}.csv", folder / f"{chart_id}.csv")
            (folder / f"{chart_id}.vl.json").write_text(
                json.dumps({"spec": spec, **locales}, ensure_ascii=False, sort_keys=True),
                encoding="utf-8")


def is_chart_id(text: str) -> bool:
    """A chart id as `make new-chart` accepts it: lower-case words joined by hyphens."""
    return bool(CHART_ID.match(text))


def checked_files(chart_id: str, root: Path, charts_dir: Path) -> list[Path]:
    """The files whose change may change what `check_chart` finds for `chart_id`."""
    return [charts_dir / f"{chart_id}.py", *(KIT_DIR / name for name in _CHECKED_CODE),
            root / "data" / f"{chart_id}.csv", root / "data" / f"{chart_id}.yml"]


def _caught(read: Callable, problems: list[Problem]):
    try:
        return read()
    except ContentError as error:
        problems += error.problems
        return None


def check_chart(chart_id: str, root: Path, sources: Mapping, charts_dir: Path,
                draft_specs: bool = False, colours: Mapping[str, str] | None = None,
                ) -> list[Problem]:
    """A known chart's module, table and metadata, read as the build reads them.
    `draft_specs`: also run the module's build(rows) when its drawing is not cached (what
    the build does; a cached drawing was made from the same code and data)."""
    problems: list[Problem] = []
    module = _caught(lambda: load_chart_module(chart_id, charts_dir), problems)
    meta = _caught(lambda: read_metadata(
        root / "data" / f"{chart_id}.yml", f"data/{chart_id}.yml", sources,
        row_sources=bool(module) and has_row_sources(module.COLUMNS)), problems)
    table = module and _caught(lambda: read_table(
        root / "data" / f"{chart_id}.csv", f"data/{chart_id}.csv", module.COLUMNS, sources),
        problems)
    if draft_specs and module and meta and table:
        problems += _spec_problems(chart_id, module, table, root, charts_dir, colours or {})
    return problems


def _spec_problems(chart_id: str, module: ModuleType, table: Table, root: Path,
                   charts_dir: Path, colours: Mapping[str, str]) -> list[Problem]:
    charts = Charts(root, {}, charts_dir, colours=dict(colours))
    try:
        key = charts.drawing_key(chart_id, module)
    except OSError:
        key = None
    if key and charts.cache.has(key):
        return []
    # The spec only (Altair validates it); drawing the SVG is left to the build.
    try:
        build_spec(module, table.rows, colours)
    except Exception as error:
        line = module_line(error, charts_dir / f"{chart_id}.py")
        return [drawing_problem(module_label(charts_dir, chart_id), failure_reason(error),
                                line)]
    return []
