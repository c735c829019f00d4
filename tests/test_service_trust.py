"""The signer's side of trust (issue 24), over HTTP against the real service, on SQLite and
on PostgreSQL: the answer never tells who has signed, a link opened is not a signature, a
stranger cannot touch a pending signature, an address cannot be flooded, one mailbox counts
once, deleted data is gone from every byte, no personal data in the log even on a database
error, exports cannot run formulas, files are private whatever the umask."""

from __future__ import annotations

import datetime as dt
import os
import re
import stat
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select, text, update
from test_service import count, database_url, form, unique

from service.exports import FORMULA_START, csv_text, safe_cell
from service.forms import REFUSALS
from service.mailbox import mailbox_key
from service.ratelimit import keyed
from service.storage import links, make_engine, outbox, signatures
from support import portal
from support.service import (
    Inbox,
    Service,
    confirm,
    confirmation_link,
    get,
    head,
    post,
)
from support.sites import ROOT


@pytest.fixture(scope="module")
def campaign_root(tmp_path_factory):
    import shutil
    root = tmp_path_factory.mktemp("root")
    (root / "data").mkdir()
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copy(ROOT / "data" / "petition.yml", root / "data" / "petition.yml")
    return root


def start(url: str, keys, smtp_port: int, campaign_root, **env) -> Service:
    running = Service(url, keys[1], smtp_port, extra_env={
        "SERVICE_ROOT": str(campaign_root), **env}).start()
    running.engine = make_engine(url)  # the service's own engine: same pragmas
    return running


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def service(request, keys, inbox, campaign_root, tmp_path_factory):
    running = start(database_url(request.param, request, tmp_path_factory), keys, inbox.port,
                    campaign_root)
    yield running
    running.stop()
    running.engine.dispose()


def email_key(service, address: str) -> str:
    return keyed(service.secret.encode(), "email", mailbox_key(address))


def stored(service, address: str):
    with service.engine.connect() as conn:
        return conn.execute(select(signatures).where(
            signatures.c.email_key == email_key(service, address))).first()


def mails_queued(service, address: str) -> int:
    with service.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(outbox).where(
            outbox.c.recipient_key == email_key(service, address))).scalar_one()


# -- 1. the same answer for every address ----------------------------------------------------

def test_same_answer_for_a_new_a_pending_and_a_confirmed_address(service, inbox):
    address = unique("same")
    new = post(service.url + "signer", form(email=address))
    pending = post(service.url + "signer", form(email=address, name="Autre Nom"))
    link = confirmation_link(inbox.wait_for(address, count=2)[0])
    assert confirm(link).status == 200
    confirmed = post(service.url + "signer", form(email=address, name="Encore Autre"))
    assert (new.status, pending.status, confirmed.status) == (200, 200, 200)
    assert new.text == pending.text == confirmed.text
    assert "<h1>Vérifiez votre messagerie</h1>" in new.text
    assert "déjà" not in confirmed.text
    # The owner of the confirmed address is told by mail, once a day at most.
    notice = inbox.wait_for(address, count=3)[-1]
    assert notice["Subject"] == ("Votre signature est déjà comptée\u00a0: "
                                 + portal.petition()["title"])
    assert ("Cette adresse a déjà signé et confirmé\u00a0: sa signature est comptée, une "
            "seule fois." in notice.get_content())
    assert "jeton=" not in notice.get_content()
    again = post(service.url + "signer", form(email=address))
    assert again.text == new.text
    time.sleep(1.5)  # a second notice would have arrived by now
    assert len(inbox.to(address)) == 3
    assert stored(service, address).name == "Camille Martin"  # nothing changed


# -- 2. confirmation is an act -------------------------------------------------------------

def test_opening_the_link_confirms_nothing_only_the_button_does(service, inbox):
    before = count(service)
    address = unique("scanner")
    assert post(service.url + "signer", form(email=address)).status == 200
    link = confirmation_link(inbox.wait_for(address)[0])
    opened = head(link)  # a mail gateway checking the link
    assert opened.status == 200 and opened.text == ""
    for _ in range(2):  # a webmail preview, then the reader
        page = get(link)
        assert page.status == 200
        assert "<h1>Confirmez votre signature</h1>" in page.text
        assert '<form method="post" action="confirmer">' in page.text
        assert '<button type="submit">Je confirme ma signature</button>' in page.text
        assert "set-cookie" not in {k.lower() for k in page.headers}
        assert "<script" not in page.text
    assert stored(service, address).confirmed_at is None
    assert count(service) == before
    done = confirm(link)
    assert done.status == 200 and "Merci, votre signature est confirmée" in done.text
    assert stored(service, address).confirmed_at is not None
    assert count(service) == before + 1
    assert head(link).status == 200 and count(service) == before + 1
    refused = post(service.url + "confirmer", "jeton=" + "A" * 43, origin=None)
    assert refused.status == 404 and "Ce lien de confirmation n’est pas valable." in refused.text


