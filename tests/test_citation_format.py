"""Exact French references for each entry type (pure functions, no MkDocs)."""

import datetime as dt

import pytest

from macros.citations.archives import ArchiveRecord
from macros.citations.formatting import format_reference
from macros.citations.kept import KeptDocument
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


def test_online_with_url_consulted_and_no_recorded_copy_offers_a_search_only():
    """Issue 27: no guessed copy; only a link worded as a search, to the calendar."""
    url = "https://www.laquadrature.net/2021/12/22/pole-emploi/"
    out = ref("online", {"title": "Pôle emploi : dématérialisation", "url": url},
              ["La Quadrature du Net"], PartialDate(2021, 12, 22), PartialDate(2024, 7, 12))
    assert out.html == (
        f"La Quadrature du Net, «{NB}Pôle emploi : dématérialisation{NB}», 22 décembre 2021. "
        f'<a class="source-url" href="{url}" rel="noreferrer" data-originalurl="{url}" '
        f'data-versiondate="2024-07-12">{url}</a> '
        f"(consulté le 12 juillet 2024{NB}; "
        f'<a class="source-archive-search" href="https://web.archive.org/web/*/{url}" '
        'rel="noreferrer">chercher une copie archivée</a>).')
    assert "Copie archivée" not in out.html and "/web/2024" not in out.html
    assert out.text.endswith(f"{url} (consulté le 12 juillet 2024).")


COPY = "https://web.archive.org/web/20250312101500/https://a.example/x"


def test_recorded_copy_is_a_robust_link_dated_in_french():
    record = ArchiveRecord("https://a.example/x", COPY, dt.date(2025, 3, 12),
                           dt.date(2026, 12, 1), "live", dt.date(2026, 12, 1))
    out = format_reference("online", {"title": "T", "url": "https://a.example/x"}, ["X"], None,
                           PartialDate(2025, 3, 1), record)
    robust = (' data-originalurl="https://a.example/x" '
              f'data-versionurl="{COPY}" data-versiondate="2025-03-12"')
    assert out.html == (
        f'X, «{NB}T{NB}», s.{NB}d. <a class="source-url" href="https://a.example/x" '
        f'rel="noreferrer"{robust}>https://a.example/x</a> (consulté le 1er mars 2025{NB}; '
        f'<a class="source-archive" href="{COPY}" rel="noreferrer"{robust}>copie archivée le '
        "12 mars 2025</a>).")
    assert out.text.endswith(f"(consulté le 1er mars 2025{NB}; copie archivée le 12 mars 2025"
                             f"{NB}: {COPY}).")


def test_gone_original_leads_with_the_copy_and_says_when_it_disappeared():
    record = ArchiveRecord("https://a.example/x", COPY, dt.date(2025, 3, 12),
                           dt.date(2026, 12, 3), "gone", dt.date(2026, 12, 3))
    out = format_reference("online", {"title": "T", "url": "https://a.example/x"}, ["X"], None,
                           PartialDate(2025, 3, 1), record)
    body = out.html.split("d. ", 1)[1]
    assert body.startswith(f'<a class="source-archive" href="{COPY}"')
    assert ('>Copie archivée le 12 mars 2025</a> de <span class="source-url source-gone">'
            "https://a.example/x</span>") in body
    assert body.endswith(f"(consulté le 1er mars 2025){NB}; la page d’origine a disparu "
                         "(constaté le 3 décembre 2026).")
    assert 'href="https://a.example/x"' not in body  # the dead address is no longer a link


def test_gone_original_without_copy_offers_the_search():
    record = ArchiveRecord("https://a.example/x", checked=dt.date(2026, 12, 3), state="gone",
                           since=dt.date(2026, 12, 3))
    out = format_reference("online", {"title": "T", "url": "https://a.example/x"}, ["X"], None,
                           PartialDate(2025, 3, 1), record)
    assert "la page d’origine a disparu (constaté le 3 décembre 2026)" in out.html
    assert "chercher une copie archivée</a>." in out.html
    assert "source-archive\"" not in out.html


def test_moved_and_changed_originals_are_told():
    moved = ArchiveRecord("https://a.example/x", state="moved", since=dt.date(2026, 1, 2),
                          moved_to="https://b.example/y")
    out = format_reference("online", {"title": "T", "url": "https://a.example/x"}, ["X"], None,
                           PartialDate(2025, 3, 1), moved)
    assert out.html.endswith(' L’adresse mène désormais à <a class="source-moved" '
                             'href="https://b.example/y" rel="noreferrer">https://b.example/y</a> '
                             "(constaté le 2 janvier 2026).")
    changed = ArchiveRecord("https://a.example/x", COPY, dt.date(2025, 3, 12), state="changed",
                            since=dt.date(2026, 1, 2))
    out = format_reference("online", {"title": "T", "url": "https://a.example/x"}, ["X"], None,
                           PartialDate(2025, 3, 1), changed)
    assert out.html.endswith(f" La page a changé depuis (constaté le 2 janvier 2026){NB}; la "
                             "copie archivée montre la version citée.")


def test_kept_document_links_to_the_portal_copy_relative_to_the_page_and_prints_its_hash():
    document = KeptDocument("documents/cada/note.pdf", "ab" * 32)
    out = format_reference("unpublished", {"title": "[Note]", "institution": "Pôle emploi"}, [],
                           None, None, None, document)
    assert out.html_at("../").endswith(
        '<a class="source-document" href="../documents/cada/note.pdf">Copie conservée par le '
        f'portail</a> (PDF, empreinte SHA-256{NB}: <code class="source-hash">{"ab" * 32}</code>).')
    assert 'href="documents/cada/note.pdf"' in out.html  # at the site's root
    assert out.text.endswith(f"Copie conservée par le portail{NB}: documents/cada/note.pdf (PDF, "
                             f"empreinte SHA-256{NB}: {'ab' * 32}).")


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
