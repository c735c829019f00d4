"""Petition, letters and share links in real headless Chromium (Debian's).

A fixture site is built whose petition endpoint and live count point to an HTTP server
started here on 127.0.0.1: the same server serves the pages, receives the signatures and
the count requests, and records every request, so the tests can prove nothing else is
contacted.
"""

from __future__ import annotations

import json
import re
import shutil
import textwrap
import threading
from http.server import ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
import yaml

from support.browser import _QuietHandler
from support.sites import ROOT, make_site, mkdocs_build

LETTERS = ROOT / "tests" / "fixtures" / "letters"
pytestmark = pytest.mark.browser

WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
           "resultTypes": ["violations"]}


class Recorder:
    def __init__(self):
        self.posts: list[tuple[str, dict]] = []
        self.paths: list[str] = []
        self.count_reply = (200, {"count": 1234, "date": "2026-12-01"})


def make_handler(directory: Path, recorder: Recorder):
    class Handler(_QuietHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(directory), **kwargs)

        def do_GET(self):
            recorder.paths.append(self.path)
            if self.path.startswith("/count.json"):
                status, body = recorder.count_reply
                data = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                return
            super().do_GET()

        def do_POST(self):
            recorder.paths.append(self.path)
            length = int(self.headers.get("Content-Length", 0))
            body = self.rfile.read(length).decode()
            recorder.posts.append((self.path, parse_qs(body, keep_blank_values=True)))
            page = b"<!doctype html><html lang=fr><title>Merci</title><p>Merci</p>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

    return Handler


PETITION = textwrap.dedent("""\
    title: "Pétition d’essai"
    addressee: "la direction"
    text: "Le texte de la pétition."
    demands:
      - "Une demande"
    goal: 5000
    count: 12
    count_date: 2026-11-20
    endpoint: "{base}signer"
    count_url: "{base}count.json"
    privacy: "Vos données restent chez l’organisation."
    """)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """(base URL, recorder): the fixture site built for this server, and served by it."""
    tmp = tmp_path_factory.mktemp("action")
    site_dir = tmp / "site"
    recorder = Recorder()
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(site_dir, recorder))
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    # The portal's action pages, and the letters of the fixture (the campaign may have none).
    agir = ROOT / "docs" / "agir"
    docs = {f"agir/{p.name}": p.read_text(encoding="utf-8") for p in agir.glob("*.md")}
    docs["agir/droits.md"] = (LETTERS / "droits.md").read_text(encoding="utf-8")
    project = make_site(tmp, docs=docs,
                        bib={"juridique.bib": (LETTERS / "juridique.bib")
                             .read_text(encoding="utf-8")})
    config = project / "mkdocs.yml"
    config.write_text(config.read_text().replace(
        "  - Sources: sources.md\n", "  - Sources: sources.md\n  - Agir: agir/index.md\n"
    ).replace("/enquetes/*.md\n", "/enquetes/*.md\n  /agir/*.md\n"), encoding="utf-8")
    (project / "data").mkdir()
    (project / "data" / "petition.yml").write_text(PETITION.format(base=base), encoding="utf-8")
    shutil.copy(LETTERS / "destinataires.yml", project / "data")
    shutil.copy(LETTERS / "lettres.yml", project / "data")  # the letters' fields
    result = mkdocs_build(project, site_dir)
    assert result.ok, result.output
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base, recorder
    server.shutdown()
    server.server_close()


@pytest.fixture
def open_page(browser, served):
    """Open a page of the fixture site; afterwards, check no request left the test server."""
    base, _ = served
    contexts, hosts = [], set()

    def opener(path: str, javascript: bool = True, **options):
        context = browser.new_context(java_script_enabled=javascript, **options)
        contexts.append(context)
        page = context.new_page()
        page.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))
        page.goto(base + path, wait_until="networkidle")
        return page

    yield opener
    for context in contexts:
        context.close()
    assert hosts <= {urlsplit(base).netloc}


def sign(page, newsletter: bool):
    page.get_by_label("Nom et prénom").fill("Camille Martin")
    page.get_by_label("Adresse électronique").fill("camille@example.org")
    page.get_by_label("Code postal").fill("35000")
    page.get_by_label("J’accepte que mes données").check()
    if newsletter:
        page.get_by_label("Je souhaite recevoir des nouvelles").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Signer la pétition").click()


EXPECTED = {"name": ["Camille Martin"], "email": ["camille@example.org"],
            "postcode": ["35000"], "consent": ["oui"], "website": [""]}


@pytest.mark.parametrize("javascript", [False, True])
def test_petition_form_reaches_the_endpoint(open_page, served, javascript):
    _, recorder = served
    before = len(recorder.posts)
    page = open_page("agir/petition.html", javascript=javascript)
    sign(page, newsletter=javascript)
    assert page.locator("p").inner_text() == "Merci"
    assert len(recorder.posts) == before + 1
    path, fields = recorder.posts[-1]
    assert path == "/signer"
    expected = dict(EXPECTED, **({"newsletter": ["oui"]} if javascript else {}))
    assert fields == expected


