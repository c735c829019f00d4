"""The site's pages compacted once and what the site-wide steps learn of each, kept in
`.cache/pages/` under the digest of the page the engine wrote (macros/sitewide/built_pages.py)."""

from __future__ import annotations

import hashlib

from macros.floor.kept_readings import KeptReadings
from macros.sitewide.built_pages import PageCache, compact_site
from macros.sitewide.compact import compact_page
from macros.sitewide.search import indexed_part
from macros.sitewide.theme_css import classes_in_html

PAGE = ('<!doctype html>\n<html lang="fr">\n  <head>\n    <title>t</title>\n  </head>\n'
        '  <body class="md-page">\n    <article class="md-content" data-pagefind-body>\n'
        '      <p class="intro">L’honnêteté</p>\n    </article>\n  </body>\n</html>\n')
OTHER = PAGE.replace("L’honnêteté", "La loyauté")


def _site(tmp_path, pages):
    site = tmp_path / "site"
    for name, html in pages.items():
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_bytes(html.encode("utf-8"))
    return site


def test_a_page_taken_from_the_cache_is_the_page_compacted_again(tmp_path):
    cache_dir = tmp_path / "cache"
    site = _site(tmp_path, {"index.html": PAGE, "a/index.html": OTHER})
    first = compact_site(site, cache=PageCache(cache_dir))
    site = _site(tmp_path, {"index.html": PAGE, "a/index.html": OTHER})  # the next build
    cache = PageCache(cache_dir)
    again = compact_site(site, cache=cache)
    assert set(cache.new) == {hashlib.sha256(html.encode("utf-8")).hexdigest()
                              for html in (PAGE, OTHER)}
    for path, html in ((site / "index.html", PAGE), (site / "a/index.html", OTHER)):
        compact = compact_page(html)
        assert path.read_text(encoding="utf-8") == compact != html
        for pages in (first, again):
            page = pages[path]
            assert page.html == compact and page.data == compact.encode("utf-8")
            assert page.classes.split() == sorted(classes_in_html(compact))
            assert page.indexed_part() == indexed_part(compact)
            assert page.indexed == hashlib.sha256(
                indexed_part(compact).encode("utf-8")).hexdigest()


def test_a_page_the_search_index_skips_has_no_search_digest(tmp_path):
    page = PAGE.replace(" data-pagefind-body", "")
    pages = compact_site(_site(tmp_path, {"index.html": page}), cache=PageCache(tmp_path / "c"))
    assert [built.indexed for built in pages.values()] == [""]


def test_another_code_or_an_unreadable_file_is_no_cache(tmp_path):
    cache_dir = tmp_path / "cache"
    compact_site(_site(tmp_path, {"index.html": PAGE}), cache=PageCache(cache_dir))
    digest = hashlib.sha256(PAGE.encode("utf-8")).hexdigest()
    assert PageCache(cache_dir).get(digest) is not None
    changed = PageCache(cache_dir)
    changed.kept = KeptReadings(changed.kept.folder, "another code")
    assert changed.get(digest) is None
    kept = list(cache_dir.glob("built-*.pickle"))
    assert len(kept) == 1
    kept[0].write_bytes(b"half a file")
    assert PageCache(cache_dir).get(digest) is None


def test_the_cache_keeps_the_last_build_s_pages_and_a_quick_preview_keeps_the_others(tmp_path):
    cache_dir = tmp_path / "cache"
    digests = {html: hashlib.sha256(html.encode("utf-8")).hexdigest() for html in (PAGE, OTHER)}
    compact_site(_site(tmp_path, {"index.html": PAGE}), cache=PageCache(cache_dir))
    site = _site(tmp_path, {"index.html": OTHER})
    compact_site(site, written_since=0, cache=PageCache(cache_dir))  # a quick preview
    assert all(PageCache(cache_dir).get(digest) for digest in digests.values())
    (site / "index.html").write_text(OTHER, encoding="utf-8")
    compact_site(site, cache=PageCache(cache_dir))  # a full build
    assert PageCache(cache_dir).get(digests[PAGE]) is None
    assert PageCache(cache_dir).get(digests[OTHER]) is not None


def test_line_ends_are_read_as_a_text_file_reads_them(tmp_path):
    """A page is compacted from its text as Python reads a text file (every line end a
    newline): one with Windows line ends gives the page its Unix twin gives."""
    site = _site(tmp_path, {"unix.html": PAGE, "windows.html": PAGE.replace("\n", "\r\n")})
    pages = compact_site(site, cache=PageCache(tmp_path / "cache"))
    assert pages[site / "windows.html"].data == pages[site / "unix.html"].data
    assert (site / "windows.html").read_bytes() == (site / "unix.html").read_bytes()
