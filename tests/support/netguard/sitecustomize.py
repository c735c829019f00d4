"""Loaded by the test build (PYTHONPATH): refuse and record any connection that
leaves this machine, so a test can prove the build fetches nothing."""

import os
import socket

_LOG = os.environ.get("PORTAL_NETGUARD_LOG")
_connect = socket.socket.connect


def _guarded_connect(self, address):
    host = address[0] if isinstance(address, tuple) else str(address)
    if self.family in (socket.AF_INET, socket.AF_INET6) and host not in (
            "127.0.0.1", "::1", "localhost"):
        if _LOG:
            with open(_LOG, "a", encoding="utf-8") as log:
                log.write(f"{host}\n")
        raise OSError(f"network access refused during the test build: {host}")
    return _connect(self, address)


socket.socket.connect = _guarded_connect
