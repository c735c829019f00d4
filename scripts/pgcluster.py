"""A throw-away PostgreSQL cluster on loopback, from Debian's `postgresql` package: the
service's tests and the bench's load test start one (`make postgresql` installs it).

Trust authentication, a temporary folder, a free port on 127.0.0.1, no fsync: for tests
and measures only, never for data that matters."""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def postgres_bin() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not found:
        raise RuntimeError("Debian's postgresql is missing: run `make postgresql` "
                           "(make test does)")
    return found[-1].parent


def as_postgres(argv: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: run it as the `postgres` user then."""
    return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else argv


class PostgresCluster:
    """A throw-away cluster in a temporary folder, trust authentication, loopback only."""

    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="pg-test-"))
        self.port = free_port()
        self.bin = postgres_bin()

    def start(self) -> PostgresCluster:
        data, sockets = self.dir / "data", self.dir / "sockets"
        sockets.mkdir()
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres")
            shutil.chown(sockets, "postgres")
        subprocess.run(as_postgres([str(self.bin / "initdb"), "-D", str(data), "-U",
                                    "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"]),
                       check=True, capture_output=True)
        options = (f"-p {self.port} -k {sockets} -c listen_addresses=127.0.0.1 "
                   "-c fsync=off -c max_connections=200")
        subprocess.run(as_postgres([str(self.bin / "pg_ctl"), "-D", str(data), "-o", options,
                                    "-l", str(self.dir / "log"), "-w", "start"]),
                       check=True, capture_output=True)
        return self

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self) -> str:
        name = f"test_{secrets.token_hex(4)}"
        subprocess.run(as_postgres([str(self.bin / "psql"), "-h", "127.0.0.1", "-p",
                                    str(self.port), "-U", "postgres", "-c",
                                    f"CREATE DATABASE {name}"]), check=True, capture_output=True)
        return self.url(name)

    def stop(self) -> None:
        subprocess.run(as_postgres([str(self.bin / "pg_ctl"), "-D", str(self.dir / "data"),
                                    "-m", "fast", "-w", "stop"]), capture_output=True)
        shutil.rmtree(self.dir, ignore_errors=True)
