"""`make serve` (scripts/serve.py): the portal preview and the action service start together,
the petition form points at the service, the mail shows in the terminal, and stopping the
script stops both."""

from __future__ import annotations

import os
import re
import signal
import stat
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

from support.service import confirm, free_port, get, post, wait_for_port
from support.sites import ROOT, build_env, script


def test_serve_starts_portal_and_service_and_stops_both(tmp_path):
    portal_port, service_port = free_port(), free_port()
    portal = f"http://127.0.0.1:{portal_port}/"
    log = Path(tempfile.mkstemp(prefix="serve-", suffix=".log", dir=tmp_path)[1])
    env = build_env(DATABASE_URL=f"sqlite:///{tmp_path / 'dev.db'}")
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*script("serve"), "--portal", portal, "--service-port",
             str(service_port), "--", *script("preview"), "--engine", "mkdocs",
             "--dev-addr", f"127.0.0.1:{portal_port}", "--no-livereload"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, umask=0o022)
    try:
        wait_for_port(service_port, 60)
        wait_for_port(portal_port, 120)
        page = get(portal + "agir/petition.html")
        assert page.status == 200
        service = f"http://127.0.0.1:{service_port}/"
        assert f'action="{service}signer"' in page.text
        assert f'data-count-url="{service}count.json"' in page.text  # the live count
        body = urllib.parse.urlencode({"name": "Nouvelle Venue", "email": "nv@example.org",
                                       "postcode": "13001", "consent": "oui"})
        answer = post(service + "signer", body, origin=portal.rstrip("/"))
        assert answer.status == 200 and "Vérifiez votre messagerie" in answer.text
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and "jeton=" not in log.read_text(errors="replace"):
            time.sleep(0.2)
        link = re.search(r"(http://\S+/confirmer\?jeton=[\w-]+)", log.read_text()).group(1)
        assert "Merci, votre signature est confirmée" in confirm(link).text
        # Created under umask 022, the database is still its owner's only.
        for name in ("dev.db", "dev.db-wal", "dev.db-shm"):
            assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600, name
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
    output = log.read_text(errors="replace")
    assert "Service de signature : " in output
    for port in (portal_port, service_port):
        assert not _listening(port), f"port {port} still served after stopping:\n{output}"


def _listening(port: int) -> bool:
    import socket
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def test_dev_secret_and_keys_are_private():
    """Under umask 022 too (made now, or kept from an earlier run)."""
    dev = ROOT / "var" / "dev"
    subprocess.run([sys.executable, "-c", "import scripts.serve as s; "
                    "s.dev_settings('http://127.0.0.1:1/', 'http://127.0.0.1:2/')"],
                   cwd=ROOT, check=True, umask=0o022)
    for path in (dev / "secret.txt", dev / "cles" / "cle-privee.txt"):
        assert oct(os.stat(path).st_mode & 0o777) == "0o600"
    assert oct(os.stat(dev).st_mode & 0o777) == "0o700"
