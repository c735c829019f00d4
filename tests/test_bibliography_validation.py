"""Loading .bib files: every mistake reported as file:line, value and hint."""

import textwrap

import pytest

from macros.citations.sources import load_sources
from macros.floor.errors import ContentError


def load(tmp_path, **files):
    bib = tmp_path / "bibliography"
    bib.mkdir()
    for name, text in files.items():
        (bib / f"{name}.bib").write_text(textwrap.dedent(text), encoding="utf-8")
    return load_sources(bib, tmp_path)


def errors(tmp_path, **files):
    with pytest.raises(ContentError) as error:
        load(tmp_path, **files)
    return str(error.value)


GOOD = """\
    @book{dubois_2021,
      author = {Dubois, Vincent},
      title = {Contrôler les assistés},
      publisher = {Raisons d'agir},
      date = {2021},
    }
    """


def test_good_file_loads_and_formats_once(tmp_path):
    sources = load(tmp_path, livres=GOOD)
    assert list(sources) == ["dubois_2021"]
    assert sources["dubois_2021"].formatted.text == (
        "Vincent Dubois, Contrôler les assistés, Raisons d'agir, 2021.")
    assert sources["dubois_2021"].group == "livres"


def test_zotero_field_names_are_accepted(tmp_path):
    sources = load(tmp_path, presse="""\
        @article{a, author = {Tesquet, Olivier}, title = {Titre}, journal = {Télérama},
                    year = {2020}}
        """)
    assert sources["a"].formatted.text == "Olivier Tesquet, «\u00a0Titre\u00a0», Télérama, 2020."


def test_same_key_in_two_files(tmp_path):
    message = errors(tmp_path, a=GOOD, b="\n\n" + GOOD)
    assert ("bibliography/b.bib:3: la clé `dubois_2021` est déjà définie dans "
            "bibliography/a.bib:1") in message


def test_same_key_twice_in_one_file(tmp_path):
    message = errors(tmp_path, a=GOOD + GOOD)
    assert "bibliography/a.bib:7: la clé `dubois_2021` est définie plusieurs fois" in message


def test_syntax_error_names_file_and_line(tmp_path):
    message = errors(tmp_path, a="""\
        @book{x,
          author = {Dubois, Vincent},
          title = {Sans fin,
          date = {2021},
        }
        @book{y, title = {Y}}
        """)
    assert "bibliography/a.bib:" in message and "erreur de syntaxe BibTeX" in message
    assert "vérifiez l’entrée `x` (ligne 1) :" in message


def test_missing_required_field(tmp_path):
    message = errors(tmp_path, a="""\
        @book{x,
          author = {Dubois, Vincent},
          title = {Livre},
          date = {2021},
        }
        """)
    assert "bibliography/a.bib:1: l’entrée `x` (@book) n’a pas de champ `publisher`" in message
    assert "ajoutez `publisher`" in message


def test_one_of_required_fields(tmp_path):
    message = errors(tmp_path, a="@report{r, title = {Rapport}}\n")
    assert "n’a pas de champ `author` ou `institution`" in message


@pytest.mark.parametrize("url", [
    "javascript:alert(1)",
    'https://example.org/"onmouseover="alert(1)',
    "ftp://example.org/x",
    "//example.org/x",
    "https://example.org/<script>",
])
def test_url_must_be_plain_http(tmp_path, url):
    message = errors(tmp_path, a=f"""\
        @online{{x, author = {{A}}, title = {{T}}, url = {{{url}}}, urldate = {{2024-01-01}}}}
        """)
    assert f"`url` refusée dans `x` : « {url} »" in message
    assert "http:// ou https://" in message


def test_url_needs_urldate(tmp_path):
    message = errors(tmp_path, a="@online{x, author = {A}, title = {T}, url = {https://a.org/}}\n")
    assert "l’entrée `x` a une `url` sans `urldate`" in message


def test_invalid_date(tmp_path):
    message = errors(tmp_path, a="@online{x, author = {A}, title = {T}, date = {juin 2024}}\n")
    assert "`date` invalide dans `x` : « juin 2024 »" in message
    assert "AAAA-MM-JJ" in message


def test_unknown_entry_type_suggests(tmp_path):
    message = errors(tmp_path, a="@onlin{x, author = {A}, title = {T}}\n")
    assert "type d’entrée `@onlin` non pris en charge pour `x`" in message
    assert "`online`" in message


def test_all_problems_of_all_files_in_one_report(tmp_path):
    message = errors(tmp_path, a="@onlin{x, author = {A}, title = {T}}\n",
                     b="@report{r, title = {R}}\n")
    assert message.startswith("2 erreurs de contenu")


def test_title_with_html_is_escaped(tmp_path):
    sources = load(tmp_path, a='@online{x, author = {A}, title = {<script>alert(1)</script>"}}\n')
    html = sources["x"].formatted.html
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_a_note_to_oneself_is_refused_with_its_fix(tmp_path):
    message = errors(tmp_path, presse="""\
        @online{lqdn,
          author = {{La Quadrature du Net}},
          title = {[Article sur les robots]},
          note = {Titre exact non relevé ; repris par la presse},
        }
        """)
    assert ("bibliography/presse.bib:1: note de travail dans `note` de `lqdn` : « non relevé » "
            "(les lecteurs la verraient)") in message
    assert "commentaire commençant par %" in message
