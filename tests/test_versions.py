"""Frozen versions: release two milestones with mike in a temporary git repository,
export them, and read them in Chromium (selector, outdated banner)."""

import json
import shutil
import subprocess
import sys

import pytest

from support.browser import CHROMIUM_ARGS, chromium_path, serve
from support.sites import ROOT, build_env, make_site

VERSIONS = [sys.executable, str(ROOT / "scripts" / "versions.py")]


def git(project, *args):
    subprocess.run(["git", *args], cwd=project, check=True, capture_output=True,
                   env=build_env(GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@localhost",
                                 GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@localhost"))


def run(project, *args):
    result = subprocess.run([*VERSIONS, *args], cwd=project, env=build_env(),
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("versions")
    project = make_site(tmp)
    shutil.copy(ROOT / "mkdocs-release.yml", project / "mkdocs-release.yml")
    git(project, "init", "-q", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "first milestone")
    run(project, "release", "2024-07")
    article = project / "docs" / "enquetes" / "une-enquete.md"
    article.write_text(article.read_text() + "\nUn paragraphe ajouté en 2025.\n")
    git(project, "commit", "-q", "-am", "second milestone")
    run(project, "release", "2025-01")
    run(project, "export", str(tmp / "export"))
    return tmp / "export"


def test_versions_json_lists_both_with_latest_alias(exported):
    versions = json.loads((exported / "versions.json").read_text())
    assert [(v["version"], v["aliases"]) for v in versions] == [
        ("2025-01", ["latest"]), ("2024-07", [])]


def test_every_version_is_a_real_folder(exported):
    for version in ("2024-07", "2025-01", "latest"):
        folder = exported / version
        assert folder.is_dir() and not folder.is_symlink()
        assert (folder / "enquetes" / "une-enquete.html").is_file()
    old = (exported / "2024-07/enquetes/une-enquete.html").read_text()
    new = (exported / "latest/enquetes/une-enquete.html").read_text()
    assert "ajouté en 2025" not in old and "ajouté en 2025" in new
    assert not [p for p in exported.rglob("*") if p.is_symlink()]
    assert exported.stat().st_mode & 0o777 == 0o755  # readable by a web server
    assert "latest/" in (exported / "index.html").read_text()


def test_export_refuses_a_branch_without_versions(tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    (project / "README.md").write_text("pas de versions ici\n")
    git(project, "init", "-q", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "x")
    result = subprocess.run([*VERSIONS, "--branch", "main", "export", str(tmp_path / "out")],
                            cwd=project, env=build_env(), capture_output=True, text=True)
    assert result.returncode != 0
    assert "pas de versions.json" in result.stderr
    assert not (tmp_path / "out").exists()


def test_invalid_version_name_is_refused(tmp_path):
    result = subprocess.run([*VERSIONS, "release", "../x"], cwd=tmp_path, env=build_env(),
                            capture_output=True, text=True)
    assert result.returncode != 0
    assert "nom de version invalide : « ../x »" in result.stderr


@pytest.mark.browser
def test_selector_and_outdated_banner_in_chromium(exported):
    from playwright.sync_api import sync_playwright

    with serve(exported) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(base + "2024-07/enquetes/une-enquete.html", wait_until="networkidle")
        items = page.locator(".md-version__list .md-version__link")
        items.first.wait_for(state="attached")
        labels = [text.strip() for text in items.all_text_contents()]
        assert any("2024-07" in label for label in labels)
        assert any("2025-01" in label for label in labels)
        banner = page.locator("[data-md-component=outdated]")
        assert banner.is_visible()
        banner.locator("a").click()
        page.wait_for_load_state("networkidle")
        assert page.url == base + "latest/enquetes/une-enquete.html"
        assert "ajouté en 2025" in page.content()
        assert not page.locator("[data-md-component=outdated]").is_visible()
        browser.close()
