"""Build the synthetic portal, its baseline and the other engines, measure, and report.

Each build is a child process (`python -m mkdocs build --strict`, or the engine's own
command, bench/engines.py): wall time is measured around it, peak memory is the child's own
`ru_maxrss` (os.wait4). Every build is checked complete (one HTML page per Markdown page).
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from . import generate, preview
from .engines import (
    ENGINE_VARIANTS,
    ENGINES,
    LABELS,
    Job,
    check_built,
    engine_jobs,
    engine_ratios,
    engine_versions,
    html_pages,
    mkdocs_command,
)

# Targets of issue 10, checked at the largest N.
TARGETS = {
    "ratio_cold_max": 1.15,
    "ratio_warm_max": 1.05,
    "ms_per_page_growth_max": 1.2,   # ms/page at the largest N / ms/page at the smallest
    "page_html_max_bytes": 40_000,
    "citation_speedup_min": 2.0,     # mkdocs-bibtex time / our time
    "investigation_first_load_max_gzip": 55_000,  # issue 18: everything a first visit loads
    "preview_max_seconds": 2.0,      # a saved investigation shown by make serve (preview.py)
}
# The portal's caches, relative to the project: chart SVGs and the search bundle.
CACHE_DIR, CHART_CACHE_DIR = ".cache", ".cache/charts"
# The builds of one repetition, in this order, and what is emptied before each. Every
# repetition runs all of them in turn, so a change of load on a shared machine weighs on
# each variant alike (series run one after another were skewed by it).
VARIANTS = {
    "baseline": (),
    "baseline_no_search": (),            # the same, Material's search plugin off (information)
    "portal_first": (CACHE_DIR,),        # every cache emptied: a first build, a fresh clone
    "portal_cold": (CHART_CACHE_DIR,),   # chart cache emptied (the "cold")
    "portal_warm": (),                   # caches kept: a rebuild of unchanged content
}
SAMPLE_PAGE = f"{generate.DOSSIER}/{generate.slug(1)}.html"
# One page of each kind readers meet, for the first-load weight by page type (issue 18).
PAGE_KINDS = {"accueil": "index.html", "dossier": f"{generate.DOSSIER}/index.html",
              "enquete": SAMPLE_PAGE, "sources": "sources.html"}
NO_SEARCH_CONFIG = "mkdocs-no-search.yml"  # in the baseline project


# ---------------------------------------------------------------------------
# Builds
# ---------------------------------------------------------------------------

@dataclass
class Build:
    seconds: float      # wall time
    cpu_seconds: float  # user + system time of the child: steadier on a shared machine
    peak_mb: float
    chart_renders: int = 0  # charts drawn by vl-convert (not served from the cache)
    search_cached: bool = False  # the search bundle came from the cache (Pagefind idle)


# The lines macros/charts/_render.py and macros/sitewide/search.py log.
_RENDERED = re.compile(r"graphique `[^`]+` rendu en SVG")
_SEARCH_CACHED = "index de recherche repris du cache"


def build_once(job: Job) -> Build:
    """One build into an emptied site folder, in a child process."""
    shutil.rmtree(job.site, ignore_errors=True)
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    log = job.site.parent / f"{job.site.name}.log"
    with log.open("w") as out:
        start = time.perf_counter()
        child = subprocess.Popen(job.command, cwd=job.project, env=env, stdout=out,
                                 stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        tail = log.read_text(encoding="utf-8", errors="replace")[-3000:]
        raise RuntimeError(f"build of {job.project} failed ({child.returncode}):\n{tail}")
    text = log.read_text(encoding="utf-8", errors="replace")
    # ru_maxrss is in KiB on Linux; the times include the children waited for (Pagefind)
    return Build(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024,
                 len(_RENDERED.findall(text)), _SEARCH_CACHED in text)


def summary(values: list[float]) -> dict:
    return {"median": statistics.median(values), "min": min(values), "max": max(values),
            "runs": values}


def measure(jobs: dict[str, Job], repeats: int, warmup: int, pages: int,
            n: int) -> dict[str, dict]:
    """Every build of `jobs` run once per repetition, in turn; each checked complete."""
    builds: dict[str, list[Build]] = {variant: [] for variant in jobs}
    for run in range(warmup + repeats):
        for variant, job in jobs.items():
            for folder in job.emptied:
                shutil.rmtree(job.project / folder, ignore_errors=True)
            build = build_once(job)
            check_built(job, n, variant)
            if run >= warmup:
                builds[variant].append(build)
    return {variant: _variant_report(done, pages, jobs[variant].emptied)
            for variant, done in builds.items()}


def _variant_report(builds: list[Build], pages: int, emptied: tuple[str, ...]) -> dict:
    seconds = summary([b.seconds for b in builds])
    return {
        "seconds": seconds,
        "cpu_seconds": summary([b.cpu_seconds for b in builds]),
        "ms_per_page": {k: v * 1000 / pages for k, v in seconds.items() if k != "runs"},
        "peak_mb": summary([b.peak_mb for b in builds]),
        "emptied_before_each_build": list(emptied),
        "chart_renders": [b.chart_renders for b in builds],
        "search_from_cache": [b.search_cached for b in builds],
    }


# ---------------------------------------------------------------------------
# What a reader downloads
# ---------------------------------------------------------------------------

class _Assets(HTMLParser):
    """Stylesheets, scripts, images and icons a page references, and Material's config."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []
        self.config = ""
        self._in_config = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        rel = (a.get("rel") or "").split()
        if tag == "link" and ({"stylesheet", "icon", "preload", "modulepreload"} & set(rel)):
            self.urls.append(a.get("href") or "")
        elif tag in ("script", "img") and a.get("src"):
            self.urls.append(a["src"])
        self._in_config = tag == "script" and a.get("id") == "__config"

    def handle_data(self, data):
        if self._in_config:
            self.config += data

    def handle_endtag(self, tag):
        self._in_config = False


