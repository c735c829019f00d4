"""What names and colours this campaign, from mkdocs.yml's `extra.campaign`, checked:

    extra:
      campaign:
        slug: ma-campagne                # archives of the mirror kit, user agents
        article_sections:                # the sections of `make new-article`
          - Ce que l’on sait
          - Ce qui reste inconnu
        colors: …                        # macros/sitewide/palette.py

`slug` is made of a-z, 0-9 and hyphens; left out, it is made from `site_name`.
`article_sections` is a list of headings; left out, common/config.py's ARTICLE_SECTIONS.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from common.config import ARTICLE_SECTIONS, PortalConfig, slugify

from ..floor.errors import Problem
from ..floor.urls import is_web_url
from .palette import Palette, read_palette

Where = Callable[..., tuple[str, "int | None"]]


def section_problems(value, where: Where) -> tuple[tuple[str, ...], list[Problem]]:
    """`campaign.article_sections`: the headings, and what is wrong with them."""
    if value is None:
        return ARTICLE_SECTIONS, []
    label, line = where("extra", "campaign", "article_sections")
    hint = ("écrivez une liste de titres, un par ligne : `- Ce que l’on sait` (sans « ## », "
            "la commande les ajoute)")
    if not isinstance(value, list) or not value:
        return ARTICLE_SECTIONS, [Problem(label, "`extra.campaign.article_sections` doit être "
                                          "une liste de titres de sections", line, hint)]
    problems, sections = [], []
    for index, heading in enumerate(value):
        text = " ".join(str(heading or "").split()).lstrip("# ")
        if not isinstance(heading, str) or not text:
            item_label, item_line = where("extra", "campaign", "article_sections", index)
            problems.append(Problem(item_label, f"titre de section vide ou invalide : "
                                    f"« {'' if heading is None else heading} »", item_line, hint))
        else:
            sections.append(text)
    return (tuple(sections) if not problems else ARTICLE_SECTIONS), problems


def slug_problems(config: PortalConfig, where: Where) -> list[Problem]:
    written = str(config.slug or "").strip()
    if not written or slugify(written) == written:
        return []
    label, line = where("extra", "campaign", "slug")
    return [Problem(label, f"nom court invalide `extra.campaign.slug` : « {written} »", line,
                    f"lettres minuscules sans accent, chiffres et tirets, par exemple "
                    f"`slug: {slugify(written) or 'ma-campagne'}`")]


def logo_problems(theme, docs_dir: Path, custom_dir: Path | None, where: Where,
                  ) -> list[Problem]:
    """`theme.logo` and `theme.favicon` (Material's settings): an image of docs/ (or of the
    theme's overrides), or a web address."""
    problems = []
    theme = theme if isinstance(theme, Mapping) else {}
    for key in ("logo", "favicon"):
        value = theme.get(key)
        if not value or is_web_url(str(value)):
            continue
        path = str(value).lstrip("/")
        if (docs_dir / path).is_file() or (custom_dir and (custom_dir / path).is_file()):
            continue
        label, line = where("theme", key)
        problems.append(Problem(label, f"image introuvable `theme.{key}` : « {value} »", line,
                                "placez l’image dans docs/ (par exemple docs/assets/logo.svg) "
                                "et écrivez son chemin depuis docs/ : `" + key
                                + ": assets/logo.svg`"))
    return problems


def campaign_problems(config: PortalConfig, where: Where, theme=None,
                      ) -> tuple[Palette, list[Problem]]:
    """The campaign's palette, and every problem of `extra.campaign` (and of the logo and
    favicon of `theme`, when given: mkdocs.yml's `theme:` mapping)."""
    palette, problems = read_palette(config.colors, where)
    if theme is not None:
        custom = theme.get("custom_dir") if isinstance(theme, Mapping) else None
        problems += logo_problems(theme, config.docs_dir,
                                  config.root / custom if custom else None, where)
    problems += slug_problems(config, where)
    problems += section_problems(config.article_sections, where)[1]
    return palette, problems