def test_a_stranger_cannot_alter_or_cancel_a_pending_signature(service, inbox, keys):
    """A second signing of a pending address sends one more link and changes nothing: the
    owner's first link still works, the name and postcode stay the owner's."""
    address = unique("pending")
    assert post(service.url + "signer", form(email=address, name="Vraie Personne",
                                             postcode="29200")).status == 200
    first = confirmation_link(inbox.wait_for(address)[0])
    assert post(service.url + "signer", form(email=address, name="Intrus Malveillant",
                                             postcode="75001", newsletter="oui")).status == 200
    second = confirmation_link(inbox.wait_for(address, count=2)[1])
    assert first != second
    row = stored(service, address)
    assert (row.name, row.postcode, row.newsletter, row.confirmed_at) == (
        "Vraie Personne", "29200", False, None)
    assert confirm(first).status == 200  # the owner's link was not killed
    exported = service.cli("exporter").stdout
    assert "Vraie Personne,29200," in exported and "Intrus" not in exported
    used = get(second)  # the other link now says so, and changes nothing
    assert used.status == 200 and "Ce lien a déjà servi" in used.text


# -- 3. no flooding an address ---------------------------------------------------------------

def test_mails_to_one_address_are_capped_per_day(service, inbox):
    address = unique("flood")
    answers = [post(service.url + "signer", form(email=address)) for _ in range(8)]
    assert {a.status for a in answers} == {200} and len({a.text for a in answers}) == 1
    inbox.wait_for(address, count=5)
    time.sleep(1.5)  # more would have arrived by now
    assert len(inbox.to(address)) == 5  # SERVICE_MAILS_PER_ADDRESS, 5 by default
    with service.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(links).where(
            links.c.signature_id == stored(service, address).id)).scalar_one() == 5


# -- 4. one mailbox, one signature -----------------------------------------------------------

@pytest.mark.parametrize("written, mailbox", [
    ("me@example.org", "me@example.org"),
    ("Me@Example.ORG", "me@example.org"),
    ("Me+1@example.org", "me@example.org"),
    ("me+news+2@example.org", "me@example.org"),
    ("m.e@example.org", "m.e@example.org"),           # dots matter outside Gmail
    ("M.E+x@gmail.com", "me@gmail.com"),
    ("m.e@googlemail.com", "me@gmail.com"),
    ("+tag@example.org", "+tag@example.org"),         # no name before the tag: kept
    ("jean-pierre@xn--bcher-kva.example", "jean-pierre@xn--bcher-kva.example"),
])
def test_mailbox_key(written, mailbox):
    assert mailbox_key(written) == mailbox


def test_one_mailbox_counts_once_and_mail_goes_as_typed(service, inbox):
    before = count(service)
    n = time.monotonic_ns()
    written = [f"me{n}@gmail.com", f"Me{n}+1@gmail.com", f"m.e{n}@googlemail.com"]
    for address in written:
        assert post(service.url + "signer", form(email=address)).status == 200
    links_sent = [confirmation_link(inbox.wait_for(address)[0]) for address in written]
    assert [m["To"] for a in written for m in inbox.to(a)] == written  # as typed
    assert confirm(links_sent[0]).status == 200
    for link in links_sent[1:]:  # one signature: its other links say it is confirmed
        assert "Ce lien a déjà servi" in get(link).text
    assert count(service) == before + 1
    with service.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(signatures).where(
            signatures.c.email_key == email_key(service, written[0]))).scalar_one() == 1


# -- 5. retention in every byte --------------------------------------------------------------

def database_bytes(url: str) -> bytes:
    path = Path(url.split(":///", 1)[1])
    return b"".join(p.read_bytes() for p in sorted(path.parent.glob(path.name + "*")))


