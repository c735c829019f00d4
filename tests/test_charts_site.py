"""The charts in the real portal: each page that calls `{{ chart("…") }}` shows them, with
the published table. Which pages and charts: read from the sources (a new campaign may have
none yet: then there is nothing to check here, the chart kit's tests use fixtures)."""

import pytest

from support import portal
from support.sites import ROOT

PLACES = portal.chart_pages()


@pytest.mark.parametrize("url, chart_ids", PLACES.items())
def test_the_dossier_shows_its_charts(engine_site, url, chart_ids):
    article = engine_site.article(url)
    for chart_id in chart_ids:
        figure = article.select_one(f"figure#graphique-{chart_id}")
        assert figure is not None, f"{url} has no chart {chart_id}"
        assert figure.select_one(".chart-image svg[role=img]") is not None
        assert figure.select_one("figcaption sup.note-call") is not None
        link = figure.select_one(".chart-download a")["href"]
        published = engine_site.path(url).parent / link
        assert published.read_bytes() == (ROOT / "data" / f"{chart_id}.csv").read_bytes()

