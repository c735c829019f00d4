"""The action service over HTTP, as a real process, against SQLite and a real PostgreSQL.

Every test here runs twice: once on SQLite (the default) and once on a PostgreSQL cluster
the tests start. Mail goes to a real SMTP server (aiosmtpd) on loopback.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.parse
from collections import Counter

import pytest
from sqlalchemy import create_engine, func, select, text, update

from service.forms import MESSAGES, REFUSALS
from service.ratelimit import keyed
from service.storage import (
    Database,
    Letters,
    Submission,
    links,
    outbox,
    signatures,
    testimonies,
    utcnow,
)
from support import portal
from support.service import (
    PORTAL_ORIGIN,
    Inbox,
    Service,
    confirm,
    confirmation_link,
    get,
    make_keys,
    post,
)
from support.sites import ROOT

MIRROR_ORIGIN = "https://miroir.example.net"


@pytest.fixture(scope="module")
def campaign_root(tmp_path_factory):
    """The portal's data files, plus one declared mirror (its origin is allowed)."""
    root = tmp_path_factory.mktemp("root")
    (root / "data").mkdir()
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copy(ROOT / "data" / "petition.yml", root / "data" / "petition.yml")
    (root / "data" / "miroirs.yml").write_text(
        "- nom: Miroir de test\n  url: https://miroir.example.net/portail/\n"
        "  organisation: Association test\n", encoding="utf-8")
    return root


