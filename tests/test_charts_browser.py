"""The three charts in real headless Chromium, on a fixture site built with the real
data, served on 127.0.0.1 from a sub-path: without JavaScript, the download, the
interactive version, dark mode."""

import csv
import io
import shutil
from urllib.parse import urlsplit

import pytest

from support.browser import serve
from support.chart_sites import CHARTS, FIXTURES, chart_site
from support.sites import Site, mkdocs_build

pytestmark = pytest.mark.browser
PAGE = "sous-chemin/enquetes/une-enquete.html"


@pytest.fixture(scope="module")
def chart_build(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("charts")
    result = mkdocs_build(chart_site(tmp), tmp / "site")
    assert result.ok, result.output
    return result


@pytest.fixture(scope="module")
def served(chart_build, tmp_path_factory):
    """The site under /sous-chemin/, as a partner hosting it in a folder would."""
    root = tmp_path_factory.mktemp("served")
    shutil.copytree(chart_build.site_dir, root / "sous-chemin")
    with serve(root) as url:
        yield url


def test_each_chart_has_its_figure_with_caption_table_and_link(chart_build):
    article = Site(chart_build.site_dir).article("enquetes/une-enquete.html")
    for chart_id in CHARTS:
        figure = article.select_one(f"figure#graphique-{chart_id}")
        svg = figure.select_one(".chart-image svg")
        assert svg["role"] == "img"
        assert figure.select_one(f"#{svg['aria-labelledby']}").get_text().strip()
        assert figure.select_one(f"#{svg['aria-describedby']}").get_text().strip()
        # The source is a numbered note of the page, listed in "Notes et sources".
        call = figure.select_one("figcaption .chart-source sup.note-call a")
        assert article.select_one(call["href"]) is not None
        assert figure.select_one(".chart-download a")["href"] == f"../donnees/{chart_id}.csv"
        # One image for assistive technologies: Vega's per-mark roles and labels are gone.
        assert not [tag for tag in svg.find_all(True) if tag.has_attr("role")
                    or any(name.startswith("aria-") for name in tag.attrs)]


def test_only_pages_with_a_chart_load_the_chart_script(chart_build):
    site = Site(chart_build.site_dir)
    scripts = site.soup("enquetes/une-enquete.html").select('script[src$="charts.js"]')
    assert [s["src"] for s in scripts] == ["../assets/charts.js"]  # once for three charts
    for url in ("index.html", "enquetes/index.html", "sources.html"):
        assert "charts.js" not in site.html(url), url


@pytest.mark.parametrize("chart_id", CHARTS)
def test_the_data_table_has_the_values_of_the_csv(chart_build, chart_id):
    site = Site(chart_build.site_dir)
    figure = site.article("enquetes/une-enquete.html").select_one(f"figure#graphique-{chart_id}")
    rows = list(csv.reader(io.StringIO((FIXTURES / f"{chart_id}.csv").read_text("utf-8"))))
    body = figure.select("details.chart-data tbody tr")
    assert len(body) == len(rows) - 1 and len(figure.select("thead th")) == len(rows[0])
    notes = {li["id"]: li for li in site.article("enquetes/une-enquete.html")
             .select(".notes-sources li")}
    for row, expected in zip(body, rows[1:], strict=True):
        for cell, (name, value) in zip(row.find_all("td"), zip(rows[0], expected, strict=True),
                                       strict=True):
            if name == "sources":  # citation keys become note calls to those sources
                targets = [a["href"].lstrip("#") for a in cell.select("a[role=doc-noteref]")]
                assert targets == [f"note-{k.strip()}" for k in value.split(";")]
                assert all(t in notes for t in targets)
            else:
                assert cell.get_text() == value.replace(".", ",")


def test_svg_is_visible_with_javascript_off(browser, served):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(served + PAGE)
    for chart_id in CHARTS:
        svg = page.locator(f"#graphique-{chart_id} .chart-image svg")
        assert svg.is_visible()
        box = svg.bounding_box()
        assert box["width"] > 200 and box["height"] > 80
        assert svg.locator("text").count() > 3
        # Nothing to click without JavaScript: the button stays hidden.
        assert not page.locator(f"#graphique-{chart_id} .chart-interactive-button").is_visible()
    context.close()


def test_the_csv_link_downloads_the_file(browser, served):
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    page.goto(served + PAGE)
    for chart_id in CHARTS:
        with page.expect_download() as info:
            page.locator(f"#graphique-{chart_id} .chart-download a").click()
        download = info.value
        assert download.suggested_filename == f"{chart_id}.csv"
        assert download.url == served + f"sous-chemin/donnees/{chart_id}.csv"
        expected = (FIXTURES / f"{chart_id}.csv").read_bytes()
        assert download.path().read_bytes() == expected
    context.close()


def test_interactive_version_loads_from_the_site_itself_and_renders(browser, served):
    page = browser.new_page()
    requested, errors = [], []
    page.on("request", lambda request: requested.append(request.url))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(served + PAGE, wait_until="networkidle")
    assert not [url for url in requested if "vega" in url]  # nothing before the click
    figure = page.locator("#graphique-fraude-sociale-fiscale")
    figure.get_by_role("button", name="Version interactive").click()
    view = figure.locator(".chart-interactive-view svg")
    view.wait_for(state="visible", timeout=60_000)
    page.wait_for_load_state("networkidle")
    assert view.locator("text").count() > 3
    assert figure.locator(".chart-image").is_hidden()
    hosts = {urlsplit(url).netloc for url in requested}
    assert hosts == {urlsplit(served).netloc}
    loaded = {urlsplit(url).path for url in requested}
    assert {"/sous-chemin/assets/vega/vega.min.js", "/sous-chemin/assets/vega/vega-lite.min.js",
            "/sous-chemin/assets/vega/vega-embed.min.js",
            "/sous-chemin/donnees/fraude-sociale-fiscale.vl.json"} <= loaded
    # Tooltips: hovering a bar shows the value.
    figure.locator(".chart-interactive-view svg .mark-rect path").first.hover()
    tooltip = page.locator("#vg-tooltip-element")
    tooltip.wait_for(state="visible", timeout=10_000)
    assert "Md€" in tooltip.inner_text()
    assert errors == []
    page.close()


def test_dark_mode_swaps_the_chart_colours(browser, served):
    context = browser.new_context(color_scheme="dark")
    page = context.new_page()
    page.goto(served + PAGE)
    assert page.locator("body").get_attribute("data-md-color-scheme") == "slate"
    label = page.locator("#graphique-fraude-sociale-fiscale .chart-image svg text").first
    assert label.evaluate("e => getComputedStyle(e).fill") == "rgb(230, 232, 239)"
    context.close()


def test_the_csv_link_works_from_disk(browser, chart_build):
    """Opened as files (file://), the relative link still reaches the published CSV."""
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto((chart_build.site_dir / "enquetes" / "une-enquete.html").as_uri())
    for chart_id in CHARTS:
        href = page.locator(f"#graphique-{chart_id} .chart-download a").evaluate("a => a.href")
        assert href == (chart_build.site_dir / "donnees" / f"{chart_id}.csv").as_uri()
        assert (chart_build.site_dir / "donnees" / f"{chart_id}.csv").read_bytes() == \
            (FIXTURES / f"{chart_id}.csv").read_bytes()
    assert page.locator("figure.chart svg").first.is_visible()
    context.close()


def test_print_uses_the_light_colours_even_in_dark_mode(browser, served):
    context = browser.new_context(color_scheme="dark")
    page = context.new_page()
    page.goto(served + PAGE)
    page.emulate_media(media="print")
    figure = page.locator("#graphique-fraude-sociale-fiscale")
    assert figure.locator(".chart-image svg").is_visible()
    label = figure.locator(".chart-image svg text").first
    assert label.evaluate("e => getComputedStyle(e).fill") == "rgb(26, 26, 26)"
    assert figure.locator(".chart-interactive").is_hidden()
    context.close()
