"""The action service answers in the language the form was sent in (issue 29): a real service
process over HTTP (SQLite), a real SMTP server (aiosmtpd) receiving the mails.

The form is the one the English petition page shows (common/form_markup.py with the English
catalogue): its hidden `lang` field is what tells the service. Every page, refusal and mail is
checked in English, `<html lang="en">` included; the French answers are held unchanged by the
other service tests (test_service.py and the rest), which post French forms. One database
engine is enough here: the language never touches the database (the link in the mail carries
it), and test_service.py runs the same routes on PostgreSQL.
"""

from __future__ import annotations

import html
import re
import shutil
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from bs4 import BeautifulSoup

from common.form_markup import petition_form
from common.words import translations
from service.forms import message, refusal
from support import portal
from support.service import Service, confirmation_link, get, post
from support.sites import ROOT

ENGLISH = translations(ROOT, "en")
# The petition's title in English, from the catalogue (whatever the campaign).
TITLE = ENGLISH.gettext(portal.petition()["title"])
# French sentences of the service that must never appear on an English answer.
FRENCH_WORDS = ("Vérifiez", "Votre envoi", "Retour à la pétition", "Merci", "Confirmez",
                "Ce service ne dépose", "signature est", "À corriger", "Nom et prénom")


@pytest.fixture(scope="module")
def campaign_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("root")
    (root / "data").mkdir()
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copy(ROOT / "data" / "petition.yml", root / "data" / "petition.yml")
    return root


@pytest.fixture(scope="module")
def service(keys, inbox, campaign_root, tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'service.db'}"
    running = Service(url, keys[1], inbox.port, extra_env={
        "SERVICE_ROOT": str(campaign_root), "SERVICE_RATE_LIMIT": "40"}).start()
    yield running
    running.stop()


def english_form() -> BeautifulSoup:
    """The petition form as the English page renders it."""
    return BeautifulSoup(petition_form("signer", words=ENGLISH), "html.parser")


def filled(form: BeautifulSoup, **typed: str) -> str:
    """What a browser sends for `form` once the reader typed `typed` and ticked consent,
    in the form's order (its hidden fields first)."""
    fields = []
    for field in form.find_all(["input", "textarea"]):
        name, kind = field.get("name"), field.get("type", "text")
        if kind == "checkbox":
            if name == "consent":
                fields.append((name, field.get("value")))
        elif name in typed:
            fields.append((name, typed[name]))
        elif name:
            fields.append((name, field.get("value", "")))
    return urllib.parse.urlencode(fields)


def english_sign(service, address: str, **typed):
    values = {"name": "Alex Morgan", "email": address, "postcode": "75011", **typed}
    return post(service.url + "signer", filled(english_form(), **values))


def unique(label: str) -> str:
    return f"{label}-{time.monotonic_ns()}@example.org"


def press_the_button(page_text: str, link: str):
    """What a browser does on the confirmation page: post its one form, hidden fields and
    all."""
    form = BeautifulSoup(page_text, "html.parser").find("form")
    fields = {field["name"]: field["value"] for field in form.find_all("input")}
    return post(urllib.parse.urljoin(link, form["action"]), urllib.parse.urlencode(fields),
                origin=None)


def assert_english(text: str) -> None:
    assert '<html lang="en">' in text
    for french in FRENCH_WORDS:
        assert french not in text, french


def test_the_english_form_carries_its_language_first():
    form = english_form().find("form")
    first = form.find("input")
    assert (first["type"], first["name"], first["value"]) == ("hidden", "lang", "en")
    # The French form is as it always was: no language field.
    assert 'name="lang"' not in petition_form("signer")