def database_url(backend: str, request, tmp_path_factory) -> str:
    """A new, empty database: a SQLite file, or a database in the test PostgreSQL cluster."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'service.db'}"
    return request.getfixturevalue("postgres").create_database()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def service(request, keys, inbox, campaign_root, tmp_path_factory):
    url = database_url(request.param, request, tmp_path_factory)
    running = Service(url, keys[1], inbox.port, extra_env={
        "SERVICE_ROOT": str(campaign_root), "SERVICE_TRUSTED_PROXIES": "127.0.0.1"}).start()
    running.engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    yield running
    running.stop()
    running.engine.dispose()


def rows(service, table) -> int:
    with service.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def form(**fields) -> str:
    values = {"name": "Camille Martin", "email": "camille@example.org", "postcode": "35000",
              "consent": "oui", "website": ""}
    values.update(fields)
    return urllib.parse.urlencode({k: v for k, v in values.items() if v is not None})


def unique(label: str) -> str:
    return f"{label}-{time.monotonic_ns()}@example.org"


def count(service) -> int:
    time.sleep(2.1)  # the service reuses a count for 2 s
    return json.loads(get(service.url + "count.json").text)["count"]


def sign_and_confirm(service, inbox, address: str, **fields) -> str:
    already = len(inbox.to(address))
    answer = post(service.url + "signer", form(email=address, **fields))
    assert answer.status == 200, answer.text
    link = confirmation_link(inbox.wait_for(address, count=already + 1)[-1])
    assert confirm(link).status == 200
    return link


# -- signing ------------------------------------------------------------------------------

def test_sign_then_confirm_by_mail_then_counted(service, inbox):
    before = count(service)
    address = unique("camille")
    answer = post(service.url + "signer", form(email=address))
    assert answer.status == 200
    assert "<h1>Vérifiez votre messagerie</h1>" in answer.text
    assert "set-cookie" not in {k.lower() for k in answer.headers}
    mail = inbox.wait_for(address)[0]
    assert mail["Subject"] == f"Confirmez votre signature\u00a0: {portal.petition()['title']}"
    assert mail["From"] == "petition@portail.test"
    link = confirmation_link(mail)
    assert link.startswith(service.url + "confirmer?jeton=")
    assert count(service) == before  # not yet confirmed
    confirmed = confirm(link)
    assert confirmed.status == 200
    assert "Merci, votre signature est confirmée" in confirmed.text
    assert count(service) == before + 1
    answer = get(service.url + "count.json")
    assert answer.headers["access-control-allow-origin"] == "*"
    assert json.loads(answer.text)["goal"] == 10000


def test_signing_again_resends_the_link_and_never_counts_twice(service, inbox):
    address = unique("double")
    before = count(service)
    assert post(service.url + "signer", form(email=address)).status == 200
    variant = address.split("@")[0].upper() + "@example.org"
    assert post(service.url + "signer", form(email="  " + variant + " ")).status == 200
    first = inbox.wait_for(address)[0]
    second = inbox.wait_for(variant)[0]  # the mail goes to the address as typed
    assert confirmation_link(first) != confirmation_link(second)
    assert confirm(confirmation_link(second)).status == 200
    assert count(service) == before + 1
    with service.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(signatures).where(
            signatures.c.email_sealed.contains("double"))).scalar_one() == 0  # sealed


def test_signatures_sent_together_are_each_answered_once_committed(service, inbox):
    """Group commit over HTTP: 24 posts at once, one address three times among them and one
    already confirmed. Each gets the same answer; every stored row and mail is there."""
    from concurrent.futures import ThreadPoolExecutor
    confirmed = unique("together-done")
    sign_and_confirm(service, inbox, confirmed)
    repeated = unique("together-twice")
    addresses = [unique(f"together{i}") for i in range(20)] + [repeated] * 3 + [confirmed]
    with ThreadPoolExecutor(len(addresses)) as pool:
        answers = list(pool.map(lambda a: post(service.url + "signer", form(email=a)),
                                addresses))
    assert [a.status for a in answers] == [200] * 24
    assert len({a.text for a in answers}) == 1
    for address in addresses[:20]:
        assert len(inbox.wait_for(address)) == 1
    assert len(inbox.wait_for(repeated, count=3)) == 3
    notice = inbox.wait_for(confirmed, count=2)[-1]  # its link, then the notice
    assert notice["Subject"].startswith("Votre signature est déjà comptée")
    keys = [keyed(service.secret.encode(), "email", a) for a in addresses]
    with service.engine.connect() as conn:
        stored = Counter(conn.execute(select(signatures.c.email_key).where(
            signatures.c.email_key.in_(keys))).scalars())
    assert len(stored) == 22 and set(stored.values()) == {1}


def test_group_commit_signs_a_batch_in_order_in_one_transaction(service, keys):
    from service.crypto import parse_public_key, seal
    db = Database(service.engine)
    now = utcnow()

    def entry(address: str, token: str, name: str = "N"):
        key = f"key-{address}"
        sealed = seal(parse_public_key(keys[1]), address)  # the exports open it
        return (Submission(email_key=key, email_sealed=sealed, name=name, postcode="35000",
                           newsletter=False, origin="", token_key=f"token-{token}",
                           token_expires_at=now + dt.timedelta(days=7)),
                Letters(key, address, ("Sujet", "Lien"), ("Déjà", "Texte")), now)

    a, b = unique("batch-a"), unique("batch-b")
    mails_before = rows(service, outbox)
    assert db.sign_many([entry(a, a + "1"), entry(b, b), entry(a, a + "2", "Autre")]) == [
        "new", "new", "resent"]
    assert rows(service, outbox) == mails_before + 3
    with service.engine.connect() as conn:
        name = conn.execute(select(signatures.c.name).where(
            signatures.c.email_key == f"key-{a}")).scalar_one()
    assert name == "N"  # the second signing changed nothing
    assert db.link_state(f"token-{a}1", now) == "pending"  # both links work
    assert db.link_state(f"token-{a}2", now) == "pending"
    assert db.confirm(f"token-{a}1", now) == "confirmed"
    assert db.link_state(f"token-{a}1", now) == "already"
    assert db.link_state(f"token-{a}2", now) == "already"
    assert db.sign_many([entry(a, a + "3"), entry(b, b + "2")]) == ["already", "resent"]
    assert rows(service, outbox) == mails_before + 5  # a notice for the confirmed one
    assert db.forget(f"key-{a}") + db.forget(f"key-{b}") == (1 + 2 + 3) + (1 + 2 + 2)


def test_signatures_waiting_together_share_one_commit(tmp_path):
    """50 readers at once: their signatures go into one or two transactions (not 50), each
    answer comes after its commit, and signing counts as busy (the mail worker yields)."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor
    from functools import partial

    from sqlalchemy import event

    from service.groupcommit import BUSY_WINDOW, GroupCommit
    from service.migrations import migrate
    db = Database.open(f"sqlite:///{tmp_path / 'service.db'}")
    migrate(db.engine)
    commits = []
    event.listen(db.engine, "commit", lambda _conn: commits.append(1))
    now = utcnow()

    def entry(i: int):
        key = f"key-{i}"
        return (Submission(email_key=key, email_sealed="s", name="N", postcode="35000",
                           newsletter=False, origin="", token_key=f"token-{i}",
                           token_expires_at=now),
                Letters(key, f"{i}@example.org", ("S", "T"), ("S", "T")), now)

    async def main():
        loop = asyncio.get_running_loop()
        with ThreadPoolExecutor(1) as executor:
            group = GroupCommit(db, lambda f, *a: loop.run_in_executor(executor,
                                                                       partial(f, *a)))
            assert not group.busy()
            outcomes = await asyncio.gather(*(group.sign(*entry(i)) for i in range(50)))
            assert outcomes == ["new"] * 50 and group.busy()
            await asyncio.sleep(BUSY_WINDOW * 1.5)
            assert not group.busy()

    asyncio.run(main())
    assert 1 <= len(commits) <= 2
    with db.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(outbox)).scalar_one() == 50
    db.close()


