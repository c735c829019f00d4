"""Charts in real builds of fixture sites: each content mistake fails the build with a
French message naming its place, and unchanged charts are never rendered twice."""

import pytest

from support.chart_sites import chart_site, real_data
from support.sites import assert_fails_cleanly, mkdocs_build

CHART = "fraude-sociale-fiscale"
RENDERED = f"graphique `{CHART}` rendu en SVG"


def build(tmp_path, **kwargs):
    project = chart_site(tmp_path, chart_ids=(CHART,), **kwargs)
    return project, mkdocs_build(project, tmp_path / "site")


CSV = real_data(CHART)[f"{CHART}.csv"]
META = real_data(CHART)[f"{CHART}.yml"]


@pytest.mark.parametrize("data, expected", [
    ({f"{CHART}.csv": None},
     [f"data/{CHART}.csv: fichier de données introuvable — créez-le (make new-chart "
      f"ID={CHART})"]),
    ({f"{CHART}.csv": CSV + '"Fraude douanière,3,4\n'},
     [f"data/{CHART}.csv:4: CSV illisible : guillemet ouvert et jamais refermé — vérifiez "
      "les guillemets"]),
    ({f"{CHART}.csv": CSV.replace("fraude,bas,haut", "fraude,basse,haut")},
     [f"data/{CHART}.csv:1: colonne `bas` manquante — vouliez-vous dire `basse` ?"]),
    ({f"{CHART}.csv": CSV.replace("Fraude fiscale,80,", "Fraude fiscale,quatre-vingts,")},
     [f"data/{CHART}.csv:3:2: colonne `bas` : « quatre-vingts » refusé, un nombre attendu"]),
    ({f"{CHART}.yml": "\n".join(line for line in META.splitlines()
                                if not line.startswith("source:")) + "\n"},
     [f"data/{CHART}.yml:1: pas de source — indiquez la clé BibTeX"]),
    ({f"{CHART}.yml": META.replace("source: lqdn_2021", "source: lqdn2021")},
     [f"data/{CHART}.yml:4: source inconnue `lqdn2021` — vouliez-vous dire `lqdn_2021`"]),
    ({f"{CHART}.yml": None},
     [f"data/{CHART}.yml: fiche de métadonnées introuvable"]),
], ids=["missing-csv", "csv-parse-error", "missing-column", "wrong-type", "no-source",
        "unknown-source", "missing-metadata"])
def test_each_chart_mistake_fails_the_build(tmp_path, data, expected):
    _, result = build(tmp_path, data=data)
    assert_fails_cleanly(result, *expected, "Construction arrêtée : rien n’a été publié.")


def test_unknown_chart_id_names_the_page_line_and_suggests(tmp_path):
    page = "---\ntitle: Accueil\n---\n\nBienvenue.\n\n{{ chart(\"fraude-fiscale\") }}\n"
    project = chart_site(tmp_path, chart_ids=())
    (project / "docs" / "index.md").write_text(page, encoding="utf-8")
    result = mkdocs_build(project, tmp_path / "site")
    assert_fails_cleanly(result, "docs/index.md:7: graphique inconnu `fraude-fiscale` — "
                                 "vouliez-vous dire `fraude-sociale-fiscale` ?")


def test_a_rebuild_with_unchanged_charts_renders_none(tmp_path):
    project, first = build(tmp_path)
    assert first.ok, first.output
    assert first.output.count(RENDERED) == 1
    cached = sorted(p.name for p in (project / ".cache" / "charts").iterdir())
    assert len(cached) == 2 and {p.rsplit(".", 1)[1] for p in cached} == {"svg", "json"}
    page = (first.site_dir / "enquetes" / "une-enquete.html").read_text("utf-8")

    second = mkdocs_build(project, tmp_path / "site2")
    assert second.ok, second.output
    assert RENDERED not in second.output
    assert (second.site_dir / "enquetes" / "une-enquete.html").read_text("utf-8") == page

    # A changed table is rendered again, once.
    csv_path = project / "data" / f"{CHART}.csv"
    csv_path.write_text(CSV.replace("Fraude fiscale", "Fraude fiscale estimée"), "utf-8")
    third = mkdocs_build(project, tmp_path / "site3")
    assert third.ok, third.output
    assert third.output.count(RENDERED) == 1
    assert not any(p.suffix in (".svg", ".json") for p in (project / "docs").rglob("*"))
