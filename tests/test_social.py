"""Reach when shared: every page of the built portal has its own description, Open Graph and
Twitter-card tags with its own values; every investigation has a JSON-LD `Article` and a
1200x630 share image drawn at build time; the home page and the petition have their own."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from bs4 import BeautifulSoup
from PIL import Image

from common.config import PortalConfig
from common.words import translations
from macros.pages.frontmatter import split_front_matter
from macros.sitewide.palette import read_palette
from macros.sitewide.share_image import (
    Card,
    CardColours,
    ShareImages,
    publish_file,
    render_card,
)
from macros.sitewide.social import clip, first_paragraph, page_description, plain_text, squeeze
from support import portal
from support.sites import ROOT

CONFIG = PortalConfig.read(ROOT / "mkdocs.yml")
SITE_NAME = CONFIG.site_name
SITE_URL = portal.SITE_URL
INVESTIGATIONS = [p.relative_to(ROOT / "docs").as_posix() for p in portal.investigations()]
# The English edition's investigations (docs/en/, issue 29): their own cards, in English.
EDITION_INVESTIGATIONS = [f"en/{page}" for page in INVESTIGATIONS
                          if (ROOT / "docs" / "en" / page).is_file()]
OWN_CARDS = {*INVESTIGATIONS, *EDITION_INVESTIGATIONS, "index.md", "agir/petition.md",
             *(["en/index.md"] if (ROOT / "docs" / "en" / "index.md").is_file() else [])}
SITE_NAMES = {"fr": SITE_NAME, "en": translations(ROOT, "en").gettext(SITE_NAME)}


def front_matter(src: str) -> dict:
    text = (ROOT / "docs" / src).read_text(encoding="utf-8")
    front, problems = split_front_matter(text, src)
    assert problems == []
    return front.meta


def docs_pages() -> list[str]:
    """Every page of docs/ the theme draws (not en/404.md, the English 404 page)."""
    return sorted(p.relative_to(ROOT / "docs").as_posix()
                  for p in (ROOT / "docs").rglob("*.md") if p.name != "404.md")


def html_of(src: str) -> str:
    return src.removesuffix(".md") + ".html"


def tags(soup: BeautifulSoup) -> dict[str, str]:
    found = {}
    for meta in soup.select("meta[property], meta[name]"):
        key = meta.get("property") or meta.get("name")
        if key in found and key.startswith("article:"):
            found[key] += "|" + meta["content"]
        else:
            found[key] = meta.get("content", "")
    return found


@pytest.fixture(scope="module")
def heads(site):
    return {src: site.soup(html_of(src)) for src in docs_pages()}


@pytest.mark.parametrize("src", docs_pages())
def test_every_page_has_its_own_description_and_share_tags(heads, site, src):
    soup, meta = heads[src], front_matter(src)
    found = tags(soup)
    title = SITE_NAME if src == "index.md" else meta["title"]
    own = meta.get("description") or meta.get("summary")
    if own:
        assert found["description"] == squeeze(own)
    else:
        assert found["description"] and found["description"] != squeeze(CONFIG.site_description)
    url = SITE_URL + html_of(src)
    image = SITE_URL + "assets/partage/" + (src if src in OWN_CARDS else "index.md")
    image = image.removesuffix(".md") + ".png"
    lang = "en" if src.startswith("en/") else "fr"
    site_name = SITE_NAMES[lang]
    expected = {
        "og:site_name": site_name, "og:locale": {"fr": "fr_FR", "en": "en_GB"}[lang],
        "og:title": title,
        "og:description": found["description"], "og:url": url, "og:image": image,
        "og:image:width": "1200", "og:image:height": "630",
        "og:image:alt": f"{title} — {site_name}",
        "og:type": "article" if src in INVESTIGATIONS + EDITION_INVESTIGATIONS else "website",
        "twitter:card": "summary_large_image", "twitter:image:alt": f"{title} — {site_name}",
    }
    assert {key: found.get(key) for key in expected} == expected
    # Twitter reads title, description and image from Open Graph: not written twice.
    assert not {"twitter:title", "twitter:description", "twitter:image"} & set(found)
    assert soup.select_one("link[rel=canonical]")["href"] == url
    assert (site.dir / image.removeprefix(SITE_URL)).is_file()


def test_descriptions_differ_from_page_to_page(heads):
    descriptions = [tags(soup)["description"] for soup in heads.values()]
    assert len(set(descriptions)) == len(descriptions)


@pytest.mark.parametrize("src", INVESTIGATIONS)
def test_investigations_carry_a_json_ld_article(heads, site, src):
    soup, meta = heads[src], front_matter(src)
    scripts = soup.select('script[type="application/ld+json"]')
    assert len(scripts) == 1
    article = json.loads(scripts[0].string)
    assert article["@context"] == "https://schema.org" and article["@type"] == "Article"
    assert article["headline"] == meta["title"]
    assert article["url"] == SITE_URL + html_of(src)
    assert article["image"] == SITE_URL + "assets/partage/" + src.removesuffix(".md") + ".png"
    assert article["datePublished"] == meta["date"].isoformat()
    assert dt.date.fromisoformat(article["dateModified"]) >= meta["date"]
    assert [a["name"] for a in article["author"]] == meta["authors"]
    assert article["publisher"] == {"@type": "Organization", "name": CONFIG.site_author,
                                    "url": SITE_URL}
    notes = site.article(html_of(src)).select("ol.notes-sources > li")
    assert len(article["citation"]) == len(notes) > 0
    assert all(work["@type"] == "CreativeWork" and work["name"]
               for work in article["citation"])
    if "À REMPLIR" not in (ROOT / "docs" / src).read_text(encoding="utf-8"):  # once written
        assert any(work.get("url", "").startswith("https://") for work in article["citation"])
    found = tags(soup)
    assert found["article:published_time"] == meta["date"].isoformat()
    assert found["article:author"].split("|") == meta["authors"]


def test_other_pages_have_no_article_data(heads):
    for src, soup in heads.items():
        if src not in INVESTIGATIONS + EDITION_INVESTIGATIONS:
            assert not soup.select('script[type="application/ld+json"]'), src


def test_one_share_image_per_investigation_and_for_home_and_petition(site):
    folder = site.dir / "assets" / "partage"
    found = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.png"))
    assert found == sorted(src.removesuffix(".md") + ".png" for src in OWN_CARDS)
    images = {}
    for name in found:
        data = (folder / name).read_bytes()
        with Image.open(io.BytesIO(data)) as image:
            assert image.format == "PNG" and image.size == (1200, 630), name
        images[name] = data
    assert len(set(images.values())) == len(images)  # each its own title


def test_share_images_are_deterministic_bytes(site, tmp_path):
    """The image in the site is exactly what the card's texts give, drawn again here."""
    src = INVESTIGATIONS[0]
    dossier = front_matter(f"{src.split('/')[0]}/index.md")["title"]
    card = Card(front_matter(src)["title"], f"Enquête · {dossier}", SITE_NAME)
    published = (site.dir / "assets/partage" / src.replace(".md", ".png")).read_bytes()
    # The campaign's colours, from mkdocs.yml (`extra.campaign.colors`).
    colours = CardColours.of(read_palette(PortalConfig.read(ROOT / "mkdocs.yml").colors,
                                          lambda *keys: ("mkdocs.yml", None))[0])
    assert render_card(card, colours=colours) == published
    assert render_card(card) != published  # the default palette is not the campaign's
    images = ShareImages(tmp_path / "cache", colours=colours)
    assert images.png(card) == published and images.drawn == 1
    assert images.png(card) == published and images.drawn == 1  # from the cache
    assert len(list((tmp_path / "cache").glob("*.png"))) == 1
    other = Card(card.title + " (suite)", card.kicker, card.footer)
    assert images.key(other) != images.key(card)
    # Drawn by two threads: the same bytes, in the order asked.
    fresh = ShareImages(tmp_path / "other-cache", colours=colours)
    assert [path.read_bytes() for path in fresh.files([other, card, other])] == [
        render_card(other, colours=colours), published, render_card(other, colours=colours)]