def gzip_size(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6))


def _local(site: Path, page_url: str, ref: str) -> Path | None:
    parts = urlsplit(urljoin(page_url, ref))
    if parts.scheme not in ("", "file") or parts.netloc:
        return None
    path = site / parts.path.lstrip("/")
    return path if path.is_file() else None


_CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")


def first_load(site: Path, page_url: str) -> dict:
    """Bytes (gzip, as a server sends them) of a page and everything it loads at once.

    Material's lunr search starts a worker on page load that fetches
    search/search_index.json at once: both count in the first load.
    """
    parser = _Assets()
    html = (site / page_url).read_bytes()
    parser.feed(html.decode("utf-8"))
    files: dict[str, int] = {page_url: gzip_size(html)}
    queue = [(page_url, ref) for ref in parser.urls]
    while queue:
        base, ref = queue.pop()
        path = _local(site, base, ref)
        if path is None:
            continue
        rel = path.relative_to(site).as_posix()
        if rel in files:
            continue
        data = path.read_bytes()
        files[rel] = gzip_size(data)
        if rel.endswith(".css"):  # fonts and images referenced by the stylesheet
            queue += [(rel, u) for u in _CSS_URL.findall(data.decode("utf-8", "replace"))
                      if not u.startswith("data:")]
    search_index = None
    if parser.config:
        config = json.loads(parser.config)
        worker = config.get("search")
        index = site / "search" / "search_index.json"
        if worker and index.is_file():
            worker_path = _local(site, urljoin(page_url, config.get("base", ".") + "/"), worker)
            if worker_path:
                files[worker_path.relative_to(site).as_posix()] = \
                    gzip_size(worker_path.read_bytes())
            files["search/search_index.json"] = gzip_size(index.read_bytes())
            search_index = "search/search_index.json"
    return {"gzip_bytes": sum(files.values()), "files": files,
            "search_index_on_load": search_index is not None}