# -- refusals: exact message, input kept, nothing stored ------------------------------------

OVERSIZE = "x" * 101
REFUSED = [
    ("no consent", {"consent": None}, "consent", MESSAGES["consent"]),
    ("bad e-mail", {"email": "camille.example.org"}, "email", MESSAGES["email_invalid"]),
    ("e-mail with CR/LF", {"email": "a@example.org\r\nBcc: victim@example.org"}, "email",
     MESSAGES["email_invalid"]),
    ("name with CR/LF", {"name": "Camille\r\nBcc: victim@example.org"}, "name",
     MESSAGES["name_control"]),
    ("name too long", {"name": OVERSIZE}, "name", MESSAGES["name_long"]),
    ("e-mail too long", {"email": "a" * 250 + "@example.org"}, "email",
     MESSAGES["email_long"]),
    ("bad postcode", {"postcode": "3500"}, "postcode", MESSAGES["postcode"]),
    ("missing name", {"name": None}, "name", MESSAGES["name_missing"]),
    ("missing e-mail", {"email": ""}, "email", MESSAGES["email_missing"]),
]


@pytest.mark.parametrize("case, change, field, message", REFUSED, ids=[r[0] for r in REFUSED])
def test_refusal_says_what_to_fix_and_keeps_the_input(service, inbox, case, change, field,
                                                       message):
    before = (rows(service, signatures), rows(service, outbox), len(inbox.messages))
    answer = post(service.url + "signer", form(**{"name": "Dominique <b>Roy</b>", **change}))
    assert answer.status == 422
    assert "Votre envoi n’a pas été enregistré." in answer.text
    assert f'<span class="form-error" id="petition-{field}-error">{message}</span>' \
        in answer.text
    typed = {"name": "Dominique <b>Roy</b>", "email": "camille@example.org",
             "postcode": "35000", **change}
    for key in ("name", "email", "postcode"):
        assert f'id="petition-{key}" name="{key}"' in answer.text
        assert f'value="{html_escape(typed[key] or "")}"' in answer.text
    assert "<b>Roy</b>" not in answer.text  # HTML typed by the reader is shown as text
    if change.get("consent", "oui"):
        assert 'id="petition-consent" name="consent" type="checkbox" value="oui" required ' \
               'checked' in answer.text
    time.sleep(0.3)
    assert (rows(service, signatures), rows(service, outbox), len(inbox.messages)) == before


