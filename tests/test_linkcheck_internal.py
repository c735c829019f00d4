"""make linkcheck: every internal link, anchor, script, feed and sitemap entry of the built site."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from common.config import PortalConfig
from linkcheck.internal import LinkProblem, check_site, feed_problems, page_problems
from linkcheck.pages import local_target, parse_html
from support.sites import ROOT, make_site, mkdocs_build, script

FIXTURE_URL = "https://fixture.example.org/"

# Raw HTML: MkDocs' validation only reads Markdown links, so these get through the build.
BROKEN_PAGE = """\
---
title: Accueil
---

Bienvenue.

<p>Voir <a href="enquetes/enquete-absente.html">une enquête disparue</a>
et <a href="sources.html#ancre-absente">une section disparue</a>.</p>
"""


def portal_site_url(monkeypatch) -> str:
    monkeypatch.delenv("PORTAL_SITE_URL", raising=False)  # as the test build does
    return PortalConfig.read(ROOT / "mkdocs.yml").site_url


def test_the_portal_has_no_broken_internal_link(site, monkeypatch):
    problems = check_site(site.dir, portal_site_url(monkeypatch))
    assert problems == [], "\n".join(map(str, problems))


@pytest.fixture(scope="module")
def broken_site(tmp_path_factory):
    """A fixture site that builds strictly but holds a broken raw HTML link and anchor."""
    tmp = tmp_path_factory.mktemp("broken-links")
    project = make_site(tmp, docs={"index.md": BROKEN_PAGE})
    result = mkdocs_build(project, tmp / "site")
    assert result.ok, result.output  # the build alone does not see them
    return project, result.site_dir


def test_broken_raw_html_link_and_anchor_are_named(broken_site):
    _, site_dir = broken_site
    problems = check_site(site_dir, FIXTURE_URL)
    found = {(p.page, p.link, p.reason) for p in problems}
    assert found == {
        ("index.html", "enquetes/enquete-absente.html", "fichier introuvable"),
        ("index.html", "sources.html#ancre-absente", "ancre introuvable"),
    }
    assert all(p.line for p in problems)


def test_linkcheck_command_fails_and_names_page_link_and_reason(broken_site):
    project, site_dir = broken_site
    result = subprocess.run(
        [*script("linkcheck"), "internal", str(site_dir),
         "--config-file", str(project / "mkdocs.yml")],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "2 liens internes cassés" in result.stdout
    assert "index.html:" in result.stdout
    assert "enquetes/enquete-absente.html — fichier introuvable" in result.stdout
    assert "sources.html#ancre-absente — ancre introuvable" in result.stdout
    assert "Traceback" not in result.stderr


def test_missing_script_feed_and_sitemap_targets_are_reported(broken_site, tmp_path):
    _, built = broken_site
    site_dir = tmp_path / "site"
    shutil.copytree(built, site_dir)
    # lychee does not follow <script src>: we do.
    bundle = site_dir / "assets" / "reader.js"
    bundle.unlink()
    sitemap = site_dir / "sitemap.xml"
    sitemap.write_text(sitemap.read_text().replace("sources.html</loc>", "partie.html</loc>"))
    feed = json.loads((site_dir / "feed.json").read_text())
    assert feed["items"], "the fixture article should be in the feed"
    feed["items"][0]["url"] += "#nulle-part"
    feed["home_page_url"] = "https://ailleurs.example.org/"
    (site_dir / "feed.json").write_text(json.dumps(feed))

    problems = page_problems(site_dir, FIXTURE_URL)
    # (404.html stands alone: it loads no script, see tests/test_not_found_page.py)
    assert {p.page for p in problems} >= {"index.html", "sources.html"}
    assert all(p.link.endswith(bundle.name) and p.reason == "fichier introuvable"
               for p in problems)

    feeds = {(p.page, p.link, p.reason) for p in feed_problems(site_dir, FIXTURE_URL)}
    assert feeds == {
        ("sitemap.xml", f"{FIXTURE_URL}partie.html", "fichier introuvable"),
        ("feed.json", feed["items"][0]["url"], "ancre introuvable : #nulle-part"),
        ("feed.json", "https://ailleurs.example.org/", f"adresse hors de {FIXTURE_URL}"),
    }


def test_feeds_and_sitemap_of_a_correct_site_map_to_pages(broken_site):
    _, site_dir = broken_site
    assert feed_problems(site_dir, FIXTURE_URL) == []
    assert page_problems(site_dir, FIXTURE_URL) == []


def test_anchors_in_the_same_page_meta_refresh_and_canonical(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "page.html").write_text(
        '<html><head><link rel="canonical" href="https://x.org/a/page.html">'
        '<meta http-equiv="refresh" content="0; url=../moved.html"></head>'
        '<body><h2 id="ici">Ici</h2><a name="vieux"></a>'
        '<a href="#ici">ok</a><a href="#vieux">ok</a><a href="#top">ok</a>'
        '<script src="https://x.org/a/absent.js"></script></body></html>')
    problems = page_problems(tmp_path, "https://x.org/")
    assert problems == [
        LinkProblem("a/page.html", "../moved.html", "fichier introuvable", 1),
        LinkProblem("a/page.html", "https://x.org/a/absent.js", "fichier introuvable", 1),
    ]


def test_a_site_served_from_a_sub_path_checks_clean(tmp_path):
    """The 404 page links root-relatively (/portail/index.html): they map to site/…"""
    project = make_site(tmp_path)
    config = project / "mkdocs.yml"
    config.write_text(config.read_text().replace(FIXTURE_URL, "https://x.org/portail/"))
    result = mkdocs_build(project, tmp_path / "site")
    assert result.ok, result.output
    assert 'href="/portail/index.html"' in (result.site_dir / "404.html").read_text()
    assert check_site(result.site_dir, "https://x.org/portail/") == []
    # and a root-relative link outside the sub-path is outside the site
    page = result.site_dir / "404.html"
    page.write_text(page.read_text().replace(
        "</body>", '<script src="/assets/javascripts/bundle.js"></script></body>'))
    assert [p.reason for p in check_site(result.site_dir, "https://x.org/portail/")] == \
        ["adresse hors du site"]


@pytest.mark.parametrize(("page", "url", "expected"), [
    ("a/b.html", "c.html#x", ("a/c.html", "x")),
    ("a/b.html", "../index.html", ("index.html", "")),
    ("a/b.html", "#x", ("a/b.html", "x")),
    ("a/b.html", "/assets/s.css", ("assets/s.css", "")),
    ("a/b.html", "https://x.org/", ("index.html", "")),
    ("a/b.html", "https://x.org/a/b%20c.html", ("a/b c.html", "")),
    ("a/b.html", "https://autre.org/", None),
    ("a/b.html", "mailto:a@b.org", None),
])
def test_local_targets(tmp_path, page, url, expected):
    assert local_target(tmp_path, page, url, "https://x.org/") == expected


@pytest.mark.parametrize(("url", "expected"), [
    ("/portail/assets/s.css", ("assets/s.css", "")),
    ("/portail/", ("index.html", "")),
    ("/portail", ("index.html", "")),
    ("https://x.org/portail/a/b.html#c", ("a/b.html", "c")),
    ("/assets/s.css", ("../assets/s.css", "")),
])
def test_local_targets_of_a_site_on_a_sub_path(tmp_path, url, expected):
    assert local_target(tmp_path, "404.html", url, "https://x.org/portail/") == expected


def test_searches_and_share_intents_are_left_to_the_reader():
    """A note's search for an archived copy (by its class) and a share intent (by its
    attribute) are not evidence: the external check skips them; a cited address is checked."""
    links = parse_html(
        '<a class="source-url" href="https://a.example/x">x</a>'
        '<a class="source-archive-search" href="https://web.archive.org/web/*/https://a.example/x">'
        "chercher</a>"
        '<a href="https://share.example/?u=x" data-linkcheck="skip">partager</a>').links
    assert [(link.url, link.external_check) for link in links] == [
        ("https://a.example/x", True),
        ("https://web.archive.org/web/*/https://a.example/x", False),
        ("https://share.example/?u=x", False)]