def test_incomplete_form_is_not_sent(open_page, served):
    _, recorder = served
    before = len(recorder.posts)
    page = open_page("agir/petition.html", javascript=False)
    page.get_by_label("Nom et prénom").fill("Camille Martin")
    page.get_by_label("Adresse électronique").fill("camille@example.org")
    page.get_by_label("Code postal").fill("3500")  # four digits: refused by `pattern`
    page.get_by_label("J’accepte que mes données").check()
    page.get_by_role("button", name="Signer la pétition").click()
    assert page.locator("#petition-postcode:invalid").count() == 1
    assert len(recorder.posts) == before


def test_honeypot_is_present_but_hidden(open_page):
    page = open_page("agir/petition.html")
    field = page.locator("#petition-website")
    assert field.count() == 1
    assert field.get_attribute("tabindex") == "-1"
    box = field.bounding_box()
    assert box["x"] + box["width"] <= 0  # off screen
    # Out of the accessibility tree: role queries skip aria-hidden content.
    assert page.get_by_role("textbox", name="Ne remplissez pas ce champ").count() == 0
    assert page.get_by_role("textbox", name="Nom et prénom").count() == 1


def test_progress_bar_without_javascript_shows_the_build_time_count(open_page, served):
    count_requests = served[1].paths.count("/count.json")
    page = open_page("agir/petition.html", javascript=False)
    assert page.locator("#petition-progress-label").inner_text() == (
        "12 signatures sur un objectif de 5\u202f000, au 20 novembre 2026")
    bar = page.locator("progress")
    assert (bar.get_attribute("value"), bar.get_attribute("max")) == ("12", "5000")
    assert served[1].paths.count("/count.json") == count_requests


def test_live_count_updates_the_bar(open_page, served):
    _, recorder = served
    recorder.count_reply = (200, {"count": 1234, "date": "2026-12-01"})
    page = open_page("agir/petition.html")
    page.wait_for_selector(".petition-progress[data-live=true]")
    assert page.locator("#petition-progress-label").inner_text() == (
        "1\u202f234 signatures sur un objectif de 5\u202f000, au 1er décembre 2026")
    assert page.locator("progress").evaluate("bar => bar.value") == 1234


def test_live_count_shows_the_goal_step_the_published_file_gives(open_page, served):
    """The goal steps up (issue 26): the published count carries the current step."""
    _, recorder = served
    recorder.count_reply = (200, {"count": 6000, "goal": 10000, "date": "2026-12-01"})
    try:
        page = open_page("agir/petition.html")
        page.wait_for_selector(".petition-progress[data-live=true]")
        assert page.locator("#petition-progress-label").inner_text() == (
            "6\u202f000 signatures sur un objectif de 10\u202f000, au 1er décembre 2026")
        assert page.locator("progress").evaluate("bar => [bar.value, bar.max]") == [6000, 10000]
    finally:
        recorder.count_reply = (200, {"count": 1234, "date": "2026-12-01"})


@pytest.mark.parametrize("reply", [(500, {"count": 99}), (200, b"pas du JSON"),
                                   (200, {"count": "beaucoup"})])
def test_failing_live_count_keeps_the_build_time_count(browser, served, reply):
    base, recorder = served
    recorder.count_reply = reply
    context = browser.new_context()
    try:
        page = context.new_page()
        with page.expect_response(lambda r: "/count.json" in r.url) as response:
            page.goto(base + "agir/petition.html")
        assert response.value.status == reply[0]
        page.wait_for_load_state("networkidle")
        page.evaluate("() => new Promise(resolve => setTimeout(resolve, 0))")  # let handlers run
        assert page.locator("#petition-progress-label").inner_text() == (
            "12 signatures sur un objectif de 5\u202f000, au 20 novembre 2026")
        assert page.locator(".petition-progress").get_attribute("data-live") is None
    finally:
        context.close()
        recorder.count_reply = (200, {"count": 1234, "date": "2026-12-01"})


def letter_field(key: str, what: str = "libellé") -> str:
    """A field's label or blank, as the fixture's letters data (the page's) gives it."""
    data = yaml.safe_load((LETTERS / "lettres.yml").read_text(encoding="utf-8"))
    fields = {k: v for group in data["groupes"] for k, v in group["champs"].items()}
    return str(fields[key][what])