def first_search(site: Path, loaded: dict) -> dict:
    """Bytes added by a reader's first query, beyond the first page load."""
    pagefind = site / "pagefind"
    if pagefind.is_dir():
        def size(path: Path) -> int:
            data = path.read_bytes()  # Pagefind's pf_* files are already gzip-compressed
            compressed = path.suffix.startswith(".pf") or path.suffix == ".pagefind"
            return len(data) if compressed else gzip_size(data)
        loaded_files = set(loaded["files"])
        fixed = [p for p in pagefind.iterdir() if p.is_file()
                 and ((p.suffix in (".js", ".json") and "ui" not in p.name)
                      or p.name.startswith("wasm.") or p.suffix == ".pf_meta")]
        fixed = [p for p in fixed if p.relative_to(site).as_posix() not in loaded_files]
        chunks = sorted(size(p) for p in (pagefind / "index").glob("*"))
        fragments = sorted(size(p) for p in (pagefind / "fragment").glob("*"))
        total = sum(size(p) for p in fixed)
        # The header's search form opens the search page: its HTML and what it adds.
        page = next((n for n in ("rechercher.html", "search.html") if (site / n).is_file()), None)
        if page:
            total += sum(v for k, v in first_load(site, page)["files"].items()
                         if k not in loaded_files)
        total += statistics.median(chunks) if chunks else 0
        total += 5 * statistics.median(fragments) if fragments else 0
        return {"engine": "pagefind", "gzip_bytes": int(total), "method": (
            "the search page and what it adds to the first load, then pagefind.js, its "
            "worker, entry JSON, WebAssembly and language metadata, plus one index "
            "chunk (median size) and five result fragments (median size); pf_* files count "
            "as stored (already compressed), the rest gzip-compressed")}
    index = site / "search" / "search_index.json"
    if index.is_file():
        extra = 0 if loaded["search_index_on_load"] else gzip_size(index.read_bytes())
        return {"engine": "lunr", "gzip_bytes": extra, "index_gzip_bytes":
                gzip_size(index.read_bytes()), "method": (
                    "Material's lunr search: the whole search_index.json, already fetched on "
                    "page load, so a first query downloads nothing more")}
    return {"engine": None, "gzip_bytes": 0, "method": "no search in this site"}


def site_sizes(site: Path) -> dict:
    page = (site / SAMPLE_PAGE).read_bytes()
    loaded = first_load(site, SAMPLE_PAGE)
    # Every investigation, not only the sample: the largest page, and apart the largest with a
    # chart (its inline SVG is the chart's image, as heavy as an <img> would be).
    sizes = {False: {}, True: {}}
    for path in (site / generate.DOSSIER).glob("*.html"):
        if path.name != "index.html":
            html = path.read_bytes()
            sizes[b'<figure class="chart' in html][path.relative_to(site).as_posix()] = len(html)
    largest = {kind: max(pages.items(), key=lambda item: (item[1], item[0]), default=("", 0))
               for kind, pages in sizes.items()}
    return {
        "site_bytes": sum(p.stat().st_size for p in site.rglob("*") if p.is_file()),
        "page": SAMPLE_PAGE,
        "page_bytes": len(page),
        "largest_page": largest[False][0],
        "largest_page_bytes": largest[False][1],
        "largest_chart_page": largest[True][0],
        "largest_chart_page_bytes": largest[True][1],
        "page_gzip_bytes": gzip_size(page),
        "first_load": loaded,
        "first_load_by_kind": {kind: first_load(site, url)["gzip_bytes"]
                               for kind, url in PAGE_KINDS.items() if (site / url).is_file()},
        "first_search": first_search(site, loaded),
    }


# ---------------------------------------------------------------------------
# Counts that show the generator and the builds did what they claim
# ---------------------------------------------------------------------------

def counts(project: Path, site: Path, variant: str, content: str = "docs") -> dict:
    html = (site / SAMPLE_PAGE).read_text(encoding="utf-8")
    article = html.split('<article', 1)[1].split("</article>", 1)[0]
    bib = project / "bibliography" / "sources.bib"
    notes = len(re.findall(r'<li id="note-', article)) if variant == "portal" else \
        len(re.findall(r'<li id="fn:', article))
    md = (project / content / generate.DOSSIER / f"{generate.slug(1)}.md").read_text("utf-8")
    return {
        "markdown_pages": len(list((project / content).rglob("*.md"))),
        "html_pages": len(html_pages(site)),
        "notes_on_sample_page": notes,
        "bib_entries": len(re.findall(r"^@\w+\{", bib.read_text("utf-8"), re.M))
        if bib.is_file() else None,
        "sample_words": generate.word_count(md),
        "sample_tables": article.count("<table"),
        "sample_h2": len(re.findall(r"<h2 ", article)),
        "sample_internal_links": len(re.findall(r'href="enquete-\d{4}\.html"', article)),
        "charts": len(list((project / "data").glob("*.csv")))
        if (project / "data").is_dir() else 0,
        "chart_figures": sum(p.read_text(encoding="utf-8").count('<figure class="chart"')
                             for p in (site / generate.DOSSIER).glob("*.html")),
    }


