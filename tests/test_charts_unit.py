"""Charts, pure parts: reading and checking tables and metadata, the SVG clean-up and
its determinism, colours, the figure's HTML, the vendored Vega files."""

import csv
import hashlib
import io
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from macros.charts import Charts
from macros.charts._dataset import parse_table, read_metadata
from macros.charts._figure import data_table
from macros.charts._registry import chart_ids, load_chart_module
from macros.charts._render import render_svg, slim_svg, stable_svg, vega_lite_spec
from macros.charts._style import COLOURS, NEUTRALS, SLATE, WHITE
from macros.floor.colour import contrast
from macros.floor.errors import ContentError
from support.chart_sites import CHARTS, FIXTURES, charts_dir, fixture_sources
from support.sites import ROOT

SOURCES = {"lqdn_2021": object(), "dubois_2021": object()}
COLUMNS = {"annee": "entier", "montant": "nombre", "sources": "sources"}


def problems(text, columns=COLUMNS):
    with pytest.raises(ContentError) as error:
        parse_table(text, "data/x.csv", columns, SOURCES)
    return [str(p) for p in error.value.problems]


def test_a_table_is_typed_and_keeps_its_raw_cells():
    table = parse_table("annee,montant,sources\n2011,2.5,lqdn_2021; dubois_2021\n",
                        "data/x.csv", COLUMNS, SOURCES)
    assert table.rows == ({"annee": 2011, "montant": 2.5,
                           "sources": ("lqdn_2021", "dubois_2021")},)
    assert table.cells == (("2011", "2.5", "lqdn_2021; dubois_2021"),)


def test_wrong_type_names_file_line_and_column():
    found = problems("annee,montant,sources\n2011,2,lqdn_2021\ndeux mille,3,lqdn_2021\n")
    assert found == ["data/x.csv:3:1: colonne `annee` : « deux mille » refusé, un nombre entier "
                     "attendu — écrivez un nombre entier, par exemple 2021"]


def test_unknown_source_in_a_cell_suggests_the_key():
    found = problems("annee,montant,sources\n2011,2,lqdn_2012\n")
    assert found == ["data/x.csv:2:3: colonne `sources` : « lqdn_2012 » refusé (source inconnue "
                     "`lqdn_2012`) — vouliez-vous dire `lqdn_2021` ?"]


def test_missing_column_and_suggestion():
    found = problems("annee,montants,sources\n2011,2,lqdn_2021\n")
    assert found == ["data/x.csv:1: colonne `montant` manquante — vouliez-vous dire `montants` ?"]


def test_parse_error_names_the_line():
    found = problems('annee,montant,sources\n2011,2,lqdn_2021\n2012,"3,lqdn_2021\n')
    assert found == ["data/x.csv:3: CSV illisible : guillemet ouvert et jamais refermé — "
                     "vérifiez les guillemets : une cellule qui contient une virgule s’écrit "
                     "entre guillemets droits, \"comme, ceci\""]


def test_a_row_with_too_many_values():
    found = problems("annee,montant,sources\n2011,2,5,lqdn_2021\n")
    assert found == ["data/x.csv:2: 4 valeurs sur cette ligne, l’en-tête annonce 3 colonnes — "
                     "une cellule qui contient une virgule s’écrit entre guillemets droits"]


def test_metadata_without_source(tmp_path):
    path = tmp_path / "x.yml"
    path.write_text('title: T\ndescription: D\nlicence: L\ndate: 2021\n', encoding="utf-8")
    with pytest.raises(ContentError) as error:
        read_metadata(path, "data/x.yml", SOURCES)
    assert str(error.value.problems[0]).startswith("data/x.yml:1: pas de source — indiquez")


def test_metadata_unknown_field_and_source(tmp_path):
    path = tmp_path / "x.yml"
    path.write_text('title: T\ndescripton: D\nsource: dubois2021\nlicence: L\ndate: 2021\n',
                    encoding="utf-8")
    with pytest.raises(ContentError) as error:
        read_metadata(path, "data/x.yml", SOURCES)
    found = [str(p) for p in error.value.problems]
    assert "data/x.yml:2: champ inconnu `descripton` — vouliez-vous dire `description` ?" in found
    assert "data/x.yml:3: source inconnue `dubois2021` — vouliez-vous dire `dubois_2021` ?" in found


