"""A reader signs in real Chromium with JavaScript off: the portal built for a real action
service (uvicorn subprocess), the confirmation mail read from a real SMTP server (aiosmtpd),
the link followed, the count seen; then the count published into the site."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlencode, urlsplit

import pytest
from bs4 import BeautifulSoup

from common.form_markup import COUNT_BAR_ID, COUNT_LABEL_ID
from macros.action.petition import SIGN_BOX_ID
from service.markup import progress_text
from support.browser import serve
from support.service import Inbox, Service, confirmation_link, get, make_keys, post
from support.sites import ROOT, build_env, mkdocs_build

pytestmark = pytest.mark.browser
WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
           "resultTypes": ["violations"]}


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


# -- the English edition: its petition page holds its own form (issue 29) -------------------
# Last in the module: the French tests above count the confirmed signatures from one.

ENGLISH_PAGE = "en/agir/petition.html"
# A portal made by `make new-campaign` starts French-only: no English petition to test.
needs_english_petition = pytest.mark.skipif(
    not (ROOT / "docs" / "en" / "agir" / "petition.md").is_file(),
    reason="ce portail n’a pas de page de pétition anglaise (docs/en/agir/petition.md)")
ENGLISH_COUNT = re.compile(r"\d[\d,]* signatures? towards a goal of 10,000, as of "
                           r"\d{1,2} [A-Z][a-z]+ \d{4}")


def english_page(site_dir) -> BeautifulSoup:
    return BeautifulSoup((site_dir / ENGLISH_PAGE).read_text(encoding="utf-8"), "html.parser")


@needs_english_petition
def test_the_built_english_page_holds_the_english_form(portal):
    _url, service, _inbox, site_dir, _ = portal
    page = english_page(site_dir)
    assert page.html["lang"] == "en"
    form = page.select_one("form.petition-form")
    assert form["action"] == service.url + "signer"
    first = form.find("input")
    assert (first["type"], first["name"], first["value"]) == ("hidden", "lang", "en")
    labels = [label.get_text(" ", strip=True) for label in form.find_all("label")]
    assert labels[:3] == ["First and last name", "E-mail address (to confirm your signature)",
                          "Postcode (a French postcode: 5 digits, for example 69003)"]
    assert labels[4].startswith("I agree to my data being processed for this petition")
    assert form.find("button").get_text() == "Sign the petition"
    assert form.select_one("#petition-consent + label a")["href"] == "#donnees-personnelles"
    # The anchors the sign box and the consent lead to, and the count the service's
    # publication writes into, in English.
    assert page.find(id="signer").get_text().startswith("Sign")
    assert page.find(id="donnees-personnelles").get_text().startswith("Your personal data")
    assert ENGLISH_COUNT.fullmatch(page.find(id=COUNT_LABEL_ID).get_text())
    assert page.find(id=COUNT_BAR_ID).name == "progress"
    assert page.select_one(f"#{SIGN_BOX_ID} a").get_text() == "Sign the petition"
    # The French notice, authoritative, is where the English page says.
    french = page.select_one('#donnees-personnelles ~ p a[hreflang="fr"]')["href"]
    assert french == "../../agir/petition.html#donnees-personnelles"
    assert 'id="donnees-personnelles"' in (site_dir / "agir/petition.html").read_text("utf-8")
    for french_word in ("Nom et prénom", "Signer la pétition", "Vos données", "par courriel"):
        assert french_word not in str(page.find("article")), french_word
    # The English home page opens with the same count, leading to the English form.
    home = BeautifulSoup((site_dir / "en/index.html").read_text("utf-8"), "html.parser")
    assert ENGLISH_COUNT.fullmatch(home.find(id=COUNT_LABEL_ID).get_text())
    assert home.select_one(f"#{SIGN_BOX_ID} a")["href"] == "agir/petition.html#signer"


@needs_english_petition
def test_the_live_count_speaks_english_on_the_english_page(browser, portal):
    """With JavaScript on, petition-count.js rewrites the count from the live file in the
    page's language, with its numbers and dates."""
    portal_url, *_ = portal
    context = browser.new_context()
    page = context.new_page()
    page.goto(portal_url + ENGLISH_PAGE)
    page.wait_for_selector('.petition-progress[data-live="true"]', timeout=10_000)
    label = page.locator(f"#{COUNT_LABEL_ID}").inner_text()
    context.close()
    assert ENGLISH_COUNT.fullmatch(label), label


