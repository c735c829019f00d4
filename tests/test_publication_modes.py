"""Local, preview and publishing builds: a publishing build refuses every placeholder in
one French message (file and line each); local and preview builds work with a visible
warning; a preview is marked « Aperçu » and `noindex` on every page; the legal notice and
the accessibility statement come from the configuration and are linked from every page."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from common.config import key_line
from macros.floor.errors import Problem
from macros.sitewide.placeholders import (
    find_placeholders,
    is_example_email,
    is_example_url,
)
from support import portal
from support.publishing import ORGANISATION, publishable_site, publishing_env
from support.sites import ROOT, Site, assert_fails_cleanly, build_env, mkdocs_build

PETITION = portal.filled_in((ROOT / "data" / "petition.yml").read_text(encoding="utf-8"))
PETITION_PAGE = "---\ntitle: La pétition\n---\n\n{{ petition() }}\n"


SERVICE_URL = f'url: "{portal.SERVICE_URL}"'
assert SERVICE_URL in PETITION


def endpoint_line() -> int:
    line = key_line(ROOT / "data" / "petition.yml", "service", "url")
    assert line is not None
    return line


def config_line(*keys: str) -> int:
    line = key_line(ROOT / "mkdocs.yml", *keys)
    assert line is not None, keys
    return line


def with_petition(tmp_path, service_url: str):
    """The real petition, its form posting to the action service at `service_url`."""
    text = PETITION.replace(SERVICE_URL, f'url: "{service_url}"')
    return publishable_site(tmp_path, docs={"agir/petition.md": PETITION_PAGE},
                            data={"petition.yml": text})


def build(project, env):
    return mkdocs_build(project, project / "site", env)


# -- Pure checks ----------------------------------------------------------------------

@pytest.mark.parametrize("url", ["https://portail-france-travail.example.org/",
                                 "https://example.com/x", "http://localhost:8000/",
                                 "https://127.0.0.1/", "https://portail.test/", ""])
def test_example_addresses(url):
    assert is_example_url(url)


@pytest.mark.parametrize("url", ["https://portail.collectif-droits.fr/",
                                 "https://exemple.org/", "https://example.org.evil.fr/"])
def test_real_addresses(url):
    assert not is_example_url(url)


def test_example_email():
    assert is_example_email("contact@example.org") and is_example_email("a@b.example")
    assert not is_example_email("equipe@collectif-droits.fr")


def test_find_placeholders_lists_each_with_its_line():
    problems = find_placeholders(
        site_url="https://x.example.org/", repo_url="https://forge.example.org/r",
        contact_email="contact@example.org", legal={"publisher": "Asso", "director": " "},
        petition_endpoint="", petition_label="data/petition.yml", petition_line=37,
        where=lambda *keys: ("mkdocs.yml", len(keys)))
    assert [str(p).split(" — ")[0] for p in problems] == [
        "mkdocs.yml:1: adresse du portail d’exemple : « https://x.example.org/ »",
        "mkdocs.yml:1: adresse de la forge d’exemple : « https://forge.example.org/r »",
        "mkdocs.yml:3: adresse de contact d’exemple : « contact@example.org »",
        "data/petition.yml:37: pétition annoncée sans adresse de signature "
        "(`service.url` et `endpoint` vides)",
        "mkdocs.yml:3: mentions légales : `extra.legal.publisher_address` est vide",
        "mkdocs.yml:3: mentions légales : `extra.legal.publisher_contact` est vide",
        "mkdocs.yml:3: mentions légales : `extra.legal.director` est vide",
        "mkdocs.yml:3: mentions légales : `extra.legal.host` est vide",
        "mkdocs.yml:3: mentions légales : `extra.legal.host_address` est vide",
        "mkdocs.yml:3: mentions légales : `extra.legal.host_contact` est vide",
    ]
    assert all(isinstance(p, Problem) and p.hint for p in problems)


def test_no_petition_page_means_no_announced_petition():
    problems = find_placeholders(
        site_url="https://a.fr/", repo_url="", contact_email="a@a.fr",
        legal={key: "x" for key in ("publisher", "publisher_address", "publisher_contact",
                                    "director", "host", "host_address", "host_contact")},
        petition_endpoint=None, petition_label="data/petition.yml", petition_line=None,
        where=lambda *keys: ("mkdocs.yml", None))
    assert problems == []


# -- Publishing builds ------------------------------------------------------------------

def test_a_publishing_build_refuses_the_repository_defaults_in_one_message(tmp_path):
    """The portal's own defaults, as a new organisation finds them: every placeholder."""
    project = with_petition(tmp_path, portal.SERVICE_URL)
    config = project / "mkdocs.yml"
    # The fixture's own address line is replaced by the portal's default.
    config.write_text(config.read_text().replace(
        'site_url: !ENV [PORTAL_SITE_URL, "https://fixture.example.org/"]\n', ""))
    result = build(project, build_env(PORTAL_BUILD="publish"))
    assert_fails_cleanly(
        result,
        "Publication refusée : 11 éléments d’exemple ou manquants doivent être remplacés "
        "(voir README.md, « Publier le portail ») :",
        f"mkdocs.yml:{config_line('site_url')}: adresse du portail d’exemple : "
        f"« {portal.SITE_URL} » — indiquez l’adresse publique du "
        "portail dans `site_url` ou la variable PORTAL_SITE_URL",
        f"mkdocs.yml:{config_line('repo_url')}: adresse de la forge d’exemple : "
        f"« {portal.REPO_URL} » — indiquez l’adresse "
        "du dépôt dans `repo_url` ou la variable PORTAL_REPO_URL",
        f"mkdocs.yml:{config_line('extra', 'contact', 'email')}: adresse de contact "
        "d’exemple : « contact@example.org » — indiquez l’adresse qui lit les messages dans "
        "`extra.contact.email` ou la variable PORTAL_CONTACT_EMAIL",
        f"data/petition.yml:{endpoint_line()}: pétition annoncée avec une adresse de "
        f"signature d’essai : « {portal.SERVICE_URL}signer » — "
        "indiquez l’adresse https publique du service de signature du portail dans "
        "`service.url` (ou la variable PORTAL_SERVICE_URL), ou celle d’un autre service "
        "dans `endpoint`",
        f"mkdocs.yml:{config_line('extra', 'legal', 'publisher')}: mentions légales : "
        "`extra.legal.publisher` est vide — indiquez le nom de l’éditeur du portail "
        "(association, collectif…) (ou la variable PORTAL_PUBLISHER)",
        f"mkdocs.yml:{config_line('extra', 'legal', 'director')}: mentions légales : "
        "`extra.legal.director` est vide — indiquez le nom de la directrice ou du directeur "
        "de la publication (ou la variable PORTAL_PUBLICATION_DIRECTOR)",
        f"mkdocs.yml:{config_line('extra', 'legal', 'host_contact')}: mentions légales : "
        "`extra.legal.host_contact` est vide — indiquez le téléphone de l’hébergeur (ou la "
        "variable PORTAL_HOST_CONTACT)")
    assert not (project / "site").exists()


