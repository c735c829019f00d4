"""The state of a build as a publication: its mode (local, preview, publish), what must be
replaced before publishing, the banners every page shows, each page's description and share
tags, and the share images. Read once per build by `define_env`; the work is done by the
pure modules placeholders.py, social.py, share_image.py, frozen.py and legal.py.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from common.config import PortalConfig, key_line, read_mkdocs_yml

from ..action import Action
from ..floor.errors import Problem
from ..floor.language import EDITIONS, LOCALES, SOURCE, edition_path, language_of, source_path
from ..floor.log import advisory
from ..sitewide.frozen import FrozenVersion, frozen_banner_html, load_versions
from ..sitewide.placeholders import (
    build_mode,
    find_placeholders,
    publishing_refused,
    warning_text,
)
from ..sitewide.share_image import Card, CardColours, ShareImages, publish_file
from ..sitewide.skeleton import campaign_texts, find_skeleton_text, petition_skeleton_text
from ..sitewide.social import (
    HOME_PAGE,
    Publisher,
    absolute,
    article_jsonld,
    card_for,
    head_tags,
    page_description,
    share_image_path,
    squeeze,
)
from .portal import Portal

CACHE_DIR = ".cache/share-images"


@dataclass
class Publication:
    mode: str
    problems: list[Problem]
    site_name: str
    site_description: str
    site_url: str  # absolute, ends with "/"
    publisher: Publisher
    petition_page: str | None
    petition_title: str
    frozen_name: str = ""
    frozen_date: dt.date | None = None
    versions: list[FrozenVersion] | None = None  # None: no versions.json given to the build
    images: ShareImages = field(default_factory=lambda: ShareImages(Path(CACHE_DIR)))
    # Each language's gettext (common/words.py): an edition's cards and tags.
    words: dict = field(default_factory=dict)
    _cards: dict[str, Card] | None = None

    @classmethod
    def load(cls, conf, portal: Portal, action: Action, words: dict | None = None,
             ) -> Publication:
        """`words`: each language's gettext (common/words.py), read once by the build."""
        config = PortalConfig.from_mkdocs(conf)
        mode = build_mode(config.build)
        petition = action.petition
        announced = petition is not None and action.petition_page is not None
        # The form posts to the portal's own service (`service.url`) or to another `endpoint`.
        endpoint_key = ("service", "url") if announced and petition.service_url else ("endpoint",)
        petition_line = (key_line(portal.root / action.petition_label, *endpoint_key)
                         if announced else None)
        written = functools.cache(lambda: read_mkdocs_yml(config.config_file))  # read if needed
        problems = find_placeholders(
            site_url=config.site_url, repo_url=config.repo_url,
            contact_email=(action.contact or {}).get("email"), legal=config.legal,
            petition_endpoint=petition.form_action if announced else None,
            petition_label=action.petition_label, petition_line=petition_line,
            where=lambda *keys: written().where(*keys))
        # Text left by `make new-campaign` (« À REMPLIR ») is a placeholder too.
        problems += find_skeleton_text(campaign_texts(
            portal.root, ("docs", config.bibliography_dir, "data"),
            skip=(action.petition_label,)))
        if petition is not None:
            problems += petition_skeleton_text(action.petition_label, {
                "title": petition.title, "addressee": petition.addressee,
                "text": petition.text, "demands": petition.demands})
        if problems and mode == "publish":
            raise publishing_refused(problems)
        if problems:
            advisory.warning(warning_text(problems))
        frozen = config.frozen
        frozen_date = None
        if frozen.get("date"):
            frozen_date = dt.date.fromisoformat(str(frozen["date"]))
        versions = load_versions(Path(config.versions_file)) if config.versions_file else None
        legal = config.legal
        site_url = config.site_url.rstrip("/") + "/"
        return cls(
            mode=mode, problems=problems, site_name=config.site_name,
            site_description=squeeze(config.site_description),
            site_url=site_url,
            publisher=Publisher(str(legal.get("publisher") or config.site_author or
                                    config.site_name).strip(), site_url),
            petition_page=action.petition_page if announced else None,
            petition_title=petition.title if petition else "",
            frozen_name=str(frozen.get("version") or ""), frozen_date=frozen_date,
            versions=versions, images=ShareImages(
                portal.root / CACHE_DIR,
                colours=CardColours.of(portal.content.palette) if portal.content else None),
            words=dict(words or {}))

    # -- Banners -----------------------------------------------------------------------

    def banners(self, page_url: str) -> str:
        """The banners above every page: preview, frozen version, placeholders left; in the
        page's language."""
        lang = language_of(page_url)
        _ = self.words.get(lang, str)
        parts = []
        if self.mode == "preview":
            parts.append(f'<p class="portal-banner__text"><strong>{_("Aperçu")}</strong> : '
                         + _("cette version sert à relire une proposition de modification. "
                             "Ce n’est pas le portail publié.") + "</p>")
        if self.frozen_name:
            parts.append(frozen_banner_html(self.frozen_name, self.frozen_date, page_url, _,
                                            lang))
        if self.problems and self.mode != "publish":
            count = len(self.problems)
            what = (_("1 réglage d’exemple ou manquant empêche") if count == 1 else
                    _("{count} réglages d’exemple ou manquants empêchent").format(count=count))
            parts.append('<p class="portal-banner__text">'
                         + _("Construction de travail : {what} la publication (adresses, "
                             "mentions légales, pétition) ; le journal de la construction les "
                             "énumère.").format(what=what) + "</p>")
        return "\n".join(parts)

    # -- Share cards -------------------------------------------------------------------

    def cards(self, portal: Portal) -> dict[str, Card]:
        """The pages that have their own share image: investigations (an edition's too),
        home, petition."""
        if self._cards is not None:
            return self._cards
        cards = {}
        for record in portal.corpus.investigations():
            dossier = portal.corpus.pages.get(f"{record.dossier}/index.md")
            kicker = f"Enquête · {dossier.title}" if dossier and dossier.title else "Enquête"
            cards[record.path] = card_for(record.title, kicker, self.site_name)
        for record in portal.corpus.pages.values():  # an edition's investigations
            lang = language_of(record.path)
            if lang != SOURCE and record.date:
                _ = self.words.get(lang, str)
                cards[record.path] = card_for(record.title, _("Enquête"), _(self.site_name))
        if HOME_PAGE in portal.corpus.pages:
            # The home card's last line: where to find the portal.
            host = urlsplit(self.site_url).netloc or self.site_name
            cards[HOME_PAGE] = card_for(self.site_name, "Le portail de la campagne", host)
            for lang in EDITIONS:  # an edition's home page: its own card, in its language
                home = edition_path(HOME_PAGE, lang)
                if home in portal.corpus.pages:
                    _ = self.words.get(lang, str)
                    cards[home] = card_for(_(self.site_name), _("Le portail de la campagne"),
                                           host)
        if self.petition_page:
            cards[self.petition_page] = card_for(self.petition_title or "La pétition",
                                                 "Pétition", self.site_name)
        self._cards = cards
        return cards

    def head(self, portal: Portal, src_uri: str, page_url: str, title: str, meta: dict,
             markdown: str) -> tuple[str, str]:
        """The page's description and the tags for its head (Open Graph, Twitter)."""
        record = portal.corpus.pages.get(src_uri)
        lang = language_of(src_uri)
        _ = self.words.get(lang, str)
        site_name = _(self.site_name)
        description = page_description(meta, markdown, _(self.site_description))
        image_src = src_uri if src_uri in self.cards(portal) else HOME_PAGE
        image = absolute(self.site_url, share_image_path(image_src))
        url = absolute(self.site_url, page_url)
        # An investigation: a dated page (the front matter refuses a date elsewhere).
        is_article = bool(record and record.date and (record.dossier or lang != SOURCE))
        page_title = self.site_name if src_uri == HOME_PAGE else title
        tags = head_tags(
            site_name=site_name, title=page_title, description=description, url=url,
            image=image, image_alt=f"{page_title} — {site_name}", locale=LOCALES[lang],
            kind="article" if is_article else "website",
            published=record.date if is_article else None,
            modified=record.updated if is_article else None,
            authors=record.authors if is_article else ())
        return description, tags

    def article(self, portal: Portal, src_uri: str, page_url: str, cited: list[str]) -> str:
        """An investigation's JSON-LD `Article`, citing the sources of its notes (`cited`:
        keys in order, known once the page's macros, charts included, have run); ""
        for any other page."""
        record = portal.corpus.pages.get(src_uri)
        lang = language_of(src_uri)
        if not (record and record.date and (record.dossier or lang != SOURCE)):
            return ""
        url = absolute(self.site_url, page_url)
        original = source_path(src_uri)
        translation_of = (absolute(self.site_url, original.removesuffix(".md") + ".html")
                          if lang != SOURCE and original in portal.corpus.pages else "")
        return article_jsonld(
            headline=record.title, url=url,
            image=absolute(self.site_url, share_image_path(src_uri)), published=record.date,
            modified=record.updated, authors=record.authors, publisher=self.publisher,
            cited=[portal.sources[key] for key in dict.fromkeys(cited) if key in portal.sources],
            language=lang, translation_of=translation_of)

    def write_images(self, portal: Portal, site_dir: Path,
                     only: Collection[str] | None = None) -> int:
        """Every share image into the site (or those of the pages `only` names: a quick
        preview's); returns how many were drawn (not cached)."""
        before = self.images.drawn
        cards = self.cards(portal)
        if only is not None:
            cards = {src_uri: card for src_uri, card in cards.items() if src_uri in only}
        for src_uri, cached in zip(cards, self.images.files(list(cards.values())), strict=True):
            target = site_dir / share_image_path(src_uri)
            target.parent.mkdir(parents=True, exist_ok=True)
            publish_file(cached, target)
        return self.images.drawn - before


def escape_description(text: str) -> str:
    """Material prints `page.meta.description` without escaping it."""
    return html.escape(text, quote=True)
