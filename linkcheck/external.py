"""`make linkcheck-external`: collect, check (with cache and ignore list), report."""

from __future__ import annotations

import json
import time
from pathlib import Path

from common.config import PortalConfig
from macros.assembly.portal import Portal
from macros.floor.errors import ContentError

from .cache import load_cache, save_cache
from .collect import site_links, source_links
from .http import Checker, Result, Settings, linkcheck_agent
from .ignore import IgnoreRule, ignored_by, load_ignore
from .report import build_report, render_markdown


def check_with_cache(urls: set[str], checker: Checker, cache_file: Path, max_age: float,
                     rules: list[IgnoreRule], now: float | None = None
                     ) -> tuple[dict[str, Result], dict[str, IgnoreRule]]:
    """Results for every address not ignored: from the cache when young enough, else asked."""
    ignored = {url: rule for url in urls if (rule := ignored_by(url, rules))}
    cached = load_cache(cache_file, max_age, now)
    wanted = {url for url in urls if url not in ignored}
    results = {url: cached[url] for url in wanted if url in cached}
    results.update(checker.check_all(wanted - set(results)))
    save_cache(cache_file, {**cached, **results})
    return results, ignored


def external_report(site_dir: Path, config_file: Path, checker: Checker, cache_file: Path,
                    max_age: float, ignore_file: Path, now: float | None = None) -> dict:
    rules = load_ignore(ignore_file)  # first: a mistake there should stop us at once
    config = PortalConfig.read(config_file)
    site_url = config.site_url.rstrip("/") + "/"
    portal = Portal.load(config)
    sources = source_links(portal.sources, portal.corpus.cited_in())
    links = site_links(site_dir, site_url, config.repo_url)
    urls = set(links) | {s.url for s in sources}
    results, ignored = check_with_cache(urls, checker, cache_file, max_age, rules, now)
    return build_report(sources, links, results, ignored)


def write_report(report: dict, report_dir: Path) -> tuple[Path, Path]:
    report_dir.mkdir(parents=True, exist_ok=True)
    markdown, data = report_dir / "rapport.md", report_dir / "rapport.json"
    markdown.write_text(render_markdown(report), encoding="utf-8")
    data.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    return markdown, data


def run(args) -> int:
    slug = PortalConfig.read(args.config_file).campaign_slug  # extra.campaign.slug
    settings = Settings(timeout=args.timeout, retries=args.retries,
                        concurrency=args.concurrency, host_interval=args.host_interval,
                        user_agent=linkcheck_agent(slug))
    started = time.monotonic()
    try:
        report = external_report(args.site_dir, args.config_file, Checker(settings),
                                 args.cache_file, args.max_age, args.ignore_file)
    except ContentError as error:
        print(error)
        return 2
    markdown, data = write_report(report, args.report_dir)
    print(render_markdown(report))
    print(f"Rapport : {markdown} et {data} ({time.monotonic() - started:.0f} s)")
    return 1 if report["dead"] else 0
