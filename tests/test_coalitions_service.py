"""Coalitions over HTTP, against the real service: partners' pages served from other origins
on loopback (real HTTP servers on 127.0.0.2) post their copy-paste form from real Chromium;
the signatures are attributed, counted by partner in `statistiques` and the published count;
a form from an origin not in the list is refused; each partner's export opens with its own
key only and holds only its own opt-ins; the dossier PDF holds the count, the date, every
département and the list's hash; publishing a count keeps the mirror kit's checksums true."""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import re
import shutil
import subprocess
import tarfile
import textwrap
import urllib.parse
from contextlib import ExitStack, contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from threading import Thread

import pytest

from macros.action.partners import parse_partners, snippet
from service.forms import REFUSALS
from service.markup import format_day
from support import portal
from support.service import (
    PORTAL_ORIGIN,
    Inbox,
    Service,
    confirmation_link,
    get,
    make_keys,
    post,
)
from support.sites import ROOT

pytestmark = pytest.mark.browser
PETITION_URL = f"{portal.SITE_URL}agir/petition.html"


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextmanager
def page_server(host: str, folder: Path):
    """A partner's web site: a real HTTP server on `host` (127.0.0.x), a free port."""
    server = ThreadingHTTPServer((host, 0), partial(Quiet, directory=str(folder)))
    thread = Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def partner_page(snippet_html: str) -> str:
    return ('<!doctype html>\n<html lang="fr"><head><meta charset="utf-8">'
            "<title>Partenaire</title></head><body><main><h1>Signez</h1>\n"
            f"{snippet_html}</main></body></html>\n")


def confirm(link: str):
    """Follow the mail's link as a reader does: open it and, if the page asks for it (a
    button that confirms by POST), press the button."""
    answer = get(link)
    form = re.search(r'<form[^>]*method="post"[^>]*action="([^"]*)"(.*?)</form>', answer.text,
                     re.S)
    if form and "confirmer" in form.group(1):
        fields = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"',
                                 form.group(2)))
        action = urllib.parse.urljoin(link, form.group(1))
        answer = post(action, urllib.parse.urlencode(fields),
                      origin=urllib.parse.urlsplit(link)._replace(path="").geturl())
    return answer


@pytest.fixture(scope="module")
def coalition(tmp_path_factory):
    """(service, inbox, keys by partner, team private key, origins, root) with two partners
    whose pages are served on 127.0.0.2 and a stranger's on 127.0.0.3."""
    tmp = tmp_path_factory.mktemp("coalition-service")
    team_private, team_public = make_keys(tmp / "equipe")
    lumiere_private, lumiere_public = make_keys(tmp / "lumiere")
    rivage_private, rivage_public = make_keys(tmp / "rivage")
    folders = {name: tmp / name / "www" for name in ("lumiere", "rivage", "inconnu")}
    for folder in folders.values():
        folder.mkdir(parents=True)
    inbox = Inbox().start()
    with ExitStack() as stack:
        origins = {name: stack.enter_context(page_server(
            "127.0.0.3" if name == "inconnu" else "127.0.0.2", folder))
            for name, folder in folders.items()}
        root = tmp / "root"
        (root / "data").mkdir(parents=True)
        shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
        petition = (ROOT / "data" / "petition.yml").read_text(encoding="utf-8")
        petition = re.sub(r"^goal: .*$", "goal: [2, 4, 10]", petition, flags=re.M)
        (root / "data" / "petition.yml").write_text(petition, encoding="utf-8")
        partners_yml = textwrap.dedent(f"""\
            - nom: Association Lumière
              code: lumiere
              site: https://lumiere.example.org/
              contact: petition@lumiere.example.org
              origines:
                - {origins['lumiere']}
              cle_publique: "{lumiere_public}"
            - nom: Collectif Rivage
              code: rivage
              site: https://rivage.example.org/
              contact: petition@rivage.example.org
              origines:
                - {origins['rivage']}
              cle_publique: "{rivage_public}"
            """)
        (root / "data" / "partenaires.yml").write_text(partners_yml, encoding="utf-8")
        partners = {p.code: p for p in parse_partners(partners_yml)}
        service = Service(f"sqlite:///{tmp / 'service.db'}", team_public, inbox.port,
                          extra_env={"SERVICE_ROOT": str(root)})
        for name in ("lumiere", "rivage", "inconnu"):
            # The stranger pasted Lumière's form on a site the coalition does not know.
            partner = partners["lumiere" if name == "inconnu" else name]
            (folders[name] / "partenaire.html").write_text(partner_page(snippet(
                partner, action=service.url + "signer", title="Une pétition",
                demands=("Une demande",), petition_url=PETITION_URL)), encoding="utf-8")
        service.start()
        stack.callback(service.stop)
        stack.callback(inbox.stop)
        yield {"service": service, "inbox": inbox, "origins": origins, "root": root,
               "keys": {"lumiere": lumiere_private, "rivage": rivage_private,
                        "equipe": team_private}, "tmp": tmp}


