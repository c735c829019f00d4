"""Acting on the dossier: the petition, share links, letters and contact.

`Action.load` reads and checks what they need once per build; `register_action_macros`
declares the page macros and `call_to_action` gives the block under every investigation.
The rendering itself is done by petition.py, share.py and letters.py.
"""

from __future__ import annotations

import functools
import gettext
import json
import posixpath
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from mkdocs.utils import get_relative_url

from common.config import PortalConfig
from common.form_markup import FRENCH
from common.words import translations

from ..floor.errors import ContentError, Problem
from ..floor.language import EDITIONS, SOURCE, edition_path, language_of, source_path
from ..pages.listings import relative_link
from .coalition import build_partner, register_coalition_macros
from .letter_fields import load_letter_fields
from .letters import (
    check_contact,
    contact_html,
    letter_field,
    letter_form,
    register_letter_macros,
)
from .petition import (
    DEFAULT_CALL_TO_ACTION,
    PUBLISHED_COUNT,
    SIGN_ANCHOR,
    Petition,
    is_allowed_url,
    load_petition,
    render_petition,
    render_petition_edition,
    sign_box_html,
    testimony_form_html,
)
from .recipients import load_recipients
from .share import action_block, check_share_links, script_tag, share_html


@dataclass(frozen=True)
class Action:
    petition: Petition | None
    petition_label: str        # e.g. "data/petition.yml", for messages
    petition_page: str | None  # .md path under docs/ of the petition page, when it exists
    share_links: list[dict]
    contact: dict | None
    # Each edition whose petition page exists (`en/agir/petition.md`): its words, read once
    # per build (common/words.py). The petition, home and count of that edition speak them.
    editions: Mapping[str, gettext.NullTranslations] = field(default_factory=dict)

    def words(self, lang: str) -> gettext.NullTranslations:
        """The words of `lang` for the petition's pages (French for a language without its
        own petition page)."""
        return self.editions.get(lang, FRENCH)

    def petition_page_in(self, lang: str) -> str | None:
        """The petition page in `lang`, when written (French: the petition page)."""
        if lang == SOURCE or lang not in self.editions or self.petition_page is None:
            return self.petition_page if lang == SOURCE else None
        return edition_path(self.petition_page, lang)

    @property
    def call_to_action(self) -> str:
        return self.petition.call_to_action if self.petition else DEFAULT_CALL_TO_ACTION

    @classmethod
    def load(cls, root: Path, docs_dir: Path, config: PortalConfig) -> Action:
        label = config.petition_data
        return cls.with_petition(load_petition(root / label, label), docs_dir, config)

    @classmethod
    def with_petition(cls, petition: Petition | None, docs_dir: Path, config: PortalConfig,
                      ) -> Action:
        """`petition`: data/petition.yml as the collection step read it (a build reads it
        once; None: there is none)."""
        label = config.petition_data
        local = config.service_url  # PORTAL_SERVICE_URL
        if petition is not None and local:
            if not is_allowed_url(local):
                raise ContentError([Problem("PORTAL_SERVICE_URL", f"adresse refusée : "
                                            f"« {local} »", hint="une adresse https:// ou "
                                            "http://127.0.0.1:PORT/ (make serve)")])
            petition = petition.with_service_url(local)
        page = config.petition_page
        # An example address is reported with every other placeholder
        # (macros/sitewide/placeholders.py).
        contact = check_contact(config.contact) if config.contact_given else None
        links = check_share_links(config.share_links)
        editions = {lang: translations(config.root, lang) for lang in EDITIONS
                    if (docs_dir / edition_path(page, lang)).exists()}
        return cls(petition, label, page if (docs_dir / page).exists() else None, links,
                   contact, editions)


def _asset(env, name: str) -> str:
    return get_relative_url(f"assets/{name}", env.page.url)


def _page_address(env) -> str:
    return PortalConfig.from_mkdocs(env.conf).site_url.rstrip("/") + "/" + env.page.url


