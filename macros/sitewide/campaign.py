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

from collections.abc import Callable

from common.config import ARTICLE_SECTIONS, PortalConfig, slugify

from ..floor.errors import Problem
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


def campaign_problems(config: PortalConfig, where: Where) -> tuple[Palette, list[Problem]]:
    """The campaign's palette, and every problem of `extra.campaign`."""
    palette, problems = read_palette(config.colors, where)
    problems += slug_problems(config, where)
    problems += section_problems(config.article_sections, where)[1]
    return palette, problems