def sign_on_page(browser, page_url: str, name: str, address: str, postcode: str,
                 partner_news: bool = False, listed: bool = False) -> tuple[int, str]:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(page_url)
    page.get_by_label("Nom et prénom").fill(name)
    page.get_by_label("Adresse électronique").fill(address)
    page.get_by_label("Code postal").fill(postcode)
    page.get_by_label("J’accepte que mes données").check()
    if partner_news:
        page.get_by_label(re.compile("nouvelles de (Association|Collectif)")).check()
    if listed:
        page.get_by_label("J’accepte que mon nom").check()
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Signer la pétition").click()
    status, text = navigation.value.status, page.content()
    context.close()
    return status, text


@pytest.fixture(scope="module")
def signed(coalition, browser):
    """Six signers: four confirmed through partners' pages or their origins, one from the
    portal, one left unconfirmed; and one refused stranger. Returns their pages."""
    service, inbox, origins = coalition["service"], coalition["inbox"], coalition["origins"]
    people = {
        "alice": ("Alice Lumière", "lumiere", "20000", True, True),
        "bob": ("Bob Discret", "lumiere", "97400", False, False),
        "carol": ("Carol Rivage", "rivage", "35000", True, True),
        "gina": ("Gina Attente", "lumiere", "75011", True, True),
    }
    answers = {}
    for key, (name, partner, postcode, news, listed) in people.items():
        status, text = sign_on_page(browser, origins[partner] + "/partenaire.html", name,
                                    f"{key}@example.org", postcode, news, listed)
        assert status == 200 and "Vérifiez votre messagerie" in text, text
    # From the portal itself, and from Lumière's origin without the code (a mirror of the
    # kit that was not rebuilt with PORTAL_PARTNER): attributed by origin.
    assert post(service.url + "signer", urllib.parse.urlencode({
        "name": "Dan Portail", "email": "dan@example.org", "postcode": "20200",
        "consent": "oui", "liste": "oui"}), origin=PORTAL_ORIGIN).status == 200
    assert post(service.url + "signer", urllib.parse.urlencode({
        "name": "Frank Miroir", "email": "frank@example.org", "postcode": "97600",
        "consent": "oui", "liste": "oui"}), origin=origins["lumiere"]).status == 200
    for key in ("alice", "bob", "carol", "dan", "frank"):
        mail = inbox.wait_for(f"{key}@example.org")[-1]
        answers[key] = (mail.get_content(), confirm(confirmation_link(mail)))
    status, text = sign_on_page(browser, origins["inconnu"] + "/partenaire.html",
                                "Eve Inconnue", "eve@example.org", "69003", True, True)
    answers["eve"] = (status, text)
    return answers


def test_a_form_from_an_origin_not_in_the_list_is_refused(signed):
    status, text = signed["eve"]
    assert status == 403
    assert REFUSALS["origin"].replace("\xa0", "&nbsp;") in text


def test_the_privacy_notice_names_the_partner_only_when_its_box_is_ticked(signed):
    alice_mail, alice_page = signed["alice"]
    bob_mail, bob_page = signed["bob"]
    assert alice_page.status == 200 and bob_page.status == 200
    assert "P.-S. : vous avez aussi demandé à recevoir des nouvelles de Association Lumière" \
        in alice_mail
    assert "Lumière" not in bob_mail and "P.-S." not in bob_mail
    assert 'id="partner-recipient"' in alice_page.text
    assert "Association Lumière" in alice_page.text.split('id="partner-recipient"')[1]
    assert 'id="partner-recipient"' not in bob_page.text and "Lumière" not in bob_page.text


def test_the_confirmation_page_keeps_the_momentum(signed):
    _, page = signed["carol"]
    assert re.search(r'<progress id="signature-progress" max="\d+" value="\d+"', page.text)
    assert re.search(r'id="signature-count">\d personnes ont signé et confirmé, pour un '
                     r"objectif de \d+ signatures\.</p>", page.text), page.text
    assert 'href="https://bsky.app/intent/compose?text=' in page.text  # the portal's links
    assert "mailto:?subject=" in page.text
    # The campaign's other action (`after_signing` of data/petition.yml), when it has one.
    after = portal.petition().get("after_signing")
    if after:
        href = portal.SITE_URL + after["page"].removesuffix(".md") + ".html"
        assert f"<h2>{html.escape(after['title'])}</h2>" in page.text
        assert f'<a href="{href}">{html.escape(after["link"])}</a></p>' in page.text
    else:
        assert page.text.count("<h2>") == 1  # the share links' heading only
    assert "<script" not in page.text


