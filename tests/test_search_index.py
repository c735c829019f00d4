"""Search indexing during the build (macros/sitewide/search.py): the bundle Pagefind writes from the
pages it is sent, its cache, the dirty-build fallback and the errors of the service."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest
from mkdocs.exceptions import PluginError

from macros.sitewide.search import BUNDLE_DIR, PagefindService, incomplete_files, indexed_part
from support.sites import FIXTURE_ARTICLE, build_env, make_site, mkdocs_build

CACHED = "index de recherche repris du cache"


def article(title: str, text: str) -> str:
    return FIXTURE_ARTICLE.replace('"Une enquête"', f'"{title}"').replace(
        "Un fait [@dubois_2021].", text)


def indexed_text(site_dir: Path) -> str:
    """Every fragment of the bundle (gzip, behind Pagefind's signature), as one text."""
    texts = []
    for fragment in sorted((site_dir / BUNDLE_DIR / "fragment").glob("*.pf_fragment")):
        data = gzip.decompress(fragment.read_bytes())
        texts.append(data[data.index(b"{"):].decode("utf-8"))
    return "\n".join(texts)


def bundle_files(site_dir: Path) -> dict[str, bytes]:
    bundle = site_dir / BUNDLE_DIR
    return {p.relative_to(bundle).as_posix(): p.read_bytes()
            for p in sorted(bundle.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return make_site(tmp_path_factory.mktemp("search-index"), docs={
        f"enquetes/e{n}.md": article(f"Enquête {n}", f"Le mot témoin{n} figure ici.")
        for n in range(1, 4)})


def test_bundle_is_cached_and_reused_while_the_pages_do_not_change(project, tmp_path):
    first = mkdocs_build(project, tmp_path / "first")
    assert first.ok, first.output
    second = mkdocs_build(project, tmp_path / "second")
    assert second.ok, second.output
    assert CACHED in second.output
    assert incomplete_files(first.site_dir / BUNDLE_DIR) == []
    assert bundle_files(first.site_dir) == bundle_files(second.site_dir)
    text = indexed_text(second.site_dir)
    assert all(f"témoin{n}" in text for n in (1, 2, 3))


def test_a_changed_page_is_indexed_again_with_the_pages_before_it(project, tmp_path):
    assert mkdocs_build(project, tmp_path / "before").ok
    page = project / "docs" / "enquetes" / "e2.md"
    page.write_text(page.read_text(encoding="utf-8").replace("témoin2", "nouveau2"),
                    encoding="utf-8")
    after = mkdocs_build(project, tmp_path / "after")
    assert after.ok, after.output
    assert CACHED not in after.output
    text = indexed_text(after.site_dir)
    # e1 comes before e2: unchanged, it was sent from disk once the difference showed.
    assert all(w in text for w in ("témoin1", "nouveau2", "témoin3")) and "témoin2" not in text
    again = mkdocs_build(project, tmp_path / "again")
    assert CACHED in again.output
    assert bundle_files(again.site_dir) == bundle_files(after.site_dir)


def test_a_dirty_build_indexes_every_page_from_disk(project, tmp_path):
    site_dir = tmp_path / "site"
    assert mkdocs_build(project, site_dir).ok
    page = project / "docs" / "enquetes" / "e3.md"
    page.write_text(page.read_text(encoding="utf-8").replace("témoin3", "sale3"),
                    encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--dirty", "--no-strict",  # warns: dirty
         "--site-dir", str(site_dir)],
        cwd=project, env=build_env(), capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    text = indexed_text(site_dir)
    assert "témoin1" in text and "sale3" in text and "témoin3" not in text


def test_pagefind_reads_the_article_and_the_language_only():
    page = ('<!doctype html><html lang="fr" class="no-js"><head><title>T</title></head><body>'
            '<nav>menu</nav><article class="md-content__inner" data-pagefind-body><h1>Titre'
            "</h1><p>Texte</p></article><footer>pied</footer></body></html>")
    assert indexed_part(page) == ('<html lang="fr" class="no-js"><body><article '
                                  'class="md-content__inner" data-pagefind-body><h1>Titre</h1>'
                                  "<p>Texte</p></article></body></html>")
    assert indexed_part("<p>sans article</p>") == "<p>sans article</p>"


def test_a_service_that_stops_is_reported_in_plain_words():
    service = PagefindService(Path("/bin/false"))
    try:
        with pytest.raises(PluginError, match="Pagefind"):
            service.wait(service.send({"type": "NewIndex", "config": {}}), timeout=30)
    finally:
        service.close()


def test_an_error_answer_names_the_cause(tmp_path):
    from macros.sitewide.search import pagefind_binary

    service = PagefindService(pagefind_binary())
    try:
        with pytest.raises(PluginError, match="Pagefind"):
            service.wait(service.send({"type": "AddFile", "index_id": 999, "url": "/x.html",
                                       "file_path": None, "file_contents": "<p>x</p>"}),
                         timeout=30)
    finally:
        service.close()


def test_the_cache_manifest_names_its_indexer(project):
    manifest = json.loads((project / ".cache" / "search" / "pages.json").read_text("utf-8"))
    assert manifest["indexer"].startswith("pagefind ")
    assert all(url.startswith("/") and len(digest) == 64 for url, digest in manifest["pages"])


def test_an_empty_or_unreadable_bundle_file_is_never_kept(tmp_path):
    bundle = tmp_path / BUNDLE_DIR
    assert incomplete_files(bundle) == ["pagefind/ absent"]
    (bundle / "fragment").mkdir(parents=True)
    (bundle / "pagefind-entry.json").write_text('{"version": "1"}', encoding="utf-8")
    (bundle / "pagefind.js").write_text("export {}", encoding="utf-8")
    assert incomplete_files(bundle) == []
    (bundle / "fragment" / "fr_1.pf_fragment").write_bytes(b"")
    (bundle / "pagefind-entry.json").write_text('{"version": ', encoding="utf-8")
    assert incomplete_files(bundle) == ["fragment/fr_1.pf_fragment", "pagefind-entry.json"]
    (bundle / "pagefind-entry.json").write_bytes(b"")
    assert incomplete_files(bundle) == ["fragment/fr_1.pf_fragment", "pagefind-entry.json"]
