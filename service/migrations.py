"""Versioned schema migrations, applied in order, each once, in one transaction.

A migration is a function of a connection. Never edit one that has shipped: add the next.
Several instances starting together on PostgreSQL wait on an advisory lock, so only one
applies them.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    DateTime,
    Engine,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    insert,
    inspect,
    select,
    text,
)

from . import health, ratelimit, storage

LOCK_ID = 16_016  # PostgreSQL advisory lock taken while migrating (any constant will do)


def _v1_tables() -> list[Table]:
    """The schema as version 1 shipped it, frozen here (storage.py declares the latest)."""
    meta = MetaData()
    return [
        Table("signatures", meta,
              Column("id", Integer, primary_key=True),
              Column("email_key", String(64), nullable=False, unique=True),
              Column("email_sealed", Text, nullable=False),
              Column("name", String(400), nullable=False),
              Column("postcode", String(10), nullable=False),
              Column("newsletter", Boolean, nullable=False),
              Column("origin", String(200), nullable=False),
              Column("created_at", DateTime, nullable=False),
              Column("confirmed_at", DateTime),
              Column("token_key", String(64), unique=True),
              Column("token_expires_at", DateTime),
              Index("ix_signatures_confirmed_at", "confirmed_at")),
        Table("outbox", meta,
              Column("id", Integer, primary_key=True),
              Column("recipient_key", String(64), nullable=False),
              Column("recipient", Text, nullable=False),
              Column("subject", Text, nullable=False),
              Column("body", Text, nullable=False),
              Column("created_at", DateTime, nullable=False),
              Column("attempts", Integer, nullable=False, default=0),
              Column("next_attempt_at", DateTime, nullable=False),
              Column("locked_until", DateTime),
              Column("sent_at", DateTime),
              Column("last_error", String(200)),
              Index("ix_outbox_due", "sent_at", "next_attempt_at")),
        Table("testimonies", meta,
              Column("id", Integer, primary_key=True),
              Column("reference", String(16), nullable=False, unique=True),
              Column("sealed", Text, nullable=False),
              Column("origin", String(200), nullable=False),
              Column("created_at", DateTime, nullable=False)),
    ]


def _v1_initial(conn: Connection) -> None:
    for table in _v1_tables():
        table.create(conn)


_SIGNATURE_COLUMNS = ("id, email_key, email_sealed, name, postcode, newsletter, origin, "
                      "created_at, confirmed_at")


def _v2_links_and_mail_cap(conn: Connection) -> None:
    """Links in their own table (signing a pending address again adds one, never replaces
    the first), the kind of each mail and an index to count an address's mails of the day
    (the cap), counters (mails given up)."""
    storage.links.create(conn)
    storage.counters.create(conn)
    conn.execute(text("INSERT INTO links (signature_id, token_key, expires_at, created_at) "
                      "SELECT id, token_key, token_expires_at, created_at FROM signatures "
                      "WHERE confirmed_at IS NULL AND token_key IS NOT NULL "
                      "AND token_expires_at IS NOT NULL"))
    if storage.is_postgres(conn.engine):
        conn.execute(text("ALTER TABLE signatures DROP COLUMN token_key, "
                          "DROP COLUMN token_expires_at"))
    else:  # SQLite cannot drop a UNIQUE column: the table is rebuilt
        conn.execute(text("ALTER TABLE signatures RENAME TO signatures_v1"))
        conn.execute(text("DROP INDEX ix_signatures_confirmed_at"))
        storage.signatures.create(conn)
        conn.execute(text(f"INSERT INTO signatures ({_SIGNATURE_COLUMNS}) "
                          f"SELECT {_SIGNATURE_COLUMNS} FROM signatures_v1"))
        conn.execute(text("DROP TABLE signatures_v1"))
    conn.execute(text("ALTER TABLE outbox ADD COLUMN kind VARCHAR(20) NOT NULL "
                      "DEFAULT 'confirmation'"))
    conn.execute(text("CREATE INDEX ix_outbox_recipient ON outbox (recipient_key, created_at)"))


def _v3_limits_and_health(conn: Connection) -> None:
    # Version 3 (issue 24, operations): the rate limit's counters shared by every instance
    # (used on PostgreSQL) and the health check's write probe (one row).
    for table in (ratelimit.rate_limits, health.service_health):
        table.create(conn)
    if conn.dialect.name == "postgresql":
        # Counters of a few minutes need no crash safety: no WAL for them (a crash or a
        # failover empties the table, i.e. forgives the current window).
        conn.execute(text("ALTER TABLE rate_limits SET UNLOGGED"))


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
    (2, "links, mail kinds and cap, counters", _v2_links_and_mail_cap),
    (3, "rate_limits, service_health", _v3_limits_and_health),
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
