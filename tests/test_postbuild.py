"""The post-build step's bookkeeping for a quick preview: which pages it rewrote."""

from __future__ import annotations

import os

from macros.assembly.site_steps import rewritten


def test_a_quick_preview_knows_the_pages_it_rewrote(tmp_path):
    (tmp_path / "enquetes").mkdir()
    old, new = tmp_path / "index.html", tmp_path / "enquetes" / "une.html"
    old.write_text("<p>avant</p>", encoding="utf-8")
    new.write_text("<p>après</p>", encoding="utf-8")
    os.utime(old, (1_000_000, 1_000_000))
    urls = {"index.md": "index.html", "enquetes/une.md": "enquetes/une.html",
            "enquetes/absente.md": "enquetes/absente.html"}
    assert rewritten(tmp_path, urls, since=2_000_000) == {"enquetes/une.md"}
    assert rewritten(tmp_path, urls, since=0) == {"index.md", "enquetes/une.md"}
