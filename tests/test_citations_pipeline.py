"""Citation safety and cost on small fixture sites and in-process."""

import json
import textwrap

from bs4 import BeautifulSoup

from common.config import PortalConfig
from macros.assembly.portal import Portal
from macros.citations import sources as sources_module
from macros.citations.notes import render_notes
from support.sites import FIXTURE_ARTICLE, make_site, mkdocs_build


def test_hostile_title_renders_as_text(tmp_path):
    bib = textwrap.dedent("""\
        @online{hostile,
          author = {Quelqu’un},
          title = {"onmouseover="alert(1) <script>alert(2)</script> javascript:alert(3)},
          url = {https://example.org/page}, date = {2024-07-01},
          urldate = {2024-07-12},
        }
        """)
    article = FIXTURE_ARTICLE.replace("Un fait [@dubois_2021].",
                                      "Un fait [@hostile] [@dubois_2021].")
    project = make_site(tmp_path, docs={"enquetes/une-enquete.md": article},
                        bib={"hostile.bib": bib})
    result = mkdocs_build(project, tmp_path / "site")
    assert result.ok, result.output
    hostile = '"onmouseover="alert(1) <script>alert(2)</script> javascript:alert(3)'
    for page in ("enquetes/une-enquete.html", "sources.html"):
        soup = BeautifulSoup((tmp_path / "site" / page).read_text(encoding="utf-8"),
                             "html.parser")
        handlers = [(tag.name, attr) for tag in soup.find_all(True) for attr in tag.attrs
                    if attr.lower().startswith("on")]
        assert handlers == []
        assert not [s for s in soup.find_all("script") if "alert" in s.get_text()
                    and s.get("type") != "application/ld+json"]
        for data in soup.select('script[type="application/ld+json"]'):  # text, not markup
            assert "<" not in data.string
            assert hostile in [work["name"] for work in json.loads(data.string)["citation"]]
        assert not [a for a in soup.find_all(href=True) if "javascript:" in a["href"]]
        assert hostile in soup.get_text()  # shown as text, intact
    note = BeautifulSoup((tmp_path / "site/enquetes/une-enquete.html").read_text(),
                         "html.parser").select_one("#note-hostile")
    assert hostile in note.get_text()


def test_bib_parsed_once_and_each_entry_formatted_once(tmp_path, monkeypatch):
    """However many pages cite a source, it is parsed and formatted once per build."""
    parses, formats = [], []
    real_parse, real_format = sources_module.parse_string, sources_module.format_reference
    monkeypatch.setattr(sources_module, "parse_string",
                        lambda *a, **k: parses.append(1) or real_parse(*a, **k))
    monkeypatch.setattr(sources_module, "format_reference",
                        lambda *a, **k: formats.append(1) or real_format(*a, **k))
    pages = {f"enquetes/e{i}.md": FIXTURE_ARTICLE
             .replace("Un fait [@dubois_2021].",
                      "Faits [@dubois_2021; @cour_des_comptes_2020, p. 4] [@dubois_2021].")
             for i in range(40)}
    project = make_site(tmp_path, docs=pages)
    portal = Portal.load(PortalConfig.from_mkdocs({
        "config_file_path": str(project / "mkdocs.yml"), "docs_dir": str(project / "docs"),
        "extra": {"dossiers": ["enquetes"], "bibliography_dir": "bibliography"}}))
    for path in portal.corpus.pages:
        text = (project / "docs" / path).read_text(encoding="utf-8")
        render_notes(text, portal.sources, path)
    assert len(parses) == 1  # one .bib file
    assert len(formats) == len(portal.sources) == 2
    assert len(portal.corpus.cited_in()["dubois_2021"]) == 41