def test_ids_are_renamed_in_order_with_their_references():
    svg = ('<svg><g clip-path="url(#clip7)"/><defs><clipPath id="clip7"/></defs>'
           '<use href="#clip9"/><g id="clip9"/></svg>')
    assert stable_svg(svg, "graphique-x") == (
        '<svg><g clip-path="url(#graphique-x-1)"/><defs><clipPath id="graphique-x-1"/></defs>'
        '<use href="#graphique-x-2"/><g id="graphique-x-2"/></svg>')


def test_slim_svg_rounds_geometry_and_drops_what_a_static_svg_does_not_use():
    svg = ('<svg><g class="mark-group role-axis"><path class="background" d="M0,0h0v0h0Z" '
           'pointer-events="none"/><line transform="translate(0.5,200.50000000001)" x2="-0.0001"'
           ' stroke="#5e5e5e" opacity="1"/><path d="M1.0999999999999943,45.6h19.8Z" '
           'fill="#7a1631"/><text x="2.345" fill="#1a1a1a">3.14159 %</text>'
           '<path class="foreground" d="" display="none"/></g></svg>')
    assert slim_svg(svg) == (
        '<svg><g><line transform="translate(0.5,200.5)" x2="0" stroke="#5e5e5e"/>'
        '<path d="M1.1,45.6h19.8Z" fill="#7a1631"/><text x="2.35" fill="#1a1a1a">3.14159 %'
        '</text></g></svg>')


def _text_and_colours(svg: str) -> tuple[list, list]:
    soup = BeautifulSoup(svg, "html.parser")
    return ([t.get_text() for t in soup.find_all("text")],
            [(e.name, e.get("fill"), e.get("stroke")) for e in soup.find_all(True)
             if e.get("fill") or e.get("stroke")])


@pytest.mark.parametrize("chart_id", CHARTS)
def test_a_slim_chart_keeps_its_text_and_colours(chart_id):
    import vl_convert

    raw = vl_convert.vegalite_to_svg(_spec(chart_id), format_locale="fr-FR",
                                     time_format_locale="fr-FR", allowed_base_urls=[])
    slim = render_svg(_spec(chart_id), "p")
    assert len(slim) < len(raw)
    assert _text_and_colours(slim)[0] == _text_and_colours(raw)[0]
    # The colours dark mode swaps are all still there (the white background excepted).
    assert set(_text_and_colours(slim)[1]) == set(_text_and_colours(raw)[1]) - \
        {("rect", "white", None)}
    assert not re.search(r'(?:d|transform|x|y)="[^"]*\d\.\d{3}', slim)


def _spec(chart_id):
    module = load_chart_module(chart_id, FIXTURES)
    sources = fixture_sources()
    table = parse_table((FIXTURES / f"{chart_id}.csv").read_text("utf-8"), "x",
                        module.COLUMNS, sources)
    return vega_lite_spec(module.build([dict(r) for r in table.rows]))


@pytest.fixture(scope="module")
def two_renders():
    """Each chart rendered twice, in one process (vl-convert's id counter keeps running)."""
    renders = {}
    for chart_id in CHARTS:
        spec = _spec(chart_id)
        renders[chart_id] = (render_svg(spec, "p"), render_svg(spec, "p"))
    return renders


@pytest.mark.parametrize("chart_id", CHARTS)
def test_two_renders_give_the_same_bytes(two_renders, chart_id):
    first, second = two_renders[chart_id]
    assert first.encode() == second.encode()
    assert first.startswith("<svg") and "<text" in first
    assert 'fill="white"' not in first  # transparent: dark mode shows through


def test_the_registry_finds_the_chart_modules_not_the_kit(tmp_path):
    assert chart_ids(charts_dir(tmp_path)) == sorted(CHARTS)


