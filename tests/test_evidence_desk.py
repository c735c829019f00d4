"""What the fact-check of issue 31 found, kept so: the review checklists of both forges,
the claims listing of `make check CLAIMS=1`, each chronology row's own source, the
petition's dated corrections, and the corrected dates in the data and the built pages."""

from __future__ import annotations

import subprocess
import textwrap

import pytest

from macros.charts._dataset import Metadata, parse_table, read_metadata
from macros.charts._figure import row_source_keys, source_caption
from macros.floor.errors import ContentError
from macros.pages.claims import claims_report, page_claims
from support.sites import ROOT, make_site, script

TEMPLATES = (".github/pull_request_template.md", ".gitlab/merge_request_templates/Default.md")
CHECKLIST = [
    "- [ ] chaque date (jugement, loi, entrée en vigueur, rapport) est vérifiée dans le "
    "document d’origine, pas dans un article qui la rapporte",
    "- [ ] le résumé, le bloc « facile à lire », l’accueil, la page du dossier et la pétition "
    "gardent les réserves de l’enquête (« selon », « semble », « pas encore » ; "
    "`make check CLAIMS=1`)",
    "- [ ] un document que nous n’avons pas lu nous-mêmes est cité « d’après » la source qui "
    "le rapporte, les deux clés ensemble",
    "- [ ] une correction est visible des lecteurs : mise à jour datée (`updates:`) ou, pour la "
    "pétition, `corrections:`",
]


# -- Review checklists ---------------------------------------------------------------------

@pytest.mark.parametrize("path", TEMPLATES)
def test_both_merge_request_checklists_carry_the_lines_of_the_fact_check(path):
    lines = (ROOT / path).read_text(encoding="utf-8").splitlines()
    for expected in CHECKLIST:
        assert expected in lines, (path, expected)


def test_the_review_section_of_the_guide_says_the_same():
    guide = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    review = " ".join(guide.split("\n## Relecture\n", 1)[1].split())
    for words in ("vérifiée dans le document d’origine", "et non dans un article qui la rapporte",
                  "gardent les réserves de l’enquête", "make check CLAIMS=1",
                  "cité « d’après » la source qui le rapporte", "`corrections:`"):
        assert words in review, words


# -- Claims next to the cited sentences ------------------------------------------------------

PAGE = textwrap.dedent("""\
    ---
    title: "Le score"
    summary: "Depuis 2018, l’opérateur note chaque inscrit. Une seconde phrase sans fait."
    facile: |
      Depuis 2018, une note est donnée à chaque inscrit.
      Un algorithme, c’est un programme.
    ---

    ## Histoire

    Selon l’association, le score est généralisé en 2018 [@lqdn_2024]. Date en partie floue.

    Un autre paragraphe sur les fichiers consultés [@cour_des_comptes_2020, p. 53].
    """)


def test_claims_are_listed_next_to_the_cited_sentences_with_the_lost_hedges():
    assert claims_report({"enquetes/score.md": PAGE}) == textwrap.dedent("""\
        docs/enquetes/score.md
          résumé (ligne 3) : « Depuis 2018, l’opérateur note chaque inscrit. »
            → ligne 11 [@lqdn_2024] : « Selon l’association, le score est généralisé en 2018. »
            ⚠ réserve du texte absente ici : « en partie », « selon »
          facile (ligne 5) : « Depuis 2018, une note est donnée à chaque inscrit. »
            → ligne 11 [@lqdn_2024] : « Selon l’association, le score est généralisé en 2018. »
            ⚠ réserve du texte absente ici : « en partie », « selon »""")


def test_a_claim_that_keeps_the_hedge_is_not_flagged():
    hedged = PAGE.replace("Depuis 2018, l’opérateur note", "Selon l’association, depuis 2018, "
                          "l’opérateur note")
    summary = page_claims(hedged, "docs/enquetes/score.md")[0]
    assert summary.matches and summary.lost == ()