@needs_english_petition
def test_the_built_english_form_as_posted_is_answered_in_english(portal, tmp_path):
    """The form's fields as the page holds them (hidden ones included), filled in as a
    reader would, posted from the portal: English pages, an English mail; the answers,
    refusal included, valid for the Nu checker."""
    from test_html_valid import vnu_errors

    portal_url, _service, inbox, site_dir, _ = portal
    form = english_page(site_dir).select_one("form.petition-form")

    def fields(**typed):
        sent = []
        for field in form.find_all("input"):
            name = field["name"]
            if field.get("type") == "checkbox":
                if name == "consent":
                    sent.append((name, field["value"]))
            else:
                sent.append((name, typed.get(name, field.get("value", ""))))
        return urlencode(sent)

    origin = portal_url.rstrip("/")
    answer = post(form["action"], fields(name="Alex Morgan", email="alex@example.org",
                                         postcode="75011"), origin=origin)
    assert answer.status == 200
    assert '<html lang="en">' in answer.text and "<h1>Check your inbox</h1>" in answer.text
    mail = inbox.wait_for("alex@example.org")[0]
    assert mail["Subject"].startswith("Confirm your signature: ")
    assert mail.get_content().startswith("Hello,\n\nSomeone, probably you, used this address")
    refused = post(form["action"], fields(name="Alex Morgan", email="alex@example.org",
                                          postcode="7501"), origin=origin)
    assert refused.status == 422
    assert "<strong>Your form was not recorded.</strong>" in refused.text
    confirm = get(confirmation_link(mail) + "&lang=en")
    assert "<h1>Confirm your signature</h1>" in confirm.text
    for name, text in (("answer", answer.text), ("refusal", refused.text),
                       ("confirm", confirm.text)):
        (tmp_path / f"{name}.html").write_text(text, encoding="utf-8")
    assert vnu_errors([*sorted(tmp_path.glob("*.html")), site_dir / ENGLISH_PAGE]) == []


@needs_english_petition
def test_sign_in_english_without_javascript(reader, portal, browser):
    """A reader of the English edition, in Chromium with JavaScript off: the English form,
    English answers, the English mail, the count published in English; axe clean on the
    English page and on each of the service's answers."""
    from axe_playwright_python.sync_playwright import Axe

    portal_url, service, inbox, site_dir, _ = portal
    # axe runs in a page of its own with JavaScript on (the reader's has none): the page
    # the reader sees, as they see it, at the same address (its styles load alike).
    checker = browser.new_context()
    audit = checker.new_page()

    def axe_clean():
        audit.goto(reader.url)  # a GET: it changes nothing on the service
        audit.set_content(reader.content())
        results = Axe().run(audit, options=WCAG_AA)
        assert results.violations_count == 0, results.generate_report()

    reader.goto(portal_url + ENGLISH_PAGE)
    axe_clean()
    reader.get_by_label("First and last name").fill("Sam <Taylor>")
    reader.get_by_label("E-mail address").fill("sam@example.org")
    reader.get_by_label("Postcode").fill("13001")
    reader.get_by_label("I agree to my data being processed").check()
    with reader.expect_navigation():
        reader.get_by_role("button", name="Sign the petition").click()
    assert reader.url == service.url + "signer"
    assert reader.locator("html").get_attribute("lang") == "en"
    assert reader.locator("h1").inner_text() == "Check your inbox"
    axe_clean()
    mail = inbox.wait_for("sam@example.org")[0]
    assert mail["Subject"].startswith("Confirm your signature: ")
    link = re.search(r"(http://\S+/confirmer\?jeton=[\w-]+&lang=en)\n",
                     mail.get_content()).group(1)
    reader.goto(link)
    assert reader.locator("h1").inner_text() == "Confirm your signature"
    axe_clean()
    with reader.expect_navigation():
        reader.get_by_role("button", name="I confirm my signature").click()
    assert reader.locator("h1").inner_text() == "Thank you, your signature is confirmed"
    axe_clean()
    service.cli("publier-compteur", str(site_dir))
    reader.goto(portal_url + ENGLISH_PAGE)
    assert ENGLISH_COUNT.fullmatch(reader.locator(f"#{COUNT_LABEL_ID}").inner_text())
    assert reader.locator(f"#{COUNT_BAR_ID}").inner_text() != "0"
    checker.close()