@pytest.mark.parametrize("colour", COLOURS, ids=lambda c: c.light)
def test_colours_meet_wcag_aa_in_light_and_dark_mode(colour):
    minimum = {"text": 4.5, "graphic": 3.0, "decoration": 1.0}[colour.role]
    assert contrast(colour.light, WHITE) >= minimum
    assert contrast(colour.dark, SLATE) >= minimum


def test_the_stylesheet_swaps_every_neutral_colour_in_dark_mode():
    """The campaign's own colours are swapped by what the build writes from
    `extra.campaign.colors` (tests/test_palette.py)."""
    css = (ROOT / "overrides" / "assets" / "charts.css").read_text("utf-8")
    for colour in NEUTRALS:
        for attribute in ("fill", "stroke"):
            rule = (f'[data-md-color-scheme="slate"] .chart svg [{attribute}="{colour.light}"] '
                    f"{{ {attribute}: {colour.dark}; }}")
            assert rule in css


@pytest.mark.parametrize("chart_id", CHARTS)
def test_the_charts_use_only_palette_colours(two_renders, chart_id):
    svg = two_renders[chart_id][0]
    used = set(re.findall(r'(?:fill|stroke)="(#[0-9a-fA-F]{6})"', svg))
    assert used and used <= {c.light for c in COLOURS}


def test_the_data_table_has_the_csv_values():
    csv_text = (FIXTURES / "fraude-sociale-fiscale.csv").read_text("utf-8")
    module = load_chart_module("fraude-sociale-fiscale", FIXTURES)
    table = parse_table(csv_text, "x", module.COLUMNS, {})
    soup = BeautifulSoup(data_table(table, module.COLUMNS, {}, "T"), "html.parser")
    rows = [[cell.get_text() for cell in row.find_all(["th", "td"])]
            for row in soup.find_all("tr")]
    assert rows == list(csv.reader(io.StringIO(csv_text)))


def test_the_figure_speaks_the_language_of_its_page(tmp_path):
    """On an English page: the figure's own words from the English catalogue, the decimal
    point kept; the chart's title and column labels stay the chart module's (French here)."""
    from common.words import translations

    (tmp_path / "data").mkdir()
    for name in ("fraude-sociale-fiscale.csv", "fraude-sociale-fiscale.yml"):
        (tmp_path / "data" / name).write_bytes((FIXTURES / name).read_bytes())
    (tmp_path / "data" / "fraude-sociale-fiscale.csv").write_text(
        "fraude,bas,haut\nFraude aux prestations sociales,2.5,2.5\nFraude fiscale,80,100\n",
        encoding="utf-8")
    charts = Charts(tmp_path, fixture_sources(), charts_dir=charts_dir(tmp_path))
    english = BeautifulSoup(charts.figure(
        "fraude-sociale-fiscale", "docs/en/a.md", 1, lambda p: "../" + p,
        translations(ROOT, "en").gettext, "en"), "html.parser")
    french = BeautifulSoup(charts.figure(
        "fraude-sociale-fiscale", "docs/a.md", 1, lambda p: "../" + p), "html.parser")
    source = english.select_one(".chart-source").get_text()
    assert source.startswith("Source: ") and "data: 2021 · licence CC BY-SA 4.0" in source
    assert english.select_one(".chart-description").get_text().endswith(
        "Unit: milliards d’euros par an.")
    assert english.select_one("details summary").get_text() == "The chart’s data as a table"
    assert english.select_one(".chart-interactive-button").get_text() == "Interactive version"
    assert english.select_one(".chart-download a").get_text() == \
        "Download the data (CSV, 1\u00a0KB)"
    assert [td.get_text() for td in english.select("tbody tr")[0].find_all("td")] == \
        ["Fraude aux prestations sociales", "2.5", "2.5"]
    # French as it always was.
    assert french.select_one("details summary").get_text() == \
        "Les données du graphique en tableau"
    assert french.select_one(".chart-source").get_text().startswith("Source\u00a0: ")
    assert [td.get_text() for td in french.select("tbody tr")[0].find_all("td")][1] == "2,5"
    assert "Télécharger" not in str(english) and "Unité" not in str(english)


