"""Pages are sent without the templates' indentation, and what it would change is kept."""

from __future__ import annotations

import os
import re
import textwrap

from bs4 import BeautifulSoup

from macros.sitewide.built_pages import compact_site
from macros.sitewide.compact import compact_html, lean_markup
from support.sites import FIXTURE_ARTICLE, make_site, mkdocs_build

_KEPT = re.compile(r"<(pre|textarea|script|style)\b.*?</\1\s*>", re.S | re.I)


def test_indentation_and_blank_lines_go_and_a_line_break_stays():
    html = "<ul>\n    <li>un</li>\n\n  \n    <li>deux</li>\n</ul>\n  <p>a\n     b</p>"
    assert compact_html(html) == "<ul>\n<li>un</li>\n<li>deux</li>\n</ul>\n<p>a\nb</p>"


def test_preformatted_text_scripts_and_styles_are_left_as_written():
    kept = ["<pre><code>def f():\n    return 1\n\n\n    # end</code></pre>",
            "<textarea name=m>\n  Madame,\n\n  Monsieur</textarea>",
            '<script>\n  const s = `a\n    b`;\n</script>', "<STYLE>\n  p { }\n</STYLE>"]
    html = "\n  ".join(["<div>", *kept, "</div>"])
    assert compact_html(html) == "\n".join(["<div>", *kept, "</div>"])


def test_no_built_page_is_indented(site):
    """Every page, the theme's 404 too: nothing indented outside the elements where
    whitespace is content."""
    for path in site.pages():
        html = path.read_text(encoding="utf-8")
        outside = _KEPT.sub("<kept/>", html)
        assert not re.search(r"\n[ \t]+|\n\n", outside), path
    page = site.html("index.html")
    assert compact_html(page) == page
    assert site.path("404.html").is_file()


def test_a_code_block_in_a_page_keeps_its_indentation(tmp_path):
    code = "def score(personne):\n    if personne.controle:\n\n        return 1"
    article = FIXTURE_ARTICLE + f"\nUn extrait\u00a0:\n\n```python\n{code}\n```\n"
    project = make_site(tmp_path, {"enquetes/une-enquete.md": article})
    result = mkdocs_build(project, tmp_path / "site")
    assert result.ok, result.output
    soup = BeautifulSoup((tmp_path / "site" / "enquetes" / "une-enquete.html")
                         .read_text(encoding="utf-8"), "html.parser")
    assert soup.select_one("pre code").get_text().rstrip("\n") == textwrap.dedent(code)


def test_a_quick_preview_compacts_only_the_pages_it_rewrote(tmp_path):
    """The quick preview rewrites a few pages: the others, compacted by an earlier build,
    are not read again (their time is before the build's start)."""
    indented = "<html>\n  <body>\n    <p>Texte</p>\n  </body>\n</html>\n"
    old, new = tmp_path / "ancienne.html", tmp_path / "nouvelle.html"
    old.write_text(indented, encoding="utf-8")
    new.write_text(indented, encoding="utf-8")
    os.utime(old, (1_000_000, 1_000_000))
    compact_site(tmp_path, written_since=2_000_000)
    assert old.read_text(encoding="utf-8") == indented
    assert new.read_text(encoding="utf-8") == compact_html(indented)
    assert new.read_text(encoding="utf-8") != indented
    compact_site(tmp_path)
    assert old.read_text(encoding="utf-8") == compact_html(indented)


def test_lean_markup_tightens_table_alignment():
    page = ('<head>\n<title>t</title></head><table><tr><th style="text-align: right;">Part</th>'
            '<td style="text-align: center;">3 %</td><td>x</td></tr></table>')
    assert lean_markup(page) == (
        '<head>\n<title>t</title></head><table><tr><th style="text-align:right">Part</th>'
        '<td style="text-align:center">3 %</td><td>x</td></tr></table>')
    assert lean_markup(lean_markup(page)) == lean_markup(page)