# ---------------------------------------------------------------------------
# Citation stage alone: ours against mkdocs-bibtex, in-process, same pages and .bib
# ---------------------------------------------------------------------------

def _clocked(work, repeats: int) -> tuple[dict, dict]:
    cpu, wall = [], []
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        work()
        cpu.append(time.process_time() - start_cpu)
        wall.append(time.perf_counter() - start)
    return summary(cpu), summary(wall)


def citation_stage(project: Path, repeats: int) -> dict:
    from macros.citations.notes import render_notes
    from macros.citations.sources import load_sources

    pages = {p.name: p.read_text("utf-8").split("---", 2)[2]
             for p in sorted((project / "docs" / generate.DOSSIER).glob("enquete-*.md"))}
    bib_dir = project / "bibliography"

    def ours() -> None:
        sources = load_sources(bib_dir, project)
        for name, text in pages.items():
            render_notes(text, sources, name)

    result = {"pages": len(pages), "clock": "CPU time of this process (time.process_time); "
              "wall time (time.perf_counter) under *_wall_seconds"}
    result["ours_seconds"], result["ours_wall_seconds"] = _clocked(ours, repeats)
    try:
        from mkdocs.config.defaults import MkDocsConfig
        from mkdocs_bibtex.plugin import BibTexPlugin
    except ImportError:
        result["mkdocs_bibtex"] = "not installed (make bench installs bench/requirements.txt)"
        return result

    import logging
    logging.getLogger("mkdocs.plugins.mkdocs-bibtex").setLevel(logging.ERROR)

    config = MkDocsConfig(config_file_path=str(project / "mkdocs.yml"))

    def theirs() -> None:
        plugin = BibTexPlugin()
        plugin.load_config({"bib_file": str(bib_dir / "sources.bib")})
        plugin.on_config(config)
        for text in pages.values():
            plugin.on_page_markdown(text, page=None, config=config, files=None)

    result["mkdocs_bibtex_seconds"], result["mkdocs_bibtex_wall_seconds"] = \
        _clocked(theirs, repeats)
    result["speedup"] = result["mkdocs_bibtex_seconds"]["median"] / \
        result["ours_seconds"]["median"]
    return result


# ---------------------------------------------------------------------------
# The whole run
# ---------------------------------------------------------------------------

def bench_jobs(n: int, root: Path, seed: int, charts: bool,
               engines: tuple[str, ...] = ENGINES) -> dict[str, Job]:
    """Write the projects of one N under `root`; the builds of a repetition, in order."""
    portal = generate.write_project(generate.portal_project(n, seed, charts), root / "portal")
    baseline = generate.write_project(generate.baseline_project(n, seed), root / "baseline")
    jobs = {}
    for variant, emptied in VARIANTS.items():
        if variant.startswith("baseline"):
            site = root / f"site-{variant}"
            config = NO_SEARCH_CONFIG if variant == "baseline_no_search" else "mkdocs.yml"
            jobs[variant] = Job(baseline, site, mkdocs_command(site, config), emptied)
        else:
            site = root / "site-portal"
            jobs[variant] = Job(portal, site, mkdocs_command(site), emptied)
    return {**jobs, **engine_jobs(engines, n, seed, root)}