@pytest.mark.parametrize(("variable", "value", "message"), [
    ("PORTAL_SITE_URL", "https://portail.example.org/",
     "adresse du portail d’exemple : « https://portail.example.org/ »"),
    ("PORTAL_REPO_URL", "https://forge.example.org/campagne/portail",
     "adresse de la forge d’exemple : « https://forge.example.org/campagne/portail »"),
    ("PORTAL_CONTACT_EMAIL", "contact@example.org",
     "adresse de contact d’exemple : « contact@example.org »"),
    ("PORTAL_PUBLISHER", "", "mentions légales : `extra.legal.publisher` est vide"),
    ("PORTAL_PUBLICATION_DIRECTOR", "",
     "mentions légales : `extra.legal.director` est vide"),
    ("PORTAL_HOST_NAME", "", "mentions légales : `extra.legal.host` est vide"),
])
def test_each_placeholder_alone_is_refused(tmp_path, variable, value, message):
    project = publishable_site(tmp_path)
    env = publishing_env(**{variable: value})
    if not value:
        env.pop(variable)
    result = build(project, env)
    assert_fails_cleanly(result, "Publication refusée : 1 élément d’exemple ou manquant doit "
                                 "être remplacé", message)
    assert result.output.count("mkdocs.yml:") == 1