def html_escape(value: str) -> str:
    import html
    return html.escape(value, quote=True)


def test_invalid_utf8_is_refused_with_the_text_kept(service):
    before = rows(service, signatures)
    body = (b"name=Fran%E7ois+Dupont&email=francois%40example.org&postcode=75011"
            b"&consent=oui&website=")
    answer = post(service.url + "signer", body)
    assert answer.status == 422
    assert MESSAGES["encoding"] in answer.text
    assert 'value="Fran\ufffdois Dupont"' in answer.text
    assert rows(service, signatures) == before


def test_wrong_origin_is_refused_and_the_form_kept(service):
    before = rows(service, signatures)
    for origin in ("https://evil.example.com", "null"):
        answer = post(service.url + "signer", form(email=unique("origin")), origin=origin)
        assert answer.status == 403
        assert REFUSALS["origin"] in answer.text
        assert 'value="Camille Martin"' in answer.text
    assert rows(service, signatures) == before


def test_oversize_post_is_refused(service):
    answer = post(service.url + "signer", form(name="x" * 70_000))
    assert answer.status == 413
    assert REFUSALS["too_big"].format(size=64) in answer.text


def test_honeypot_looks_accepted_but_stores_nothing(service, inbox):
    before = (rows(service, signatures), rows(service, outbox))
    answer = post(service.url + "signer", form(email=unique("robot"), website="http://spam"))
    assert answer.status == 200 and "Vérifiez votre messagerie" in answer.text
    assert (rows(service, signatures), rows(service, outbox)) == before


def test_signature_from_a_mirror_is_attributed(service, inbox):
    address = unique("mirror")
    answer = post(service.url + "signer", form(email=address), origin=MIRROR_ORIGIN)
    assert answer.status == 200
    confirm(confirmation_link(inbox.wait_for(address)[0]))
    report = service.cli("statistiques").stdout
    assert re.search(r"Miroir de test \(https://miroir\.example\.net\)\s+\d+", report), report


# -- confirmation tokens --------------------------------------------------------------------

def test_forged_reused_and_expired_tokens(service, inbox):
    forged = get(service.url + "confirmer?jeton=" + "A" * 43)
    assert forged.status == 404
    assert "Ce lien de confirmation n’est pas valable." in forged.text
    garbage = get(service.url + "confirmer?jeton=%3Cscript%3E")
    assert garbage.status == 404
    address = unique("token")
    link = sign_and_confirm(service, inbox, address)
    reused = get(link)
    assert reused.status == 200
    assert "Ce lien a déjà servi : votre signature est confirmée et comptée une seule fois." \
        in reused.text
    late = unique("late")
    assert post(service.url + "signer", form(email=late)).status == 200
    late_link = confirmation_link(inbox.wait_for(late)[0])
    with service.engine.begin() as conn:
        conn.execute(update(links).where(links.c.token_key == keyed(
            service.secret.encode(), "token", late_link.split("jeton=")[1]))
            .values(expires_at=dt.datetime(2000, 1, 1)))
    expired = get(late_link)
    assert expired.status == 410
    assert "Ce lien de confirmation a expiré : il n’était valable que 7 jours." in expired.text
    pressed = post(service.url + "confirmer", "jeton=" + late_link.split("jeton=")[1],
                   origin=None)
    assert pressed.status == 410 and "Lien expiré" in pressed.text


# -- testimonies --------------------------------------------------------------------------

def test_testimony_is_sealed_on_arrival_and_opened_with_the_private_key(service, keys):
    story = "On m’a radiée après un <b>contrôle</b> automatique, en mars."
    body = urllib.parse.urlencode({"temoignage": story, "contact": "06 00 00 00 00",
                                   "consent": "oui", "website": ""})
    answer = post(service.url + "temoigner", body)
    assert answer.status == 200, answer.text
    reference = re.search(r'id="testimony-reference">(T-[A-Z0-9]{8})<', answer.text).group(1)
    with service.engine.connect() as conn:
        stored = conn.execute(select(testimonies.c.sealed)
                              .where(testimonies.c.reference == reference)).scalar_one()
    assert "radiée" not in stored and "contrôle" not in stored and "06 00" not in stored
    opened = service.cli("dechiffrer-temoignages", "--cle-privee", str(keys[0])).stdout
    assert story in opened and "Pour nous joindre : 06 00 00 00 00" in opened
    assert service.cli("oublier", "--temoignage", reference).returncode == 0
    with service.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(testimonies)
                            .where(testimonies.c.reference == reference)).scalar_one() == 0