def compare_builds(n: int, root: Path, repeats: int, warmup: int, seed: int, charts: bool,
                   engines: tuple[str, ...] = ENGINES) -> dict:
    """The portal, bare Material and the chosen engines built in the same repetitions,
    each build checked complete; times, paired ratios and what each engine built."""
    shutil.rmtree(root, ignore_errors=True)
    jobs = bench_jobs(n, root, seed, charts, engines)
    pages = n + 3  # investigations, home, dossier index, sources
    load_before = os.getloadavg()
    out = {"n": n, "pages": pages, **measure(jobs, repeats, warmup, pages, n)}
    out["load_average"] = {"before": load_before, "after": os.getloadavg()}
    out["engines"] = list(engines)
    out.update(paired_ratios(out))
    variants = [v for engine in engines for v in ENGINE_VARIANTS[engine]]
    out["engine_ratios"] = engine_ratios(out, variants)
    # CPU time, steadier than wall time when other work shares the cores (shown, not judged)
    out["engine_ratios_cpu"] = engine_ratios(out, variants, "cpu_seconds")
    for variant in variants:
        job = jobs[variant]
        out[f"{variant}_counts"] = counts(job.project, job.site, variant, job.content)
        out[f"{variant}_counts"]["site_bytes"] = sum(
            p.stat().st_size for p in job.site.rglob("*") if p.is_file())
        out[f"{variant}_counts"]["page_bytes"] = (job.site / SAMPLE_PAGE).stat().st_size
    return out


def bench_n(n: int, work: Path, repeats: int, warmup: int, seed: int, charts: bool,
            engines: tuple[str, ...] = ENGINES) -> dict:
    root = work / f"n{n}"
    out = compare_builds(n, root, repeats, warmup, seed, charts, engines)
    portal, baseline = root / "portal", root / "baseline"
    for variant, project in (("portal", portal), ("baseline", baseline)):
        site = root / f"site-{variant}"
        out[f"{variant}_sizes"] = site_sizes(site)
        out[f"{variant}_counts"] = counts(project, site, variant)
    # What a campaigner waits for: `make check`, and the preview of a saved investigation.
    out["check"] = preview.check_time(portal, repeats)
    out["preview"] = preview.preview_time(portal, repeats)
    return out


def _loads(loads: list[float]) -> str:
    """The one-minute load averages seen beside a measure, e.g. `0.4–1.9`."""
    if not loads:
        return "?"
    low, high = min(loads), max(loads)
    return f"{low:.1f}" if round(low, 1) == round(high, 1) else f"{low:.1f}–{high:.1f}"


def paired_ratios(out: dict) -> dict:
    """Portal / baseline, repetition by repetition (builds of one repetition run one after
    the other, under the same load), then the median of those: on a shared machine whose
    speed drifts by a third within minutes, a ratio of two medians mixes moments."""
    ratios = {}
    pairs = (("baseline", "seconds", ""), ("baseline", "cpu_seconds", "_cpu"),
             ("baseline_no_search", "seconds", "_no_search"))
    for baseline, clock, suffix in pairs:
        if baseline not in out:
            continue
        base = out[baseline][clock]["runs"]
        for variant in ("first", "cold", "warm"):
            portal = out[f"portal_{variant}"][clock]["runs"]
            runs = [p / b for p, b in zip(portal, base, strict=True)]
            ratios[f"ratio_{variant}{suffix}"] = statistics.median(runs)
            ratios[f"ratio_{variant}{suffix}_runs"] = runs
    return ratios


def check_targets(runs: list[dict], citations: dict | None) -> dict:
    big, small = runs[-1], runs[0]
    sizes = big["portal_sizes"]
    targets = {
        "ratio_cold": (big["ratio_cold"], TARGETS["ratio_cold_max"], "<="),
        "ratio_warm": (big["ratio_warm"], TARGETS["ratio_warm_max"], "<="),
        "page_html_bytes": (sizes["largest_page_bytes"], TARGETS["page_html_max_bytes"], "<"),
        "search_index_on_page_load": (sizes["first_load"]["search_index_on_load"], False, "=="),
        "investigation_first_load_gzip": (sizes["first_load"]["gzip_bytes"],
                                          TARGETS["investigation_first_load_max_gzip"], "<="),
    }
    if len(runs) > 1:
        growth = big["portal_warm"]["ms_per_page"]["median"] / \
            small["portal_warm"]["ms_per_page"]["median"]
        targets["ms_per_page_growth"] = (growth, TARGETS["ms_per_page_growth_max"], "<=")
    if "preview" in big:
        targets["preview_seconds"] = (statistics.median(big["preview"]["seconds"]),
                                      TARGETS["preview_max_seconds"], "<")
    if citations and "speedup" in citations:
        targets["citation_speedup"] = (citations["speedup"], TARGETS["citation_speedup_min"], ">=")
    met = {"<=": lambda a, b: a <= b, "<": lambda a, b: a < b, ">=": lambda a, b: a >= b,
           "==": lambda a, b: a == b}
    return {name: {"value": value, "target": f"{op} {target}", "met": met[op](value, target)}
            for name, (value, target, op) in targets.items()}


