"""Per-client rate limit, in memory: the client's address is only ever held as an HMAC
(never in clear, never in the database, never in a log), and forgotten after the window."""

from __future__ import annotations

import hashlib
import hmac
import time


def keyed(secret: bytes, purpose: str, value: str) -> str:
    """HMAC-SHA256 of `value` with the service's secret, per purpose, in hex."""
    return hmac.new(secret, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


class RateLimit:
    def __init__(self, secret: bytes, limit: int, window: float, clock=time.monotonic):
        self.secret, self.limit, self.window, self.clock = secret, limit, window, clock
        self.hits: dict[str, tuple[float, int]] = {}

    def allow(self, client: str) -> bool:
        """Counts one post from `client`; False once it exceeds the limit in its window."""
        now = self.clock()
        if len(self.hits) > 100_000:  # forget every finished window
            self.hits = {k: v for k, v in self.hits.items() if now - v[0] < self.window}
        key = keyed(self.secret, "client", client)
        start, count = self.hits.get(key, (now, 0))
        if now - start >= self.window:
            start, count = now, 0
        self.hits[key] = (start, count + 1)
        return count + 1 <= self.limit