@pytest.mark.parametrize("fields, field, message", [
    ({"temoignage": "Mon histoire\r\nsur deux lignes", "consent": ""}, "consent",
     MESSAGES["testimony_consent"]),
    ({"temoignage": "", "consent": "oui"}, "testimony", MESSAGES["testimony_missing"]),
    ({"temoignage": "x" * 10_001, "consent": "oui"}, "testimony", MESSAGES["testimony_long"]),
    ({"temoignage": "Récit", "contact": "a\r\nb", "consent": "oui"}, "contact",
     MESSAGES["contact_control"]),
])
def test_testimony_refusals_keep_the_text(service, fields, field, message):
    before = rows(service, testimonies)
    answer = post(service.url + "temoigner", urllib.parse.urlencode(fields))
    assert answer.status == 422
    assert f'id="testimony-{field}-error">{message}</span>' in answer.text
    if fields["temoignage"]:
        assert html_escape(fields["temoignage"]).replace("\r\n", "\n") in \
            answer.text.replace("\r\n", "\n")
    assert rows(service, testimonies) == before


# -- privacy ------------------------------------------------------------------------------

def test_no_client_address_or_personal_data_in_logs_or_database(service, inbox):
    address = unique("privacy")
    answer = post(service.url + "signer", form(email=address),
                  headers={"X-Forwarded-For": "203.0.113.77"})
    assert answer.status == 200
    link = confirmation_link(inbox.wait_for(address)[0])
    confirm(link)
    time.sleep(0.5)
    log = service.log()
    assert "POST /signer 200" in log and "GET /confirmer 200" in log
    assert "POST /confirmer 200" in log
    token = link.split("jeton=")[1]
    for secret in ("203.0.113.77", address, token, "Camille"):
        assert secret not in log
    with service.engine.connect() as conn:
        dump = "".join(str(tuple(row)) for table in (signatures, outbox, testimonies)
                       for row in conn.execute(select(table)))
    assert "203.0.113.77" not in dump
    assert token not in dump
    assert address not in dump  # sealed in signatures, emptied from the outbox once sent


# -- organisers' commands -----------------------------------------------------------------

def test_export_for_delivery_escapes_and_defuses(service, inbox, keys, tmp_path):
    address = unique("export")
    sign_and_confirm(service, inbox, address, name="=HYPERLINK(\"x\") <i>Léa</i>",
                     newsletter="oui")
    exported = service.cli("exporter").stdout
    table = list(csv.reader(io.StringIO(exported)))
    assert table[0] == ["nom", "code postal", "date"]
    assert ["'=HYPERLINK(\"x\") <i>Léa</i>", "35000", dt.date.today().isoformat()] in table
    assert address not in exported
    html_file = tmp_path / "liste.html"
    service.cli("exporter", "--format", "html", "--sortie", str(html_file))
    page = html_file.read_text()
    assert "&lt;i&gt;Léa&lt;/i&gt;" in page and "<i>Léa" not in page
    with_mail = service.cli("exporter", "--courriels", "--cle-privee", str(keys[0])).stdout
    assert address in with_mail
    refused = service.cli("exporter", "--courriels", check=False)
    assert refused.returncode == 2
    assert "Erreur : --courriels demande --cle-privee" in refused.stderr
    news = service.cli("exporter-nouvelles", "--cle-privee", str(keys[0])).stdout
    assert address in news
    other = unique("nonews")
    sign_and_confirm(service, inbox, other)
    assert other not in service.cli("exporter-nouvelles", "--cle-privee", str(keys[0])).stdout


