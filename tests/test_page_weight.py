"""What each kind of page costs a reader: bytes on the wire (gzip, as a compressing
server sends them) and requests, for the page with all its CSS, JS, fonts and images.
Measured in Chromium, written to test-artifacts/page-weight.json, and held to a budget."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest

from support import portal
from support.browser import serve
from support.reader import Traffic, artifact_dir, investigation, page_kinds

pytestmark = pytest.mark.browser

INVESTIGATION_BUDGET = 55_000  # bytes, compressed, everything included
SCRIPT_BUDGET = 10_000  # bytes, compressed: no script above it runs on page load


@pytest.fixture(scope="module")
def weights(site, browser):
    report = {}
    with serve(site.dir) as base:
        context = browser.new_context()
        for kind, path in page_kinds(site).items():
            page = context.new_page()
            traffic = Traffic(base).watch(page)
            page.goto(base + path, wait_until="networkidle")
            page.close()
            report[kind] = {
                "page": path,
                "requests": len(traffic.requests),
                "bytes_compressed": traffic.total,
                "files": {urlsplit(url).path: size for url, size in sorted(traffic.sizes.items())},
            }
        context.close()
    (artifact_dir(".") / "page-weight.json").write_text(json.dumps(report, indent=2))
    print("\npage weight (compressed bytes, requests):")
    for kind, row in report.items():
        print(f"  {kind:10} {row['bytes_compressed']:>8,} B  {row['requests']:>3}  {row['page']}")
    return report


FEATURE_SCRIPTS = {"figure.chart": "/assets/charts.js", ".share": "/assets/share.js",
                   ".letter-form": "/assets/letters.js",
                   ".petition-progress[data-count-url]": "/assets/petition-count.js"}


def test_an_investigation_weighs_under_the_budget(site, weights):
    row = weights["enquete"] if "enquete" in weights else investigation(site)
    assert row["bytes_compressed"] <= INVESTIGATION_BUDGET, row


def test_every_investigation_and_no_script_exceeds_its_budget(site, browser):
    """All investigations, not only the heaviest HTML: one with a chart loads more."""
    with serve(site.dir) as base:
        context = browser.new_context()
        for path in sorted((site.dir / portal.DOSSIER).glob("*.html")):
            if path.name == "index.html":
                continue
            page = context.new_page()
            traffic = Traffic(base).watch(page)
            page.goto(base + path.relative_to(site.dir).as_posix(), wait_until="networkidle")
            page.close()
            assert traffic.total <= INVESTIGATION_BUDGET, (path.name, traffic.total)
            scripts = {url: size for url, size in traffic.sizes.items()
                       if url.endswith((".js", ".mjs"))}
            assert all(size <= SCRIPT_BUDGET for size in scripts.values()), scripts
        context.close()


def test_every_kind_of_page_is_measured_and_loads_javascript_only_where_used(site, weights):
    for kind, row in weights.items():
        assert row["requests"] == len(row["files"]) or row["requests"] > 0, kind
        assert row["bytes_compressed"] > 1000, kind
        scripts = [path for path in row["files"] if path.endswith((".js", ".mjs", ".wasm"))]
        # The reader's script (never Material's bundle), and each feature's script only
        # where the feature is shown; search code stays on the search page.
        soup = site.soup(row["page"])
        allowed = ["/assets/reader.js"] + [
            script for selector, script in FEATURE_SCRIPTS.items() if soup.select(selector)]
        assert all(any(a in path for a in allowed) for path in scripts), (kind, scripts)
