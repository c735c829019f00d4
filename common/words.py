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


def catalogue_path(root: Path, lang: str) -> Path:
    """Where the catalogue of `lang` lives in the project at `root`."""
    return Path(root) / LOCALES_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def translations(root: Path, lang: str) -> gettext.NullTranslations:
    """The words of `lang`: `gettext`, `ngettext`, `pgettext` of the standard library.

    French (the source) and a language without a catalogue answer with the French text.
    The caller keeps the object for as long as its build or its process lasts.
    """
    path = catalogue_path(root, lang)
    if lang == SOURCE_LANGUAGE or not path.is_file():
        return gettext.NullTranslations()
    with path.open("rb") as po:
        catalog = read_po(po, locale=lang, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)