def test_english_form_gets_english_pages_and_mail(service, inbox):
    address = unique("alex")
    answer = english_sign(service, address)
    assert answer.status == 200
    assert "<h1>Check your inbox</h1>" in answer.text
    assert "it stays valid for 7 days" in answer.text
    assert_english(answer.text)
    english_petition = re.search(r'<header><a href="([^"]+)">← Back to the petition</a>',
                                 answer.text).group(1)
    assert english_petition.endswith("/en/agir/petition.html")

    mail = inbox.wait_for(address)[0]
    assert mail["Subject"] == f"Confirm your signature: {TITLE}"
    body = mail.get_content()
    assert body.startswith("Hello,\n\nSomeone, probably you, used this address to sign the "
                           f"petition\n“{TITLE}”.\n")
    assert "Bonjour" not in body and "L’équipe" not in body
    assert body.rstrip().endswith(f"The portal team\n{english_petition}")
    link = re.search(r"(http://\S+/confirmer\?jeton=[\w-]+&lang=en)\n", body).group(1)
    assert link.startswith(confirmation_link(mail))  # the token as the French link has it

    button_page = get(link)
    assert button_page.status == 200
    assert "<h1>Confirm your signature</h1>" in button_page.text
    assert '<button type="submit">I confirm my signature</button>' in button_page.text
    assert_english(button_page.text)

    confirmed = press_the_button(button_page.text, link)
    assert confirmed.status == 200
    assert "<h1>Thank you, your signature is confirmed</h1>" in confirmed.text
    assert re.search(r'id="signature-count">\d[\d,]* (person has|people have) signed and '
                     r"confirmed, towards a goal of 10,000 signatures\.</p>", confirmed.text)
    assert "Spread the word about the petition" in confirmed.text
    after = portal.petition().get("after_signing")
    if after:  # the campaign's other action, its words from the catalogue
        assert f"<h2>{html.escape(ENGLISH.gettext(after['title']))}</h2>" in confirmed.text
        assert f">{html.escape(ENGLISH.gettext(after['link']))}</a></p>" in confirmed.text
        if ENGLISH.gettext(after["title"]) != after["title"]:  # (not a name kept as is)
            assert html.escape(after["title"]) not in confirmed.text
    assert_english(confirmed.text)

    again = get(link)
    assert "<h1>Signature already confirmed</h1>" in again.text
    assert_english(again.text)


def test_english_refusals_keep_what_was_typed(service, inbox):
    before = len(inbox.messages)
    answer = english_sign(service, "alex@example.org", name="Alex <b>Morgan</b>",
                          postcode="7501")
    assert answer.status == 422
    assert_english(answer.text)
    assert ("<strong>Your form was not recorded.</strong> To correct:" in answer.text)
    expected = message("postcode", ENGLISH)
    assert expected == "A French postcode has 5 digits, for example 69003."
    assert f'<span class="form-error" id="petition-postcode-error">{expected}</span>' \
        in answer.text
    assert 'value="Alex &lt;b&gt;Morgan&lt;/b&gt;"' in answer.text
    assert 'value="alex@example.org"' in answer.text and 'value="7501"' in answer.text
    # The form shown again still speaks English when sent again.
    assert '<input type="hidden" name="lang" value="en">' in answer.text

    stranger = post(service.url + "signer", filled(english_form(), name="Alex Morgan",
                                                   email="alex@example.org",
                                                   postcode="75011"),
                    origin="https://evil.example.com")
    assert stranger.status == 403
    assert refusal("origin", ENGLISH) in stranger.text
    assert 'value="Alex Morgan"' in stranger.text
    assert_english(stranger.text)

    oversize = english_sign(service, "alex@example.org", name="x" * 70_000)
    assert oversize.status == 413
    assert "Your form is too large to be received (over 64 KB)." in oversize.text
    assert_english(oversize.text)
    time.sleep(0.3)
    assert len(inbox.messages) == before


def test_same_english_answer_whatever_the_address_state(service, inbox):
    """New, pending or confirmed: the same bytes; only the mailbox's owner learns, in
    English, that the signature was already counted."""
    address = unique("state")
    first = english_sign(service, address)
    pending = english_sign(service, address)
    link = confirmation_link(inbox.wait_for(address, count=2)[-1]) + "&lang=en"
    press_the_button(get(link).text, link)
    confirmed = english_sign(service, address)
    assert first.text == pending.text == confirmed.text
    mails = inbox.wait_for(address, count=3)
    assert mails[-1]["Subject"] == f"Your signature is already counted: {TITLE}"
    assert "This address has already signed and confirmed" in mails[-1].get_content()


