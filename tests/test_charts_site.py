"""The charts in the real portal: the dossier's pages show them.

The macro calls are inserted in the two investigations when the charts branch is
merged with the content (see the report of the charts work); before that these tests
fail on purpose, since the charts would not reach readers."""

import pytest

from support.sites import ROOT

PLACES = {
    "france-travail/de-la-caf-a-france-travail.html": ["chronologie-controle-algorithmique",
                                                       "fraude-sociale-fiscale"],
    "france-travail/dematerialisation-forcee.html": ["insee-demarches-en-ligne"],
}


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