def run_bench(ns: list[int], work: Path, repeats: int = 3, warmup: int = 1, seed: int = 1,
              charts: bool = True, citation_repeats: int = 3,
              engines: tuple[str, ...] = ENGINES) -> dict:
    work.mkdir(parents=True, exist_ok=True)
    load_at_start = os.getloadavg()
    runs = [bench_n(n, work, repeats, warmup, seed, charts, engines) for n in sorted(ns)]
    citations = citation_stage(work / f"n{max(ns)}" / "portal", citation_repeats)
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0],
                    "load_average_at_start": load_at_start,
                    "load_average_at_end": os.getloadavg()},
        "settings": {"ns": sorted(ns), "repeats": repeats, "warmup": warmup, "seed": seed,
                     "charts": charts, "variants": {v: list(e) for v, e in VARIANTS.items()},
                     "engines": {e: {v: list(emptied) for v, emptied in
                                     ENGINE_VARIANTS[e].items()} for e in engines},
                     "engine_versions": engine_versions(engines)},
        "runs": runs,
        "citation_stage": citations,
        "targets": check_targets(runs, citations),
    }


def _span(stat: dict, fmt: str = "{:.2f}") -> str:
    return f"{fmt.format(stat['median'])} ({fmt.format(stat['min'])}–{fmt.format(stat['max'])})"


def _seconds(runs: list[float]) -> str:
    return f"{statistics.median(runs):.2f} ({min(runs):.2f}–{max(runs):.2f})"


def _ratio(run: dict, name: str) -> str:
    runs = run[f"ratio_{name}_runs"]
    return f"{run[f'ratio_{name}']:.2f} ({min(runs):.2f}–{max(runs):.2f})"


def format_engines(run: dict) -> list[str]:
    """The other engines on the same Markdown: time, ratios, pages built."""
    if not run.get("engine_ratios"):
        return []
    names = {"baseline": "÷ Material", "portal_first": "÷ portal first",
             "portal_cold": "÷ portal cold", "portal_warm": "÷ portal warm"}
    lines = ["  other engines on the same Markdown: wall time ÷ each build's, paired within a "
             "repetition, median (min–max); load average "
             f"{run['load_average']['before'][0]:.1f} before, "
             f"{run['load_average']['after'][0]:.1f} after",
             f"    {'engine':<26}{'wall s':>7}  " + "".join(f"{name:<18}" for name in
                                                        names.values()) + "HTML pages"]
    for variant, ratios in run["engine_ratios"].items():
        cells = [f"{r['median']:.2f} ({min(r['runs']):.2f}–{max(r['runs']):.2f})"
                 for other, r in ratios.items() if other in names]
        lines.append(f"    {LABELS[variant]:<26}{run[variant]['seconds']['median']:>7.2f}  "
                     + "".join(f"{cell:<18}" for cell in cells)
                     + str(run[f"{variant}_counts"]["html_pages"]))
    lines.append(f"    {'CPU time (user + system)':<26}{'CPU s':>7}")
    for variant, ratios in run.get("engine_ratios_cpu", {}).items():
        cells = [f"{r['median']:.2f} ({min(r['runs']):.2f}–{max(r['runs']):.2f})"
                 for other, r in ratios.items() if other in names]
        lines.append(f"    {LABELS[variant]:<26}"
                     f"{run[variant]['cpu_seconds']['median']:>7.2f}  "
                     + "".join(f"{cell:<18}" for cell in cells))
    return lines


