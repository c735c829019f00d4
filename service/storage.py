"""The database: SQLAlchemy Core, one code path for SQLite (default, WAL) and PostgreSQL.

Every write that a reader is told about is committed before the answer leaves: a signature
and its confirmation mail are inserted in one transaction (the outbox pattern), so a crash
can lose neither one without the other.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Engine,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    bindparam,
    create_engine,
    delete,
    event,
    false,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.exc import IntegrityError

metadata = MetaData()

# The schema after the last migration (service/migrations.py creates and changes it).
signatures = Table(
    "signatures", metadata,
    Column("id", Integer, primary_key=True),
    Column("email_key", String(64), nullable=False, unique=True),  # HMAC of the address
    Column("email_sealed", Text, nullable=False),                  # the address, sealed
    Column("name", String(400), nullable=False),
    Column("postcode", String(10), nullable=False),
    Column("newsletter", Boolean, nullable=False),
    Column("origin", String(200), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("confirmed_at", DateTime),
    Column("token_key", String(64), unique=True),                  # HMAC of the link's token
    Column("token_expires_at", DateTime),
    # Coalitions (migration 4, service/partners.py): the partner whose form was used, its
    # own news (the name and address sealed to the partner's key, never the team's), and
    # the consent to appear in the list handed to the addressees (service/dossier.py).
    Column("partner", String(40), nullable=False, server_default=""),
    Column("partner_news", Boolean, nullable=False, server_default=false()),
    Column("partner_sealed", Text),
    Column("listed", Boolean, nullable=False, server_default=false()),
    Index("ix_signatures_confirmed_at", "confirmed_at"),
)
outbox = Table(
    "outbox", metadata,
    Column("id", Integer, primary_key=True),
    Column("recipient_key", String(64), nullable=False),  # to forget a person's mails
    Column("recipient", Text, nullable=False),            # emptied once sent
    Column("subject", Text, nullable=False),
    Column("body", Text, nullable=False),                 # emptied once sent
    Column("created_at", DateTime, nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", DateTime, nullable=False),
    Column("locked_until", DateTime),
    Column("sent_at", DateTime),
    Column("last_error", String(200)),
    Index("ix_outbox_due", "sent_at", "next_attempt_at"),
)
testimonies = Table(
    "testimonies", metadata,
    Column("id", Integer, primary_key=True),
    Column("reference", String(16), nullable=False, unique=True),
    Column("sealed", Text, nullable=False),
    Column("origin", String(200), nullable=False),
    Column("created_at", DateTime, nullable=False),
)
schema_version = Table(
    "schema_version", metadata,
    Column("version", Integer, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("applied_at", DateTime, nullable=False),
)

# What each stored column means, in the words of the privacy notices. Technical columns
# (identifiers, the link's token and its expiry) carry nothing about the reader.
SIGNATURE_DATA = {
    "name": "nom et prénom",
    "postcode": "code postal",
    "email_sealed": "adresse électronique",
    "email_key": "empreinte",
    "newsletter": "nouvelles de la campagne",
    "origin": "site",
    "created_at": "date",
    "confirmed_at": "confirmation",
    "partner": "partenaire",
    "partner_news": "nouvelles du partenaire",
    "partner_sealed": "nouvelles du partenaire",
    "listed": "liste remise",
}
TESTIMONY_DATA = {
    "sealed": "témoignage",
    "reference": "référence",
    "origin": "site",
    "created_at": "date",
}
TECHNICAL_COLUMNS = {"id", "token_key", "token_expires_at"}


def utcnow() -> dt.datetime:
    """Naive UTC: the one form both databases store alike."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def make_engine(url: str) -> Engine:
    if url.startswith(("postgresql://", "postgres://")):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    if url.startswith("sqlite"):
        path = url.split(":///", 1)[1] if ":///" in url else ""
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(connection, _record):
            cursor = connection.cursor()
            # WAL: readers never block the writer. FULL: every commit syncs the WAL to disk
            # before it returns, so an acknowledged signature survives a power cut too, not
            # only the process being killed (NORMAL's promise). Group commit (one sync per
            # batch of signatures, service/groupcommit.py) makes that cheap.
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        return engine
    return create_engine(url, pool_size=10, max_overflow=10, pool_pre_ping=True)


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


@dataclass(frozen=True)
class Mail:
    recipient_key: str
    recipient: str
    subject: str
    body: str


