"""The catalogue of words (issue 29): every string the code and the templates use is in each
language's catalogue, `make words` brings the catalogues up to date from the sources, and
`make check` tells a translator what is missing, where it is used and how to fix it.

French is the source (a message's id is its French text), complete by construction.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from common.form_markup import progress_text
from common.words import SourceWords, language, language_of, translations
from scripts.words import extract, missing, update
from support.sites import ROOT

CONFIG = """[extractors]
python_calls = scripts.words:extract_python_calls
config_values = scripts.words:extract_config_values
[python_calls: service/**.py]
[jinja2: overrides/**.html]
[config_values: mkdocs.yml]
keys = site_name
"""
MODULE = '''from common.words import N_

TITLE = N_("Vérifiez votre messagerie")


def page(words, n):
    # TRANSLATORS: the greeting of the page
    hello = words.gettext("Bonjour")
    return f"<p>{hello} {words.gettext('au revoir')}</p>" + words.ngettext(
        "{n} signature", "{n} signatures", n).format(n=n)
'''
HEADER = ('msgid ""\nmsgstr ""\n"Language: en\\n"\n"Content-Type: text/plain; '
          'charset=UTF-8\\n"\n"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n')


@pytest.fixture
def project(tmp_path) -> Path:
    """A small project: a module, a template, mkdocs.yml and an English catalogue with one
    translation still used and one no longer used."""
    (tmp_path / "babel.cfg").write_text(CONFIG, encoding="utf-8")
    (tmp_path / "service").mkdir()
    (tmp_path / "service" / "pages.py").write_text(MODULE, encoding="utf-8")
    (tmp_path / "overrides").mkdir()
    (tmp_path / "overrides" / "main.html").write_text(
        '<a>{{ gettext("Rechercher") }}</a>\n<p>{% trans %}Accueil{% endtrans %}</p>\n',
        encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text('site_name: "Le portail"\n', encoding="utf-8")
    po = tmp_path / "locales" / "en" / "LC_MESSAGES" / "portal.po"
    po.parent.mkdir(parents=True)
    po.write_text(HEADER + 'msgid "Bonjour"\nmsgstr "Hello"\n\nmsgid "Ancien texte"\n'
                  'msgstr "Old text"\n', encoding="utf-8")
    return tmp_path


def test_every_string_of_the_code_is_in_every_catalogue():
    """The real portal: nothing the code or the templates use lacks its translation."""
    problems = missing(ROOT)
    assert not problems, "\n".join(str(p) for p in problems)


def test_extraction_finds_calls_in_fstrings_marked_constants_templates_and_config(project):
    found = {message.id: message for message in extract(project) if message.id}
    assert set(found) == {"Vérifiez votre messagerie", "Bonjour", "au revoir",
                          ("{n} signature", "{n} signatures"), "Rechercher", "Accueil",
                          "Le portail"}
    assert found["au revoir"].locations == [("service/pages.py", 9)]  # inside an f-string
    assert found["Bonjour"].auto_comments == ["the greeting of the page"]
    assert found["Le portail"].locations == [("mkdocs.yml", 1)]


def test_make_words_keeps_translations_adds_new_strings_and_marks_obsolete(project):
    done = update(project)
    assert [(d.path, d.new, d.obsolete) for d in done] == [
        ("locales/en/LC_MESSAGES/portal.po", 6, 1)]
    assert done[0].retired == ("Ancien texte",)  # `make words` names it
    po = project / "locales" / "en" / "LC_MESSAGES" / "portal.po"
    text = po.read_text(encoding="utf-8")
    assert '#. the greeting of the page\n#: service/pages.py\nmsgid "Bonjour"\n' \
           'msgstr "Hello"\n' in text
    assert 'msgid "Accueil"\nmsgstr ""\n' in text
    assert '#~ msgid "Ancien texte"\n#~ msgstr "Old text"\n' in text
    assert text.startswith('msgid ""\nmsgstr ""\n"Project-Id-Version: portal\\n"\n')
    assert "POT-Creation-Date" not in text and "PO-Revision-Date" not in text
    update(project)
    assert po.read_text(encoding="utf-8") == text  # a second run changes nothing


def test_missing_strings_named_with_where_they_are_used_and_the_fix(project):
    po = project / "locales" / "en" / "LC_MESSAGES" / "portal.po"
    label = "locales/en/LC_MESSAGES/portal.po"
    problems = [str(p) for p in missing(project)]
    assert (f"{label}: pas de traduction anglaise pour « Accueil », utilisée dans "
            f"overrides/main.html:2 — lancez `make words` (il l’ajoute au catalogue), puis "
            f"écrivez la traduction sur la ligne msgstr qui suit ce msgid dans {label}"
            ) in problems
    assert len(problems) == 6  # all but « Bonjour »

    update(project)
    catalog = read_po(po.open("rb"), locale="en")
    for message in catalog:
        if message.id and message.id != "Bonjour":
            message.string = ("", "") if isinstance(message.id, tuple) else ""
    line = catalog.get("Rechercher").lineno
    problems = [str(p) for p in missing(project)]
    assert (f"{label}:{line}: pas de traduction anglaise pour « Rechercher », utilisée dans "
            f"overrides/main.html:1 — écrivez la traduction entre les guillemets de la ligne "
            f"msgstr qui suit ce msgid") in problems

    text = po.read_text(encoding="utf-8")
    text = text.replace('msgid "Rechercher"\nmsgstr ""', '#, fuzzy\nmsgid "Rechercher"\n'
                        'msgstr "Search"')
    text = text.replace('msgid_plural "{n} signatures"\nmsgstr[0] ""\nmsgstr[1] ""',
                        'msgid_plural "{n} signatures"\nmsgstr[0] "{count} signature"\n'
                        'msgstr[1] "{n} signatures"')
    po.write_text(text, encoding="utf-8")
    catalog = read_po(po.open("rb"), locale="en")
    fuzzy_line = catalog.get("Rechercher").lineno
    plural_line = catalog.get(("{n} signature", "{n} signatures")).lineno
    problems = [str(p) for p in missing(project)]
    assert (f"{label}:{fuzzy_line}: traduction anglaise à revoir pour « Rechercher », "
            f"utilisée dans overrides/main.html:1 : le français a changé depuis qu’elle a été "
            f"écrite (#, fuzzy) — vérifiez la traduction, puis retirez la ligne `#, fuzzy` "
            f"au-dessus du msgid") in problems
    assert (f"{label}:{plural_line}: la traduction anglaise de « {{n}} signature » n’a pas "
            f"les mêmes repères entre accolades que le français (utilisée dans "
            f"service/pages.py:9) — gardez exactement ceux du français : {{n}}") in problems


def test_make_check_tells_a_translator_what_is_missing(tmp_path):
    """`make check` on a copy of the portal whose English catalogue lost one translation."""
    root = tmp_path / "portal"
    ignore = shutil.ignore_patterns("__pycache__", "node_modules", "vega")
    for folder in ("docs", "data", "bibliography", "documents", "macros", "overrides",
                   "common", "service", "locales", "charts"):
        if (ROOT / folder).exists():
            shutil.copytree(ROOT / folder, root / folder, ignore=ignore)
    for name in ("mkdocs.yml", "babel.cfg"):
        shutil.copy(ROOT / name, root / name)
    po = root / "locales" / "en" / "LC_MESSAGES" / "portal.po"
    text = po.read_text(encoding="utf-8")
    assert 'msgstr "Check your inbox"' in text
    po.write_text(text.replace('msgstr "Check your inbox"', 'msgstr ""'), encoding="utf-8")
    line = read_po(po.open("rb"), locale="en").get("Vérifiez votre messagerie").lineno
    used = next(m for m in extract(root) if m.id == "Vérifiez votre messagerie").locations[0]
    result = subprocess.run([sys.executable, "-m", "scripts.check", "--root", str(root)],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 1, result.stdout + result.stderr
    assert (f"locales/en/LC_MESSAGES/portal.po:{line}: pas de traduction anglaise pour "
            f"« Vérifiez votre messagerie », utilisée dans {used[0]}:{used[1]} — écrivez la "
            f"traduction entre les guillemets de la ligne msgstr qui suit ce msgid\n"
            ) in result.stdout
    assert "1 problème à corriger." in result.stderr


def test_french_is_the_source_and_plurals_follow_french_rules():
    french = translations(ROOT, "fr")
    assert isinstance(french, SourceWords) and language_of(french) == "fr"
    assert french.gettext("Signer la pétition") == "Signer la pétition"
    assert french.ngettext("{n} signature", "{n} signatures", 0) == "{n} signature"
    english = translations(ROOT, "en")
    assert language_of(english) == "en"
    assert english.gettext("Signer la pétition") == "Sign the petition"
    assert [language(value) for value in ("en", "fr", "EN", "de", "", None, ["en"])] == \
        ["en", "fr", "fr", "fr", "fr", "fr", "fr"]
    import datetime as dt
    day = dt.date(2026, 12, 1)
    assert progress_text(0, 10_000, day) == "0 signature sur un objectif de 10\u202f000, au " \
                                            "1er décembre 2026"
    assert progress_text(1234, 10_000, day, english) == \
        "1,234 signatures towards a goal of 10,000, as of 1 December 2026"