def format_report(report: dict) -> str:
    lines = []
    for run in report["runs"]:
        lines.append(f"\nN = {run['n']} investigations ({run['pages']} pages)")
        lines.append(f"  {'build':<20}{'wall s, median (min–max)':<28}{'ms/page':>9}"
                     f"  {'CPU s, median (min–max)':<28}{'peak MB':>8}")
        for variant in [*VARIANTS, *run.get("engine_ratios", {})]:
            m = run[variant]
            lines.append(f"  {variant:<20}{_span(m['seconds']):<28}"
                         f"{m['ms_per_page']['median']:>9.1f}  {_span(m['cpu_seconds']):<28}"
                         f"{m['peak_mb']['median']:>8.0f}")
        lines.append("  portal/baseline, median of the repetitions (min–max), wall: "
                     + ", ".join(f"{label} {_ratio(run, variant)}" for variant, label in (
                         ("first", "first build (no cache)"),
                         ("cold", "cold (chart cache emptied)"), ("warm", "warm (caches kept)")))
                     + "; CPU time: " + ", ".join(_ratio(run, f"{variant}_cpu")
                                                  for variant in ("first", "cold", "warm")))
        lines.append("  against Material with its search plugin off (information: it builds a "
                     "lunr index the portal replaces), wall: " + ", ".join(
                         _ratio(run, f"{v}_no_search") for v in ("first", "cold", "warm")))
        lines += format_engines(run)
        lines.append(f"  charts: {run['portal_counts']['charts']} "
                     f"({run['portal_counts']['chart_figures']} figures in the site); SVG renders "
                     f"per build: cold {run['portal_cold']['chart_renders']}, "
                     f"warm {run['portal_warm']['chart_renders']}; search bundle from the "
                     f"cache: first {run['portal_first']['search_from_cache']}, "
                     f"cold {run['portal_cold']['search_from_cache']}, "
                     f"warm {run['portal_warm']['search_from_cache']}")
        if "preview" in run:
            lines.append(f"  make check {_seconds(run['check']['seconds'])} s; preview of a "
                         f"saved investigation (make serve) {_seconds(run['preview']['seconds'])}"
                         f" s (load average {_loads(run['preview'].get('load_average', []))}),"
                         f" first page served after {run['preview']['first_serve_seconds']:.1f}"
                         " s")
        for variant in ("portal", "baseline"):
            s = run[f"{variant}_sizes"]
            lines.append(
                f"  {variant:<9} site {s['site_bytes'] / 1e6:.1f} MB · page {s['page_bytes']:,} B "
                f"({s['page_gzip_bytes']:,} gzip), largest {s['largest_page_bytes']:,} B"
                f"{f', with a chart {cb:,} B' if (cb := s['largest_chart_page_bytes']) else ''} "
                f"· first load {s['first_load']['gzip_bytes']:,} "
                f"B gzip · first search +{s['first_search']['gzip_bytes']:,} B "
                f"({s['first_search']['engine']})")
            lines.append("    first load by page type (B gzip): " + " · ".join(
                f"{kind} {size:,}" for kind, size in s["first_load_by_kind"].items()))
    c = report["citation_stage"]
    lines.append(f"\nCitation stage, {c['pages']} pages (CPU seconds): "
                 f"ours {_span(c['ours_seconds'], '{:.3f}')}")
    if "speedup" in c:
        lines.append(f"  mkdocs-bibtex {_span(c['mkdocs_bibtex_seconds'], '{:.3f}')} "
                     f"→ ours is {c['speedup']:.1f}× faster")
    else:
        lines.append(f"  mkdocs-bibtex: {c['mkdocs_bibtex']}")
    lines.append("\nTargets (largest N):")
    for name, t in report["targets"].items():
        value = f"{t['value']:.2f}" if isinstance(t["value"], float) else str(t["value"])
        status = "met   " if t["met"] else "MISSED"
        lines.append(f"  {status} {name}: {value} (target {t['target']})")
    lines.append("  (CPU-time ratios are shown, not targets: a build's CPU time adds the second\n"
                 "  process that draws the SVGs, ~35 ms of vl-convert per chart, beside the build)")
    return "\n".join(lines)