def test_forgotten_purged_and_given_up_data_is_gone_from_every_database_file(
        keys, campaign_root, tmp_path):
    """SMTP server away: every mail waits in the outbox with its address and link. Then a
    person is forgotten, an unconfirmed signature purged, an undelivered mail given up; the
    database files (main, -wal, -shm) are searched while the service runs."""
    down = Inbox()  # nothing listens on its port
    url = f"sqlite:///{tmp_path / 'service.db'}"
    running = start(url, keys, down.port, campaign_root)
    try:
        people = {}
        for label in ("oublie", "purge", "abandon"):
            address, name = unique(f"Trace{label}"), f"Nomtrace {label.capitalize()}"
            assert post(running.url + "signer", form(email=address, name=name)).status == 200
            people[label] = (address, name)
        with running.engine.connect() as conn:
            bodies = dict(conn.execute(select(outbox.c.recipient, outbox.c.body)).all())
        secrets = {label: (address.encode(), name.encode(),
                           re.search(r"jeton=([\w-]+)", bodies[address]).group(1).encode())
                   for label, (address, name) in people.items()}
        found = database_bytes(url)
        for label in people:  # the search finds what is there
            assert all(value in found for value in secrets[label]), label

        running.cli("oublier", people["oublie"][0])
        with running.engine.begin() as conn:
            conn.execute(update(signatures).where(
                signatures.c.email_key == email_key(running, people["purge"][0]))
                .values(created_at=dt.datetime(2000, 1, 1)))
            conn.execute(update(outbox).where(
                outbox.c.recipient_key == email_key(running, people["abandon"][0]))
                .values(created_at=utc_days_ago(4)))
        purged = running.cli("purger-non-confirmees").stdout
        assert "Signatures non confirmées depuis plus de 10 jours effacées : 1" in purged
        applied = running.cli("appliquer-conservation").stdout
        assert "1 courriels abandonnés" in applied
        assert running.process.poll() is None  # searched while the service runs
        found = database_bytes(url)
        for label in ("oublie", "purge"):
            for value in secrets[label]:
                assert value not in found, (label, value)
        address, name, token = secrets["abandon"]
        assert address not in found and token not in found  # the mail went
        assert name in found  # its signature stays, waiting for confirmation
        assert mails_queued(running, people["abandon"][0]) == 0
        report = running.cli("statistiques").stdout
        assert "Courriels abandonnés (non remis en 3 jours)\u00a0: 1" in report
        with running.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA secure_delete").scalar() == 1
    finally:
        running.stop()
        running.engine.dispose()


def utc_days_ago(days: int) -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(days=days)


def test_outbox_goes_with_its_signature(service, inbox):
    """On both databases: forgetting or purging a signature takes every mail of it along,
    sent or still queued."""
    address = unique("outbox")
    assert post(service.url + "signer", form(email=address)).status == 200
    inbox.wait_for(address)
    assert post(service.url + "signer", form(email=address)).status == 200
    inbox.wait_for(address, count=2)
    assert mails_queued(service, address) == 2
    with service.engine.begin() as conn:
        conn.execute(update(signatures).where(
            signatures.c.email_key == email_key(service, address))
            .values(created_at=dt.datetime(2000, 1, 1)))
    service.cli("purger-non-confirmees")
    assert stored(service, address) is None and mails_queued(service, address) == 0


# -- 6. no personal data in the log, even on a database error --------------------------------

def test_engines_hide_statement_parameters(tmp_path):
    assert make_engine(f"sqlite:///{tmp_path / 'x.db'}").hide_parameters
    assert make_engine("postgresql://u@127.0.0.1:1/x").hide_parameters


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_database_error_during_a_signature_logs_no_personal_data(
        backend, request, keys, inbox, campaign_root, tmp_path_factory):
    """The database refuses to write: a signature and a confirmation each get a 503 page,
    and the log names the error's kind, never a name, postcode, address, token or HMAC."""
    url = database_url(backend, request, tmp_path_factory)
    running = start(url, keys, inbox.port, campaign_root)
    try:
        ports = {str(running.port), str(inbox.port), url.rsplit(":", 1)[-1].split("/")[0]}
        postcode = next(p for p in ("97351", "97352", "97353") if p not in ports)
        waiting = unique("Enattente")
        assert post(running.url + "signer", form(email=waiting, name="Alix Confidentiel",
                                                 postcode=postcode)).status == 200
        link = confirmation_link(inbox.wait_for(waiting)[0])
        token = link.split("jeton=")[1]
        # A real refusal by the database: PostgreSQL's message then quotes the whole row.
        with running.engine.begin() as conn:
            if backend == "sqlite":
                for event in ("INSERT", "UPDATE"):
                    conn.execute(text(f"CREATE TRIGGER refuse_{event} BEFORE {event} ON "
                                      "signatures BEGIN SELECT RAISE(ABORT, 'refused by "
                                      "the test'); END"))
            else:
                conn.execute(text("ALTER TABLE signatures ADD CONSTRAINT refuse "
                                  "CHECK (name = '') NOT VALID"))
        address = unique("Erreurbase")
        answer = post(running.url + "signer", form(email=address, name="Dominique Secret",
                                                   postcode=postcode))
        assert answer.status == 503
        assert REFUSALS["unavailable"] in answer.text
        assert 'value="Dominique Secret"' in answer.text  # what was typed is kept
        pressed = post(running.url + "confirmer", "jeton=" + token, origin=None)
        assert pressed.status == 503
        assert "<h1>Service momentanément indisponible</h1>" in pressed.text
        assert stored(running, waiting).confirmed_at is None
        time.sleep(0.3)
        log = running.log()
        assert "signature: database error (IntegrityError)" in log
        assert "confirmation: database error (IntegrityError)" in log
        assert "POST /signer 503" in log and "POST /confirmer 503" in log
        secret = running.secret.encode()
        for personal in ("Dominique", "Secret", "Alix", "Confidentiel", postcode, address,
                         address.lower(), waiting, token, email_key(running, address),
                         email_key(running, waiting), keyed(secret, "token", token),
                         "Traceback"):
            assert personal not in log, personal
    finally:
        running.stop()
        running.engine.dispose()


