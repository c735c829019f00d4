"""Exact French references for each entry type (pure functions, no MkDocs)."""

import pytest

from macros.citations.formatting import format_reference
from macros.floor.dates import PartialDate

NB = "\u00a0"


def ref(entry_type, fields, authors=(), date=None, urldate=None):
    return format_reference(entry_type, fields, list(authors), date, urldate)


def test_book_italic_title_publisher_year():
    out = ref("book", {"title": "Contrôler les assistés. Genèses et usages d’un mot d’ordre",
                       "publisher": "Raisons d’agir"}, ["Vincent Dubois"], PartialDate(2021))
    assert out.html == ("Vincent Dubois, <i>Contrôler les assistés. Genèses et usages d’un mot "
                        "d’ordre</i>, Raisons d’agir, 2021.")
    assert out.text == ("Vincent Dubois, Contrôler les assistés. Genèses et usages d’un mot "
                        "d’ordre, Raisons d’agir, 2021.")


def test_article_two_authors_quoted_title_month():
    out = ref("article", {"title": "Déshumaniser le travail social", "journaltitle": "CQFD"},
              ["Keltoum Brahan", "Muriel Bombardi"], PartialDate(2017, 2))
    assert out.html == (f"Keltoum Brahan et Muriel Bombardi, «{NB}Déshumaniser le travail "
                        f"social{NB}», <i>CQFD</i>, février 2017.")


def test_book_five_authors_and_location():
    out = ref("book", {"title": "Chômeurs, vos papiers !", "publisher": "Raisons d’agir",
                       "location": "Paris"},
              ["Claire Vivès", "Luc Sigalo Santos", "Jean-Marie Pillon", "Vincent Dubois",
               "Hadrien Clouet"], PartialDate(2023))
    assert out.text == ("Claire Vivès, Luc Sigalo Santos, Jean-Marie Pillon, Vincent Dubois et "
                        "Hadrien Clouet, Chômeurs, vos papiers !, Paris, Raisons d’agir, 2023.")


def test_online_with_url_consulted_and_archive():
    url = "https://www.laquadrature.net/2021/12/22/pole-emploi/"
    out = ref("online", {"title": "Pôle emploi : dématérialisation", "url": url},
              ["La Quadrature du Net"], PartialDate(2021, 12, 22), PartialDate(2024, 7, 12))
    assert out.html == (
        f"La Quadrature du Net, «{NB}Pôle emploi : dématérialisation{NB}», 22 décembre 2021. "
        f'<a class="source-url" href="{url}" rel="noreferrer">{url}</a> '
        "(consulté le 12 juillet 2024). "
        f'<a class="source-archive" href="https://web.archive.org/web/20240712/{url}" '
        'rel="noreferrer">Copie archivée</a>.')
    assert out.tooltip("p. 53") == (
        f"La Quadrature du Net, «{NB}Pôle emploi : dématérialisation{NB}», "
        "22 décembre 2021, p. 53.")


def test_explicit_archive_field_wins():
    out = ref("online", {"title": "T", "url": "https://a.example/x",
                         "archive": "https://archive.example/abc"},
              ["X"], None, PartialDate(2024, 1, 1))
    assert 'href="https://archive.example/abc"' in out.html
    assert "web.archive.org" not in out.html


def test_report_corporate_author_and_no_date():
    out = ref("report", {"title": "Le contrôle des chômeurs"},
              ["Jean-Matthieu Méon", "Pierre Emmaule", "Vincent Dubois"])
    assert out.html == ("Jean-Matthieu Méon, Pierre Emmaule et Vincent Dubois, "
                        f"<i>Le contrôle des chômeurs</i>, s.{NB}d.")


def test_report_institution_type_number():
    out = ref("report", {"title": "Un titre", "institution": "Insee", "type": "Insee Première",
                         "number": "1923"}, [], PartialDate(2022))
    assert out.text == f"Un titre, Insee Première, Insee, n°{NB}1923, 2022."


def test_legislation_title_only():
    out = ref("legislation", {"title": "Loi n° 2023-1196 du 18 décembre 2023 pour le plein emploi"},
              [], PartialDate(2023, 12, 18))
    assert out.html == "Loi n° 2023-1196 du 18 décembre 2023 pour le plein emploi."


def test_jurisdiction_court_date_case_number():
    out = ref("jurisdiction", {"title": "SyRI", "institution": "Rechtbank Den Haag",
                               "number": "ECLI:NL:RBDHA:2020:865"}, [], PartialDate(2020, 2, 5))
    assert out.html == "Rechtbank Den Haag, 5 février 2020, <i>SyRI</i>, ECLI:NL:RBDHA:2020:865."


def test_unpublished_with_note_and_first_of_month():
    out = ref("unpublished", {"title": "Note de suivi", "institution": "Pôle emploi",
                              "type": "Note interne",
                              "note": "Document obtenu par La Quadrature du Net"},
              [], PartialDate(2018, 7, 1))
    assert out.text == ("Pôle emploi, Note de suivi, Note interne, 1er juillet 2018. "
                        "Document obtenu par La Quadrature du Net.")


def test_bracketed_descriptive_title_is_neither_quoted_nor_italic():
    out = ref("online", {"title": "[Article sur le Journal de la recherche d’emploi]",
                         "journaltitle": "Basta!"}, ["Basta!"])
    assert out.html == ("Basta!, [Article sur le Journal de la recherche d’emploi], "
                        f"<i>Basta!</i>, s.{NB}d.")


def test_title_ending_with_question_mark_gets_no_extra_period():
    out = ref("report", {"title": "Trois ans après, où en est-on ?"}, ["Défenseur des droits"])
    assert out.text.endswith(f"où en est-on ?, s.{NB}d.")


@pytest.mark.parametrize("field", ["title", "journaltitle", "note"])
def test_every_field_is_escaped(field):
    fields = {"title": "T", "journaltitle": "J", field: '<script>alert(1)</script>"'}
    out = ref("article", fields, ["<b>Auteur</b>"])
    assert "<script>" not in out.html and "<b>" not in out.html
    assert "&lt;script&gt;" in out.html and "&lt;b&gt;Auteur" in out.html