@pytest.mark.parametrize("service_url", ["http://127.0.0.1:8080/",
                                         "https://agir.example.org/"])
def test_an_announced_petition_needs_a_working_endpoint(tmp_path, service_url):
    result = build(with_petition(tmp_path, service_url), publishing_env())
    assert_fails_cleanly(result, f"data/petition.yml:{endpoint_line()}: pétition annoncée "
                                 "avec une adresse de signature d’essai : "
                                 f"« {service_url}signer »")


def test_an_announced_petition_without_any_signing_address_is_refused(tmp_path):
    """No service and no endpoint: the page only says how to sign (paper, e-mail)."""
    start, end = PETITION.index("service:\n"), PETITION.index("\nprivacy:")
    text = PETITION[:start] + "how_to_sign: Sur papier, auprès de l’équipe.\n" + PETITION[end:]
    project = publishable_site(tmp_path, docs={"agir/petition.md": PETITION_PAGE},
                               data={"petition.yml": text})
    result = build(project, publishing_env())
    assert_fails_cleanly(result, "data/petition.yml: pétition annoncée sans adresse de "
                                 "signature (`service.url` et `endpoint` vides) — indiquez "
                                 "l’adresse https publique du service de signature du portail")


def test_a_publishing_build_with_everything_set_shows_no_placeholder(tmp_path):
    project = with_petition(tmp_path, "https://agir.collectif-droits.fr/")
    result = build(project, publishing_env())
    assert result.ok, result.output
    site = Site(project / "site")
    for page in site.pages():
        text = page.read_text(encoding="utf-8")
        assert "example.org" not in text, page
        soup = BeautifulSoup(text, "html.parser")
        assert not soup.select(".md-banner"), page
        robots = [meta["content"] for meta in soup.select("meta[name=robots]")]
        assert robots == (["noindex"] if page.name == "404.html" else []), page
    notice = site.soup("mentions-legales.html").select_one("dl.legal-notice")
    values = [dd.get_text("\n") for dd in notice.select("dd")]
    assert values == ["Collectif Droits des chômeurs", "12 rue des Lilas\n75020 Paris",
                      "01 23 45 67 89", "Camille Martin", "Hébergeur associatif Exemplaire",
                      "3 place du Marché, 69001 Lyon", "04 00 00 00 00"]


# -- Local and preview builds -----------------------------------------------------------

@pytest.fixture(scope="module")
def local_and_preview(tmp_path_factory):
    built = {}
    for mode in ("local", "preview"):
        tmp = tmp_path_factory.mktemp(mode)
        project = publishable_site(tmp)
        result = build(project, build_env(PORTAL_BUILD=mode))
        assert result.ok, result.output
        built[mode] = (Site(project / "site"), result.output)
    return built


def test_a_local_build_works_and_warns_visibly(local_and_preview):
    site, output = local_and_preview["local"]
    assert ("10 élément(s) d’exemple ou manquant(s), refusé(s) à la publication "
            "(PORTAL_BUILD=publish) :") in output
    assert "adresse du portail d’exemple : « https://fixture.example.org/ »" in output
    for page in site.pages():
        if page.name == "404.html":
            continue
        banner = BeautifulSoup(page.read_text(), "html.parser").select_one(".md-banner")
        assert banner is not None, page
        assert ("Construction de travail : 10 réglages d’exemple ou manquants empêchent la "
                "publication") in banner.get_text(" ", strip=True), page
    legal = site.soup("mentions-legales.html").select_one("dl.legal-notice")
    assert "à compléter : extra.legal.publisher dans mkdocs.yml, ou la variable " \
           "PORTAL_PUBLISHER" in legal.get_text(" ", strip=True)


def test_a_preview_is_marked_on_every_page_and_not_indexed(local_and_preview):
    site, _ = local_and_preview["preview"]
    pages = [p for p in site.pages() if p.name != "404.html"]
    assert len(pages) >= 6
    for page in pages:
        soup = BeautifulSoup(page.read_text(), "html.parser")
        assert soup.select_one("meta[name=robots]")["content"] == "noindex, nofollow", page
        banner = soup.select_one(".md-banner").get_text(" ", strip=True)
        assert banner.startswith("Aperçu : cette version sert à relire une proposition de "
                                 "modification. Ce n’est pas le portail publié."), page
    local, _ = local_and_preview["local"]
    assert not local.soup("index.html").select("meta[name=robots]")