def test_a_published_image_and_the_cache_never_write_into_each_other(tmp_path):
    """The site's image may be the cache's file itself (a hard link): a later build that
    publishes another image there replaces the site's file, and the cached one stays."""
    first, second = tmp_path / "cache" / "a.png", tmp_path / "cache" / "b.png"
    first.parent.mkdir()
    first.write_bytes(b"first card")
    second.write_bytes(b"second card")
    target = tmp_path / "site" / "carte.png"
    target.parent.mkdir()
    publish_file(first, target)
    assert target.read_bytes() == b"first card"
    publish_file(second, target)
    assert target.read_bytes() == b"second card"
    assert first.read_bytes() == b"first card" and second.read_bytes() == b"second card"


def test_share_images_drawn_ahead_in_another_process_are_the_images_drawn_in_place(tmp_path):
    """Issue 28: a build starts drawing the images its cache lacks in a second process while
    its pages are built; the images it writes are the ones drawn in place."""
    cards = [Card(f"Enquête numéro {number}", "Enquête", "Portail") for number in range(3)]
    ahead = ShareImages(tmp_path / "ahead")
    ahead.prerender(cards[:1])  # fewer than the minimum: nothing started
    assert ahead.drawing == {}
    ahead.prerender([*cards, cards[0]], minimum=1)  # each card once
    assert len(ahead.drawing) == 3
    assert [path.read_bytes() for path in ahead.files(cards)] == [
        render_card(card) for card in cards]
    assert ahead.drawing == {} and ahead.drawn == 3
    assert len(list((tmp_path / "ahead").glob("*.png"))) == 3
    again = ShareImages(tmp_path / "ahead")
    again.prerender(cards, minimum=1)  # all cached: nothing to draw
    assert again.drawing == {}


