"""Every page of the built portal is valid HTML for the Nu Html Checker (vnu.jar, pinned by
vendor/vnu/package-lock.json and installed by `make vnu`, which `make test` runs)."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from macros.sitewide.theme_markup import valid_theme_markup
from support.sites import ROOT

VNU_JAR = ROOT / "vendor" / "vnu" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def vnu_errors(paths) -> list[dict]:
    if not VNU_JAR.is_file() or not shutil.which("java"):
        pytest.fail("the Nu Html Checker is missing: run `make vnu` (make test does)",
                    pytrace=False)
    result = subprocess.run(["java", "-jar", str(VNU_JAR), "--errors-only", "--format", "json",
                             *map(str, paths)], capture_output=True, text=True, timeout=600)
    return json.loads(result.stderr or result.stdout)["messages"]


def test_every_built_page_is_valid_html(site):
    pages = site.pages()
    assert len(pages) >= len(list((ROOT / "docs").rglob("*.md")))  # each page of docs/
    errors = [f"{m['url'].rsplit(str(site.dir), 1)[-1]}:{m.get('lastLine')}: {m['message']}"
              for m in vnu_errors(pages)]
    assert not errors, "\n".join(errors)


def test_the_checker_sees_the_theme_errors_the_portal_corrects(tmp_path):
    """The check can fail: Material's own toggle and a label for a missing control."""
    page = ('<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>t</title>'
            '</head><body>{}<label for="__toc">Sommaire</label></body></html>')
    toggle = ('<input class="md-toggle" data-md-toggle="drawer" type="checkbox" id="__drawer"'
              ' autocomplete="off">')
    (tmp_path / "theme.html").write_text(page.format(toggle), encoding="utf-8")
    messages = [m["message"] for m in vnu_errors([tmp_path / "theme.html"])]
    assert any("autocomplete" in m for m in messages), messages
    assert any("for" in m and "label" in m for m in messages), messages
    assert valid_theme_markup(toggle) == toggle.replace(' autocomplete="off"', "")