def test_an_unknown_chart_id_gets_suggestions(tmp_path):
    charts = Charts(tmp_path, {}, charts_dir=charts_dir(tmp_path))
    with pytest.raises(ContentError) as error:
        charts.figure("fraude-sociale", "docs/a.md", 3, lambda p: p)
    assert str(error.value.problems[0]) == (
        "docs/a.md:3: graphique inconnu `fraude-sociale` — vouliez-vous dire "
        "`fraude-sociale-fiscale` ?")


VEGA = ROOT / "overrides" / "assets" / "vega"


def test_vendored_vega_files_match_their_manifest_and_the_svg_renderer():
    import vl_convert

    bundled = {"vega": vl_convert.get_vega_version(),
               "vega-embed": vl_convert.get_vega_embed_version()}
    lines = (VEGA / "SHA256SUMS").read_text("utf-8").split("\n")
    entries = [line.split() for line in lines if line]
    assert len(entries) == 3
    for digest, name, package in entries:
        data = (VEGA / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == digest
        assert b"sourceMappingURL" not in data
        package_name, version = package.rsplit("@", 1)
        if package_name in bundled:
            assert version == bundled[package_name]
        if package_name == "vega-lite":
            assert version.rsplit(".", 1)[0] in vl_convert.get_vegalite_versions()
            assert f'"{version}"'.encode() in data
    lock = Path(ROOT / "vendor" / "vega" / "package-lock.json").read_text("utf-8")
    for _, _, package in entries:
        name, version = package.rsplit("@", 1)
        assert re.search(rf'"node_modules/{name}": {{\s*"version": "{re.escape(version)}"', lock)


def test_the_second_figure_comes_from_the_cache(tmp_path):
    (tmp_path / "data").mkdir()
    for suffix in (".csv", ".yml"):
        name = f"fraude-sociale-fiscale{suffix}"
        (tmp_path / "data" / name).write_bytes((FIXTURES / name).read_bytes())
    kit = charts_dir(tmp_path / "kit")
    charts = Charts(tmp_path, fixture_sources(), charts_dir=kit)
    first = charts.figure("fraude-sociale-fiscale", "docs/a.md", 1, lambda p: "../" + p)
    assert charts.drawn == 1
    second = charts.figure("fraude-sociale-fiscale", "docs/b.md", 1, lambda p: "../" + p)
    assert charts.drawn == 1
    assert first == second
    assert len(list((tmp_path / ".cache" / "charts").glob("*.svg"))) == 1
    # A second build (a new object, the same cache folder) draws nothing.
    again = Charts(tmp_path, fixture_sources(), charts_dir=kit)
    assert again.figure("fraude-sociale-fiscale", "docs/a.md", 1, lambda p: "../" + p) == first
    assert again.drawn == 0


def test_a_chart_module_mistake_is_named_and_nothing_is_fetched(tmp_path):
    from macros.charts._render import RenderCache, render_cached

    remote = {"data": {"url": "https://example.org/x.csv"}, "mark": "point",
              "encoding": {"x": {"field": "a", "type": "quantitative"}}}
    with pytest.raises(ContentError) as error:
        render_cached(RenderCache(tmp_path), "k", "x", lambda: remote)
    assert str(error.value.problems[0]).startswith(
        "x.py: le graphique n’a pas pu être dessiné : ")
    assert "External data url not allowed: https://example.org/x.csv" in str(error.value)
    assert not list(tmp_path.iterdir())  # nothing cached


def _chart_project(path: Path) -> Path:
    (path / "data").mkdir(parents=True)
    for chart_id in ("fraude-sociale-fiscale", "insee-demarches-en-ligne"):
        for suffix in (".csv", ".yml"):
            name = f"{chart_id}{suffix}"
            (path / "data" / name).write_bytes((FIXTURES / name).read_bytes())
    return path


def test_charts_drawn_ahead_in_another_process_are_the_charts_drawn_in_place(tmp_path):
    sources = fixture_sources()
    kit = charts_dir(tmp_path / "kit")
    ids = ["insee-demarches-en-ligne", "fraude-sociale-fiscale", "pas-de-module"]
    in_place = Charts(_chart_project(tmp_path / "a"), sources, charts_dir=kit)
    ahead = Charts(_chart_project(tmp_path / "b"), sources, charts_dir=kit)
    ahead.prerender(ids, minimum=1)
    # Both charts are being drawn elsewhere; the unknown id is left for `figure` to report.
    assert len(ahead.drawing) == 2
    for chart_id in ids[:2]:
        url = lambda p: "../" + p  # noqa: E731
        assert ahead.figure(chart_id, "docs/a.md", 1, url) == \
            in_place.figure(chart_id, "docs/a.md", 1, url)
    assert (in_place.drawn, ahead.drawn) == (2, 0)  # the two drawn in place, none for `ahead`
    assert ahead.published == in_place.published  # the specs built there and here
    assert not ahead.drawing
    assert sorted(p.name for p in (tmp_path / "b" / ".cache" / "charts").iterdir()) == \
        sorted(p.name for p in (tmp_path / "a" / ".cache" / "charts").iterdir())
    with pytest.raises(ContentError, match="graphique inconnu `pas-de-module`"):
        ahead.figure("pas-de-module", "docs/a.md", 3, lambda p: p)
    # Cached now: nothing left to draw ahead; below the minimum, nothing is started.
    ahead.prerender(ids, minimum=1)
    assert not ahead.drawing
    Charts(_chart_project(tmp_path / "c"), sources, charts_dir=kit).prerender(ids)
    assert not (tmp_path / "c" / ".cache").exists()


def test_a_chart_module_mistake_drawn_ahead_is_named_as_when_drawn_in_place(tmp_path):
    """The spec is built in the drawing process: an error there comes back in plain words,
    the same words as in place, and nothing is cached."""
    sources = fixture_sources()
    kit = tmp_path / "charts"
    kit.mkdir()
    for name in ("_style.py", "_render.py"):
        (kit / name).write_bytes((ROOT / "macros" / "charts" / name).read_bytes())
    module = (FIXTURES / "fraude-sociale-fiscale.py").read_text("utf-8")
    (kit / "casse.py").write_text(
        module + "\n\ndef build(rows):\n    return alt.Chart(alt.Data(url='https://e.org/x.csv'))"
                 ".mark_point().encode(x='bas:Q')\n", "utf-8")
    messages = []
    for folder, minimum in (("ahead", 1), ("in-place", 99)):
        project = tmp_path / folder
        (project / "data").mkdir(parents=True)
        for suffix in (".csv", ".yml"):
            (project / "data" / f"casse{suffix}").write_bytes(
                (FIXTURES / f"fraude-sociale-fiscale{suffix}").read_bytes())
        charts = Charts(project, sources, charts_dir=kit)
        charts.prerender(["casse"], minimum=minimum)
        assert len(charts.drawing) == (1 if folder == "ahead" else 0)
        with pytest.raises(ContentError) as error:
            charts.figure("casse", "docs/a.md", 2, lambda p: p)
        messages.append(str(error.value))
        assert not list((project / ".cache" / "charts").glob("*.svg"))
    assert messages[0] == messages[1]
    assert "charts/casse.py: le graphique n’a pas pu être dessiné : " in messages[0]
    assert "External data url not allowed: https://e.org/x.csv" in messages[0]


def test_the_corpus_lists_the_charts_pages_show_in_page_order(tmp_path):
    from macros.pages.corpus import collect_docs

    (tmp_path / "a.md").write_text('{{ chart("un") }}\n\n{{ chart( \'deux\' ) }}\n', "utf-8")
    (tmp_path / "b.md").write_text('{{ chart("deux") }} {{ chart("trois") }}\n', "utf-8")
    corpus, _ = collect_docs(tmp_path, "docs", [], {})
    assert corpus.pages["a.md"].charts == ("un", "deux")
    assert corpus.chart_ids() == ["un", "deux", "trois"]
