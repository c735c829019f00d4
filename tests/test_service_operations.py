"""The action service's operations side, over HTTP against the real process (issue 24):
a rate limit no client can move with a header, shared by every instance on PostgreSQL,
bounded in memory; security headers on every answer; a health check that writes.

Loopback has many addresses: the service listens on 127.0.0.2, a "client" connects from
127.0.0.3 and a "proxy" from 127.0.0.4, so a peer can be told from the proxy in one machine.
"""

from __future__ import annotations

import html
import http.client
import os
import shutil
import subprocess
import time
import urllib.parse
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text

from service import health
from service.forms import REFUSALS
from service.ratelimit import (
    MemoryLimit,
    client_address,
    client_group,
    parse_proxies,
    rate_limits,
)
from service.settings import SettingsError, load_settings
from support.service import PORTAL_ORIGIN, Answer, Service
from support.sites import ROOT

SERVICE_HOST, CLIENT, PROXY = "127.0.0.2", "127.0.0.3", "127.0.0.4"
# Every answer, whatever wrote it, carries these; HTML also carries the CSP.
COMMON = {"x-content-type-options": "nosniff", "referrer-policy": "no-referrer"}
CSP = ("default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; "
       "base-uri 'none'")


def send(url: str, method: str = "GET", body: str = "", source: str | None = None,
         headers: dict[str, str] | None = None) -> Answer:
    """One request from the loopback address `source` (the connection's peer address)."""
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30,
                                            source_address=(source, 0) if source else None)
    head = {"Origin": PORTAL_ORIGIN, **(headers or {})}
    if method == "POST":
        head["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        connection.request(method, parts.path + (f"?{parts.query}" if parts.query else ""),
                           body=body.encode() if body else None, headers=head)
        response = connection.getresponse()
        return Answer(response.status, response.read().decode(),
                      {name.lower(): value for name, value in response.getheaders()})
    finally:
        connection.close()


def refused_form(i: int = 0) -> str:
    """A signature without consent: refused (422) and never stored, but counted."""
    return urllib.parse.urlencode({"name": f"Camille {i}", "email": f"c{i}@example.org",
                                   "postcode": "35000", "website": ""})


def service(url: str, keys, inbox, **env) -> Service:
    return Service(url, keys[1], inbox.port, host=env.pop("host", SERVICE_HOST),
                   extra_env={k: str(v) for k, v in env.items()})


def database(backend: str, request, tmp_path) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'service.db'}"
    return request.getfixturevalue("postgres").create_database()


# -- who the client is: pure rules --------------------------------------------------------

def test_the_client_is_the_peer_unless_the_peer_is_a_listed_proxy():
    proxies = parse_proxies("127.0.0.4, 10.0.0.0/8 ::1")
    assert client_address("127.0.0.3", "198.51.100.7", proxies) == "127.0.0.3"
    assert client_address("127.0.0.3", "198.51.100.7", ()) == "127.0.0.3"
    assert client_address("127.0.0.4", "198.51.100.7", proxies) == "198.51.100.7"
    # The rightmost entry not written by one of ours: what a client prepends is ignored.
    assert client_address("127.0.0.4", "203.0.113.9, 198.51.100.7, 10.1.2.3",
                          proxies) == "198.51.100.7"
    assert client_address("::1", "2001:db8::5", proxies) == "2001:db8::5"
    assert client_address("::ffff:127.0.0.4", "198.51.100.7", proxies) == "198.51.100.7"
    # No header, or one that is no address: the proxy itself is the client.
    assert client_address("127.0.0.4", "", proxies) == "127.0.0.4"
    assert client_address("127.0.0.4", "bonjour", proxies) == "127.0.0.4"
    assert client_address("127.0.0.4", "10.0.0.1, 10.0.0.2", proxies) == "10.0.0.1"


def test_ipv6_clients_are_counted_by_their_64_network():
    assert client_group("2001:db8:1:2:aaaa::1") == client_group("2001:db8:1:2:ffff::9") \
        == "2001:db8:1:2::/64"
    assert client_group("2001:db8:1:3::1") == "2001:db8:1:3::/64"
    assert client_group("198.51.100.7") == "198.51.100.7"
    assert client_group("::ffff:198.51.100.7") == "198.51.100.7"


