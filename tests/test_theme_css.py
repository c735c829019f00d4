"""Material's stylesheet pruned of the rules no page can use (macros/sitewide/theme_css.py)."""

from __future__ import annotations

import gzip
from pathlib import Path

import material

from macros.sitewide.theme_css import classes_in_html, prune_css, tokens_in_script

MATERIAL_CSS = Path(material.__file__).parent / "templates" / "assets" / "stylesheets"


def test_rules_are_kept_or_dropped_by_the_classes_pages_carry():
    css = ("/*! licence */html{margin:0}.md-a{color:red}.md-b,.md-a .md-c{color:blue}"
           ".md-b:not(.md-z){top:0}:is(.md-b) p{left:0}@media screen{.md-b{x:1}.md-a{x:2}}"
           "@keyframes spin{0%{opacity:0}}@media print{.md-b{x:3}}")
    pruned = prune_css(css, {"md-a", "md-c"})
    assert pruned == ("/*! licence */html{margin:0}.md-a{color:red}.md-a .md-c{color:blue}"
                      ":is(.md-b) p{left:0}@media screen{.md-a{x:2}}"
                      "@keyframes spin{0%{opacity:0}}")


def test_classes_come_from_pages_and_scripts():
    assert classes_in_html('<p class="a b"><i class=\'c\'></i></p>') == {"a", "b", "c"}
    assert "md-nav__link--active" in tokens_in_script(
        'link.classList.toggle("md-nav__link--active", true);')


def test_the_built_stylesheet_keeps_what_the_pages_use_and_weighs_half(site):
    original = next(MATERIAL_CSS.glob("main.*.min.css"))
    built = site.dir / "assets" / "stylesheets" / original.name
    before, after = original.read_bytes(), built.read_bytes()
    assert len(gzip.compress(after)) < 0.6 * len(gzip.compress(before))
    css = after.decode("utf-8")
    for rule in (".md-header{", ".md-typeset h1", ".md-nav__link--active", ".md-top",
                 ".md-sidebar", ".md-option"):
        assert rule in css, rule
    for unused in (".md-search__input", ".md-tabs__link", ".md-post__"):
        assert unused not in css, unused