def test_the_service_pages_of_the_coalition_are_valid_html(signed, tmp_path):
    from test_html_valid import vnu_errors
    for name in ("alice", "bob"):  # with and without the partner named as a recipient
        (tmp_path / f"{name}.html").write_text(signed[name][1].text, encoding="utf-8")
    (tmp_path / "refus.html").write_text(signed["eve"][1], encoding="utf-8")
    assert vnu_errors(sorted(tmp_path.glob("*.html"))) == []


def test_counts_by_partner_in_statistics_and_the_published_file(coalition, signed, tmp_path):
    service = coalition["service"]
    stats = service.cli("statistiques").stdout
    assert "Signatures confirmées : 5" in stats
    by_partner = stats.split("Par partenaire :")[1]
    assert re.search(r"Association Lumière \(lumiere\)\s+3\n", by_partner), stats
    assert re.search(r"Collectif Rivage \(rivage\)\s+1\n", by_partner), stats
    assert re.search(r"sans partenaire \(portail, miroirs\)\s+1\n", by_partner), stats
    site = tmp_path / "site"
    (site / "agir").mkdir(parents=True)
    shutil.copy(_petition_page(tmp_path), site / "agir" / "petition.html")
    service.cli("publier-compteur", str(site))
    published = json.loads((site / "agir" / "compteur.json").read_text())
    assert published == {"count": 5, "goal": 10, "date": dt.date.today().isoformat(),
                         "goals": [2, 4, 10], "partners": {"lumiere": 3, "rivage": 1}}
    page = (site / "agir" / "petition.html").read_text()
    assert "5 signatures sur un objectif de 10, au" in page
    assert re.search(r'<progress [^>]*max="10"[^>]*value="5"', page)


def _petition_page(tmp_path: Path) -> Path:
    from macros.action.petition import parse_petition, progress_html
    petition = parse_petition((ROOT / "data" / "petition.yml").read_text(encoding="utf-8"),
                              "data/petition.yml")
    path = tmp_path / "petition.html"
    path.write_text(f"<!doctype html><html lang=fr><title>P</title><main>"
                    f"{progress_html(petition)}</main></html>\n", encoding="utf-8")
    return path


def test_each_partner_export_opens_with_its_key_only_and_holds_only_its_opt_ins(
        coalition, signed, tmp_path):
    service, keys = coalition["service"], coalition["keys"]
    lumiere = tmp_path / "lumiere.jsonl"
    service.cli("exporter-partenaire", "lumiere", "--sortie", str(lumiere))
    assert lumiere.stat().st_mode & 0o777 == 0o600
    sealed = lumiere.read_text()
    assert "alice@example.org" not in sealed and "Alice" not in sealed  # the team cannot read
    opened = service.cli("ouvrir-export-partenaire", str(lumiere), "--cle-privee",
                         str(keys["lumiere"])).stdout
    assert opened.splitlines() == ["adresse électronique,nom,code postal,confirmé le",
                                   f"alice@example.org,Alice Lumière,20000,"
                                   f"{dt.date.today().isoformat()}"]
    for other in ("rivage", "equipe"):
        refused = service.cli("ouvrir-export-partenaire", str(lumiere), "--cle-privee",
                              str(keys[other]), check=False)
        assert refused.returncode == 2
        assert refused.stderr.strip() == (
            "Erreur : cette clé privée n’ouvre pas cet export : il a été scellé pour la clé "
            "de « lumiere »")
    rivage = tmp_path / "rivage.jsonl"
    service.cli("exporter-partenaire", "rivage", "--sortie", str(rivage))
    rows = service.cli("ouvrir-export-partenaire", str(rivage), "--cle-privee",
                       str(keys["rivage"])).stdout.splitlines()[1:]
    assert [row.split(",")[0] for row in rows] == ["carol@example.org"]
    unknown = service.cli("exporter-partenaire", "lumire", check=False)
    assert unknown.returncode == 2
    assert unknown.stderr.strip() == ("Erreur : partenaire inconnu « lumire » ; codes connus : "
                                      "lumiere, rivage")