@dataclass(frozen=True)
class Submission:
    email_key: str
    email_sealed: str
    name: str
    postcode: str
    newsletter: bool
    origin: str
    token_key: str
    token_expires_at: dt.datetime
    partner: str = ""                 # code of the partner whose form was used
    partner_news: bool = False        # the partner's own news asked for
    partner_sealed: str | None = None  # name and address sealed to the partner's key
    listed: bool = False              # agreed to appear in the list handed over


COALITION = ("partner", "partner_news", "partner_sealed", "listed")  # Submission -> columns
# The hot path's statements, built once with bound parameters: SQLAlchemy then compiles each
# once and reuses it (inline `.values(...)` rebuilt a cache key from every value: 3x slower).
_FIND_SIGNER = (select(signatures.c.id, signatures.c.confirmed_at)
                .where(signatures.c.email_key == bindparam("key")))
_FIND_SIGNERS = (select(signatures.c.id, signatures.c.email_key, signatures.c.confirmed_at)
                 .where(signatures.c.email_key.in_(bindparam("keys", expanding=True))))
_INSERT_SIGNATURE = insert(signatures)
_RENEW_SIGNATURE = (update(signatures).where(signatures.c.id == bindparam("row_id"))
                    .values({c: bindparam(c) for c in ("email_sealed", "name", "postcode",
                                                       "newsletter", "token_key",
                                                       "token_expires_at", *COALITION)}))
_INSERT_MAIL = insert(outbox)
# Due mails, oldest due first: the order of the index on (sent_at, next_attempt_at), so the
# database reads the first `limit` entries and stops. Ordered by id alone, it sorted every
# waiting mail at each claim (10,000 of them once the SMTP server came back), on the thread
# that also commits the signatures.
_DUE = (select(outbox.c.id, outbox.c.recipient, outbox.c.subject, outbox.c.body,
               outbox.c.attempts)
        .where(outbox.c.sent_at.is_(None), outbox.c.next_attempt_at <= bindparam("now"),
               (outbox.c.locked_until.is_(None)) | (outbox.c.locked_until < bindparam("now")))
        .order_by(outbox.c.next_attempt_at, outbox.c.id).limit(bindparam("limit")))
_DUE_FOR_UPDATE = _DUE.with_for_update(skip_locked=True)
_LEASE = (update(outbox).where(outbox.c.id.in_(bindparam("ids", expanding=True)))
          .values(locked_until=bindparam("until")))


