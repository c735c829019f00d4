"""`make serve`: the portal's preview and the action service, side by side, stopped together.

The service runs on SQLite in var/dev/, prints its mails in this terminal (the confirmation
link can be clicked there), and the portal's forms point at it. Everything it needs (secret,
team key pair) is created in var/dev/ on the first run. Ctrl+C stops both; if one of them
stops, the other is stopped too.

The portal is served by its preview (scripts/preview.py), built by MkDocs or by Zensical
(`--engine`); another command may be given after `--`.

    python -m scripts.serve --portal http://127.0.0.1:8000/ --service-port 8001 \\
        --engine mkdocs
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

from macros.engine.engines import ENGINES, MKDOCS
from scripts.processes import stop

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT / "var" / "dev"
GRACE = 10.0  # seconds a process gets to stop after SIGTERM


def dev_settings(portal: str, service_url: str) -> dict[str, str]:
    """The service's environment for local use, creating the secret and keys once."""
    DEV.mkdir(parents=True, exist_ok=True)
    DEV.chmod(0o700)  # the secret, the keys and the database: the developer's only
    secret_file = DEV / "secret.txt"
    if not secret_file.exists():
        secret_file.write_text(secrets.token_urlsafe(48) + "\n", encoding="utf-8")
        secret_file.chmod(0o600)
    keys = DEV / "cles"
    if not (keys / "cle-publique.txt").exists():
        subprocess.run([sys.executable, "-m", "service", "generer-cles", str(keys)],
                       cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    origin = f"{urlsplit(portal).scheme}://{urlsplit(portal).netloc}"
    return {
        "DATABASE_URL": os.environ.get("DATABASE_URL") or f"sqlite:///{DEV / 'service.db'}",
        "SERVICE_SECRET": secret_file.read_text(encoding="utf-8").strip(),
        "SERVICE_PUBLIC_KEY": (keys / "cle-publique.txt").read_text(encoding="utf-8").strip(),
        "SERVICE_PUBLIC_URL": service_url,
        "SERVICE_PORTAL_URL": portal.rstrip("/") + "/agir/petition.html",
        "SERVICE_ALLOWED_ORIGINS": origin,
        "SERVICE_MAIL": os.environ.get("SERVICE_MAIL", "console"),
        "SERVICE_MAIL_FOLDER": str(DEV / "courriels"),
        "SERVICE_RATE_LIMIT": "1000",
        "SERVICE_TRUSTED_PROXIES": "",  # no proxy in front: the connection names the client
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--portal", default="http://127.0.0.1:8000/",
                        help="address where the portal command serves the site")
    parser.add_argument("--service-port", type=int, default=8001)
    parser.add_argument("--engine", choices=ENGINES, default=MKDOCS,
                        help="the engine that builds the portal's pages")
    parser.add_argument("portal_command", nargs=argparse.REMAINDER,
                        help="another command that serves the portal, after --")
    args = parser.parse_args(argv)
    command = [c for c in args.portal_command if c != "--"] or [
        sys.executable, "-m", "scripts.preview", "--engine", args.engine, "--dev-addr",
        urlsplit(args.portal).netloc]
    host = urlsplit(args.portal).hostname or "127.0.0.1"
    service_url = f"http://{host}:{args.service_port}/"
    env = dict(os.environ, **dev_settings(args.portal, service_url))
    migrate = subprocess.run([sys.executable, "-m", "service", "migrer"], cwd=ROOT, env=env)
    if migrate.returncode:
        return migrate.returncode
    print(f"\n  Portail : {args.portal}\n  Service de signature : {service_url} "
          f"(base SQLite et clés dans var/dev/)\n  Les courriels de confirmation "
          f"s’affichent ici.\n  Ctrl+C arrête les deux.\n", flush=True)
    processes: list[subprocess.Popen] = []
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    stopping = []

    def on_signal(signum, _frame):
        stopping.append(signum)

    for sig in previous:
        signal.signal(sig, on_signal)
    try:
        # Each child in its own process group: Ctrl+C reaches this script only, which then
        # stops both in order instead of racing them.
        processes.append(subprocess.Popen(
            [sys.executable, "-m", "service.server", "--host", host,
             "--port", str(args.service_port)],
            cwd=ROOT, env=env, start_new_session=True))
        processes.append(subprocess.Popen(
            command, cwd=ROOT, env=dict(os.environ, PORTAL_SERVICE_URL=service_url),
            start_new_session=True))
        while not stopping and all(p.poll() is None for p in processes):
            time.sleep(0.2)
    finally:
        stop(processes, GRACE, group=True)  # each child with what it started
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    failed = [p.returncode for p in processes if p.returncode not in (0, -signal.SIGTERM)]
    return 0 if stopping or not failed else failed[0]


if __name__ == "__main__":
    sys.exit(main())
