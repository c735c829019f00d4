"""No transformation silently vanishes under either engine (MkDocs, Zensical).

An engine that skips a step does not fail: it publishes the raw text. So the built pages are
counted against what the sources ask for, page by page: the numbered notes (citations of the
text and of its charts' sources), the chart figures, the decorations of an investigation,
the share tags, and the feed entries (publications and dated updates)."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
import yaml

from macros.citations.syntax import find_citations
from macros.pages.frontmatter import split_front_matter
from support import portal
from support.sites import FIXTURE_ARTICLE, ROOT, assert_fails_cleanly, make_site, zensical_build

DOCS = ROOT / "docs"
DOSSIERS = portal.DOSSIERS
_CHART = re.compile(r"""\{\{\s*chart\(\s*["']([^"']+)["']""")


def _sources() -> dict[str, tuple[dict, str]]:
    """Each page of docs/ (path relative to docs/) -> its front matter and body."""
    pages = {}
    for path in sorted(DOCS.rglob("*.md")):
        src = path.relative_to(DOCS).as_posix()
        front, _ = split_front_matter(path.read_text(encoding="utf-8"), f"docs/{src}")
        if (front.meta or {}).get("template") == "404.html":
            continue  # en/404.md: the English 404 page, drawn by its template alone
        pages[src] = (front.meta or {}, front.body)
    return pages


def _expected_notes(body: str) -> int:
    """The sources a page cites: in its text, its charts' captions and their tables."""
    keys = {c.key for group in find_citations(body) for c in (group.citations or ())}
    for chart_id in _CHART.findall(body):
        meta = yaml.safe_load((ROOT / "data" / f"{chart_id}.yml").read_text(encoding="utf-8"))
        if meta.get("source"):  # a chart whose rows name their own sources may have none
            keys.add(meta["source"])
        with (ROOT / "data" / f"{chart_id}.csv").open(encoding="utf-8") as table:
            for row in csv.DictReader(table):  # a table may cite a source on each row
                keys |= {k.strip() for k in (row.get("sources") or "").split(";") if k.strip()}
    return len(keys)


def _is_investigation(src: str) -> bool:
    return src.split("/")[0] in DOSSIERS and not src.endswith("index.md")


def test_the_sources_ask_for_what_is_counted():
    """The counts below are not vacuous: the portal has notes, charts and investigations."""
    pages = _sources()
    assert sum(_expected_notes(body) for _, body in pages.values()) >= 1
    # Every chart whose table the portal has is shown somewhere (a new campaign: none yet).
    tables = {p.stem for p in (ROOT / "data").glob("*.csv")} & set(portal.chart_ids())
    shown = {c for _, body in pages.values() for c in _CHART.findall(body)}
    assert tables <= shown
    assert sum(_is_investigation(src) for src in pages) >= 1


def test_every_page_keeps_its_notes_figures_and_decorations(engine_site):
    missing = []
    for src, (meta, body) in _sources().items():
        url = src.removesuffix(".md") + ".html"
        soup = engine_site.soup(url)
        article = soup.select_one("article.md-content__inner")
        text = article.get_text()
        counts = {
            "notes": (len(article.select("ol.notes-sources > li")), _expected_notes(body)),
            "figures": (len(article.select("figure[id^=graphique-]")),
                        len(set(_CHART.findall(body)))),
            "og:title": (len(soup.select('meta[property="og:title"]')), 1),
            "raw citations": (text.count("[@"), 0),
            "raw macros": (text.count("{{") + text.count("{%"), 0),
        }
        if _is_investigation(src):
            counts["byline"] = (len(article.select("p.byline")), 1)
            counts["JSON-LD"] = (len(soup.select('script[type="application/ld+json"]')), 1)
            counts["call to action"] = (len(article.select(".call-to-action")), 1)
            counts["right of reply"] = (len(article.select(".right-of-reply")),
                                        1 if meta.get("reply") else 0)
        missing += [(engine_site.engine, src, what, got, expected)
                    for what, (got, expected) in counts.items() if got != expected]
    assert missing == []


def test_feeds_list_every_publication_and_update(engine_site):
    expected = sum(1 + len(meta.get("updates") or ()) for src, (meta, _) in _sources().items()
                   if _is_investigation(src) and meta.get("date"))
    feed = json.loads((engine_site.dir / "feed.json").read_text(encoding="utf-8"))
    assert len(feed["items"]) == expected
    for name in ("rss.xml", "atom.xml"):
        text = (engine_site.dir / name).read_text(encoding="utf-8")
        assert text.count("<item>" if name == "rss.xml" else "<entry>") == expected, name


def test_both_engines_publish_the_same_site_wide_files(engine_site, site):
    """Feeds, exports, chart data, share images, search bundle: what the post-build step
    writes is there whichever engine built the pages."""
    tops = ("sources", "donnees", "feed.json", "rss.xml", "atom.xml")

    def written(root: Path) -> set[str]:
        return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()
                and (p.relative_to(root).parts[0] in tops or "partage" in p.parts)}

    assert written(engine_site.dir) == written(site.dir)
    assert (engine_site.dir / "pagefind" / "pagefind.js").is_file()


@pytest.mark.parametrize("text, expected", [
    ("Texte [@inconnu_2020].\n",
     "docs/enquetes/une-enquete.md:13: source inconnue `inconnu_2020`"),
    ("Texte.\n\nÉcrire à {{ config.extra.contact.courriel.x }}.\n",
     "docs/enquetes/une-enquete.md:15: erreur dans un appel de macro : UndefinedError"),
], ids=["unknown-source", "failing-macro"])
def test_a_content_mistake_stops_zensical_in_french(tmp_path, text, expected):
    """Under Zensical too, a mistake found while a page is built stops the build with the
    portal's message, without Zensical's traceback, and nothing is published."""
    page = FIXTURE_ARTICLE + "\n" + text
    project = make_site(tmp_path, docs={"enquetes/une-enquete.md": page})
    result = zensical_build(project, tmp_path / "site")
    assert_fails_cleanly(result, expected, "Construction arrêtée : rien n’a été publié.")
    assert "Python error" not in result.output
    assert not any((tmp_path / "site").iterdir())