class Database:
    def __init__(self, engine: Engine):
        self.engine = engine

    @classmethod
    def open(cls, url: str) -> Database:
        return cls(make_engine(url))

    def close(self) -> None:
        self.engine.dispose()

    # -- signatures -------------------------------------------------------------------------

    def sign(self, submission: Submission, mail: Mail, now: dt.datetime) -> str:
        """'new', 'resent' (unconfirmed: a new link) or 'already' (confirmed: nothing done)."""
        for _attempt in range(3):
            try:
                return self._sign_once(submission, mail, now)
            except IntegrityError:  # the same address signed at the same instant elsewhere
                continue
        raise RuntimeError("signature: repeated conflicts")

    def sign_many(self, items: list[tuple[Submission, Mail, dt.datetime]]) -> list[str]:
        """`sign` for many submissions in ONE transaction (group commit): each outcome holds
        once that transaction is committed, and none before. In order, so an address sent
        twice in a batch behaves as if sent twice in a row. A conflict with another writer
        (the same address signed elsewhere at that instant) rolls the batch back; each
        submission is then signed on its own, as `sign` does."""
        try:
            with self.engine.begin() as conn:
                return self._sign_batch(conn, items)
        except IntegrityError:
            return [self.sign(submission, mail, now) for submission, mail, now in items]

    def _sign_batch(self, conn, items) -> list[str]:
        keys = list({s.email_key for s, _, _ in items})
        known: dict[str, tuple[int | None, bool]] = {}  # key -> (row id, confirmed)
        for start in range(0, len(keys), 500):  # under every database's parameter limit
            for row in conn.execute(_FIND_SIGNERS, {"keys": keys[start:start + 500]}):
                known[row.email_key] = (row.id, row.confirmed_at is not None)
        new_rows: dict[str, dict] = {}  # key -> values to insert (the last submission wins)
        renewals, mails, outcomes = [], [], []
        for s, mail, now in items:
            values = {"email_sealed": s.email_sealed, "name": s.name, "postcode": s.postcode,
                      "newsletter": s.newsletter, "token_key": s.token_key,
                      "token_expires_at": s.token_expires_at,
                      **{c: getattr(s, c) for c in COALITION}}
            row_id, confirmed = known.get(s.email_key, (None, False))
            if confirmed:
                outcomes.append("already")
                continue
            if s.email_key in new_rows:  # inserted earlier in this batch: a new link
                new_rows[s.email_key].update(values)
                outcomes.append("resent")
            elif row_id is None:
                new_rows[s.email_key] = {"email_key": s.email_key, "origin": s.origin,
                                         "created_at": now, **values}
                outcomes.append("new")
            else:
                renewals.append({"row_id": row_id, **values})
                outcomes.append("resent")
            mails.append({"recipient_key": mail.recipient_key, "recipient": mail.recipient,
                          "subject": mail.subject, "body": mail.body, "created_at": now,
                          "attempts": 0, "next_attempt_at": now})
        if new_rows:
            conn.execute(_INSERT_SIGNATURE, list(new_rows.values()))
        for renewal in renewals:
            conn.execute(_RENEW_SIGNATURE, renewal)
        if mails:
            conn.execute(_INSERT_MAIL, mails)
        return outcomes

    def _sign_once(self, s: Submission, mail: Mail, now: dt.datetime) -> str:
        with self.engine.begin() as conn:
            row = conn.execute(_FIND_SIGNER, {"key": s.email_key}).first()
            if row is not None and row.confirmed_at is not None:
                return "already"
            values = {"email_sealed": s.email_sealed, "name": s.name, "postcode": s.postcode,
                      "newsletter": s.newsletter, "token_key": s.token_key,
                      "token_expires_at": s.token_expires_at,
                      **{c: getattr(s, c) for c in COALITION}}
            if row is None:
                conn.execute(_INSERT_SIGNATURE, {"email_key": s.email_key, "origin": s.origin,
                                                 "created_at": now, **values})
            else:
                conn.execute(_RENEW_SIGNATURE, {"row_id": row.id, **values})
            conn.execute(_INSERT_MAIL, {
                "recipient_key": mail.recipient_key, "recipient": mail.recipient,
                "subject": mail.subject, "body": mail.body, "created_at": now, "attempts": 0,
                "next_attempt_at": now})
            return "new" if row is None else "resent"

    def confirm(self, token_key: str, now: dt.datetime) -> str:
        """'confirmed', 'already', 'expired' or 'unknown'."""
        with self.engine.begin() as conn:
            row = conn.execute(select(signatures.c.id, signatures.c.confirmed_at,
                                      signatures.c.token_expires_at)
                               .where(signatures.c.token_key == token_key)).first()
            if row is None:
                return "unknown"
            if row.confirmed_at is not None:
                return "already"
            if row.token_expires_at is None or row.token_expires_at < now:
                return "expired"
            done = conn.execute(update(signatures)
                                .where(signatures.c.id == row.id,
                                       signatures.c.confirmed_at.is_(None))
                                .values(confirmed_at=now))
            return "confirmed" if done.rowcount == 1 else "already"

    def count(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(signatures)
                                .where(signatures.c.confirmed_at.is_not(None))).scalar_one()

    def confirmed(self) -> list:
        with self.engine.connect() as conn:
            return list(conn.execute(
                select(signatures.c.name, signatures.c.postcode, signatures.c.confirmed_at,
                       signatures.c.email_sealed, signatures.c.newsletter, signatures.c.origin)
                .where(signatures.c.confirmed_at.is_not(None))
                .order_by(signatures.c.confirmed_at, signatures.c.id)))

    def all_signatures(self) -> list:
        with self.engine.connect() as conn:
            return list(conn.execute(select(signatures).order_by(signatures.c.id)))

    def stats_rows(self) -> list:
        """(day of confirmation, origin, count) of confirmed signatures."""
        day = func.date(signatures.c.confirmed_at)
        with self.engine.connect() as conn:
            return list(conn.execute(
                select(day.label("day"), signatures.c.origin, func.count().label("n"))
                .where(signatures.c.confirmed_at.is_not(None))
                .group_by(day, signatures.c.origin).order_by(day, signatures.c.origin)))

    def pending_counts(self) -> tuple[int, int]:
        """(unconfirmed signatures, mails waiting in the outbox)."""
        with self.engine.connect() as conn:
            unconfirmed = conn.execute(select(func.count()).select_from(signatures)
                                       .where(signatures.c.confirmed_at.is_(None))).scalar_one()
            waiting = conn.execute(select(func.count()).select_from(outbox)
                                   .where(outbox.c.sent_at.is_(None))).scalar_one()
            return unconfirmed, waiting

    def forget(self, email_key: str) -> int:
        """Delete a person's signature and mails; the number of rows deleted."""
        with self.engine.begin() as conn:
            gone = conn.execute(delete(signatures).where(signatures.c.email_key == email_key))
            mails = conn.execute(delete(outbox).where(outbox.c.recipient_key == email_key))
            return gone.rowcount + mails.rowcount

    def purge_unconfirmed(self, before: dt.datetime) -> int:
        with self.engine.begin() as conn:
            stale = select(signatures.c.email_key).where(
                signatures.c.confirmed_at.is_(None), signatures.c.created_at < before)
            conn.execute(delete(outbox).where(outbox.c.recipient_key.in_(stale),
                                              outbox.c.sent_at.is_not(None)))
            return conn.execute(delete(signatures).where(
                signatures.c.confirmed_at.is_(None),
                signatures.c.created_at < before)).rowcount

    def purge_testimonies(self, before: dt.datetime) -> int:
        with self.engine.begin() as conn:
            return conn.execute(delete(testimonies)
                                .where(testimonies.c.created_at < before)).rowcount

    def purge_all(self) -> dict[str, int]:
        with self.engine.begin() as conn:
            return {table.name: conn.execute(delete(table)).rowcount
                    for table in (signatures, outbox, testimonies)}

    # -- testimonies ------------------------------------------------------------------------

    def add_testimony(self, reference: str, sealed: str, origin: str, now: dt.datetime) -> None:
        with self.engine.begin() as conn:
            conn.execute(insert(testimonies).values(reference=reference, sealed=sealed,
                                                    origin=origin, created_at=now))

    def testimonies(self) -> list:
        with self.engine.connect() as conn:
            return list(conn.execute(select(testimonies).order_by(testimonies.c.id)))

    def forget_testimony(self, reference: str) -> int:
        with self.engine.begin() as conn:
            return conn.execute(delete(testimonies)
                                .where(testimonies.c.reference == reference)).rowcount

    # -- outbox -----------------------------------------------------------------------------

    def claim_mails(self, now: dt.datetime, limit: int, lease: dt.timedelta) -> list:
        """Up to `limit` due mails, leased to this worker (others skip them meanwhile)."""
        with self.engine.begin() as conn:
            due = _DUE_FOR_UPDATE if is_postgres(self.engine) else _DUE
            rows = list(conn.execute(due, {"now": now, "limit": limit}))
            if rows:
                conn.execute(_LEASE, {"ids": [r.id for r in rows], "until": now + lease})
            return rows

    def mark_results(self, sent: list[int], failed: list[tuple[int, int, dt.datetime, str]],
                     now: dt.datetime) -> None:
        """One transaction for a batch: sent mails emptied of address and text; failed ones
        given their next try (id, attempts, when, error kind)."""
        with self.engine.begin() as conn:
            if sent:
                conn.execute(update(outbox).where(outbox.c.id.in_(sent)).values(
                    sent_at=now, locked_until=None, recipient="", body="", last_error=None))
            groups: dict[tuple, list[int]] = {}
            for mail_id, attempts, retry_at, error in failed:
                groups.setdefault((attempts, retry_at, error[:200]), []).append(mail_id)
            for (attempts, retry_at, error), ids in groups.items():
                conn.execute(update(outbox).where(outbox.c.id.in_(ids)).values(
                    attempts=attempts, next_attempt_at=retry_at, locked_until=None,
                    last_error=error))

    def next_due(self) -> dt.datetime | None:
        with self.engine.connect() as conn:
            return conn.execute(select(func.min(outbox.c.next_attempt_at))
                                .where(outbox.c.sent_at.is_(None))).scalar_one()

    def sent_mails(self) -> list:
        with self.engine.connect() as conn:
            return list(conn.execute(select(outbox).order_by(outbox.c.id)))


def current_version(engine: Engine) -> int:
    with engine.connect() as conn:
        if not engine.dialect.has_table(conn, "schema_version"):
            return 0
        return conn.execute(text("SELECT COALESCE(MAX(version), 0) FROM schema_version")
                            ).scalar_one()
