"""Where the external addresses are: in the pages of the built site, and in `bibliography/`
(each source with the pages that cite it, so a dead address names the claims it supported)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from macros.citations.sources import Source
from macros.sitewide.redirects import page_url

from .pages import html_files, is_external, parse_file


@dataclass(frozen=True)
class CitingPage:
    title: str
    url: str  # site-relative, e.g. "france-travail/score.html"


@dataclass(frozen=True)
class SourceLink:
    key: str
    url: str
    archive: str | None          # the archived copy recorded in data/archives.yml
    location: str                # "bibliography/presse.bib:12"
    pages: tuple[CitingPage, ...]
    captured: str | None = None  # the day of that copy (ISO)


def site_links(site_dir: Path, site_url: str, repo_url: str = "") -> dict[str, set[str]]:
    """External address -> site-relative pages that link to it (addresses of the site excluded).

    The theme links every page to its edit and history pages under `repo_url`: asking the
    forge once per page proves nothing more than asking for `repo_url` itself, which is kept.
    """
    repo = repo_url.rstrip("/") + "/" if repo_url else None
    found: dict[str, set[str]] = {}
    for file in html_files(site_dir):
        page = file.relative_to(site_dir).as_posix()
        for link in parse_file(file).links:
            url = link.url.split("#", 1)[0]
            if not link.external_check or not is_external(url) or url.startswith(site_url):
                continue
            if repo and url.startswith(repo):
                url = repo_url
            found.setdefault(url, set()).add(page)
    return found


def source_links(sources: Mapping[str, Source], cited_in: Mapping[str, list]) -> list[SourceLink]:
    """Every source with a `url`, with its recorded archived copy and the pages citing it.

    `cited_in` maps a key to page records (`.path` relative to docs/, `.title`).
    """
    links = []
    for key, source in sorted(sources.items()):
        url = source.fields.get("url")
        if not url:
            continue
        pages = tuple(CitingPage(p.title, page_url(p.path)) for p in cited_in.get(key, []))
        record = source.archive
        copy = record.copy if record and record.copy else None
        links.append(SourceLink(key, url, copy, f"{source.path}:{source.line}", pages,
                                record.captured.isoformat() if copy else None))
    return links
