"""The one YAML reader: French messages at the line where the mistake starts."""

import pytest

from macros.floor.textfile import decode
from macros.floor.yamldata import is_day, parse_yaml


@pytest.mark.parametrize("text, expected", [
    ('titre: "Sans fin\nautre: 1\n',
     "f.yml:1:8: fichier YAML illisible : guillemet ouvert et jamais refermé"),
    ("liste:\n\t- a\n", "f.yml:2:1: fichier YAML illisible : tabulation interdite"),
    ("titre: a: b\n", "f.yml:1:9: fichier YAML illisible : « : » inattendu dans une valeur"),
    ("tags: [a, b\n", "f.yml:1:7: fichier YAML illisible : liste entre crochets jamais refermée"),
    ("a: 1\nb: 2\na: 3\n", "f.yml:3: champ `a` donné deux fois (lignes 1 et 3)"),
    ("r:\n  x: 1\n  x: 2\n", "f.yml:3: champ `x` donné deux fois (lignes 2 et 3)"),
])
def test_mistakes_are_french_with_line_and_column(text, expected):
    doc, problems = parse_yaml(text, "f.yml")
    assert doc is None
    assert str(problems[0]).startswith(expected), problems


def test_front_matter_lines_count_from_the_top_of_the_file():
    _, problems = parse_yaml('title: "x\n', "p.md", first_line=2, what="en-tête YAML illisible")
    assert str(problems[0]).startswith("p.md:2:8: en-tête YAML illisible : guillemet")


def test_an_impossible_date_stays_text_and_lines_are_known():
    doc, problems = parse_yaml("date: 2026-11-31\nliste:\n  - a\n  - b: 2026-02-01\n", "f.yml")
    assert problems == []
    assert doc.data["date"] == "2026-11-31" and not is_day(doc.data["date"])
    assert is_day(doc.data["liste"][1]["b"])
    assert doc.line("date") == 1 and doc.line("liste", 1, "b") == 4 and doc.line("x") == 1


@pytest.mark.parametrize("data", [b"\xef\xbb\xbfa: 1\r\nb: 2\r\n", b"a: 1\rb: 2\r",
                                  b"a: 1\nb: 2\n"])
def test_bom_and_line_ends_read_the_same(data):
    text, problems = decode(data, "f.yml")
    assert problems == [] and text == "a: 1\nb: 2\n"


def test_bytes_that_are_not_utf8_are_named():
    text, problems = decode(b"a: 1\nnom: Cafe\n".replace(b"Cafe", b"Caf\xe9"), "f.yml")
    assert text is None
    assert str(problems[0]).startswith("f.yml:2:9: caractère illisible (octet 0xE9), le "
                                       "fichier n’est pas en UTF-8 : « nom: Caf� »")