def test_statistics_by_day_and_origin(service, inbox):
    report = service.cli("statistiques").stdout
    assert "Signatures confirmées :" in report
    assert re.search(rf"{dt.date.today().isoformat()}\s+portail "
                     rf"\({re.escape(PORTAL_ORIGIN)}\)\s+\d+", report), report


def test_forget_a_person_on_request(service, inbox):
    address = unique("forget")
    sign_and_confirm(service, inbox, address)
    before = count(service)
    result = service.cli("oublier", address.upper())
    typed = address.split("@")[0].upper() + "@example.org"  # the domain in lower case
    assert f"Toutes les données de {typed} sont effacées" in result.stdout
    assert count(service) == before - 1
    again = service.cli("oublier", address, check=False)
    assert again.returncode == 2 and "aucune donnée pour" in again.stderr
    sign_and_confirm(service, inbox, address)  # may sign again afterwards
    assert count(service) == before


def test_purge_unconfirmed_after_the_retention(service, inbox):
    old, fresh = unique("old"), unique("fresh")
    for address in (old, fresh):
        assert post(service.url + "signer", form(email=address)).status == 200
        inbox.wait_for(address)
    with service.engine.begin() as conn:
        conn.execute(update(signatures).where(signatures.c.confirmed_at.is_(None),
                                              signatures.c.name == "Camille Martin")
                     .values(created_at=dt.datetime(2000, 1, 1)))
        conn.execute(text("UPDATE signatures SET created_at = :now WHERE id = "
                          "(SELECT MAX(id) FROM signatures)"), {"now": dt.datetime.now()})
    result = service.cli("purger-non-confirmees")
    assert "Signatures non confirmées depuis plus de 10 jours effacées :" in result.stdout
    with service.engine.connect() as conn:
        left = conn.execute(select(func.count()).select_from(signatures)
                            .where(signatures.c.confirmed_at.is_(None))).scalar_one()
    assert left == 1


def test_publish_count_into_the_built_site(service, site, tmp_path):
    published = tmp_path / "site"
    (published / "agir").mkdir(parents=True)
    shutil.copy(site.path("agir/petition.html"), published / "agir" / "petition.html")
    current = count(service)
    service.cli("publier-compteur", str(published))
    data = json.loads((published / "agir" / "compteur.json").read_text())
    assert data == {"count": current, "goal": 10000, "date": dt.date.today().isoformat(),
                    "goals": [10000, 20000, 50000], "partners": {}}
    page = (published / "agir" / "petition.html").read_text()
    from service.markup import progress_text
    assert f'id="petition-progress-label">{progress_text(current, 10000, dt.date.today())}<' \
        in page
    assert re.search(rf'<progress [^>]*value="{current}"', page)
    missing = service.cli("publier-compteur", str(tmp_path / "nowhere"), check=False)
    assert missing.returncode == 2 and "introuvable" in missing.stderr


def test_migrations_are_versioned_and_applied_once(service):
    assert service.cli("migrer").stdout.strip() == "Schéma à jour."
    with service.engine.connect() as conn:
        assert conn.execute(text("SELECT version FROM schema_version ORDER BY version")
                            ).scalars().all() == [1, 2, 3, 4]


def test_purge_everything_at_the_end_of_the_campaign(service):
    refused = service.cli("purger-tout", check=False)
    assert refused.returncode == 2
    assert "ajoutez --confirmer : cette commande efface toutes les signatures" in refused.stderr
    assert "(fin de conservation prévue le 2027-12-31)" in refused.stderr
    service.cli("purger-tout", "--confirmer")
    assert (rows(service, signatures), rows(service, outbox), rows(service, testimonies)) == \
        (0, 0, 0)
    assert count(service) == 0


# -- mail never lost, signatures never lost -----------------------------------------------