def test_unknown_language_is_answered_in_french(service, inbox):
    address = unique("klingon")
    body = urllib.parse.urlencode({"lang": "tlh", "name": "Camille Martin", "email": address,
                                   "postcode": "35000", "consent": "oui", "website": ""})
    answer = post(service.url + "signer", body)
    assert answer.status == 200
    assert '<html lang="fr">' in answer.text and "<h1>Vérifiez votre messagerie</h1>" \
        in answer.text
    assert inbox.wait_for(address)[0]["Subject"].startswith("Confirmez votre signature")


def test_pages_reached_without_a_form_follow_the_address_not_the_browser(service):
    form = get(service.url + "signer?lang=en")
    assert "<h1>Sign the petition</h1>" in form.text
    assert_english(form.text)
    try:
        urllib.request.urlopen(service.url + "nowhere?lang=en", timeout=10)
    except urllib.error.HTTPError as error:
        assert error.code == 404
        assert error.read().decode() == "This address does not exist on the signing service.\n"
    # A French link opened in a browser set to English: French (the form's language).
    request = urllib.request.Request(service.url + "confirmer?jeton=" + "x" * 43,
                                     headers={"Accept-Language": "en-GB,en;q=0.9"})
    try:
        urllib.request.urlopen(request, timeout=10)
    except urllib.error.HTTPError as error:
        assert error.code == 404
        french = error.read().decode()
    assert '<html lang="fr">' in french and "<h1>Lien non valable</h1>" in french


def test_rate_limit_answers_in_english_with_what_was_typed(service):
    """Last of the module's service tests: it uses up this client's posts for the window."""
    for _ in range(45):
        answer = english_sign(service, "alex@example.org", postcode="1")
        if answer.status == 429:
            break
    assert answer.status == 429
    assert refusal("rate", ENGLISH) in answer.text
    assert refusal("rate", ENGLISH).startswith("Too many forms were sent from your connection")
    assert 'value="alex@example.org"' in answer.text
    assert_english(answer.text)


def test_published_count_speaks_each_edition_language(tmp_path):
    """`publier-compteur` writes the count into the English petition page in English."""
    import datetime as dt

    from service.publication import count_record, publish_count

    def page(lang: str) -> str:
        return (f'<!doctype html><html lang="{lang}"><body><p class="count" '
                f'id="petition-progress-label">old</p><progress id="petition-progress-bar" '
                f'max="10" value="1">1</progress></body></html>')

    for name, lang in (("agir/petition.html", "fr"), ("en/agir/petition.html", "en")):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(page(lang), encoding="utf-8")
    record = count_record(12345, 20000, (10000, 20000), dt.date(2026, 12, 1), {})
    publish_count(tmp_path, "agir/petition.html", record)
    french = (tmp_path / "agir/petition.html").read_text(encoding="utf-8")
    english = (tmp_path / "en/agir/petition.html").read_text(encoding="utf-8")
    assert ">12\u202f345 signatures sur un objectif de 20\u202f000, au 1er décembre 2026</p>" \
        in french
    assert ">12,345 signatures towards a goal of 20,000, as of 1 December 2026</p>" in english
    assert 'max="20000" value="12345">12,345</progress>' in english


def test_a_crash_is_answered_in_both_languages_with_the_same_headers():
    """A route that crashes before answering: the middleware's 500 says it in French and in
    English (the form's language may not have been read), with the protective headers, and
    the error still reaches the server's log (raised again)."""
    import asyncio

    from service.app import SecurityHeaders

    async def crashing(scope, receive, send):
        raise RuntimeError("boom")

    sent = []

    async def send(message):
        sent.append(message)

    async def run():
        with pytest.raises(RuntimeError, match="boom"):
            await SecurityHeaders(crashing)({"type": "http"}, None, send)

    asyncio.run(run())
    start, body = sent
    assert start["status"] == 500
    assert (b"x-content-type-options", b"nosniff") in start["headers"]
    assert body["body"].decode() == ("Erreur du service : réessayez dans un moment.\n"
                                     "Service error: please try again in a moment.\n")