def test_an_unknown_build_mode_is_refused(tmp_path):
    result = build(publishable_site(tmp_path), build_env(PORTAL_BUILD="prod"))
    assert_fails_cleanly(result, "PORTAL_BUILD: mode de construction inconnu « prod » — "
                                 "valeurs possibles : local, preview")


# -- Legal and trust pages in the real portal -------------------------------------------

def test_every_page_links_the_legal_notice_and_accessibility_statement(site):
    pages = [p for p in site.pages() if p.name != "404.html"
             and "http-equiv" not in p.read_text(encoding="utf-8")[:2000]]
    # Each page of docs/ (the 404 pages aside, as above: they have no footer of their own).
    assert len(pages) >= len([p for p in (ROOT / "docs").rglob("*.md") if p.name != "404.md"])
    for page in pages:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        footer = soup.select_one(".md-copyright")
        links = {a.get_text(strip=True): a["href"] for a in footer.select("a")}
        depth = page.relative_to(site.dir).as_posix().count("/")
        if page.relative_to(site.dir).parts[0] == "en":  # the English edition (issue 29):
            up = "../" * (depth - 1)  # its own summaries, the French page for the rest
            assert links["Legal notice"] == up + "mentions-legales.html", page
            assert links["Accessibility: not compliant"] == up + "accessibilite.html", page
            assert links["Frozen versions"] == ("../" * depth + "versions.html"
                                                "#pas-encore-traduit-en"), page
            continue
        assert links["Mentions légales"] == "../" * depth + "mentions-legales.html", page
        assert links["Accessibilité : non conforme"] == "../" * depth + "accessibilite.html"
        assert links["Versions figées"] == "../" * depth + "versions.html", page


def test_accessibility_statement_says_what_how_result_and_contact(site):
    article = site.article("accessibilite.html")
    headings = [h.get_text(strip=True).rstrip("#") for h in article.select("h2")]
    assert headings == ["État de conformité", "Ce qui est vérifié, et comment", "Résultat",
                        "Signaler un obstacle", "Voies de recours"]
    text = article.get_text(" ", strip=True)
    assert "non conforme" in text and "axe-core" in text and "WCAG 2.1" in text
    mail = article.select_one('ul.contact a[href^="mailto:"]')
    assert mail.get_text() == "contact@example.org"  # extra.contact, the repository default
    assert ORGANISATION["PORTAL_CONTACT_EMAIL"] not in text


def test_legal_notice_escapes_what_the_configuration_holds():
    from macros.sitewide.legal import legal_notice_html

    notice = BeautifulSoup(legal_notice_html(
        {"publisher": 'Asso "X" <script>alert(1)</script>', "host_address": "1 rue A\n75001 Paris"},
        "https://a.fr/", "https://git.a.fr/p"), "html.parser")
    assert not notice.find("script")
    values = [dd.get_text("\n") for dd in notice.select("dd")]
    assert values[0] == 'Asso "X" <script>alert(1)</script>'
    assert values[5] == "1 rue A\n75001 Paris"
    assert notice.select("dd")[1].get_text(" ", strip=True).startswith(
        "à compléter : extra.legal.publisher_address dans mkdocs.yml")
    assert notice.select_one('a[href="https://git.a.fr/p"]')


def test_versions_list_escapes_titles_and_links_relative_to_the_page():
    import datetime as dt

    from macros.sitewide.frozen import FrozenVersion, versions_html

    html = versions_html([FrozenVersion("2025-01", "<b>Janvier</b>", dt.date(2025, 1, 15)),
                          FrozenVersion("2024-07", "2024-07", None)], "a/versions.html")
    soup = BeautifulSoup(html, "html.parser")
    assert not soup.find("b")
    assert [(a["href"], a.get_text()) for a in soup.select("a")] == [
        ("../versions/2025-01/index.html", "<b>Janvier</b>"),
        ("../versions/2024-07/index.html", "2024-07")]
    assert soup.select_one("time")["datetime"] == "2025-01-15"
    assert "Aucune version figée" in versions_html([], "versions.html")
