"""Issue 30: the campaign's colours are written once, in mkdocs.yml (`extra.campaign.colors`),
and the built stylesheets, the charts and the share images take them from there; a wrong
colour is refused with its file, line and a fix."""

from __future__ import annotations

import io
import re
import subprocess

import pytest

from macros.sitewide.palette import default_palette, read_palette
from support.chart_sites import chart_site
from support.sites import ROOT, build_env, make_site, mkdocs_build, script

COLOURS = """\
  campaign:
    colors:
      light:
        primary: "#0b5e3a"
        chart: "#0b5e3a"
        chart_tint: "#cdeadb"
      dark:
        chart: "#7fe0b0"
"""


def with_colours(project, block: str = COLOURS):
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    if block.startswith("theme:"):  # a top-level setting, just before `extra:`
        config.write_text(text.replace("extra:\n", block + "extra:\n", 1), encoding="utf-8")
    else:
        config.write_text(text.replace("extra:\n", "extra:\n" + block, 1), encoding="utf-8")
    return project


def test_the_built_site_wears_the_configured_colours(tmp_path):
    project = with_colours(chart_site(tmp_path, chart_ids=("fraude-sociale-fiscale",)))
    result = mkdocs_build(project, tmp_path / "site")
    assert result.ok, result.output
    site = tmp_path / "site"
    css = (site / "assets" / "portal.css").read_text(encoding="utf-8")
    light = css.split('[data-md-color-scheme="slate"]')[0]
    assert "--md-primary-fg-color: #0b5e3a;" in light
    assert "--portal-chart-tint: #cdeadb;" in light
    # What this file leaves out comes from the file it INHERITs, key by key (as MkDocs merges).
    assert "--md-typeset-a-color: #8a1738;" in light
    charts_css = (site / "assets" / "charts.css").read_text(encoding="utf-8")
    assert ('[data-md-color-scheme="slate"] .chart svg [fill="#0b5e3a"] { fill: #7fe0b0; }'
            in charts_css)
    page = next(site.rglob("une-enquete.html")).read_text(encoding="utf-8")
    svg = re.search(r'<figure[^>]*class="chart.*?</figure>', page, re.S).group(0)
    assert 'fill="#0b5e3a"' in svg and 'fill="#cdeadb"' in svg
    assert "#1f4e79" not in svg  # the kit's stand-in is replaced
    from PIL import Image

    shared = re.search(r'<meta property="og:image" content="[^"]*?/([^"/]+\.png)"', page)
    card = next(site.rglob(shared.group(1)))
    image = Image.open(io.BytesIO(card.read_bytes())).convert("RGB")
    assert image.getpixel((5, 5)) == (0x0b, 0x5e, 0x3a)


@pytest.mark.parametrize("block, expected", [
    ('  campaign:\n    colors:\n      light:\n        primary: "rouge"\n',
     'mkdocs.yml:14: couleur invalide `extra.campaign.colors.light.primary` : « rouge » — '
     'écrivez-la en hexadécimal, entre guillemets droits : `primary: "#1f4e79"` (sans '
     "guillemets, YAML lit « # » comme le début d’un commentaire)"),
    ("  campaign:\n    colors:\n      light:\n        primary: #7a1631\n",
     "mkdocs.yml:14: couleur invalide `extra.campaign.colors.light.primary` : «  » — "
     "écrivez-la en hexadécimal"),
    ('  campaign:\n    colors:\n      light:\n        link: "#ffd0dc"\n',
     "mkdocs.yml:14: couleur trop peu contrastée `extra.campaign.colors.light.link` : "
     "« #ffd0dc » sur le fond blanc (1.4:1, il faut au moins 4.5:1) — choisissez une couleur "
     "plus foncée (WCAG AA)"),
    ('  campaign:\n    colors:\n      clair:\n        link: "#8a1738"\n',
     "mkdocs.yml:13: schéma de couleurs inconnu `clair` dans `extra.campaign.colors` — "
     "écrivez `light:` (mode clair) ou `dark:` (mode sombre)"),
    ('  campaign:\n    colors:\n      dark:\n        lien: "#8a1738"\n',
     "mkdocs.yml:14: couleur inconnue `extra.campaign.colors.dark.lien` — noms possibles : "
     "`primary`, `primary_light`, `primary_dark`, `accent`, `link`, `chart`, `chart_tint`"),
    ("  campaign:\n    slug: Mon Portail\n",
     "mkdocs.yml:12: nom court invalide `extra.campaign.slug` : « Mon Portail » — lettres "
     "minuscules sans accent, chiffres et tirets, par exemple `slug: mon-portail`"),
    ("theme:\n  logo: images/logo-caf.svg\n",
     "mkdocs.yml:11: image introuvable `theme.logo` : « images/logo-caf.svg » — placez "
     "l’image dans docs/ (par exemple docs/assets/logo.svg) et écrivez son chemin depuis "
     "docs/ : `logo: assets/logo.svg`"),
    ("  campaign:\n    slug: Mon Portail\n",
     "mkdocs.yml:12: nom court invalide `extra.campaign.slug` : « Mon Portail » — lettres "
     "minuscules sans accent, chiffres et tirets, par exemple `slug: mon-portail`"),
])
def test_a_wrong_campaign_setting_is_refused_with_its_line(tmp_path, block, expected):
    project = with_colours(make_site(tmp_path), block)
    result = subprocess.run([*script("check"), "--root", str(project)], cwd=ROOT,
                            env=build_env(), capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert expected in result.stdout, result.stdout


def test_no_colour_of_the_campaign_is_left_in_the_code():
    """The France Travail burgundy lives in mkdocs.yml only."""
    for path in [ROOT / "overrides" / "assets" / "portal.css",
                 ROOT / "overrides" / "assets" / "charts.css",
                 *(ROOT / "macros").rglob("*.py")]:
        assert "#7a1631" not in path.read_text(encoding="utf-8").lower(), path


def test_the_palette_reader_keeps_defaults_for_what_is_left_out():
    palette, problems = read_palette({"light": {"primary": "#0B5E3A"}},
                                     lambda *keys: ("mkdocs.yml", None))
    assert not problems
    assert palette.light["primary"] == "#0b5e3a"
    assert palette.dark == default_palette().dark
