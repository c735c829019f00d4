"""The catalogue of words: every text a reader or a signer sees, in each language.

French is the source language: a message's id is its French text, and French needs no
catalogue. Each other language has one catalogue, `locales/<lang>/LC_MESSAGES/portal.po`,
shared by the site (macros/, overrides/) and the action service (service/). It is read with
Babel, the standard Python toolchain for gettext catalogues; no compiled `.mo` file is kept
in the repository.

Standalone on purpose (the standard library and Babel): the action service imports it
without importing the macros package.
"""

from __future__ import annotations

import gettext
import io
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

SOURCE_LANGUAGE = "fr"
LANGUAGES = ("fr", "en")
DOMAIN = "portal"
LOCALES_DIR = "locales"


def N_(text: str) -> str:
    """Marks a string kept for later (a constant, a dict of messages) as a word to
    translate: `make words` extracts it; it is translated where it is shown, with
    `words.gettext(TEXT)`."""
    return text


def language(value: object) -> str:
    """The language a reader asked for (a form's hidden `lang` field, a query parameter):
    one of LANGUAGES, and French for anything else, absent or malformed."""
    return value if isinstance(value, str) and value in LANGUAGES else SOURCE_LANGUAGE


def language_of(words: gettext.NullTranslations) -> str:
    """The language of a `translations()` object: its catalogue's `Language` header, French
    for the source (SourceWords)."""
    return language(words.info().get("language"))


class SourceWords(gettext.NullTranslations):
    """French, the source: every string is its own translation, and plurals follow the
    French rule (0 and 1 take the singular: « 0 signature », « 1 signature »), where
    gettext's default would say « 0 signatures »."""

    def ngettext(self, msgid1, msgid2, n):
        return msgid1 if n <= 1 else msgid2

    def npgettext(self, context, msgid1, msgid2, n):
        return msgid1 if n <= 1 else msgid2


def catalogue_path(root: Path, lang: str) -> Path:
    """Where the catalogue of `lang` lives in the project at `root`."""
    return Path(root) / LOCALES_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def translations(root: Path, lang: str) -> gettext.NullTranslations:
    """The words of `lang`: `gettext`, `ngettext`, `pgettext` of the standard library.

    French (the source) and a language without a catalogue answer with the French text
    (SourceWords). The caller keeps the object for as long as its build or its process
    lasts. A string the catalogue lacks, or marks `fuzzy`, comes out in French: `make
    check` lists them (scripts/words.py).
    """
    path = catalogue_path(root, lang)
    if lang == SOURCE_LANGUAGE or not path.is_file():
        return SourceWords()
    with path.open("rb") as po:
        catalog = read_po(po, locale=lang, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)