# -- 7. CSV exports never run formulas -------------------------------------------------------

def test_safe_cell_neutralises_every_formula_start():
    for start_char in FORMULA_START:
        assert safe_cell(start_char + "1+1") == "'" + start_char + "1+1"
    assert safe_cell("Camille") == "Camille" and safe_cell(35000) == "35000"
    assert csv_text(["=a"], [["-1", "@b", "\tc", "\rd", "+e", "ok"]]) == \
        "'=a\r\n'-1,'@b,'\tc,\"'\rd\",'+e,ok\r\n"


def test_every_csv_export_neutralises_formulas(service, inbox, keys):
    payload = "=cmd|'/ccalc'!a0@example.org"
    address = f"-{time.monotonic_ns()}+news@example.org"  # a valid address starting with -
    assert post(service.url + "signer", form(email=address, name=payload,
                                             newsletter="oui")).status == 200
    confirm(confirmation_link(inbox.wait_for(address)[0]))
    outputs = {
        "exporter": service.cli("exporter").stdout,
        "exporter --courriels": service.cli("exporter", "--courriels", "--cle-privee",
                                            str(keys[0])).stdout,
        "exporter-nouvelles": service.cli("exporter-nouvelles", "--cle-privee",
                                          str(keys[0])).stdout,
    }
    for command, output in outputs.items():
        lines = output.splitlines()
        assert not any(line.startswith(FORMULA_START) or
                       re.search(r",[=+\-@\t\r]", line) for line in lines), command
        assert "'" + payload in output, command
    assert "'" + address in outputs["exporter --courriels"]
    assert "'" + address in outputs["exporter-nouvelles"]


# -- 8. private files whatever the umask -----------------------------------------------------

def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_files_and_folders_are_private_under_umask_022(keys, inbox, campaign_root, tmp_path):
    key_folder = tmp_path / "nouvelles" / "cles"
    result = Service("sqlite:///unused.db", keys[1], inbox.port, umask=0o022).cli(
        "generer-cles", str(key_folder))
    assert result.returncode == 0
    assert {p.name: mode(p) for p in key_folder.iterdir()} == {
        "cle-privee.txt": 0o600, "cle-publique.txt": 0o600}
    assert mode(key_folder) == mode(key_folder.parent) == 0o700

    folder = tmp_path / "base" / "service"  # does not exist yet: the service creates it
    url = f"sqlite:///{folder / 'service.db'}"
    running = Service(url, keys[1], inbox.port, umask=0o022, extra_env={
        "SERVICE_ROOT": str(campaign_root)}).start()
    try:
        address = unique("umask")
        assert post(running.url + "signer", form(email=address, newsletter="oui")).status == 200
        confirm(confirmation_link(inbox.wait_for(address)[0]))
        files = {p.name: mode(p) for p in folder.iterdir()}
        assert files == {"service.db": 0o600, "service.db-wal": 0o600,
                         "service.db-shm": 0o600}
        assert mode(folder) == mode(folder.parent) == 0o700
        exports = tmp_path / "exports" / "jour"
        private = str(keys[0])
        for name, args in {
            "liste.csv": ("exporter", "--courriels", "--cle-privee", private),
            "liste.html": ("exporter", "--format", "html"),
            "nouvelles.csv": ("exporter-nouvelles", "--cle-privee", private),
            "temoignages.jsonl": ("exporter-temoignages",),
            "temoignages.txt": ("dechiffrer-temoignages", "--cle-privee", private),
        }.items():
            running.cli(*args, "--sortie", str(exports / name))
            assert mode(exports / name) == 0o600, name
        assert mode(exports) == mode(exports.parent) == 0o700
        assert sorted(os.listdir(exports)) == ["liste.csv", "liste.html", "nouvelles.csv",
                                               "temoignages.jsonl", "temoignages.txt"]
    finally:
        running.stop()