def test_make_check_lists_claims_only_when_asked(tmp_path):
    project = make_site(tmp_path, docs={"enquetes/une-enquete.md": PAGE.replace(
        "facile: |", "date: 2026-01-15\nauthors:\n  - Équipe\ntags:\n  - test\nfacile: |")},
        bib={"sources.bib": textwrap.dedent("""\
            @online{lqdn_2024,
              author = {{La Quadrature du Net}},
              title = {Un article},
              date = {2024-06-25},
              url = {https://www.laquadrature.net/2024/06/25/a/},
              urldate = {2026-12-07},
            }
            @report{cour_des_comptes_2020,
              author = {{Cour des comptes}},
              title = {Un rapport},
              date = {2020},
            }
            """)})
    plain = subprocess.run([*script("check"), "--root", str(project)], cwd=ROOT,
                           capture_output=True, text=True, timeout=120)
    listed = subprocess.run([*script("check"), "--root", str(project), "--claims"], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert plain.returncode == listed.returncode == 0, listed.stdout
    assert "réserve du texte absente" not in plain.stdout
    assert "  résumé (ligne 3) : « Depuis 2018, l’opérateur note chaque inscrit. »" \
        in listed.stdout.splitlines()
    assert "    ⚠ réserve du texte absente ici : « en partie », « selon »" \
        in listed.stdout.splitlines()


def test_the_makefile_passes_claims_on():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "$(BIN)/python -m scripts.check $(if $(CLAIMS),--claims)" in makefile


# -- Each chronology row with its own source ---------------------------------------------

COLUMNS = {"annee": "entier", "evenement": "texte", "acteur": "texte", "sources": "sources"}
SOURCES = {"tribunal_constitutionnel_pologne_2018": object(), "lqdn_2024": object()}


def test_a_row_whose_source_is_unknown_is_refused_with_the_closest_key():
    text = ("annee,evenement,acteur,sources\n"
            "2018,Jugement,Tribunal,tribunal_constitutionnel_pologne_2019\n")
    with pytest.raises(ContentError) as error:
        parse_table(text, "data/chronologie.csv", COLUMNS, SOURCES)
    assert [str(p) for p in error.value.problems] == [
        "data/chronologie.csv:2:4: colonne `sources` : « tribunal_constitutionnel_pologne_2019 » "
        "refusé (source inconnue `tribunal_constitutionnel_pologne_2019`) — vouliez-vous dire "
        "`tribunal_constitutionnel_pologne_2018` ?"]


def test_a_row_without_source_is_refused():
    text = "annee,evenement,acteur,sources\n2018,Jugement,Tribunal,\n"
    with pytest.raises(ContentError) as error:
        parse_table(text, "data/chronologie.csv", COLUMNS, SOURCES)
    assert [str(p) for p in error.value.problems] == [
        "data/chronologie.csv:2:4: colonne `sources` : «  » refusé (cellule vide) — écrivez des "
        "clés de sources séparées par « ; », par exemple lqdn_2021; dubois_2021"]


def test_a_record_may_leave_out_the_common_source_only_when_rows_carry_theirs(tmp_path):
    path = tmp_path / "x.yml"
    path.write_text("title: T\ndescription: D\nlicence: L\ndate: 2026\n", encoding="utf-8")
    assert read_metadata(path, "data/x.yml", SOURCES, row_sources=True).source == ""
    with pytest.raises(ContentError) as error:
        read_metadata(path, "data/x.yml", SOURCES)
    assert str(error.value.problems[0]).startswith("data/x.yml:1: pas de source — indiquez")


def test_the_caption_cites_each_rows_source():
    table = parse_table("annee,evenement,acteur,sources\n2013,A,B,lqdn_2024\n"
                        "2018,C,D,tribunal_constitutionnel_pologne_2018; lqdn_2024\n",
                        "data/x.csv", COLUMNS, SOURCES)
    keys = row_source_keys(table, COLUMNS)
    assert keys == ["lqdn_2024", "tribunal_constitutionnel_pologne_2018"]
    meta = Metadata("T", "D", "", "L", "2026")
    assert source_caption(meta, "", keys) == (
        "Sources\u00a0: indiquées ligne par ligne dans le tableau des données"
        "[@lqdn_2024; @tribunal_constitutionnel_pologne_2018]")


def test_any_page_may_carry_dated_updates_checked_like_an_investigations():
    from macros.pages.frontmatter import split_front_matter, validate

    page = "---\ntitle: Accueil\nupdates:\n  - date: 07/12/2026\n    text: \"Corrigé.\"\n---\n"
    front, _ = split_front_matter(page, "docs/index.md")
    assert [str(p) for p in validate(front, "docs/index.md", investigation=False)] == [
        "docs/index.md:4: `updates[1].date` n’est pas une date : « 07/12/2026 » — écrivez une "
        "date qui existe, sous la forme AAAA-MM-JJ, sans guillemets, par exemple 2024-07-12"]
