"""Real servers for the action service's tests: the service itself (uvicorn, a subprocess),
an SMTP server (aiosmtpd) and a PostgreSQL cluster (Debian's), all on 127.0.0.1, free ports."""

from __future__ import annotations

import contextlib
import email
import email.policy
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from scripts import processes
from scripts.pgcluster import PostgresCluster as PostgresCluster

from .portal import SITE_URL
from .sites import ROOT

# The portal's own address (its default in mkdocs.yml), whose forms the service accepts.
PORTAL_ORIGIN = SITE_URL.rstrip("/")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port}")


# -- SMTP ---------------------------------------------------------------------------------

class Inbox:
    """What a real aiosmtpd server on loopback received, parsed as a mail client would."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.lock = threading.Lock()
        self.controller = None

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd handler hook
        message = email.message_from_bytes(envelope.original_content,
                                           policy=email.policy.default)
        with self.lock:
            self.messages.append(message)
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 OK"

    def start(self) -> Inbox:
        from aiosmtpd.controller import Controller
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller:
            self.controller.stop()
            self.controller = None

    def wait_for(self, recipient: str, timeout: float = 20.0, count: int = 1) -> list:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.to(recipient)
            if len(found) >= count:
                return found
            time.sleep(0.05)
        raise TimeoutError(f"{count} mail(s) for {recipient} not received in {timeout} s: "
                           f"{[m['To'] for m in self.messages]}")

    def to(self, recipient: str) -> list:
        with self.lock:
            return [m for m in self.messages if m["To"] == recipient]


def confirmation_link(message) -> str:
    return re.search(r"(http://\S+/confirmer\?jeton=[\w-]+)", message.get_content()).group(1)


def confirm(link: str) -> Answer:
    """What a reader does with the link: open it (a page with one button), press the button
    (a plain form POST of the token, as the page's form sends it)."""
    page = get(link)
    assert page.status == 200, page.text
    token = re.search(r'<input type="hidden" name="jeton" value="([\w-]+)">', page.text).group(1)
    action = re.search(r'<form method="post" action="([^"]+)">', page.text).group(1)
    target = urllib.parse.urljoin(link, action)
    return post(target, urllib.parse.urlencode({"jeton": token}), origin=None)


# -- PostgreSQL: scripts/pgcluster.py (the bench starts one too) --------------------------


# -- the service --------------------------------------------------------------------------

def make_keys(folder: Path) -> tuple[Path, str]:
    """A team key pair made by the service's own command: (private key file, public key)."""
    subprocess.run([sys.executable, "-m", "service", "generer-cles", str(folder)],
                   cwd=ROOT, check=True, capture_output=True)
    return folder / "cle-privee.txt", (folder / "cle-publique.txt").read_text().strip()


@dataclass
class Service:
    """The service as deployments start it (`python -m service.server`: uvicorn with its
    forwarded-header handling off), on a free port, in its own process."""
    database_url: str
    public_key: str
    smtp_port: int
    extra_env: dict[str, str] = field(default_factory=dict)
    port: int = field(default_factory=free_port)
    secret: str = field(default_factory=lambda: secrets.token_urlsafe(40))
    process: subprocess.Popen | None = None
    log_path: Path | None = None
    umask: int = -1  # the service process's umask at start (-1: the caller's)
    host: str = "127.0.0.1"   # another loopback address tells a proxy from a client
    wrapper: list[str] = field(default_factory=list)  # e.g. a private mount namespace

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/"

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        for name in ("PORTAL_SITE_URL", "PORTAL_SERVICE_URL", "SERVICE_ALLOWED_ORIGINS"):
            env.pop(name, None)
        env.update({
            "DATABASE_URL": self.database_url, "SERVICE_SECRET": self.secret,
            "SERVICE_PUBLIC_KEY": self.public_key, "SERVICE_PUBLIC_URL": self.url,
            "SERVICE_MAIL": "smtp", "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(self.smtp_port),
            "SERVICE_MAIL_FROM": "petition@portail.test", "SERVICE_RETRY_BASE": "0.2",
            "SERVICE_RETRY_MAX": "1", "SERVICE_RATE_LIMIT": "100000",
        })
        env.update(self.extra_env)
        return env

    def start(self) -> Service:
        self.log_path = self.log_path or Path(tempfile.mkstemp(prefix="service-", suffix=".log")[1])
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [*self.wrapper, sys.executable, "-m", "service.server", "--host", self.host,
             "--port", str(self.port)],
            cwd=ROOT, env=self.env(), stdout=log, stderr=subprocess.STDOUT, umask=self.umask)
        log.close()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the service stopped at start:\n{self.log()}")
            with contextlib.suppress(OSError):
                if urllib.request.urlopen(self.url + "sante", timeout=1).status == 200:
                    return self
            time.sleep(0.1)
        raise TimeoutError(f"the service did not answer:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path else ""

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process:
            processes.stop([self.process], 20, sig=sig)
        self.process = None

    def cli(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run([sys.executable, "-m", "service", *args], cwd=ROOT,
                                env=self.env(), capture_output=True, text=True, timeout=120,
                                umask=self.umask)
        if check and result.returncode != 0:
            raise AssertionError(f"{args}: {result.returncode}\n{result.stdout}{result.stderr}")
        return result


@dataclass
class Answer:
    status: int
    text: str
    headers: dict[str, str]


def post(url: str, body: bytes | str, origin: str | None = PORTAL_ORIGIN,
         headers: dict[str, str] | None = None) -> Answer:
    data = body.encode() if isinstance(body, str) else body
    request = urllib.request.Request(url, data=data, method="POST", headers={
        "Content-Type": "application/x-www-form-urlencoded", **(headers or {})})
    if origin is not None:
        request.add_header("Origin", origin)
    return _send(request)


def get(url: str) -> Answer:
    return _send(urllib.request.Request(url))


def _send(request) -> Answer:
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return Answer(response.status, response.read().decode(), dict(response.headers))
    except urllib.error.HTTPError as error:
        return Answer(error.code, error.read().decode(), dict(error.headers))


def head(url: str) -> Answer:
    return _send(urllib.request.Request(url, method="HEAD"))
