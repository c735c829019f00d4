"""A reader signs in real Chromium with JavaScript off: the portal built for a real action
service (uvicorn subprocess), the confirmation mail read from a real SMTP server (aiosmtpd),
the link followed, the count seen; then the count published into the site."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import pytest

from service.markup import progress_text
from support.browser import serve
from support.service import Inbox, Service, confirmation_link, make_keys
from support.sites import ROOT, build_env, mkdocs_build

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def portal(tmp_path_factory, browser):
    """(portal URL, service, inbox, site folder, private key): the site built to post to
    the service."""
    tmp = tmp_path_factory.mktemp("service-browser")
    private, public = make_keys(tmp / "cles")
    inbox = Inbox().start()
    site_dir = tmp / "site"
    with serve(site_dir) as portal_url:
        service = Service(f"sqlite:///{tmp / 'service.db'}", public, inbox.port, extra_env={
            "SERVICE_ALLOWED_ORIGINS": portal_url.rstrip("/"),
            "SERVICE_PORTAL_URL": portal_url + "agir/petition.html"})
        built = mkdocs_build(ROOT, site_dir, build_env(PORTAL_SERVICE_URL=service.url))
        assert built.ok, built.output
        service.start()
        try:
            yield portal_url, service, inbox, site_dir, private
        finally:
            service.stop()
            inbox.stop()


@pytest.fixture
def reader(browser, portal):
    """A page with JavaScript off; afterwards, no request went anywhere but the two servers."""
    portal_url, service, *_ = portal
    context = browser.new_context(java_script_enabled=False)
    hosts: set[str] = set()
    page = context.new_page()
    page.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))
    yield page
    context.close()
    assert hosts <= {urlsplit(portal_url).netloc, urlsplit(service.url).netloc}


def fill_petition(page, address: str) -> None:
    page.get_by_label("Nom et prénom").fill("Camille <Martin>")
    page.get_by_label("Adresse électronique").fill(address)
    page.get_by_label("Code postal").fill("35000")
    page.get_by_label("J’accepte que mes données").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Signer la pétition").click()


def test_sign_follow_the_mail_and_see_the_count(reader, portal):
    portal_url, service, inbox, site_dir, _ = portal
    reader.goto(portal_url + "agir/petition.html")
    fill_petition(reader, "camille@example.org")
    assert reader.url == service.url + "signer"
    assert reader.locator("h1").inner_text() == "Vérifiez votre messagerie"
    link = confirmation_link(inbox.wait_for("camille@example.org")[0])
    reader.goto(link)  # opening the link confirms nothing: one button does
    assert reader.locator("h1").inner_text() == "Confirmez votre signature"
    with reader.expect_navigation():
        reader.get_by_role("button", name="Je confirme ma signature").click()
    assert reader.locator("h1").inner_text() == "Merci, votre signature est confirmée"
    assert reader.locator("#signature-count").inner_text() == (
        "1 personne a signé et confirmé, pour un objectif de 10\u202f000 signatures.")
    # The organisers publish the count into the site: readers get it from the portal.
    service.cli("publier-compteur", str(site_dir))
    reader.goto(portal_url + "agir/petition.html")
    assert reader.locator("#petition-progress-label").inner_text() == progress_text(
        1, 10000, dt.date.today())


def test_signing_again_shows_the_same_page_and_mails_the_owner(reader, portal):
    """Whether an address has signed is never shown on the page: its owner is told by mail
    (at the address as typed)."""
    portal_url, _service, inbox, *_ = portal
    reader.goto(portal_url + "agir/petition.html")
    fill_petition(reader, "CAMILLE@example.org")
    assert reader.locator("h1").inner_text() == "Vérifiez votre messagerie"
    notice = inbox.wait_for("CAMILLE@example.org")[0]
    assert notice["Subject"].startswith("Votre signature est déjà comptée")


def test_send_a_testimony(reader, portal):
    portal_url, service, *_, private = portal
    reader.goto(portal_url + "agir/temoignages.html")
    reader.get_by_label("Votre témoignage").fill("J’ai reçu un avis de radiation sans motif.")
    reader.locator("#testimony-consent").check()
    with reader.expect_navigation():
        reader.get_by_role("button", name="Envoyer mon témoignage").click()
    assert reader.locator("h1").inner_text() == "Merci, votre témoignage est arrivé"
    assert reader.locator("#testimony-reference").inner_text().startswith("T-")
    opened = service.cli("dechiffrer-temoignages", "--cle-privee", str(private))
    assert "J’ai reçu un avis de radiation sans motif." in opened.stdout