def test_the_dossier_pdf_for_the_addressees(coalition, signed, tmp_path):
    from pypdf import PdfReader
    result = coalition["service"].cli("ecrire-dossier", str(tmp_path / "remise"))
    today = dt.date.today()
    pdf = tmp_path / "remise" / f"dossier-petition-{today.isoformat()}.pdf"
    listing = tmp_path / "remise" / f"liste-signataires-{today.isoformat()}.csv"
    assert pdf.stat().st_mode & 0o777 == 0o600 and listing.stat().st_mode & 0o777 == 0o600
    digest = hashlib.sha256(listing.read_bytes()).hexdigest()
    assert f"SHA-256 de la liste : {digest}" in result.stdout
    # (French typography: a no-break space before « : », read here as a plain space)
    lines = "\n".join(page.extract_text() for page in PdfReader(pdf).pages).replace(
        "\xa0", " ").splitlines()
    text = " ".join(" ".join(lines).split())  # wrapped lines joined
    petition = portal.petition()  # its title and demands, whatever the campaign
    for written in (petition["title"], petition["demands"][-1]):
        assert " ".join(written.replace("\xa0", " ").split()) in text
    assert f"Signatures confirmées : 5, au {format_day(today)}." in text
    for line in ("2A Corse-du-Sud : 1", "2B Haute-Corse : 1", "35 Ille-et-Vilaine : 1",
                 "974 La Réunion : 1", "976 Mayotte : 1"):
        assert line in lines, lines  # each département on its own line
    assert "Association Lumière (lumiere) : 3" in text
    assert "Collectif Rivage (rivage) : 1" in text
    assert digest in lines
    for name in ("Alice Lumière — 20000", "Carol Rivage — 35000", "Dan Portail — 20200",
                 "Frank Miroir — 97600"):
        assert name in text
    assert "Bob" not in text and "Gina" not in text and "@example.org" not in text
    assert listing.read_text().splitlines() == [
        "nom,code postal", "Alice Lumière,20000", "Carol Rivage,35000", "Dan Portail,20200",
        "Frank Miroir,97600"]


def test_publishing_the_count_keeps_the_mirror_kit_consistent(coalition, signed, tmp_path):
    from scripts.mirror import Commit, package
    site, kit = tmp_path / "site", tmp_path / "dist"
    (site / "agir").mkdir(parents=True)
    shutil.copy(_petition_page(tmp_path), site / "agir" / "petition.html")
    shutil.copy(_petition_page(tmp_path), site / "index.html")
    (site / "agir" / "compteur.json").write_text('{"count": 0}\n')
    (site / "sources.html").write_text("<!doctype html><title>S</title>\n")
    kit.mkdir()
    package(site, kit, "portail", Commit("a" * 40, 1_764_000_000, True),
            portal.SITE_URL, ROOT / "MIRRORING.md")
    service = coalition["service"]
    service.cli("publier-compteur", str(site), "--kit", str(kit))
    manifest = json.loads((kit / "manifest.json").read_text())
    assert manifest["count"]["count"] == 5 and manifest["version"].endswith("aaaaaaaaaa")
    archive = next(kit.glob("*.tar.gz"))
    assert manifest["archives"][archive.name]["sha256"] == \
        hashlib.sha256(archive.read_bytes()).hexdigest()
    with tarfile.open(archive) as tar:
        tar.extractall(tmp_path / "extrait", filter="data")
    top = next((tmp_path / "extrait").iterdir())
    check = subprocess.run(["sha256sum", "-c", "../../dist/SHA256SUMS"], cwd=top,
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert json.loads((top / "agir" / "compteur.json").read_text())["count"] == 5
    for page in ("agir/petition.html", "index.html"):
        assert "5 signatures sur un objectif de 10, au" in (top / page).read_text()
    # A kit made from another site is refused, and nothing is written.
    (site / "sources.html").write_text("<!doctype html><title>Autre</title>\n")
    before = (site / "agir" / "compteur.json").read_text()
    refused = service.cli("publier-compteur", str(site), "--kit", str(kit), check=False)
    assert refused.returncode == 2
    assert refused.stderr.strip() == (
        f"Erreur : {site} n’est pas le site dont le kit {kit} a été fait (1 fichier(s) "
        "diffèrent : sources.html) : refaites le kit avec `make mirror` depuis le même commit "
        "que le site publié, puis publiez le compteur à nouveau")
    assert (site / "agir" / "compteur.json").read_text() == before


def test_a_refused_partner_form_comes_back_still_signing_for_the_partner(coalition):
    service, origins = coalition["service"], coalition["origins"]
    answer = post(service.url + "signer", urllib.parse.urlencode({
        "name": "Hugo Erreur", "email": "hugo@example.org", "postcode": "35",
        "consent": "oui", "partenaire": "lumiere", "nouvelles_partenaire": "oui",
        "liste": "oui"}), origin=origins["lumiere"])
    assert answer.status == 422
    assert '<input type="hidden" name="partenaire" value="lumiere">' in answer.text
    assert re.search(r'name="nouvelles_partenaire" type="checkbox" value="oui" checked',
                     answer.text)
    assert re.search(r'name="liste" type="checkbox" value="oui" checked', answer.text)
    assert "Je souhaite recevoir des nouvelles de Association Lumière" in answer.text
