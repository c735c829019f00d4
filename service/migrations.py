"""Versioned schema migrations, applied in order, each once, in one transaction.

A migration is a function of a connection. Never edit one that has shipped: add the next.
Several instances starting together on PostgreSQL wait on an advisory lock, so only one
applies them.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection, Engine, insert, select, text

from . import health, ratelimit, storage

LOCK_ID = 16_016  # PostgreSQL advisory lock taken while migrating (any constant will do)


def _v1_initial(conn: Connection) -> None:
    # Version 1 is the schema as storage.py declares it today; later migrations will
    # ALTER from here and storage.py will follow them.
    for table in (storage.signatures, storage.outbox, storage.testimonies):
        table.create(conn)


def _v3_limits_and_health(conn: Connection) -> None:
    # Version 3 (issue 24, operations): the rate limit's counters shared by every instance
    # (used on PostgreSQL) and the health check's write probe (one row).
    for table in (ratelimit.rate_limits, health.service_health):
        table.create(conn)
    if conn.dialect.name == "postgresql":
        # Counters of a few minutes need no crash safety: no WAL for them (a crash or a
        # failover empties the table, i.e. forgives the current window).
        conn.execute(text("ALTER TABLE rate_limits SET UNLOGGED"))


MIGRATIONS: list[tuple[int, str, Callable[[Connection], None]]] = [
    (1, "signatures, outbox, testimonies", _v1_initial),
    (3, "rate_limits, service_health", _v3_limits_and_health),
]


def migrate(engine: Engine) -> list[int]:
    """Apply the missing migrations; the versions applied."""
    applied = []
    with engine.begin() as conn:
        if storage.is_postgres(engine):
            conn.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": LOCK_ID})
        storage.schema_version.create(conn, checkfirst=True)
        done = set(conn.execute(select(storage.schema_version.c.version)).scalars())
        for version, name, step in MIGRATIONS:
            if version in done:
                continue
            step(conn)
            conn.execute(insert(storage.schema_version).values(
                version=version, name=name, applied_at=storage.utcnow()))
            applied.append(version)
    return applied


LATEST = MIGRATIONS[-1][0]
