"""Frozen versions and the one published tree: two milestones released with mike in a
temporary git repository, then `make build` (scripts/build.py) joins them to the current
portal under versions/<name>/. Checked: the « Versions » page, the banner of every frozen
page and its link to the current page, links from the root and from a sub-path (Chromium),
frozen bytes that never change, and `make mirror` carrying the same tree."""

import json
import shutil
import subprocess

import pytest
from bs4 import BeautifulSoup

from linkcheck.internal import check_site
from support.browser import serve
from support.publishing import ORGANISATION, publishable_site, publishing_env
from support.sites import ROOT, importable, script

VERSIONS = script("versions")
BUILD = [*script("build"), "--site-dir", "site"]
SITE_URL = ORGANISATION["PORTAL_SITE_URL"]
GIT_IDENTITY = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@localhost",
                "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@localhost"}


def git(project, *args, date=None):
    extra = {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date} if date else {}
    subprocess.run(["git", *args], cwd=project, check=True, capture_output=True,
                   env=publishing_env(**GIT_IDENTITY, **extra))


def run(project, command, ok=True):
    result = subprocess.run(command, cwd=project, env=importable(publishing_env(**GIT_IDENTITY)),
                            capture_output=True, text=True, timeout=300)
    if ok:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


def files_of(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """Released 2024-07 (dated 2024-07-01), then 2025-01 (2025-01-15) after a paragraph was
    added and an investigation removed; the current portal has one more change."""
    tmp = tmp_path_factory.mktemp("versions")
    project = publishable_site(tmp, docs={
        "enquetes/ancienne.md": "---\ntitle: Une enquête retirée\ndate: 2024-01-01\n"
                                "authors: [Équipe]\nsummary: Retirée.\ntags: [test]\n---\n\n"
                                "Texte ancien.\n"})
    shutil.copy(ROOT / "mkdocs-release.yml", project / "mkdocs-release.yml")
    git(project, "init", "-q", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "first milestone", date="2024-07-01T10:00:00+00:00")
    run(project, [*VERSIONS, "release", "2024-07"])
    article = project / "docs" / "enquetes" / "une-enquete.md"
    article.write_text(article.read_text() + "\nUn paragraphe ajouté en 2025.\n")
    (project / "docs" / "enquetes" / "ancienne.md").unlink()
    git(project, "commit", "-q", "-am", "second milestone", date="2025-01-15T10:00:00+00:00")
    run(project, [*VERSIONS, "release", "2025-01"])
    article.write_text(article.read_text() + "\nEt un autre, après la version 2025-01.\n")
    git(project, "commit", "-q", "-am", "current", date="2025-02-01T10:00:00+00:00")
    return project


@pytest.fixture(scope="module")
def tree(project):
    run(project, BUILD)
    return project / "site"


def frozen_pages(tree):
    return sorted((tree / "versions").rglob("*.html"))


def test_versions_json_lists_both_versions_with_their_dates(tree):
    versions = json.loads((tree / "versions" / "versions.json").read_text())
    assert [(v["version"], v["aliases"], v["properties"]["date"]) for v in versions] == [
        ("2025-01", [], "2025-01-15"), ("2024-07", [], "2024-07-01")]


def test_current_portal_at_the_root_and_versions_under_a_fixed_path(tree):
    current = (tree / "enquetes/une-enquete.html").read_text()
    assert "Et un autre, après la version 2025-01." in current
    old = (tree / "versions/2024-07/enquetes/une-enquete.html").read_text()
    new = (tree / "versions/2025-01/enquetes/une-enquete.html").read_text()
    assert "ajouté en 2025" not in old and "ajouté en 2025" in new
    assert "après la version 2025-01" not in new
    assert not [p for p in tree.rglob("*") if p.is_symlink()]
    assert (tree / "versions").stat().st_mode & 0o777 == 0o755  # readable by a web server
    # The current portal's feeds and sitemap stay its own.
    assert "versions/" not in (tree / "sitemap.xml").read_text()


def test_listing_page_links_each_version_with_its_date(tree):
    soup = BeautifulSoup((tree / "versions.html").read_text(), "html.parser")
    items = soup.select("ul.versions-list li")
    assert [(li.a["href"], li.a.get_text(), li.time["datetime"], li.time.get_text())
            for li in items] == [
        ("versions/2025-01/index.html", "2025-01", "2025-01-15", "15 janvier 2025"),
        ("versions/2024-07/index.html", "2024-07", "2024-07-01", "1er juillet 2024")]
    footer = BeautifulSoup((tree / "index.html").read_text(), "html.parser")
    assert footer.select_one(".md-copyright a.portal-versions-link")["href"] == "versions.html"


def test_every_frozen_page_has_a_banner_linking_to_the_current_page(tree):
    pages = [p for p in frozen_pages(tree) if p.name != "404.html"]
    assert len(pages) >= 10
    for page in pages:
        soup = BeautifulSoup(page.read_text(), "html.parser")
        version = page.relative_to(tree / "versions").parts[0]
        banner = soup.select_one("aside.md-banner .portal-banner")
        assert banner is not None, page
        assert f"version figée « {version} »" in banner.get_text(), page
        link = banner.select_one("a.portal-frozen__current")
        own = page.relative_to(tree / "versions" / version).as_posix()
        target = (page.parent / link["href"]).resolve()
        assert target == (tree / own).resolve(), page  # the same page, in the current portal
        assert target.is_file(), page
    first = BeautifulSoup((tree / "versions/2024-07/index.html").read_text(), "html.parser")
    assert "arrêtée le 1er juillet 2024" in first.select_one(".portal-banner").get_text()
    # The current portal has no such banner.
    assert not BeautifulSoup((tree / "index.html").read_text(), "html.parser").select(
        "a.portal-frozen__current")


def test_frozen_pages_name_their_own_address(tree):
    soup = BeautifulSoup((tree / "versions/2024-07/enquetes/une-enquete.html").read_text(),
                         "html.parser")
    own = f"{SITE_URL}versions/2024-07/enquetes/une-enquete.html"
    assert soup.select_one("link[rel=canonical]")["href"] == own
    assert soup.select_one('meta[property="og:url"]')["content"] == own


def test_a_page_gone_from_the_current_portal_gets_a_page_saying_so(tree):
    assert (tree / "versions/2024-07/enquetes/ancienne.html").is_file()
    stub = BeautifulSoup((tree / "enquetes/ancienne.html").read_text(), "html.parser")
    assert stub.h1.get_text() == "Page retirée du portail"
    assert stub.select_one('meta[name=robots]')["content"] == "noindex"
    assert [a["href"] for a in stub.select("a")] == ["../index.html", "../versions.html"]


def test_a_gone_english_page_gets_its_page_in_english(tmp_path):
    """The English edition's page removed since a frozen version: the stub at its address
    speaks English and leads to the English home; a French one stays French."""
    from scripts.versions import join

    site, frozen = tmp_path / "site", tmp_path / "frozen"
    for name in ("index.html", "en/index.html", "versions.html"):
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text("<!doctype html><title>x</title>", encoding="utf-8")
    for name in ("en/old.html", "old.html"):
        page = frozen / "2024-07" / name
        page.parent.mkdir(parents=True, exist_ok=True)
        up = "../" * name.count("/")
        page.write_text(f'<a class="portal-frozen__current" href="../../{up}{name}">x</a>',
                        encoding="utf-8")
    assert join(site, frozen) == ["en/old.html", "old.html"]
    english = BeautifulSoup((site / "en/old.html").read_text("utf-8"), "html.parser")
    assert english.html["lang"] == "en"
    assert english.h1.get_text() == "Page removed from the portal"
    assert [(a["href"], a.get_text()) for a in english.select("a")] == [
        ("../en/index.html", "Home page of the current portal"),
        ("../versions.html", "The portal’s frozen versions (in French)")]
    assert "figée" not in str(english)
    french = BeautifulSoup((site / "old.html").read_text("utf-8"), "html.parser")
    assert french.html["lang"] == "fr" and french.h1.get_text() == "Page retirée du portail"


def test_no_broken_link_in_the_whole_tree(tree):
    problems = check_site(tree, SITE_URL)
    assert problems == [], "\n".join(map(str, problems))


def test_reusing_a_version_name_is_refused_and_changes_nothing(project):
    before = subprocess.run(["git", "rev-parse", "versions"], cwd=project, capture_output=True,
                            text=True).stdout
    result = run(project, [*VERSIONS, "release", "2024-07"], ok=False)
    assert result.returncode == 1
    assert ("la version « 2024-07 » existe déjà : une version publiée ne change plus — "
            "choisissez un autre nom, par exemple 2024-07-2") in result.stderr
    after = subprocess.run(["git", "rev-parse", "versions"], cwd=project, capture_output=True,
                           text=True).stdout
    assert before == after


def test_frozen_versions_stay_byte_identical_across_publications(project, tree, tmp_path):
    published = files_of(tree / "versions" / "2024-07")
    (project / "docs" / "index.md").write_text("---\ntitle: Accueil\n---\n\nNouvel accueil.\n")
    git(project, "commit", "-q", "-am", "later", date="2025-03-01T10:00:00+00:00")
    run(project, [*VERSIONS, "release", "2025-03"])
    run(project, [*BUILD[:-1], str(tmp_path / "again")])
    again = tmp_path / "again"
    assert files_of(again / "versions" / "2024-07") == published
    assert "Nouvel accueil." in (again / "index.html").read_text()
    assert (again / "versions/2025-03/index.html").is_file()


def test_a_release_must_be_exactly_a_commit(project):
    article = project / "docs" / "enquetes" / "une-enquete.md"
    text = article.read_text()
    article.write_text(text + "\nPas encore committé.\n")
    try:
        result = run(project, [*VERSIONS, "release", "2099-01"], ok=False)
    finally:
        article.write_text(text)
    assert result.returncode == 1
    assert ("des fichiers suivis sont modifiés sans commit : une version figée doit être "
            "exactement un commit") in result.stderr
    assert "docs/enquetes/une-enquete.md" in result.stderr
    assert "2099-01" not in subprocess.run(["git", "show", "versions:versions/versions.json"],
                                           cwd=project, capture_output=True, text=True).stdout


def test_export_writes_the_frozen_versions_alone(project, tmp_path):
    run(project, [*VERSIONS, "export", str(tmp_path / "export")])
    assert (tmp_path / "export" / "versions.json").is_file()
    assert (tmp_path / "export" / "2024-07" / "index.html").is_file()


def test_export_refuses_a_repository_without_versions(tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    (project / "README.md").write_text("pas de versions ici\n")
    git(project, "init", "-q", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "x")
    result = run(project, [*VERSIONS, "export", str(tmp_path / "out")], ok=False)
    assert result.returncode == 1
    assert "pas de branche versions : lancez d’abord make release VERSION=…" in result.stderr
    assert not (tmp_path / "out").exists()


def test_invalid_version_name_is_refused(tmp_path):
    result = subprocess.run([*VERSIONS, "release", "../x"], cwd=tmp_path,
                            env=importable(publishing_env()), capture_output=True, text=True)
    assert result.returncode != 0
    assert "nom de version invalide : « ../x »" in result.stderr


def test_make_mirror_carries_the_same_tree(project, tree, tmp_path):
    for name in ("pyproject.toml", "MIRRORING.md", ".gitignore"):
        shutil.copy(ROOT / name, project / name)
    # A kit is made of a commit only (a modified checkout is refused): commit them, dated
    # as the current commit so that nothing else changes.
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "mirror kit files", date="2025-02-01T10:00:00+00:00")
    result = run(project, [*script("mirror"), "--dist", str(tmp_path / "dist")])
    assert result.returncode == 0
    sums = (tmp_path / "dist" / "SHA256SUMS").read_text()
    listed = dict(reversed(line.split("  ", 1)) for line in sums.splitlines())
    assert "versions/2024-07/enquetes/une-enquete.html" in listed
    assert "versions.html" in listed and "versions/versions.json" in listed


@pytest.mark.browser
def test_tree_crawled_from_a_sub_path_and_the_banner_followed(tree, tmp_path, browser):
    from test_relocatable import ERROR_PAGE, assert_clean, crawl

    root = tmp_path / "www"
    shutil.copytree(tree, root / "asso" / "portail")
    # Each version's own 404 page is meant for the root of a domain, like the portal's.
    skip = frozenset({ERROR_PAGE, *(p.relative_to(tree).as_posix()
                                    for p in tree.glob("versions/*/404.html"))})
    with serve(root) as url:
        base = url + "asso/portail/"
        report = crawl(browser, base, tree, skip=skip)
        assert_clean(report, tree, skip)
        assert "versions/2024-07/enquetes/une-enquete.html" in report.visited

        page = browser.new_page()
        page.goto(base + "versions/2024-07/enquetes/une-enquete.html", wait_until="load")
        banner = page.locator(".md-banner .portal-banner")
        assert banner.is_visible()
        # The banner passes the same accessibility rules as every page (contrast, link name).
        from axe_playwright_python.sync_playwright import Axe
        from test_reader_pages import WCAG_21_AA

        violations = Axe().run(page, options=WCAG_21_AA).response["violations"]
        assert [v["id"] for v in violations] == []
        banner.locator("a").click()
        page.wait_for_load_state("load")
        assert page.url == base + "enquetes/une-enquete.html"
        assert "après la version 2025-01" in page.content()
        assert page.locator(".portal-banner").count() == 0
        page.close()
