"""Broken content fails the strict build with a clear message, never a traceback."""

import textwrap

import pytest

from support.sites import FIXTURE_ARTICLE, assert_fails_cleanly, make_site, mkdocs_build


def build(tmp_path, docs=None, bib=None):
    project = make_site(tmp_path, docs, bib)
    return mkdocs_build(project, tmp_path / "site")


def article(**changes):
    """The fixture investigation with front matter lines replaced or removed (None)."""
    lines = []
    for line in FIXTURE_ARTICLE.splitlines():
        key = line.split(":")[0]
        if key in changes:
            if changes[key] is not None:
                lines.append(f"{key}: {changes[key]}")
            continue
        lines.append(line)
    return "\n".join(lines) + "\n"


def test_fixture_site_builds(tmp_path):
    result = build(tmp_path)
    assert result.ok, result.output
    assert (tmp_path / "site" / "enquetes" / "une-enquete.html").exists()


@pytest.mark.parametrize("changes, expected", [
    ({"title": None}, "docs/enquetes/une-enquete.md:1: champ d’en-tête obligatoire manquant : "
                      "`title`"),
    ({"date": None}, "docs/enquetes/une-enquete.md:1: champ d’en-tête obligatoire manquant : "
                     "`date`"),
    ({"date": "15/01/2026"}, "docs/enquetes/une-enquete.md:3: `date` n’est pas une date : "
                             "« 15/01/2026 »"),
    ({"date": "2026-02-30"}, "docs/enquetes/une-enquete.md:3: `date` n’est pas une date"),
    ({"summary": None}, "champ d’en-tête obligatoire manquant : `summary`"),
])
def test_front_matter_errors(tmp_path, changes, expected):
    result = build(tmp_path, docs={"enquetes/une-enquete.md": article(**changes)})
    assert_fails_cleanly(result, expected, "Construction arrêtée : rien n’a été publié.")


def test_misspelt_field_is_named_with_a_suggestion(tmp_path):
    text = FIXTURE_ARTICLE.replace("summary:", "sumary:")
    result = build(tmp_path, docs={"enquetes/une-enquete.md": text})
    assert_fails_cleanly(result, "docs/enquetes/une-enquete.md:6: champ d’en-tête inconnu "
                                 "`sumary` — vouliez-vous dire `summary` ?")


def test_unreadable_yaml_names_the_line(tmp_path):
    text = FIXTURE_ARTICLE.replace('summary: "Résumé."', 'summary: "Résumé.\n  x: [')
    result = build(tmp_path, docs={"enquetes/une-enquete.md": text})
    assert_fails_cleanly(result, "docs/enquetes/une-enquete.md:", "en-tête YAML illisible")


def test_malformed_reply_names_the_file(tmp_path):
    text = FIXTURE_ARTICLE.replace("tags:", "reply:\n  date: hier\n  author: X\ntags:")
    result = build(tmp_path, docs={"enquetes/une-enquete.md": text})
    assert_fails_cleanly(result, "docs/enquetes/une-enquete.md", "`reply.text` manquant",
                         "`reply.date` n’est pas une date : « hier »")


def test_unknown_citation_key_with_suggestion(tmp_path):
    text = FIXTURE_ARTICLE + "\nAutre fait [@courdescomptes2020, p. 4].\n"
    result = build(tmp_path, docs={"enquetes/une-enquete.md": text})
    line = text.splitlines().index("Autre fait [@courdescomptes2020, p. 4].") + 1
    assert_fails_cleanly(
        result, f"docs/enquetes/une-enquete.md:{line}: source inconnue `courdescomptes2020` — "
                "vouliez-vous dire `cour_des_comptes_2020` ?")


def test_unknown_key_in_a_reply(tmp_path):
    text = FIXTURE_ARTICLE.replace(
        "tags:",
        "reply:\n  date: 2024-07-12\n  author: X\n  text: |\n    Non [@duboi_2021].\ntags:")
    result = build(tmp_path, docs={"enquetes/une-enquete.md": text})
    line = text.splitlines().index("    Non [@duboi_2021].") + 1
    assert_fails_cleanly(result, f"docs/enquetes/une-enquete.md:{line}: source inconnue "
                                 "`duboi_2021`")


def test_same_key_in_two_bib_files(tmp_path):
    duplicate = textwrap.dedent("""\
        @book{dubois_2021, author = {Dubois, Vincent}, title = {Autre},
              publisher = {P}, date = {2021}}
        """)
    result = build(tmp_path, bib={"zz.bib": duplicate})
    assert_fails_cleanly(result, "bibliography/zz.bib:1: la clé `dubois_2021` est déjà définie "
                                 "dans bibliography/sources.bib:1")


def test_bibtex_syntax_error(tmp_path):
    result = build(tmp_path, bib={"zz.bib": "@book{x,\n  title = {Sans fin,\n  date = {2021},\n"})
    assert_fails_cleanly(result, "bibliography/zz.bib:3: erreur de syntaxe BibTeX",
                         "vérifiez l’entrée `x` (ligne 1)")


def test_missing_required_field(tmp_path):
    result = build(tmp_path, bib={"zz.bib": "@jurisdiction{syri, title = {SyRI}, date = {2020}}\n"})
    assert_fails_cleanly(result, "bibliography/zz.bib:1: l’entrée `syri` (@jurisdiction) n’a pas "
                                 "de champ `institution`")


def test_url_that_is_not_http(tmp_path):
    bib = ("@online{x, author = {A}, title = {T}, url = {javascript:alert(1)}, "
           "urldate = {2024-01-01}}\n")
    result = build(tmp_path, bib={"zz.bib": bib})
    assert_fails_cleanly(result, "bibliography/zz.bib:1: `url` refusée dans `x` : "
                                 "« javascript:alert(1) »")


def test_unknown_dossier_in_a_macro(tmp_path):
    page = '---\ntitle: A\n---\n\n{{ investigations("enquete") }}\n'
    result = build(tmp_path, docs={"index.md": page})
    assert_fails_cleanly(result, "docs/index.md:5: dossier inconnu `enquete` — "
                                 "vouliez-vous dire `enquetes` ?")


def test_uncited_sources_warn_once_without_failing(tmp_path):
    result = build(tmp_path)
    assert result.ok, result.output
    warnings = [line for line in result.output.splitlines() if "citée(s) nulle part" in line]
    assert len(warnings) == 1
    assert "cour_des_comptes_2020 (bibliography/sources.bib:7)" in warnings[0]
    assert "dubois_2021" not in warnings[0]