def test_letter_generator_fills_the_letters_and_a_mailto_link(open_page):
    page = open_page("agir/droits.html")
    page.get_by_label(letter_field("nom")).fill("Camille Martin")
    page.get_by_label(letter_field("identifiant")).fill("1234567A")
    page.get_by_label(letter_field("adresse")).fill("3 rue des Lilas\n35000 Rennes")
    page.get_by_label(letter_field("agence")).fill("Rennes Nord")
    page.get_by_label(letter_field("date")).fill("2026-12-03")
    letter = page.locator("#lettre-acces")
    text = letter.inner_text()
    for value in ("Camille Martin", "1234567A", "3 rue des Lilas\n35000 Rennes",
                  "Le 3 décembre 2026"):
        assert value in text
    assert "Rennes Nord" in page.locator("#lettre-motivation").inner_text()  # to the agency
    assert letter_field("nom", "blanc") not in text
    href = page.locator('.letter-actions[data-letter="lettre-acces"] .letter-mailto') \
        .get_attribute("href")
    assert href.startswith("mailto:?subject=")
    body = unquote(href.split("&body=", 1)[1])
    assert "Camille Martin" in body and "1234567A" in body and "1 avenue du Docteur Gley" in body
    assert "article 15" in unquote(href.split("&body=")[0])
    assert page.locator(".letter-actions").first.is_visible()


def test_letters_print_with_blanks_without_javascript(open_page):
    page = open_page("agir/droits.html", javascript=False)
    assert not page.locator("#letter-form").is_visible()
    assert not page.locator(".letter-actions").first.is_visible()
    text = page.locator("#lettre-motivation").inner_text()
    assert letter_field("nom", "blanc") in text and letter_field("identifiant", "blanc") in text
    page.emulate_media(media="print")
    assert page.locator("#lettre-motivation").is_visible()


def test_investigation_has_call_to_action_and_share_links_without_javascript(open_page, served):
    base, _ = served
    page = open_page("enquetes/une-enquete.html", javascript=False)
    button = page.get_by_role("link", name="Signer la pétition")
    assert button.get_attribute("href") == "../agir/petition.html"
    assert page.locator(".share__url").inner_text() == \
        "https://fixture.example.org/enquetes/une-enquete.html"
    mail = page.get_by_role("link", name="par courriel").get_attribute("href")
    assert mail.startswith("mailto:?subject=Une%20enqu%C3%AAte&body=")
    assert not page.locator(".share__mastodon").is_visible()
    assert not page.locator(".share__copy").is_visible()
    sources = page.locator("script[src]").evaluate_all("s => s.map(e => e.src)")
    assert base + "assets/share.js" in sources
    assert all(src.startswith(base) for src in sources)


def test_mastodon_share_builds_the_instance_address(browser, served):
    base, _ = served
    context = browser.new_context()
    elsewhere: list[str] = []

    def refuse(route):
        elsewhere.append(route.request.url)
        route.abort()

    context.route(re.compile(r"^(?!" + re.escape(base) + ")"), refuse)
    page = context.new_page()
    page.goto(base + "enquetes/une-enquete.html")
    page.get_by_label("Partager sur Mastodon, depuis votre instance").fill(
        "https://social.example/@camille")
    expected = ("https://social.example/share?text=Une%20enqu%C3%AAte%20https%3A%2F%2F"
                "fixture.example.org%2Fenquetes%2Fune-enquete.html")
    with context.expect_event("requestfailed",
                              lambda r: r.url.startswith("https://social.example/")) as failed:
        page.get_by_role("button", name="Partager sur Mastodon").click()
    assert failed.value.url == expected
    assert elsewhere == [expected]
    context.close()


def test_copy_link_button(browser, served):
    base, _ = served
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(base + "enquetes/une-enquete.html")
    page.get_by_role("button", name="Copier le lien").click()
    # The clipboard answers asynchronously: wait for the status (it failed under load).
    page.wait_for_function(
        "document.querySelector('.share__status').textContent !== ''", timeout=10_000)
    assert page.locator(".share__status").inner_text() == "Lien copié."
    assert page.evaluate("navigator.clipboard.readText()") == \
        "https://fixture.example.org/enquetes/une-enquete.html"
    context.close()


@pytest.mark.parametrize("path", ["agir/index.html", "agir/petition.html", "agir/droits.html",
                                  "agir/temoignages.html", "enquetes/une-enquete.html"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_accessibility_violation(open_page, path, scheme):
    from axe_playwright_python.sync_playwright import Axe

    page = open_page(path, color_scheme=scheme)
    results = Axe().run(page, options=WCAG_AA)
    assert results.violations_count == 0, results.generate_report()


def test_print_button_prints_only_its_letter(open_page):
    page = open_page("agir/droits.html")
    page.evaluate("() => { window.print = () => { window.printed = true; }; }")  # no dialog
    page.locator('.letter-actions[data-letter="lettre-cada"] .letter-print').click()
    assert page.evaluate("window.printed") is True
    page.emulate_media(media="print")
    assert page.locator("#lettre-cada").is_visible()
    assert not page.locator("#lettre-acces").is_visible()
    assert not page.locator("h1").is_visible()
    page.evaluate("() => window.dispatchEvent(new Event('afterprint'))")
    assert page.locator("#lettre-acces").is_visible()
