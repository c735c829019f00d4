"""Dated updates, the news stream and the feeds (pure functions and fixture builds)."""

import datetime as dt
import json

import feedparser
from bs4 import BeautifulSoup

from macros.pages.corpus import Corpus, PageRecord
from macros.pages.gitdates import parse_git_log
from macros.pages.news import news_items, news_list, without_citations
from macros.sitewide.feeds import FeedInfo, feed_entries, render_feeds
from support.sites import FIXTURE_ARTICLE, make_site, mkdocs_build

D = dt.date


def page(path, title, date, updates=(), changed=None):
    meta = {"title": title, "date": date, "summary": f"Résumé de {title}",
            "authors": ["A"], "tags": ["t"],
            "updates": [{"date": d, "text": t} for d, t in updates]}
    return PageRecord(path, f"docs/{path}", meta, "dossier", (), changed)


CORPUS = Corpus({
    "dossier/a.md": page("dossier/a.md", "Enquête A", D(2026, 1, 10),
                         [(D(2026, 3, 1), "Réponse reçue [@x, p. 2]."),
                          (D(2026, 2, 1), "Chiffres corrigés.")]),
    "dossier/b.md": page("dossier/b.md", "Enquête B", D(2026, 2, 15)),
})


def test_news_mixes_publications_and_updates_newest_first():
    items = news_items(CORPUS)
    assert [(i.date.isoformat(), i.kind, i.page.title) for i in items] == [
        ("2026-03-01", "update", "Enquête A"),
        ("2026-02-15", "publication", "Enquête B"),
        ("2026-02-01", "update", "Enquête A"),
        ("2026-01-10", "publication", "Enquête A"),
    ]
    assert items[0].text == "Réponse reçue."


def test_news_list_links_updates_to_their_block():
    soup = BeautifulSoup(news_list(news_items(CORPUS)[:2], "index.md"), "html.parser")
    text = soup.get_text()
    assert "Mise à jour" in text and "Publication" in text
    assert "](dossier/a.md#mises-a-jour)" in str(soup)


def test_without_citations():
    assert without_citations("Texte [@a; @b, p. 3] suite.") == "Texte suite."


def test_updated_date_from_updates_then_git():
    a, b = CORPUS.pages["dossier/a.md"], CORPUS.pages["dossier/b.md"]
    assert a.updated == D(2026, 3, 1)
    assert b.updated is None
    assert page("p.md", "P", D(2026, 1, 1), changed=D(2026, 5, 2)).updated == D(2026, 5, 2)
    assert page("p.md", "P", D(2026, 1, 1), changed=D(2025, 5, 2)).updated is None


def test_git_log_gives_the_last_change_of_each_file():
    log = ("\x002026-03-02\n\ndocs/a.md\ndocs/b/c.md\n"
           "\x002026-01-01\n\ndocs/a.md\nREADME.md\ndocs/d.md\n")
    assert parse_git_log(log, "docs") == {"a.md": D(2026, 3, 2), "b/c.md": D(2026, 3, 2),
                                          "d.md": D(2026, 1, 1)}


def test_feeds_parse_and_list_items_in_order():
    info = FeedInfo("Portail <test>", "Description & co", "https://example.org/sous/")
    urls = {"dossier/a.md": "dossier/a/", "dossier/b.md": "dossier/b/"}
    feeds = render_feeds(info, feed_entries(news_items(CORPUS), urls, info.site_url))
    for name in ("rss.xml", "atom.xml"):
        parsed = feedparser.parse(feeds[name])
        assert not parsed.bozo, (name, parsed.get("bozo_exception"))
        assert parsed.feed.title == "Portail <test>"
        links = [e.link for e in parsed.entries]
        assert links == ["https://example.org/sous/dossier/a/#mises-a-jour",
                         "https://example.org/sous/dossier/b/",
                         "https://example.org/sous/dossier/a/#mises-a-jour",
                         "https://example.org/sous/dossier/a/"]
        assert len({e.id for e in parsed.entries}) == 4
        assert parsed.entries[1].title == "Enquête B"
        assert parsed.entries[1].summary == "Résumé de Enquête B"
        assert parsed.entries[0].published_parsed[:3] == (2026, 3, 1)
    data = json.loads(feeds["feed.json"])
    assert data["feed_url"] == "https://example.org/sous/feed.json"
    assert [i["date_published"][:10] for i in data["items"]] == [
        "2026-03-01", "2026-02-15", "2026-02-01", "2026-01-10"]


