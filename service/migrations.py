"""Versioned schema migrations, applied in order, each once, in one transaction.

A migration is a function of a connection. Never edit one that has shipped: add the next.
Several instances starting together on PostgreSQL wait on an advisory lock, so only one
applies them.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection, Engine, insert, inspect, select, text

from . import storage

LOCK_ID = 16_016  # PostgreSQL advisory lock taken while migrating (any constant will do)


def _v1_initial(conn: Connection) -> None:
    # Version 1 is the schema as storage.py declares it today; later migrations will
    # ALTER from here and storage.py will follow them.
    for table in (storage.signatures, storage.outbox, storage.testimonies):
        table.create(conn)


def _v4_coalitions(conn: Connection) -> None:
    # Partner attribution, the partner's own opt-in (sealed to its key) and the consent to
    # appear in the addressees' list. Versions 2 and 3 are other changes (numbered apart so
    # that the branches merge); a database created by version 1 of this code already has
    # these columns, so only the missing ones are added.
    present = {c["name"] for c in inspect(conn).get_columns("signatures")}
    kinds = {"partner": "VARCHAR(40) NOT NULL DEFAULT ''",
             "partner_news": "BOOLEAN NOT NULL DEFAULT FALSE",
             "partner_sealed": "TEXT",
             "listed": "BOOLEAN NOT NULL DEFAULT FALSE"}
    for column, kind in kinds.items():
        if column not in present:
            conn.execute(text(f"ALTER TABLE signatures ADD COLUMN {column} {kind}"))
    conn.execute(text("CREATE INDEX IF NOT EXISTS ix_signatures_partner "
                      "ON signatures (partner)"))


MIGRATIONS: list[tuple[int, str, Callable[[Connection], None]]] = [
    (1, "signatures, outbox, testimonies", _v1_initial),
    (4, "partners, their opt-ins, the addressees' list", _v4_coalitions),
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
