"""The « Miroirs » page (data/miroirs.yml) and the canonical address on every page."""

from __future__ import annotations

import datetime as dt
import subprocess
import textwrap

import pytest

from macros.floor.errors import ContentError
from macros.sitewide.mirrors import Mirror, load_mirrors, parse_mirrors, render_mirrors
from support import portal
from support.sites import ROOT, Site, build_env, make_site, mkdocs_build, script

LABEL = "data/miroirs.yml"
ORIGIN = portal.SITE_URL

VALID = textwrap.dedent("""\
    - nom: Miroir de l’association X
      url: https://exemple.org/miroirs/france-travail/
      organisation: Association X
      date: 2025-01-15
    - nom: Copie du syndicat
      url: https://syndicat.example.net/
      organisation: Syndicat Y
    """)


def problems_of(text: str) -> str:
    with pytest.raises(ContentError) as caught:
        parse_mirrors(text, LABEL)
    return str(caught.value)


def test_valid_file_gives_the_mirrors_in_order():
    assert parse_mirrors(VALID, LABEL) == [
        Mirror("Miroir de l’association X", "https://exemple.org/miroirs/france-travail/",
               "Association X", dt.date(2025, 1, 15)),
        Mirror("Copie du syndicat", "https://syndicat.example.net/", "Syndicat Y"),
    ]


@pytest.mark.parametrize("text", ["", "# aucun miroir\n", "[]\n"])
def test_empty_file_means_no_mirror(text):
    assert parse_mirrors(text, LABEL) == []


def test_missing_file_means_no_mirror(tmp_path):
    assert load_mirrors(tmp_path / "miroirs.yml", LABEL) == []


@pytest.mark.parametrize(("text", "expected"), [
    (VALID.replace("https://exemple.org", "http://exemple.org"),
     "data/miroirs.yml:2: adresse refusée : « http://exemple.org/miroirs/france-travail/ »"),
    (VALID.replace("https://syndicat.example.net/", "javascript:alert(1)"),
     "data/miroirs.yml:6: adresse refusée : « javascript:alert(1) »"),
    (VALID.replace("https://syndicat.example.net/", "https://"),
     "data/miroirs.yml:6: adresse refusée"),
    (VALID.replace("  organisation: Syndicat Y", "  organistion: Syndicat Y"),
     "data/miroirs.yml:7: champ inconnu `organistion` — vouliez-vous dire `organisation` ?"),
    (VALID.replace("  organisation: Syndicat Y\n", ""),
     "data/miroirs.yml:5: champ `organisation` manquant ou vide"),
    (VALID.replace("2025-01-15", "15/01/2025"),
     "data/miroirs.yml:4: `date` n’est pas une date : « 15/01/2025 »"),
    (VALID.replace("2025-01-15", "2025-02-30"),
     "data/miroirs.yml:4: `date` n’est pas une date : « 2025-02-30 »"),
    ("nom: X\nurl: https://x.org/\n", "data/miroirs.yml:1: le fichier doit être une liste"),
    ("- https://x.org/\n", "data/miroirs.yml:1: chaque miroir doit être un bloc de champs"),
    ("- nom: [X\n", "data/miroirs.yml:1:8: fichier YAML illisible : liste entre crochets "
                        "jamais refermée"),
])
def test_mistakes_are_reported_with_line_and_hint(text, expected):
    assert expected in problems_of(text)


def test_every_mistake_is_reported_at_once():
    text = VALID.replace("https://exemple.org", "http://exemple.org").replace(
        "  organisation: Syndicat Y", "  orga: Syndicat Y")
    message = problems_of(text)
    assert message.startswith("3 erreurs de contenu")  # bad URL, unknown and missing field


def test_render_escapes_everything_from_the_data_file():
    html = render_mirrors([Mirror('<b>Nom</b> "x"', "https://a.org/?q=1&r=<2>", "A & B",
                                  dt.date(2025, 7, 1))])
    assert '<a href="https://a.org/?q=1&amp;r=&lt;2&gt;">&lt;b&gt;Nom&lt;/b&gt; &quot;x&quot;</a>' \
        in html
    assert "par A &amp; B" in html
    assert '<time datetime="2025-07-01">1er juillet 2025</time>' in html


def test_render_without_mirrors_says_so():
    assert "Aucun miroir n’est encore déclaré" in render_mirrors([])