def test_updates_block_and_feeds_in_a_built_site(tmp_path):
    article = FIXTURE_ARTICLE.replace("tags:", (
        "updates:\n  - date: 2026-02-01\n    text: \"Ajout d’une source [@dubois_2021].\"\n"
        "  - date: 2026-03-05\n    text: Correction d’un chiffre.\ntags:"))
    project = make_site(tmp_path, docs={"enquetes/une-enquete.md": article})
    result = mkdocs_build(project, tmp_path / "site")
    assert result.ok, result.output
    soup = BeautifulSoup((tmp_path / "site/enquetes/une-enquete.html").read_text(),
                         "html.parser")
    block = soup.select_one("#mises-a-jour")
    assert [t["datetime"] for t in block.select("time")] == ["2026-03-05", "2026-02-01"]
    assert "Correction d’un chiffre." in block.get_text()
    assert block.select_one("sup.note-call a")["href"] == "#note-dubois_2021"
    byline = soup.select_one("p.byline").get_text()
    assert "Publié le 15 janvier 2026" in byline and "Mis à jour le 5 mars 2026" in byline
    history = soup.select_one("a.page-history")["href"]
    assert history.endswith("/-/commits/main/docs/enquetes/une-enquete.md")
    rss = feedparser.parse((tmp_path / "site/rss.xml").read_text())
    assert not rss.bozo
    assert rss.entries[0].link == "https://fixture.example.org/enquetes/une-enquete.html#mises-a-jour"
    head = soup.find("link", type="application/rss+xml")
    assert head["href"] == "../rss.xml"


def test_malformed_updates_fail_naming_the_file(tmp_path):
    article = FIXTURE_ARTICLE.replace("tags:", "updates:\n  - date: 2026-02-01\ntags:")
    project = make_site(tmp_path, docs={"enquetes/une-enquete.md": article})
    result = mkdocs_build(project, tmp_path / "site")
    assert not result.ok
    assert "docs/enquetes/une-enquete.md:" in result.output
    assert "`updates[1].text` manquant" in result.output
    assert "Traceback" not in result.output


def test_renamed_page_redirects_to_its_new_address(tmp_path):
    project = make_site(tmp_path)
    (project / "data").mkdir()
    (project / "data" / "redirections.yml").write_text(
        "# ancienne adresse: nouvelle page\nancien/nom.md: enquetes/une-enquete.md\n")
    result = mkdocs_build(project, tmp_path / "site")
    assert result.ok, result.output
    stub = BeautifulSoup((tmp_path / "site/ancien/nom.html").read_text(), "html.parser")
    assert stub.find("meta", attrs={"http-equiv": "refresh"})["content"] == \
        "0; url=../enquetes/une-enquete.html"
    assert stub.find("link", rel="canonical")["href"] == \
        "https://fixture.example.org/enquetes/une-enquete.html"
    assert (tmp_path / "site/enquetes/une-enquete.html").exists()


def test_redirect_to_a_missing_page_fails(tmp_path):
    project = make_site(tmp_path)
    (project / "data").mkdir()
    (project / "data" / "redirections.yml").write_text("ancien.md: enquetes/une-enquet.md\n")
    result = mkdocs_build(project, tmp_path / "site")
    assert not result.ok
    assert ("data/redirections.yml:1: la page cible `enquetes/une-enquet.md` n’existe pas — "
            "vouliez-vous dire `enquetes/une-enquete.md`") in result.output