def test_a_card_is_drawn_in_the_portals_colours_and_their_shades():
    """Drawn as palette indices (never quantised): the portal's colours, each text's edges
    in shades between its colour and the one beneath, and the text where it was written."""
    import io

    from PIL import Image

    from macros.sitewide.share_image import (
        DEFAULT_COLOURS,
        HEIGHT,
        MARGIN,
        TEXT,
        WIDTH,
        card_palette,
    )

    BACKGROUND, BAND, ACCENT = (DEFAULT_COLOURS.background, DEFAULT_COLOURS.band,
                                DEFAULT_COLOURS.accent)
    PALETTE = card_palette(DEFAULT_COLOURS)

    image = Image.open(io.BytesIO(render_card(Card("Le « score de suspicion »", "Enquête",
                                                   "Le portail"))))
    assert (image.mode, image.size) == ("P", (WIDTH, HEIGHT))
    rgb = image.convert("RGB")
    colours = {colour for _, colour in rgb.getcolors(64)}
    assert {BACKGROUND, BAND, ACCENT, TEXT} <= colours
    assert colours <= {tuple(PALETTE[i:i + 3]) for i in range(0, len(PALETTE), 3)}
    assert rgb.getpixel((5, 5)) == BACKGROUND and rgb.getpixel((5, HEIGHT - 5)) == BAND
    assert rgb.getpixel((MARGIN + 45, 74)) == ACCENT  # the bar above the kicker
    title = {rgb.getpixel((x, y)) for x in range(MARGIN, WIDTH // 2) for y in range(150, 520)}
    footer = {rgb.getpixel((x, y)) for x in range(MARGIN, 400) for y in range(560, 600)}
    assert TEXT in title and TEXT in footer and ACCENT not in title


def test_long_titles_are_shortened_on_the_image_not_cut_mid_word():
    from macros.sitewide.share_image import TITLE_LINES, layout_title

    size, lines = layout_title("Un titre très long " * 20)
    assert size == 40 and len(lines) == TITLE_LINES and lines[-1].endswith("…")
    size, lines = layout_title("Le « score de suspicion »")
    assert size == 68 and lines == ["Le « score de suspicion »"]


def test_description_helpers():
    assert plain_text("Un **fait** [@dubois_2021] et [un lien](x.md) {{ macro() }}.") == \
        "Un fait et un lien ."
    assert first_paragraph("# Titre\n\n{{ x() }}\n\n- liste\n\nPremier *vrai*\nparagraphe.\n\n"
                           "Second.") == "Premier vrai paragraphe."
    assert clip("mot " * 100, 20) == "mot mot mot mot …"
    assert page_description({}, "Texte.", "site") == "Texte."
    assert page_description({}, "## Seulement un titre", "site") == "site"
    assert page_description({"summary": "Résumé\u00a0« exact\u202f»\n suivi."}, "x", "s") == \
        "Résumé\u00a0« exact\u202f» suivi."