def test_mirrors_page_of_the_portal(site):
    mirrors = load_mirrors(ROOT / "data" / "miroirs.yml", LABEL)
    article = site.article("miroirs.html")
    if mirrors:
        links = [a["href"] for a in article.select("ul.mirrors a")]
        assert links == [m.url for m in mirrors]
    else:
        assert "Aucun miroir n’est encore déclaré" in article.select_one("p.mirrors-none").text
    text = article.get_text()
    assert "sha256sum -c" in text and "make mirror" in text  # how to become a mirror
    assert article.find("h2", id="devenir-un-miroir")


def test_every_page_links_to_the_mirrors_page_from_its_footer(site):
    for path in site.pages():
        url = path.relative_to(site.dir).as_posix()
        soup = site.soup(url)
        if url in ("404.html", "en/404.html") or soup.find("meta",
                                                           attrs={"http-equiv": "refresh"}):
            continue  # the server's error pages, and redirect stubs (no theme)
        # In the page's language; the English edition links to the French page, at its
        # « not yet translated » notice (issue 29).
        english = url.startswith("en/")
        links = [a["href"] for a in soup.select(".md-copyright a")
                 if a.get_text(strip=True) == ("Mirrors of the portal" if english
                                               else "Miroirs du portail")]
        assert len(links) == 1, url
        target, _, anchor = links[0].partition("#")
        assert (path.parent / target).resolve() == (site.dir / "miroirs.html").resolve()
        assert anchor == ("pas-encore-traduit-en" if english else ""), url


def canonical_of(soup) -> list[str]:
    return [link["href"] for link in soup.select('link[rel="canonical"]')]


def test_every_page_names_the_origin_as_canonical(site):
    checked = 0
    for path in site.pages():
        url = path.relative_to(site.dir).as_posix()
        if url in ("404.html", "en/404.html"):  # the server's error pages: no address
            continue
        soup = site.soup(url)
        refresh = soup.find("meta", attrs={"http-equiv": "refresh"})
        canonical = canonical_of(soup)
        assert len(canonical) == 1, url
        if not refresh:
            assert canonical[0] == ORIGIN + url
        else:  # a redirect stub names the page it sends to
            assert canonical[0].startswith(ORIGIN)
        checked += 1
    assert checked >= 4
    assert canonical_of(site.soup("index.html")) == [ORIGIN + "index.html"]


def mirrors_project(tmp_path, mirrors: str):
    """A fixture site with a mirrors page (outside the nav, like the portal's)."""
    project = make_site(tmp_path, docs={"miroirs.md": MIRRORS_PAGE})
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "  /enquetes/*.md\n", "  /enquetes/*.md\n  /miroirs.md\n"), encoding="utf-8")
    (project / "data").mkdir()
    (project / "data" / "miroirs.yml").write_text(mirrors, encoding="utf-8")
    return project


MIRRORS_PAGE = "---\ntitle: Miroirs\n---\n\n# Miroirs\n\n{{ mirrors() }}\n"


def test_bad_mirrors_file_fails_the_build_with_a_clear_message(tmp_path):
    project = mirrors_project(tmp_path, VALID.replace("https://syndicat", "http://syndicat"))
    result = mkdocs_build(project, tmp_path / "site", build_env())
    assert not result.ok
    assert "data/miroirs.yml:6: adresse refusée : « http://syndicat.example.net/ »" in result.output
    assert "Traceback" not in result.output


def test_make_check_reports_a_bad_mirrors_file(tmp_path):
    project = mirrors_project(tmp_path, VALID.replace("  date: 2025-01-15", "  date: demain"))
    result = subprocess.run([*script("check"), "--root", str(project)], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "data/miroirs.yml:4: `date` n’est pas une date : « demain »" in result.stdout


def test_fixture_site_lists_its_mirrors_and_redirect_stubs_stay_canonical(tmp_path):
    project = mirrors_project(tmp_path, VALID)
    (project / "data" / "redirections.yml").write_text(
        "ancien/nom.md: enquetes/une-enquete.md\n", encoding="utf-8")
    result = mkdocs_build(project, tmp_path / "site", build_env())
    assert result.ok, result.output
    site = Site(result.site_dir)
    links = site.article("miroirs.html").select("ul.mirrors li a")
    assert [a["href"] for a in links] == ["https://exemple.org/miroirs/france-travail/",
                                          "https://syndicat.example.net/"]
    stub = site.soup("ancien/nom.html")
    assert canonical_of(stub) == ["https://fixture.example.org/enquetes/une-enquete.html"]
    assert canonical_of(site.soup("index.html")) == ["https://fixture.example.org/index.html"]