def register_action_macros(env, session, deferred) -> None:
    """`petition()`, `share_links()`, `contact_details()` and the letter macros.
    `deferred` keeps a ContentError for the page extension (no traceback); `session.action`
    is read when a page calls them."""

    def contact_or_fail() -> dict:
        if session.action.contact is None:
            raise ContentError([Problem("mkdocs.yml", "adresse de contact manquante : "
                                        "`extra.contact.email`", hint="ajoutez `contact:` puis "
                                        "`email: …` sous `extra:`")])
        return session.action.contact

    def petition() -> str:
        """The petition page: text, demands, progress bar, form (or how to sign), privacy.
        On an edition's page (`en/…`), the form and the notice's anchor in its language: the
        page's own text says the petition (render_petition_edition)."""
        action = session.action
        if action.petition is None:
            raise ContentError([Problem(action.petition_label, "fichier de la pétition "
                                        "introuvable", hint=f"créez {action.petition_label} "
                                        "(voir CONTRIBUTING.md)")])
        src_uri = env.page.file.src_uri
        lang = language_of(src_uri)
        words = action.words(lang)
        _ = words.gettext
        if action.petition.form_action:  # the contact is where rights are exercised
            contact = (contact_html(action.contact, _("Données personnelles (pétition)"), _)
                       if action.contact else "")
        else:
            contact = contact_html(contact_or_fail(), _("Signer la pétition"), _)
        if lang == SOURCE:
            return render_petition(action.petition, contact, partner=build_partner(session))
        french = posixpath.relpath(source_path(src_uri).removesuffix(".md") + ".html",
                                   posixpath.dirname(src_uri) or ".")
        return render_petition_edition(action.petition, words, french, contact,
                                       partner=build_partner(session))

    def testimony_form() -> str:
        """The testimony form to the action service; without a service, the contact."""
        if session.action.petition is not None and session.action.petition.testimony_action:
            return testimony_form_html(session.action.petition)
        return contact_html(contact_or_fail(), "Témoignage")

    def share_links() -> str:
        return (share_html(env.page.title, _page_address(env), session.action.share_links)
                + script_tag(_asset(env, "share.js")))

    def contact_details(subject: str = "") -> str:
        return contact_html(contact_or_fail(), subject)

    def letter_config() -> PortalConfig:
        return PortalConfig.from_mkdocs(env.conf)

    letter_form_data = functools.cache(
        lambda: load_letter_fields(letter_config().root, letter_config().letters_data))

    def a_letter_field(name: str) -> str:
        return letter_field(name, f"docs/{env.page.file.src_uri}", letter_form_data(),
                            letter_config().letters_data)

    def a_letter_form() -> str:
        return letter_form(_asset(env, "letters.js"), letter_form_data(),
                           f"docs/{env.page.file.src_uri}", letter_config().letters_data)

    for name, macro in (("petition", petition), ("share_links", share_links),
                        ("contact_details", contact_details), ("letter_field", a_letter_field),
                        ("testimony_form", testimony_form)):
        env.macro(deferred(macro), name)
    env.macro(deferred(a_letter_form), "letter_form")
    register_coalition_macros(env, session, deferred)
    recipients = functools.cache(
        lambda: load_recipients(PortalConfig.from_mkdocs(env.conf).root))
    register_letter_macros(env, deferred, recipients, lambda: f"docs/{env.page.file.src_uri}")


HOME_PAGE = "index.md"


def sign_box(action: Action, src_uri: str, page_url: str) -> str:
    """The count and a link to the form, for the top of the petition page and of the home
    page (a phone's first screen), in the page's language; "" for any other page, or without
    a petition page (in that language)."""
    lang = language_of(src_uri)
    petition, target = action.petition, action.petition_page_in(lang)
    if petition is None or target is None \
            or src_uri not in (target, edition_path(HOME_PAGE, lang)):
        return ""
    words = action.words(lang)
    script = get_relative_url("assets/petition-count.js", page_url)
    count_url = petition.live_count_url
    if count_url == PUBLISHED_COUNT:  # beside the French petition page, whatever this one
        french = action.petition_page.removesuffix(".md") + ".html"
        count_url = get_relative_url(
            f"{french.rpartition('/')[0]}/{PUBLISHED_COUNT}".lstrip("/"), page_url)
    if src_uri == target:
        return sign_box_html(petition, f"#{SIGN_ANCHOR}", script, count_url, words)
    petition_url = target.removesuffix(".md") + ".html"
    return sign_box_html(petition, f"{get_relative_url(petition_url, page_url)}#{SIGN_ANCHOR}",
                         script, count_url, words)


def with_sign_box(markdown: str, box: str) -> str:
    """`box` first on the page, or just under the page's own title when it opens with one
    (`# …`: the home page)."""
    if not box:
        return markdown
    first, _, rest = markdown.lstrip("\n").partition("\n")
    if first.startswith("# "):
        return f"{first}\n\n{box}\n{rest}"
    return f"{box}\n{markdown}"


def write_published_count(action: Action, site_dir: Path, urls: dict[str, str]) -> None:
    """`compteur.json` beside the petition page, with the count known at build time: the
    page's script always finds it, and `python -m service publier-compteur` updates it."""
    petition = action.petition
    if petition is None or not petition.service_url or action.petition_page not in urls:
        return
    target = site_dir / urls[action.petition_page]
    target.parent.mkdir(parents=True, exist_ok=True)
    (target.parent / PUBLISHED_COUNT).write_text(json.dumps({
        "count": petition.count, "goal": petition.goal,
        "date": petition.count_date.isoformat()}) + "\n", encoding="utf-8")


def call_to_action(config: PortalConfig, page_url: str, src_uri: str, action: Action,
                   record, _=str, petition_page: str | None = None) -> str:
    """Sign and share, appended to an investigation's Markdown; `_`: the words of its
    language, `petition_page`: the petition in that language (the French one by default)."""
    petition_page = petition_page or action.petition_page
    petition_href = relative_link(petition_page, src_uri) if petition_page else None
    address = config.site_url.rstrip("/") + "/" + page_url
    return action_block(record.title, address, petition_href, action.call_to_action,
                        action.share_links, get_relative_url("assets/share.js", page_url), _)
