"""The campaign's colours: written once, in mkdocs.yml (`extra.campaign.colors`), read by
the stylesheets, the share images and the charts.

    extra:
      campaign:
        colors:
          light:                      # Material's light scheme (default)
            primary: "#1f4e79"        # header and buttons (white text on it), share images
            primary_light: "#2e6da4"
            primary_dark: "#163a5a"   # the band of the share images
            accent: "#1f6fb2"         # focus outlines, hovered links
            link: "#1f5f99"           # links in the text
            chart: "#1f4e79"          # the campaign's marks in charts
            chart_tint: "#d4e3f1"     # a range's lighter fill in charts
          dark:                       # Material's slate scheme: the same names
            …

Each colour is written "#rrggbb" (between quotes: YAML reads `#` as a comment); one left
out keeps its default (DEFAULT, a neutral blue). The ones that carry text or marks are held
to WCAG AA contrast against their background (4.5:1 for text, 3:1 for chart marks).

After the build, the site's `assets/portal.css` and `assets/charts.css` get the colours as
CSS custom properties and dark-mode swaps (`write_palette`), between the markers their
sources hold; the share images and the charts take them from `Palette`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from ..floor.colour import contrast
from ..floor.errors import Problem

KEYS = ("primary", "primary_light", "primary_dark", "accent", "link", "chart", "chart_tint")
SCHEMES = ("light", "dark")
WHITE, SLATE = "#ffffff", "#1e2029"  # the two schemes' backgrounds (Material's slate)
DEFAULT = {
    "light": {"primary": "#1f4e79", "primary_light": "#2e6da4", "primary_dark": "#163a5a",
              "accent": "#1f6fb2", "link": "#1f5f99", "chart": "#1f4e79",
              "chart_tint": "#d4e3f1"},
    "dark": {"primary": "#163a5a", "primary_light": "#1f4e79", "primary_dark": "#0e2740",
             "accent": "#8cc4ff", "link": "#9ccdff", "chart": "#8cc4ff",
             "chart_tint": "#233a52"},
}
# (scheme, key, foreground on, minimum): what must stay readable.
CONTRASTS = (("light", "primary", WHITE, 4.5, "le texte blanc de l’en-tête"),
             ("light", "link", WHITE, 4.5, "le fond blanc"),
             ("light", "chart", WHITE, 3.0, "le fond blanc"),
             ("dark", "primary", WHITE, 4.5, "le texte blanc de l’en-tête"),
             ("dark", "link", SLATE, 4.5, "le fond sombre"),
             ("dark", "chart", SLATE, 3.0, "le fond sombre"))
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
_WHERE = "extra.campaign.colors"
BEGIN, END = "/* palette: begin */", "/* palette: end */"


@dataclass(frozen=True)
class Palette:
    light: Mapping[str, str]
    dark: Mapping[str, str]

    def rgb(self, scheme: str, key: str) -> tuple[int, int, int]:
        value = getattr(self, scheme)[key]
        return tuple(int(value[i:i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


def default_palette() -> Palette:
    return Palette(**{name: dict(DEFAULT[name]) for name in SCHEMES})


def read_palette(value, where: Callable[..., tuple[str, int | None]],
                 ) -> tuple[Palette, list[Problem]]:
    """`extra.campaign.colors` checked: the palette (defaults for what is left out, and for
    what is wrong) and the problems, each at its file and line (`where(*keys)`)."""
    problems: list[Problem] = []

    def problem(keys: tuple, message: str, hint: str) -> None:
        label, line = where("extra", "campaign", "colors", *keys)
        problems.append(Problem(label, message, line, hint))

    schemes = {name: dict(DEFAULT[name]) for name in SCHEMES}
    if value is None:
        return Palette(**schemes), problems
    if not isinstance(value, Mapping):
        problem((), f"`{_WHERE}` doit associer `light:` et `dark:` à leurs couleurs",
                "voir l’en-tête de macros/sitewide/palette.py")
        return Palette(**schemes), problems
    for scheme, colours in value.items():
        if scheme not in SCHEMES:
            problem((scheme,), f"schéma de couleurs inconnu `{scheme}` dans `{_WHERE}`",
                    "écrivez `light:` (mode clair) ou `dark:` (mode sombre)")
            continue
        if not isinstance(colours, Mapping):
            problem((scheme,), f"`{_WHERE}.{scheme}` doit associer des noms à des couleurs",
                    f"par exemple `primary: \"{DEFAULT['light']['primary']}\"`")
            continue
        for key, colour in colours.items():
            if key not in KEYS:
                problem((scheme, key), f"couleur inconnue `{_WHERE}.{scheme}.{key}`",
                        "noms possibles : " + ", ".join(f"`{k}`" for k in KEYS))
            elif not isinstance(colour, str) or not _HEX.match(colour.strip()):
                problem((scheme, key), f"couleur invalide `{_WHERE}.{scheme}.{key}` : "
                        f"« {'' if colour is None else colour} »",
                        f"écrivez-la en hexadécimal, entre guillemets droits : `{key}: "
                        f"\"{DEFAULT[scheme][key]}\"` (sans guillemets, YAML lit « # » comme "
                        "le début d’un commentaire)")
            else:
                schemes[scheme][key] = colour.strip().lower()
    for scheme, key, background, minimum, against in CONTRASTS:
        ratio = contrast(schemes[scheme][key], background)
        if ratio < minimum:
            problem((scheme, key), f"couleur trop peu contrastée `{_WHERE}.{scheme}.{key}` : "
                    f"« {schemes[scheme][key]} » sur {against} ({ratio:.1f}:1, il faut au "
                    f"moins {minimum:g}:1)", "choisissez une couleur plus "
                    + ("foncée" if scheme == "light" or key == "primary" else "claire")
                    + " (WCAG AA)")
    return Palette(**schemes), problems


def palette_css(palette: Palette) -> str:
    """The custom properties of both schemes (Material's, and the portal's own)."""
    def block(selector: str, colours: Mapping[str, str]) -> str:
        return (f"{selector} {{\n"
                f"  --md-primary-fg-color: {colours['primary']};\n"
                f"  --md-primary-fg-color--light: {colours['primary_light']};\n"
                f"  --md-primary-fg-color--dark: {colours['primary_dark']};\n"
                f"  --md-accent-fg-color: {colours['accent']};\n"
                f"  --md-typeset-a-color: {colours['link']};\n"
                f"  --portal-chart: {colours['chart']};\n"
                f"  --portal-chart-tint: {colours['chart_tint']};\n}}\n")
    return (block(':root,\n[data-md-color-scheme="default"]', palette.light) + "\n"
            + block('[data-md-color-scheme="slate"]', palette.dark))


def chart_swaps_css(palette: Palette) -> str:
    """Dark mode for the campaign's colours in charts: the SVG carries the light ones."""
    lines = []
    for key in ("chart", "chart_tint"):
        light, dark = palette.light[key], palette.dark[key]
        for attribute in ("fill", "stroke"):
            lines.append(f'  [data-md-color-scheme="slate"] .chart svg [{attribute}="{light}"] '
                         f"{{ {attribute}: {dark}; }}")
    return "@media screen {\n" + "\n".join(lines) + "\n}\n"


def fill_markers(css: str, content: str, label: str) -> str:
    """`css` with what lies between its palette markers replaced by `content`."""
    start, end = css.find(BEGIN), css.find(END)
    if start < 0 or end < start:
        raise ValueError(f"{label} : marques « {BEGIN} » et « {END} » introuvables — "
                         "remettez-les : la construction y écrit les couleurs de la campagne")
    return css[:start + len(BEGIN)] + "\n" + content + css[end:]


def write_palette(site_dir: Path, palette: Palette) -> None:
    """The built stylesheets given the campaign's colours."""
    for name, content in (("portal.css", palette_css(palette)),
                          ("charts.css", chart_swaps_css(palette))):
        path = site_dir / "assets" / name
        if path.is_file():
            path.write_text(fill_markers(path.read_text(encoding="utf-8"), content,
                                         f"overrides/assets/{name}"), encoding="utf-8")