# -- schema version 2 from a version 1 database ------------------------------------------------

@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_version_1_database_migrates_with_its_pending_links(backend, request,
                                                           tmp_path_factory):
    """A database written by version 1 (token on the signature row) keeps its signatures
    and its pending links work from the links table."""
    from service.migrations import _v1_initial, migrate
    from service.storage import Database, schema_version
    url = database_url(backend, request, tmp_path_factory)
    db = Database.open(url)
    now = utc_days_ago(0)
    with db.engine.begin() as conn:
        schema_version.create(conn)
        _v1_initial(conn)
        conn.execute(schema_version.insert().values(version=1, name="v1", applied_at=now))
        for i, confirmed in ((1, None), (2, now)):
            conn.execute(text(
                "INSERT INTO signatures (id, email_key, email_sealed, name, postcode, "
                "newsletter, origin, created_at, confirmed_at, token_key, token_expires_at) "
                "VALUES (:i, :key, 's', 'Nom', '35000', false, '', :now, :confirmed, :token, "
                ":expires)"), {"i": i, "key": f"key{i}", "now": now, "confirmed": confirmed,
                                "token": f"token{i}", "expires": now + dt.timedelta(days=7)})
        conn.execute(text("INSERT INTO outbox (recipient_key, recipient, subject, body, "
                          "created_at, attempts, next_attempt_at) VALUES ('key1', 'a@b.fr', "
                          "'S', 'B', :now, 0, :now)"), {"now": now})
    assert migrate(db.engine)[0] == 2  # then every later version
    assert db.link_state("token1", now) == "pending"
    assert db.link_state("token2", now) == "unknown"  # confirmed: its token is not needed
    assert db.confirm("token1", now) == "confirmed" and db.count() == 2
    with db.engine.connect() as conn:
        assert conn.execute(select(outbox.c.kind)).scalar_one() == "confirmation"
        actual = conn.exec_driver_sql("SELECT * FROM signatures LIMIT 0").keys()
        assert set(actual) == set(signatures.columns.keys())  # token columns gone
    assert db.forget("key1") == 1 + 1 + 1  # signature, link, mail
    db.close()


def test_mail_cap_setting_is_checked(campaign_root, keys):
    from service.settings import SettingsError, load_settings
    env = {"SERVICE_SECRET": "s" * 40, "SERVICE_PUBLIC_KEY": keys[1],
           "SERVICE_PUBLIC_URL": "https://agir.example.org/", "SERVICE_ROOT": str(campaign_root)}
    assert load_settings(env).mails_per_address == 5
    assert load_settings({**env, "SERVICE_MAILS_PER_ADDRESS": "2"}).mails_per_address == 2
    for value, message in (("cinq", "SERVICE_MAILS_PER_ADDRESS : « cinq » n’est pas un nombre"),
                           ("0", "SERVICE_MAILS_PER_ADDRESS : « 0 » doit être supérieur à 0")):
        with pytest.raises(SettingsError) as refused:
            load_settings({**env, "SERVICE_MAILS_PER_ADDRESS": value})
        assert str(refused.value) == message


def test_forget_finds_a_signature_keyed_before_version_2(service):
    """Version 1 keyed `Me+1@example.org` as `me+1@example.org`: `oublier` still finds it."""
    from service.storage import Database, Letters, Submission
    typed = f"Ancien{time.monotonic_ns()}+1@example.org"
    legacy = keyed(service.secret.encode(), "email", typed.lower())
    now = utc_days_ago(0)
    Database(service.engine).sign(
        Submission(email_key=legacy, email_sealed="s", name="Ancienne Forme",
                   postcode="35000", newsletter=False, origin="", token_key=legacy[::-1],
                   token_expires_at=now), Letters(legacy, typed, ("S", "T"), ("S", "T")), now)
    result = service.cli("oublier", typed)
    assert f"Toutes les données de {typed} sont effacées" in result.stdout
    with service.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(signatures).where(
            signatures.c.email_key == legacy)).scalar_one() == 0
