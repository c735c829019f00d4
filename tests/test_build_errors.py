"""Broken content fails the strict build with a clear message, never a traceback."""

import subprocess
import textwrap

import pytest

from support.sites import (
    FIXTURE_ARTICLE,
    ROOT,
    assert_fails_cleanly,
    build_env,
    importable,
    make_site,
    mkdocs_build,
    script,
)


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


@pytest.mark.parametrize("old, new, expected", [
    ('title: "Une enquête"', 'title: "Une enquête',
     'docs/enquetes/une-enquete.md:2:8: en-tête YAML illisible : guillemet ouvert et jamais '
     'refermé : « "Une enquête » — refermez le guillemet (" ou \') de cette ligne'),
    ('summary: "Résumé."', "summary: 'Résumé.",
     "docs/enquetes/une-enquete.md:6:10: en-tête YAML illisible : guillemet ouvert et jamais "
     "refermé : « 'Résumé. » — refermez le guillemet (\" ou ') de cette ligne"),
])
def test_an_unclosed_quote_is_named_where_it_opens_with_its_value(tmp_path, old, new,
                                                                   expected):
    """Not where YAML gave up (a later line, once the quote swallowed the next fields)."""
    result = build(tmp_path, docs={"enquetes/une-enquete.md": FIXTURE_ARTICLE.replace(old, new)})
    assert_fails_cleanly(result, expected)


def test_make_build_says_a_broken_mkdocs_yml_in_french(tmp_path):
    """`make build` (scripts/build.py) says it in `make check`'s words, not MkDocs'
    English, and leaves the previous site alone."""
    project = make_site(tmp_path)
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "site_url: https://fixture.example.org/", 'site_url: "https://fixture.example.org/'),
        encoding="utf-8")
    (project / "site").mkdir()
    (project / "site" / "index.html").write_text("avant", encoding="utf-8")
    expected = ('mkdocs.yml:2:11: fichier YAML illisible : guillemet ouvert et jamais refermé : '
                '« "https://fixture.example.org/ » — refermez le guillemet (" ou \') de cette '
                'ligne')
    built = subprocess.run([*script("build"), "--site-dir", "site"], cwd=project,
                           env=importable(build_env()), capture_output=True, text=True,
                           timeout=120)
    checked = subprocess.run([*script("check"), "--root", str(project)], cwd=ROOT,
                             capture_output=True, text=True, timeout=120)
    assert built.returncode == 1 and checked.returncode == 1
    assert built.stdout + built.stderr == f"{expected}\n\nÉchec de la construction : site/ " \
                                          "n’a pas été modifié.\n"
    assert expected in checked.stdout
    assert (project / "site" / "index.html").read_text(encoding="utf-8") == "avant"
    assert sorted(p.name for p in project.iterdir()) == [
        "bibliography", "charts", "docs", "macros", "mkdocs.yml", "overrides", "site"]


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