def test_the_memory_limit_is_bounded_and_forgets_finished_windows_a_little_at_a_time():
    now = [1000.0]
    limit = MemoryLimit(b"k" * 32, limit=2, window=10, max_clients=50, clock=lambda: now[0])
    assert [limit.hit("a") for _ in range(3)] == [True, True, False]
    for i in range(200):  # four times the cap: the table never grows past it
        limit.hit(f"client-{i}")
        assert len(limit.hits) <= 50
    now[0] += 10  # next window: each call adds one entry and removes two expired ones
    assert limit.hit("a") is True and len(limit.hits) == 48  # full: the oldest went first
    sizes = []
    for i in range(60):
        limit.hit(f"new-{i}")
        sizes.append(len(limit.hits))
    # Down by one a call until the finished window is gone, then up by one, to the cap.
    assert sizes == [*range(47, 24, -1), *range(25, 51), *[50] * 11]
    assert all(period == int(now[0] // 10) for period, _ in limit.hits.values())


@pytest.mark.parametrize("env, message", [
    ({"SERVICE_TRUST_PROXY": "1"},
     "SERVICE_TRUST_PROXY n’existe plus : il croyait l’en-tête X-Forwarded-For de n’importe "
     "qui. Retirez-le et donnez l’adresse de votre proxy, par exemple "
     "SERVICE_TRUSTED_PROXIES=127.0.0.1 pour nginx ou Caddy sur la même machine."),
    ({"SERVICE_TRUSTED_PROXIES": "127.0.0.1 nginx"},
     "SERVICE_TRUSTED_PROXIES : « nginx » n’est ni une adresse IP ni un réseau (CIDR) ; "
     "séparez-les par des espaces, par exemple "
     "SERVICE_TRUSTED_PROXIES=\"127.0.0.1 ::1 10.0.0.0/24\""),
])
def test_a_wrong_proxy_setting_is_refused_in_french(keys, env, message):
    base = {"SERVICE_SECRET": "s" * 40, "SERVICE_PUBLIC_KEY": keys[1],
            "SERVICE_PUBLIC_URL": "https://agir.example.org/"}
    with pytest.raises(SettingsError) as refused:
        load_settings({**base, **env})
    assert str(refused.value) == message
    assert load_settings(base).trusted_proxies == ()


# -- the limit over HTTP ------------------------------------------------------------------

@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_forged_forwarded_header_does_not_move_the_limit(backend, request, keys, inbox,
                                                           tmp_path):
    running = service(database(backend, request, tmp_path), keys, inbox,
                      SERVICE_RATE_LIMIT=3, SERVICE_TRUSTED_PROXIES=PROXY).start()
    try:
        url = running.url + "signer"
        # A client that is not the proxy rotates the header: one client all the same.
        statuses = [send(url, "POST", refused_form(i), source=CLIENT,
                         headers={"X-Forwarded-For": f"198.51.100.{i}"}).status
                    for i in range(5)]
        assert statuses == [422, 422, 422, 429, 429]
        answer = send(url, "POST", refused_form(9), source=CLIENT,
                      headers={"X-Forwarded-For": "198.51.100.99"})
        assert answer.status == 429 and REFUSALS["rate"] in answer.text
        # The listed proxy is believed: each address it names is its own client.
        for i in range(5):
            assert send(url, "POST", refused_form(i), source=PROXY,
                        headers={"X-Forwarded-For": f"203.0.113.{i}"}).status == 422
        # ... read from the right: what a client put before the proxy's entry is ignored.
        statuses = [send(url, "POST", refused_form(i), source=PROXY,
                         headers={"X-Forwarded-For": f"192.0.2.{i}, 203.0.113.50"}).status
                    for i in range(4)]
        assert statuses == [422, 422, 422, 429]
        # IPv6 behind the proxy: one /64 is one client.
        statuses = [send(url, "POST", refused_form(i), source=PROXY,
                         headers={"X-Forwarded-For": f"2001:db8:5:6::{i + 1:x}"}).status
                    for i in range(4)]
        assert statuses == [422, 422, 422, 429]
        assert send(url, "POST", refused_form(), source=PROXY,
                    headers={"X-Forwarded-For": "2001:db8:5:7::1"}).status == 422
    finally:
        running.stop()
    log = running.log()
    assert "198.51.100" not in log and "203.0.113" not in log and "2001:db8" not in log


def test_uvicorn_does_not_believe_loopback_either(keys, inbox, tmp_path):
    """uvicorn trusts X-Forwarded-For from 127.0.0.1 by default: the service's launcher
    turns that off, so with no proxy listed the header moves nothing, even from there."""
    running = service(f"sqlite:///{tmp_path / 's.db'}", keys, inbox, host="127.0.0.1",
                      SERVICE_RATE_LIMIT=2).start()
    try:
        statuses = [send(running.url + "signer", "POST", refused_form(i), source="127.0.0.1",
                         headers={"X-Forwarded-For": f"198.51.100.{i}"}).status
                    for i in range(3)]
    finally:
        running.stop()
    assert statuses == [422, 422, 429]
    assert ("En-tête X-Forwarded-For reçu alors que SERVICE_TRUSTED_PROXIES est vide : il est "
            "ignoré.") in running.log()


def test_the_limit_over_ipv6_loopback(keys, inbox, tmp_path):
    if not _ipv6_loopback():
        pytest.skip("no IPv6 on this machine's loopback")
    running = service(f"sqlite:///{tmp_path / 's.db'}", keys, inbox, host="::1",
                      SERVICE_RATE_LIMIT=2, SERVICE_TRUSTED_PROXIES=PROXY)
    running.start()
    try:
        statuses = [send(running.url + "signer", "POST", refused_form(i),
                         source="::1", headers={"X-Forwarded-For": f"2001:db8::{i + 1}"}).status
                    for i in range(3)]
    finally:
        running.stop()
    assert statuses == [422, 422, 429]


def _ipv6_loopback() -> bool:
    import socket
    try:
        with socket.socket(socket.AF_INET6) as sock:
            sock.bind(("::1", 0))
        return True
    except OSError:
        return False


def test_two_instances_on_one_postgresql_share_the_limit(postgres, keys, inbox):
    url = postgres.create_database()
    first = service(url, keys, inbox, SERVICE_RATE_LIMIT=4).start()
    second = service(url, keys, inbox, SERVICE_RATE_LIMIT=4)
    second.secret = first.secret  # instances of one deployment share their settings
    second.start()
    try:
        statuses = [send((first, second)[i % 2].url + "signer", "POST", refused_form(i),
                         source=CLIENT).status for i in range(6)]
        other = send(second.url + "signer", "POST", refused_form(), source=PROXY).status
    finally:
        first.stop()
        second.stop()
    assert statuses == [422, 422, 422, 422, 429, 429]
    assert other == 422  # another client is not held back
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as conn:
        stored = conn.execute(select(rate_limits.c.client_key, rate_limits.c.hits)).all()
        persistence = conn.execute(text("SELECT relpersistence FROM pg_class "
                                        "WHERE relname = 'rate_limits'")).scalar_one()
    engine.dispose()
    assert persistence == "u"  # unlogged: no WAL written for a counter
    # One row per client and window, holding an HMAC, never the address.
    assert sorted(hits for _key, hits in stored) == [1, 6]
    assert all(len(key) == 32 and CLIENT not in key for key, _hits in stored)


# -- headers on every answer --------------------------------------------------------------

def test_every_answer_carries_the_security_headers_and_no_server_name(keys, inbox, tmp_path):
    running = service(f"sqlite:///{tmp_path / 's.db'}", keys, inbox,
                      SERVICE_RATE_LIMIT=1).start()
    base = running.url
    try:
        answers = {
            "home": send(base),
            "form": send(base + "signer"),
            "refused": send(base + "signer", "POST", refused_form()),
            "limited": send(base + "signer", "POST", refused_form()),
            "count": send(base + "count.json"),
            "health": send(base + "sante"),
            "health head": send(base + "sante", "HEAD"),
            "style": send(base + "style.css"),
            "not found": send(base + "nulle-part"),
            "wrong method": send(base + "count.json", "DELETE"),
            "bad token": send(base + "confirmer?jeton=" + "x" * 30),
        }
    finally:
        running.stop()
    expected = {"home": 200, "form": 200, "refused": 422, "limited": 429, "count": 200,
                "health": 200, "health head": 200, "style": 200, "not found": 404,
                "wrong method": 405, "bad token": 404}
    assert {name: a.status for name, a in answers.items()} == expected
    for name, answer in answers.items():
        assert {k: answer.headers.get(k) for k in COMMON} == COMMON, name
        assert "server" not in answer.headers, name
        html = answer.headers["content-type"].startswith("text/html")
        assert answer.headers.get("content-security-policy") == (CSP if html else None), name
    assert answers["not found"].text == "Cette adresse n’existe pas sur le service de signature.\n"
    assert answers["wrong method"].text == "Cette adresse n’accepte pas cette méthode.\n"
    assert answers["count"].headers["access-control-allow-origin"] == "*"


# -- a health check that tells the truth --------------------------------------------------

def test_health_reasons_are_french_and_name_the_cause():
    import errno
    assert health.reason(OSError(errno.ENOSPC, "No space left on device")) == health.DISK_FULL
    assert health.reason(OSError(errno.EROFS, "Read-only file system")) == health.READ_ONLY
    assert health.reason(OSError(errno.EPERM, "Operation not permitted")) == health.REFUSED
    assert health.reason(RuntimeError("connection refused")) == health.UNREACHABLE
    assert health.REFUSED == ("écriture impossible : le système refuse d’écrire les fichiers "
                              "de la base de données (fichiers ou disque en lecture seule, ou "
                              "disque en erreur)")
    assert health.space_problem(10 * 1024, 10 * 1024**3) == (
        "espace disque presque épuisé : il reste 10 Ko libres sur le disque de la base de "
        "données")
    assert health.space_problem(200 * 1024**2, 10 * 1024**3) is None
    assert health.space_problem(100 * 1024, 4 * 1024**2) is None  # 1 % of a tiny disk
    assert health.sqlite_folder("postgresql://h/db") is None
    assert health.sqlite_folder("sqlite:////var/lib/s/service.db") == Path("/var/lib/s")


def _private_mounts() -> bool:
    """A private mount namespace (root: CI and this project's machines) where a small
    tmpfs can be filled or made read-only without touching anything else."""
    if shutil.which("unshare") is None or shutil.which("nsenter") is None:
        return False
    return subprocess.run(["unshare", "--mount", "--propagation", "private", "true"],
                          capture_output=True).returncode == 0


@pytest.fixture
def tmpfs_service(keys, inbox, tmp_path):
    if not _private_mounts():
        pytest.skip("unshare --mount is not permitted here (needs root)")
    folder = tmp_path / "petit-disque"
    folder.mkdir()
    # The service runs in its own mount namespace, on a 4 MiB tmpfs of its own.
    wrapper = ["unshare", "--mount", "--propagation", "private", "sh", "-c",
               f"mount -t tmpfs -o size=4m tmpfs {folder} && exec \"$0\" \"$@\""]
    running = service(f"sqlite:///{folder / 'service.db'}", keys, inbox,
                      SERVICE_RATE_LIMIT=1000)
    running.wrapper = wrapper
    running.start()
    running.folder = folder
    yield running
    running.stop()


def in_namespace(running: Service, *command: str) -> subprocess.CompletedProcess:
    return subprocess.run(["nsenter", "-t", str(running.process.pid), "-m", *command],
                          capture_output=True, text=True, env={**os.environ, "LC_ALL": "C"})


def sign(running: Service, i: int) -> Answer:
    body = urllib.parse.urlencode({"name": f"Camille {i}", "email": f"sante{i}@example.org",
                                   "postcode": "35000", "consent": "oui", "website": ""})
    return send(running.url + "signer", "POST", body)


def test_health_reports_a_full_disk(tmpfs_service):
    assert send(tmpfs_service.url + "sante").text == "ok"
    assert sign(tmpfs_service, 1).status == 200
    filled = in_namespace(tmpfs_service, "dd", "if=/dev/zero",
                          f"of={tmpfs_service.folder / 'remplissage'}", "bs=64k")
    assert "No space left on device" in filled.stderr
    answer = send(tmpfs_service.url + "sante")
    assert answer.status == 503
    assert answer.text == ("erreur : espace disque presque épuisé : il reste 0 Ko libres sur "
                           "le disque de la base de données\n")
    assert answer.headers["x-content-type-options"] == "nosniff"


def test_health_reports_a_read_only_database_over_http(keys, inbox, tmp_path):
    """The database's files made immutable (chattr +i: even root and the descriptors the
    service holds open can no longer write them) while the service runs."""
    if shutil.which("chattr") is None or os.geteuid() != 0:
        pytest.skip("chattr +i needs root (CI and this project's machines run as root)")
    running = service(f"sqlite:///{tmp_path / 'service.db'}", keys, inbox).start()
    files = []
    try:
        assert sign(running, 2).status == 200
        # The database and its WAL (not the -shm index: it is mapped in memory, and a
        # mapped page that cannot be written kills the process outright).
        files = [str(tmp_path / "service.db"), str(tmp_path / "service.db-wal")]
        subprocess.run(["chattr", "+i", *files], check=True)
        answer = send(running.url + "sante")
        assert (answer.status, answer.text) == (503, f"erreur : {health.REFUSED}\n")
        # A signature then fails too, with the same headers as any answer: the form again,
        # what was typed kept, and the French reason (issue 24's signer side).
        failed = sign(running, 3)
        assert failed.status == 503 and failed.headers["x-content-type-options"] == "nosniff"
        assert "server" not in failed.headers
        assert REFUSALS["unavailable"] in html.unescape(failed.text)
        subprocess.run(["chattr", "-i", *files], check=True)
        files = []
        assert send(running.url + "sante").status == 200  # and recovers with the disk
    finally:
        if files:
            subprocess.run(["chattr", "-i", *files])
        running.stop()


def test_health_reports_a_read_only_postgresql_database(postgres, keys, inbox):
    url = postgres.create_database()
    running = service(url, keys, inbox).start()
    name = url.rsplit("/", 1)[1]
    admin = create_engine(postgres.url().replace("postgresql://", "postgresql+psycopg://"),
                          isolation_level="AUTOCOMMIT")
    try:
        assert send(running.url + "sante").status == 200
        with admin.connect() as conn:
            conn.execute(text(f"ALTER DATABASE {name} SET default_transaction_read_only = on"))
            conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                              "WHERE datname = :name"), {"name": name})
        answer = send(running.url + "sante")
        assert (answer.status, answer.text) == (503, f"erreur : {health.READ_ONLY}\n")
        with admin.connect() as conn:
            conn.execute(text(f"ALTER DATABASE {name} RESET default_transaction_read_only"))
            conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                              "WHERE datname = :name"), {"name": name})
        assert send(running.url + "sante").status == 200
    finally:
        running.stop()
        admin.dispose()
    assert "Contrôle de santé : écriture impossible" in running.log()


