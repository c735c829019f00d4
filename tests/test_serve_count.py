"""`make serve`: once a signature is confirmed on the local service, the served petition and
home pages say so to a reader without JavaScript (scripts/served_count.py)."""

from __future__ import annotations

import datetime as dt
import re
import signal
import subprocess
import tempfile
import time
import urllib.parse
from pathlib import Path

from common.form_markup import with_count
from scripts.served_count import local_service, refresh
from support.service import confirm, free_port, get, post, wait_for_port
from support.sites import ROOT, build_env, script

LABEL = re.compile(r'<p class="petition-progress__label" id="petition-progress-label">([^<]*)</p>')
BAR = re.compile(r'<progress id="petition-progress-bar" [^>]*value="(\d+)"[^>]*>([^<]*)</progress>')


def shown_count(page: str) -> tuple[str, str, str]:
    """What a reader without JavaScript reads: the label, the bar's value and its text."""
    label, bar = LABEL.search(page), BAR.search(page)
    assert label and bar, "no count in the page"
    return label.group(1), bar.group(1), bar.group(2)


def wait_for_count(url: str, expected: str, timeout: float = 30) -> str:
    deadline = time.monotonic() + timeout
    while True:
        page = get(url).text
        if shown_count(page)[0].startswith(expected) or time.monotonic() > deadline:
            return page
        time.sleep(0.3)


def test_a_confirmed_signature_is_counted_in_the_served_pages_without_javascript(tmp_path):
    portal_port, service_port = free_port(), free_port()
    portal = f"http://127.0.0.1:{portal_port}/"
    service = f"http://127.0.0.1:{service_port}/"
    log = Path(tempfile.mkstemp(prefix="serve-", suffix=".log", dir=tmp_path)[1])
    env = build_env(DATABASE_URL=f"sqlite:///{tmp_path / 'dev.db'}")
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*script("serve"), "--portal", portal, "--service-port", str(service_port), "--",
             *script("preview"), "--engine", "mkdocs", "--dev-addr",
             f"127.0.0.1:{portal_port}", "--no-livereload"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_for_port(service_port, 60)
        wait_for_port(portal_port, 120)
        petition, home = portal + "agir/petition.html", portal + "index.html"
        for url in (petition, home):
            label, value, _ = shown_count(get(url).text)
            assert label.startswith("0 signature sur un objectif de") and value == "0"
        body = urllib.parse.urlencode({"name": "Nouvelle Venue", "email": "nv@example.org",
                                       "postcode": "13001", "consent": "oui"})
        assert post(service + "signer", body, origin=portal.rstrip("/")).status == 200
        time.sleep(3)  # signed, not confirmed: not counted
        assert shown_count(get(petition).text)[0].startswith("0 signature")
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and "jeton=" not in log.read_text(errors="replace"):
            time.sleep(0.2)
        link = re.search(r"(http://\S+/confirmer\?jeton=[\w-]+)", log.read_text()).group(1)
        assert "Merci, votre signature est confirmée" in confirm(link).text
        for url in (petition, home):
            label, value, text = shown_count(wait_for_count(url, "1 signature "))
            assert label.startswith("1 signature sur un objectif de 10\u202f000, au "), label
            assert (value, text) == ("1", "1")
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)


PAGE = ('<html><body><p class="petition-progress__label" id="petition-progress-label">'
        '0 signature sur un objectif de 10\u202f000, au 23 novembre 2026</p>\n'
        '<progress id="petition-progress-bar" max="10000" value="0" '
        'aria-labelledby="petition-progress-label">0</progress></body></html>\n')


def test_count_written_into_a_page_as_publier_compteur_writes_it():
    page = with_count(PAGE, 12345, 10000, dt.date(2026, 12, 1))
    assert shown_count(page) == (
        "12\u202f345 signatures sur un objectif de 10\u202f000, au 1er décembre 2026", "10000",
        "12\u202f345")
    assert with_count("<html><p>rien</p></html>", 1, 10, dt.date(2026, 1, 1)) is None


def test_a_page_being_written_is_left_for_the_next_tick(tmp_path):
    (tmp_path / "agir").mkdir()
    whole, cut = tmp_path / "agir" / "petition.html", tmp_path / "index.html"
    whole.write_text(PAGE, encoding="utf-8")
    cut.write_text(PAGE[:-20], encoding="utf-8")  # a build half-way through writing it
    count = (2, 10000, dt.date(2026, 12, 1))
    assert refresh(tmp_path, ["agir/petition.html", "index.html", "absente.html"], count) == [
        "agir/petition.html"]
    assert shown_count(whole.read_text(encoding="utf-8"))[0].startswith("2 signatures")
    assert cut.read_text(encoding="utf-8") == PAGE[:-20]
    assert refresh(tmp_path, ["agir/petition.html"], count) == []  # already right
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["agir", "index.html",
                                                           "petition.html"]


def test_only_a_service_on_this_machine_is_followed():
    assert local_service("http://127.0.0.1:8001") == "http://127.0.0.1:8001/"
    assert local_service("http://localhost:8001/") == "http://localhost:8001/"
    for url in ("", "https://agir.example.org/", "http://192.0.2.1:8001/"):
        assert local_service(url) is None