def test_mail_written_from_the_template_is_a_standard_utf8_mail():
    import email
    import email.policy
    from types import SimpleNamespace

    from service.mailer import build_message
    settings = SimpleNamespace(public_url="https://agir.example.org/",
                               mail_from="Pétition « Algorithmes » <petition@example.org>")
    subject = "Confirmez votre signature : l’arrêt des algorithmes de suspicion " * 2
    body = "Bonjour,\n\nOuvrez ce lien :\nhttps://agir.example.org/confirmer?jeton=abc\n"
    data = build_message(settings, 42, "camille@example.org", subject, body)
    assert b"\n" not in data.replace(b"\r\n", b"") and max(map(len, data.split(b"\r\n"))) <= 78
    message = email.message_from_bytes(data, policy=email.policy.default)
    assert message["Subject"] == subject and message["To"] == "camille@example.org"
    assert message["From"].addresses[0].display_name == "Pétition « Algorithmes »"
    assert message["From"].addresses[0].addr_spec == "petition@example.org"
    assert message["Message-ID"] == "<outbox-42@agir.example.org>"
    assert message.get_content() == body and not message.defects
    with pytest.raises(ValueError):
        build_message(settings, 43, "camille@example.org\r\nBcc: x@example.org", subject, body)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_mail_waits_for_the_smtp_server_and_goes_out_once(backend, request, keys,
                                                          campaign_root, tmp_path_factory):
    down = Inbox()  # its port is chosen, nothing listens yet
    running = Service(database_url(backend, request, tmp_path_factory), keys[1], down.port,
                      extra_env={"SERVICE_ROOT": str(campaign_root)}).start()
    try:
        addresses = [unique(f"wait{i}") for i in range(5)]
        for address in addresses:
            assert post(running.url + "signer", form(email=address)).status == 200
        time.sleep(1.5)  # several failed attempts meanwhile
        assert "not sent, retried later" in running.log()
        down.start()
        for address in addresses:
            down.wait_for(address)
        time.sleep(2.5)  # any duplicate would have arrived by now
        assert sorted(m["To"] for m in down.messages) == sorted(addresses)
        assert len({m["Message-ID"] for m in down.messages}) == 5
    finally:
        down.stop()
        running.stop()


def test_acknowledged_signature_survives_sigkill(service, inbox):
    address = unique("killed")
    assert post(service.url + "signer", form(email=address)).status == 200
    service.stop(signal.SIGKILL)
    service.start()
    # Killed while sending, the mail stays leased to the dead worker for a minute
    # (outbox.LEASE), then goes out from the restarted one.
    link = confirmation_link(inbox.wait_for(address, timeout=120)[0])
    assert "Merci, votre signature est confirmée" in confirm(link).text


# -- abuse and configuration ----------------------------------------------------------------

def test_rate_limit_per_client_keeps_the_input(keys, inbox, campaign_root, tmp_path):
    limited = Service(f"sqlite:///{tmp_path / 'limited.db'}", keys[1], inbox.port, extra_env={
        "SERVICE_ROOT": str(campaign_root), "SERVICE_RATE_LIMIT": "3",
        "SERVICE_TRUSTED_PROXIES": "127.0.0.1"}).start()
    try:
        for _ in range(3):  # refused forms count too: a robot gains nothing by failing
            assert post(limited.url + "signer", form(consent=None),
                        headers={"X-Forwarded-For": "198.51.100.7"}).status == 422
        answer = post(limited.url + "signer", form(email=unique("limit")),
                      headers={"X-Forwarded-For": "198.51.100.7"})
        assert answer.status == 429
        assert REFUSALS["rate"] in answer.text
        assert 'value="Camille Martin"' in answer.text
        other = post(limited.url + "signer", form(email=unique("other")),
                     headers={"X-Forwarded-For": "198.51.100.8"})
        assert other.status == 200  # another client is not held back
        testimony = post(limited.url + "temoigner", "temoignage=Bonjour&consent=oui",
                         headers={"X-Forwarded-For": "198.51.100.7"})
        assert testimony.status == 429 and "Bonjour" in testimony.text
    finally:
        limited.stop()
    assert "198.51.100.7" not in limited.log()