# -- every shipped launch goes through the one launcher -----------------------------------

def test_every_shipped_launch_uses_the_launcher_that_turns_uvicorns_defaults_off():
    launches = {
        "Makefile": "$(BIN)/python -m service.server --host $(SERVICE_HOST)",
        "scripts/serve.py": '"-m", "service.server"',
        "service/deploy/Containerfile": "python -m service.server --host 0.0.0.0",
        "service/deploy/portail-service.service": "python -m service.server --host 127.0.0.1",
        "bench/service_load.py": '"-m", "service.server"',
        "tests/support/service.py": '"-m", "service.server"',
    }
    for path, launch in launches.items():
        source = (ROOT / path).read_text(encoding="utf-8")
        assert launch in source, path
        assert "service.app:create_app" not in source, path  # never uvicorn by hand
    from service.server import OPTIONS
    assert OPTIONS["proxy_headers"] is False and OPTIONS["server_header"] is False


def test_the_rate_table_keeps_only_the_current_window(postgres, keys, inbox):
    """Old windows go with the first post of a new one (one indexed DELETE a window)."""
    url = postgres.create_database()
    running = service(url, keys, inbox, SERVICE_RATE_WINDOW=1, SERVICE_RATE_LIMIT=100).start()
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        for i in range(3):
            send(running.url + "signer", "POST", refused_form(i), source=CLIENT)
            time.sleep(1.1)
        with engine.connect() as conn:
            periods = conn.execute(select(func.count()).select_from(rate_limits)).scalar_one()
    finally:
        running.stop()
        engine.dispose()
    assert periods == 1
