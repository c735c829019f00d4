"""The look shared by every chart: colours that keep WCAG AA contrast, fonts, sizes.

Each neutral colour (INK, SECONDARY, GRID) has a light-mode value (the one written into the
SVG) and a dark-mode value that overrides/assets/charts.css swaps in on Material's slate
scheme, by matching the exact `fill`/`stroke` attribute. tests/test_charts_unit.py checks
the contrast of both against their background and that the stylesheet knows every pair.

The campaign's colours (CAMPAIGN, CAMPAIGN_TINT) are the campaign's, not the kit's: a chart
module names them, and the build replaces them in every spec by `chart` and `chart_tint` of
`extra.campaign.colors` (macros/sitewide/palette.py checks their contrast and writes their
dark-mode swap into the built charts.css). Their values here are the default palette's.
"""

from __future__ import annotations

from dataclasses import dataclass

WHITE = "#ffffff"
SLATE = "#1e2029"  # Material's slate background: hsl(232, 15%, 14%)


@dataclass(frozen=True)
class Colour:
    light: str
    dark: str
    role: str  # "text" (4.5:1), "graphic" (3:1) or "decoration" (no minimum)


INK = Colour("#1a1a1a", "#e6e8ef", "text")
CAMPAIGN = Colour("#1f4e79", "#8cc4ff", "graphic")
CAMPAIGN_TINT = Colour("#d4e3f1", "#233a52", "decoration")  # range fill, outlined in CAMPAIGN
SECONDARY = Colour("#5e5e5e", "#a9adb8", "graphic")
GRID = Colour("#d9d9d9", "#3b3e4b", "decoration")

NEUTRALS = (INK, SECONDARY, GRID)  # swapped by overrides/assets/charts.css
COLOURS = (INK, CAMPAIGN, CAMPAIGN_TINT, SECONDARY, GRID)

FONT = "Helvetica, Arial, sans-serif"  # Material with `font: false` uses the system fonts

# Vega-Lite config merged into every chart: transparent background (the page's shows
# through in dark mode), our ink for text and axes, French-sized type.
CONFIG = {
    "font": FONT,
    "background": None,
    "view": {"stroke": None},
    "axis": {
        "labelColor": INK.light, "titleColor": INK.light, "labelFontSize": 13,
        "titleFontSize": 13, "titleFontWeight": "normal", "gridColor": GRID.light,
        "domainColor": SECONDARY.light, "tickColor": SECONDARY.light,
    },
    "legend": {"labelColor": INK.light, "titleColor": INK.light, "labelFontSize": 13,
               "titleFontSize": 13},
    "text": {"color": INK.light, "fontSize": 13},
    "title": {"color": INK.light},
}


