"""The built portal, as readers get it (one strict build per session)."""

import re
import subprocess
from urllib.parse import urljoin, urlsplit

import yaml

from common.config import PortalConfig
from macros.action.petition import load_petition
from macros.floor.french import format_date
from support import portal
from support.sites import ROOT

CONFIG = PortalConfig.read(ROOT / "mkdocs.yml")


def nav_pages(items):
    for item in items:
        for value in item.values():
            if isinstance(value, list):
                yield from nav_pages(value)
            else:
                yield value


def front_matter(path):
    text = path.read_text(encoding="utf-8")
    return yaml.safe_load(text.split("---")[1])


def url_of(md_path: str) -> str:
    return md_path.removesuffix(".md") + ".html"


def test_every_nav_page_exists(site):
    pages = list(nav_pages(CONFIG.nav))
    assert len(pages) >= 4
    for page in pages:
        assert site.path(url_of(page)).is_file(), page


def test_every_page_is_in_its_editions_language(site):
    """French, except the English edition's pages (en/, issue 29)."""
    for page in site.pages():
        html = page.read_text(encoding="utf-8")
        lang = "en" if page.relative_to(site.dir).parts[0] == "en" else "fr"
        if "<html" in html:
            assert re.search(rf'<html[^>]*\blang="{lang}"', html), page


def test_heading_links_carry_no_words_of_one_language(site):
    """The "#" link beside each heading: Python-Markdown's title is one text for every page,
    so none (it was French on the English pages); the link says "#" in any language."""
    headed = 0
    for page in site.pages():
        html = page.read_text(encoding="utf-8")
        headed += html.count('class="headerlink"')
        assert not re.search(r'<a class="headerlink"[^>]*\btitle=', html), page
    assert headed > 0


def test_dossier_lists_every_investigation_newest_first(site):
    investigations = []
    for path in portal.investigations(portal.DOSSIER):
        meta = front_matter(path)
        investigations.append((meta["date"], meta["title"], meta["summary"], path.stem))
    assert investigations
    investigations.sort(key=lambda item: item[1].casefold())
    investigations.sort(key=lambda item: item[0], reverse=True)

    listing = site.soup(f"{portal.DOSSIER}/").select(".investigations li")
    assert [li.a.get_text() for li in listing] == [title for _, title, _, _ in investigations]
    for li, (date, _, summary, stem) in zip(listing, investigations, strict=True):
        assert li.a["href"] == f"{stem}.html"
        assert li.time["datetime"] == date.isoformat()
        assert summary in li.get_text()


def test_home_shows_latest_publications(site):
    latest = site.soup("").select(".latest li")
    assert 1 <= len(latest) <= 5
    dates = [li.time["datetime"] for li in latest]
    assert dates == sorted(dates, reverse=True)


def test_investigations_are_long_dated_and_signed(site):
    for path, url in zip(portal.investigations(), portal.investigation_urls(), strict=True):
        article = site.article(url)
        assert article.select_one("p.byline time"), path
        if "À REMPLIR" in path.read_text(encoding="utf-8"):
            continue  # make new-campaign's skeleton: refused at publication until written
        words = len(article.get_text(" ").split())
        assert words >= 800, (path, words)


def test_right_of_reply_is_a_dated_block_after_the_article(site):
    """Every investigation with a `reply:` (none in a new campaign's skeleton)."""
    replies = [(url, front_matter(path)["reply"]) for path, url in
               zip(portal.investigations(), portal.investigation_urls(), strict=True)
               if "reply" in front_matter(path)]
    for url, reply in replies:
        article = site.article(url)
        block = article.select_one(".right-of-reply")
        assert block is not None, url
        day = reply["date"]
        assert format_date(day.year, day.month, day.day) in block.get_text()
        assert reply["author"].split(",")[0] in block.get_text()
        headings = [h.get("id") for h in article.find_all("h2")]
        assert headings.index("droit-de-reponse") < headings.index("notes-et-sources")


FOREIGN_ATTRS = {"script": "src", "link": "href", "img": "src", "iframe": "src",
                 "source": "src", "video": "src", "audio": "src", "embed": "src",
                 "object": "data", "form": "action"}


def test_no_page_references_another_host(engine_site):
    """Everything a page loads comes from the site itself. Forms may post to the campaign's
    own action service (`service.url` of data/petition.yml), and nowhere else."""
    service = load_petition(ROOT / "data" / "petition.yml", "petition.yml").service_url
    offenders = []
    for page in engine_site.pages():
        soup = engine_site.soup(page.relative_to(engine_site.dir).as_posix())
        for tag, attr in FOREIGN_ATTRS.items():
            for element in soup.find_all(tag):
                value = element.get(attr)
                if tag == "link" and "canonical" in (element.get("rel") or []):
                    continue  # an address, not a request
                if tag == "link" and element.get("hreflang"):
                    continue  # the page in another language (issue 29): an address too
                if tag == "form" and service and (value or "").startswith(service):
                    continue
                if value and urlsplit(urljoin("http://self.test/", value)).netloc != "self.test":
                    offenders.append((page.name, tag, value))
        for style in soup.find_all(style=True):
            offenders += [(page.name, "style", u) for u in re.findall(r"url\(([^)]*)\)",
                                                                    style["style"])
                          if "//" in u]
    for css in engine_site.dir.rglob("*.css"):
        for url in re.findall(r"url\(\s*['\"]?([^'\")]+)", css.read_text(encoding="utf-8")):
            if re.match(r"^(https?:)?//", url):
                offenders.append((css.name, "css", url))
        for url in re.findall(r"@import\s+(?:url\()?['\"]?([^'\");]+)", css.read_text()):
            offenders.append((css.name, "@import", url))
    assert offenders == []


def test_the_build_fetches_nothing(engine_build):
    """The guard hooks Python's sockets: under Zensical it sees the portal's code and the
    Markdown extensions, not Zensical's Rust core (whose output is checked above)."""
    assert engine_build.network_attempts == []


def test_nothing_from_google_fonts_or_cdns(engine_site):
    for page in engine_site.pages():
        html = page.read_text(encoding="utf-8")
        for host in ("fonts.googleapis", "fonts.gstatic", "cdn.jsdelivr", "unpkg.com"):
            assert host not in html, (page, host)


def test_no_source_link_makes_material_ask_a_forge(site):
    """Material's script asks api.github.com (or GitLab's API) for stars and forks of every
    element marked data-md-component="source": none in the header nor in the mobile
    drawer, whatever forge PORTAL_REPO_URL names. The link itself stays."""
    for page in site.pages():
        soup = site.soup(page.relative_to(site.dir).as_posix())
        assert soup.select('[data-md-component="source"]') == [], page
    assert len(site.soup("index.html").select("a.md-source")) == 2  # header and drawer


def test_make_help_lists_the_commands():
    out = subprocess.run(["make", "-s", "help"], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout
    for target in ("serve", "build", "test", "lint", "clean"):
        assert f"make {target}" in out
    # In French, like everything a contributor reads.
    assert "Construit le portail et le sert" in out and "Liste les commandes" in out
    for english in ("Build the", "Check the", "Run the", "Create a", "Remove the"):
        assert english not in out