def test_missing_settings_are_explained_without_traceback(keys, inbox, tmp_path):
    broken = Service(f"sqlite:///{tmp_path / 'x.db'}", keys[1], inbox.port,
                     extra_env={"SERVICE_SECRET": "court"})
    with pytest.raises(RuntimeError) as stopped:
        broken.start()
    assert "SERVICE_SECRET manquant ou trop court" in str(stopped.value)
    assert "Traceback" not in str(stopped.value)
    result = broken.cli("migrer", check=False)
    assert result.returncode == 2
    assert result.stderr.startswith("Erreur : SERVICE_SECRET manquant ou trop court")


def test_testimonies_exported_sealed_then_opened_elsewhere(service, keys, tmp_path):
    body = urllib.parse.urlencode({"temoignage": "Convoqué trois fois pour rien.",
                                   "consent": "oui"})
    assert post(service.url + "temoigner", body).status == 200
    copy = tmp_path / "temoignages.jsonl"
    service.cli("exporter-temoignages", "--sortie", str(copy))
    assert "Convoqué" not in copy.read_text()
    # On the team's computer: no database, no service settings, only the private key.
    result = subprocess.run([sys.executable, "-m", "service", "dechiffrer-temoignages",
                             str(copy), "--cle-privee", str(keys[0])], cwd=ROOT,
                            env={"PATH": os.environ["PATH"]}, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "Convoqué trois fois pour rien." in result.stdout
    wrong = tmp_path / "autre"
    make_keys(wrong)
    refused = service.cli("dechiffrer-temoignages", str(copy), "--cle-privee",
                          str(wrong / "cle-privee.txt"), check=False)
    assert refused.returncode == 2
    assert "cette clé privée n’ouvre pas les données" in refused.stderr


def test_retention_applied_to_old_testimonies(service):
    body = urllib.parse.urlencode({"temoignage": "Ancien récit.", "consent": "oui"})
    assert post(service.url + "temoigner", body).status == 200
    before = rows(service, testimonies)
    with service.engine.begin() as conn:
        conn.execute(text("UPDATE testimonies SET created_at = :old WHERE id = "
                          "(SELECT MAX(id) FROM testimonies)"), {"old": dt.datetime(2000, 1, 1)})
    result = service.cli("appliquer-conservation")
    assert "1 témoignages" in result.stdout
    assert rows(service, testimonies) == before - 1


def test_mail_sent_by_command_when_no_worker_runs(keys, inbox, campaign_root, tmp_path):
    quiet = Service(f"sqlite:///{tmp_path / 'quiet.db'}", keys[1], inbox.port, extra_env={
        "SERVICE_ROOT": str(campaign_root), "SERVICE_WORKER": "0"}).start()
    try:
        address = unique("cron")
        assert post(quiet.url + "signer", form(email=address)).status == 200
        time.sleep(1.5)
        assert inbox.to(address) == []
        assert "Courriels envoyés : 1 ;" in quiet.cli("envoyer").stdout
        inbox.wait_for(address)
    finally:
        quiet.stop()


def test_organisers_help_and_mistakes_are_in_french():
    run = [sys.executable, "-m", "service"]
    helped = subprocess.run([*run, "--help"], cwd=ROOT, capture_output=True, text=True)
    assert helped.stdout.startswith("Utilisation : python -m service")
    for command in ("exporter", "statistiques", "exporter-nouvelles", "oublier",
                    "purger-non-confirmees", "purger-tout", "dechiffrer-temoignages",
                    "publier-compteur", "generer-cles", "migrer", "envoyer"):
        assert command in helped.stdout
    wrong = subprocess.run([*run, "exporter", "--format", "pdf"], cwd=ROOT,
                           capture_output=True, text=True)
    assert wrong.returncode == 2
    assert ("Erreur : --format : valeur refusée 'pdf' (valeurs possibles : 'csv', 'html')"
            in wrong.stderr)
