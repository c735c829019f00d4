"""The France Travail dossier's corrected facts (issue 27's fact check), checked in its data,
its petition and its built pages. Content tests of this campaign: make new-campaign removes
them with the content (tests/content/, see LISEZMOI.md there)."""

from __future__ import annotations

import csv
import datetime as dt
import re

import pytest

from macros.action.petition import parse_petition, render_petition
from macros.floor.errors import ContentError
from support.sites import ROOT


def test_the_chronology_data_carries_the_corrected_dates_and_a_source_per_row():
    with (ROOT / "data" / "chronologie-controle-algorithmique.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert all(row["sources"].strip() for row in rows)
    polish = [row for row in rows if "polonais" in row["acteur"]]
    assert [(row["annee"], row["sources"]) for row in polish] == [
        ("2018", "tribunal_constitutionnel_pologne_2018")]
    law = {row["annee"]: row["evenement"] for row in rows
           if row["sources"] == "loi_plein_emploi_2023"}
    assert law == {"2024": "Pôle emploi devient France Travail (1er janvier)",
                   "2025": "Inscription d’office des allocataires du RSA (1er janvier)"}
    meta = (ROOT / "data" / "chronologie-controle-algorithmique.yml").read_text(encoding="utf-8")
    assert not re.search(r"^source:", meta, re.MULTILINE)


# -- The petition's dated corrections ---------------------------------------------------------

PETITION = (ROOT / "data" / "petition.yml").read_text(encoding="utf-8")


def test_the_petition_shows_its_corrections_above_its_text():
    petition = parse_petition(PETITION, "data/petition.yml")
    assert petition.corrections[0][0] == dt.date(2026, 12, 7)
    html = render_petition(petition)
    block = html.index('<p class="page-updates__title">Texte corrigé</p>')
    assert block < html.index("D’après les documents obtenus") < html.index("## Signer")
    assert '<time datetime="2026-12-07">7 décembre 2026</time>' in html
    text = " ".join(petition.text.split())
    assert "de plus en plus souvent le seul chemin proposé" in text
    assert "Beaucoup reçoivent des courriers" not in text
    assert "articles L211-2 et L211-5" in petition.demands[0]


def test_a_malformed_correction_is_refused_with_its_line():
    text = PETITION.replace("  - date: 2026-12-07\n", "  - date: 07/12/2026\n")
    with pytest.raises(ContentError) as error:
        parse_petition(text, "data/petition.yml")
    line = PETITION.splitlines().index("corrections:") + 1
    assert [str(p) for p in error.value.problems] == [
        f"data/petition.yml:{line}: `corrections[1]` doit avoir une `date` (AAAA-MM-JJ) et un "
        "`text` non vide, et rien d’autre — une correction par élément : `- date: 2026-12-07` "
        "puis, en dessous, `text: \"Ce qui a été corrigé.\"`"]


# -- The corrected dates in the built pages ---------------------------------------------------

def text_of(site, path: str) -> str:
    return " ".join(site.soup(path).get_text(" ").split())


def test_the_polish_ruling_is_dated_2018_in_every_built_page(site):
    for path in ("france-travail/de-la-caf-a-france-travail.html",
                 "france-travail/score-employabilite.html"):
        text = text_of(site, path)
        assert "6 juin 2018" in text, path
        assert "6 juin 2019" not in text, path
        assert "Mises à jour" in text and "7 décembre 2026" in text, path
    chart = site.soup("france-travail/de-la-caf-a-france-travail.html").select_one(
        "#graphique-chronologie-controle-algorithmique table")
    rows = [" ".join(tr.get_text(" ").split()) for tr in chart.select("tbody tr")]
    assert any(row.startswith("2018 Les règles du profilage des chômeurs doivent figurer "
                              "dans la loi (6 juin) Tribunal constitutionnel polonais")
               for row in rows), rows
    assert not any(row.startswith("2019") and "polonais" in row for row in rows), rows


def test_the_plein_emploi_law_dates_in_the_built_pages(site):
    text = text_of(site, "france-travail/loi-plein-emploi-robots.html")
    assert "le 1er janvier 2024" in text and "depuis le 1er janvier 2025" in text
    assert "est entrée en vigueur le 1er janvier 2025" not in text
    home = text_of(site, "index.html")
    assert "le gouvernement vise 1,5 million" not in home
    assert "Mises à jour" in home and "est retiré" in home


def test_the_built_petition_shows_the_correction(site):
    text = text_of(site, "agir/petition.html")
    assert "Texte corrigé" in text and "7 décembre 2026" in text
    assert "de plus en plus souvent le seul chemin proposé" in text




def test_the_sources_the_fact_check_found_wanting_are_gone_or_completed():
    from macros.citations.sources import load_sources

    sources = load_sources(ROOT / "bibliography", ROOT)
    for key in ("basta_2025_robots", "lqdn_robots_2025", "redaction_2024_france_travail_viseur",
                "tesquet_ia_precaires", "dragan_tracer_traquer",
                "tribunal_constitutionnel_pologne_2019"):
        assert key not in sources, key
    assert sources["france_inter_2019"].date.french() == "2 novembre 2019"
    assert sources["lqdn_droit_de_reponse_2024"].fields["url"].startswith(
        "https://www.laquadrature.net/2024/06/25/")
