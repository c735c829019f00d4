"""Per-client rate limit: who the client is, and how many posts it made in the current window.

Who: the address of the connection's peer, unless that peer is one of the trusted proxies
(SERVICE_TRUSTED_PROXIES, empty unless set): then the rightmost X-Forwarded-For entry that
is not itself a trusted proxy. IPv6 clients are grouped by /64 (one subscriber's network:
a host picks any address in it at will).

How many: fixed windows (period = time // window). The client is only ever held as an HMAC
(never in clear, never in a log). In memory (one process, SQLite): an ordered dict with a
hard cap, whose expired entries are evicted a couple per request, so each request costs the
same whatever the number of clients. With PostgreSQL: one atomic upsert per post in the
`rate_limits` table, so every instance behind a load balancer shares the count; old periods
are deleted by the first post of each new period.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable

from sqlalchemy import BigInteger, Column, Engine, Index, Integer, String, Table, bindparam, delete
from sqlalchemy.dialects.postgresql import insert as pg_insert

from . import storage

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
EVICT_PER_REQUEST = 2  # more than the one entry a request may add: the table never lags
MAX_CLIENTS = 200_000  # hard cap of the in-memory table (~50 MB at most)

rate_limits = Table(
    "rate_limits", storage.metadata,
    Column("client_key", String(32), primary_key=True),  # HMAC of the client, truncated
    Column("period", BigInteger, primary_key=True),      # time // window
    Column("hits", Integer, nullable=False),
    Index("ix_rate_limits_period", "period"),
)


def keyed(secret: bytes, purpose: str, value: str) -> str:
    """HMAC-SHA256 of `value` with the service's secret, per purpose, in hex."""
    return hmac.new(secret, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


# -- who the client is --------------------------------------------------------------------

def parse_proxies(text: str) -> tuple[Network, ...]:
    """Addresses or CIDR networks separated by spaces or commas; ValueError names a bad one."""
    networks = []
    for item in text.replace(",", " ").split():
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ValueError(item) from None
    return tuple(networks)


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip()
    try:  # the right class at once: ip_address() tries IPv4 first, raising for IPv6
        ip = ipaddress.IPv6Address(text) if ":" in text else ipaddress.IPv4Address(text)
    except ValueError:
        return None
    if ip.version == 6 and ip.ipv4_mapped:
        return ip.ipv4_mapped
    return ip


def _trusted(ip, proxies: Iterable[Network]) -> bool:
    # Masks compared as integers: `ip in network` costs several times more.
    return ip is not None and any(
        ip.version == net.version
        and int(ip) & int(net.netmask) == int(net.network_address) for net in proxies)


def client_address(peer: str, forwarded: str, proxies: tuple[Network, ...]) -> str:
    """The client's address: the peer, or what the trusted proxies in front of it saw.

    Only a peer in `proxies` is believed. Its X-Forwarded-For is read from the right (each
    proxy appends the address it saw): the first entry that is not a trusted proxy is the
    client. An entry that is not an address stops the walk at the peer (a proxy of ours
    never writes one): the request then counts against the proxy's own address."""
    if not proxies or not forwarded or not _trusted(_ip(peer), proxies):
        return peer
    hops = [hop.strip() for hop in forwarded.split(",")]
    for hop in reversed(hops):
        ip = _ip(hop)
        if ip is None:
            return peer
        if not _trusted(ip, proxies):
            return str(ip)
    return str(_ip(hops[0]))  # every hop is one of ours: the first one sent it


def client_group(address: str) -> str:
    """What the limit counts: an IPv4 address, or the /64 network of an IPv6 one."""
    if ":" not in address:  # IPv4 as the connection or client_address() wrote it
        return address
    ip = _ip(address)
    if ip is None:
        return address
    if ip.version == 6:
        return str(ipaddress.IPv6Network((int(ip) >> 64 << 64, 64)))
    return str(ip)


# -- how many posts -----------------------------------------------------------------------

class MemoryLimit:
    """Counts in this process (SQLite: one process). Constant work per call."""

    def __init__(self, secret: bytes, limit: int, window: int, max_clients: int = MAX_CLIENTS,
                 clock: Callable[[], float] = time.time):
        self.secret, self.limit, self.window = secret, limit, window
        self.max_clients, self.clock = max_clients, clock
        self.hits: OrderedDict[str, tuple[int, int]] = OrderedDict()  # oldest period first

    async def allow(self, client: str) -> bool:
        return self.hit(client)

    def hit(self, client: str) -> bool:
        """Counts one post from `client`; False once it exceeds the limit in its window."""
        period = int(self.clock() // self.window)
        key = keyed(self.secret, "client", client)[:32]
        hits = self.hits
        entry = hits.get(key)
        if entry is None or entry[0] != period:
            if entry is not None:
                del hits[key]  # re-inserted at the end: the order stays by period
            elif len(hits) >= self.max_clients:
                hits.popitem(last=False)  # full: the oldest client is forgotten first
            entry = (period, 0)
        count = entry[1] + 1
        hits[key] = (period, count)
        for _ in range(EVICT_PER_REQUEST):  # a few expired entries go at each call
            oldest = next(iter(hits))
            if hits[oldest][0] == period:
                break
            del hits[oldest]
        return count <= self.limit


# One statement per post: the row for (client, period) is created or incremented atomically,
# and the new count comes back in the same round trip.
_UPSERT = (pg_insert(rate_limits)
           .values(client_key=bindparam("key"), period=bindparam("period"), hits=1))
_UPSERT = _UPSERT.on_conflict_do_update(
    index_elements=[rate_limits.c.client_key, rate_limits.c.period],
    set_={"hits": rate_limits.c.hits + 1}).returning(rate_limits.c.hits)
_FORGET = delete(rate_limits).where(rate_limits.c.period < bindparam("period"))


class DatabaseLimit:
    """Counts in PostgreSQL, shared by every instance of the service on that database."""

    def __init__(self, secret: bytes, limit: int, window: int, engine: Engine,
                 call: Callable[..., Awaitable], clock: Callable[[], float] = time.time):
        self.secret, self.limit, self.window = secret, limit, window
        self.engine, self.call, self.clock = engine, call, clock
        self.cleaned = 0  # the last period whose predecessors this process deleted

    async def allow(self, client: str) -> bool:
        period = int(self.clock() // self.window)
        key = keyed(self.secret, "client", client)[:32]
        return await self.call(self.hit, key, period) <= self.limit

    def hit(self, key: str, period: int) -> int:
        with self.engine.begin() as conn:
            hits = conn.execute(_UPSERT, {"key": key, "period": period}).scalar_one()
            if self.cleaned != period:  # once per period and process: past rows go
                self.cleaned = period
                conn.execute(_FORGET, {"period": period})
        return hits
