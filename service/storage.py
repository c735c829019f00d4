"""The database: SQLAlchemy Core, one code path for SQLite (default, WAL) and PostgreSQL.

Every write that a reader is told about is committed before the answer leaves: a signature
and its confirmation mail are inserted in one transaction (the outbox pattern), so a crash
can lose neither one without the other.
"""

from __future__ import annotations

import datetime as dt
import time
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
    case,
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

from .private_files import private_files, private_folder

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
    # Coalitions (migration 4, service/partners.py): the partner whose form was used, its
    # own news (the name and address sealed to the partner's key, never the team's), and
    # the consent to appear in the list handed to the addressees (service/dossier.py).
    Column("partner", String(40), nullable=False, server_default=""),
    Column("partner_news", Boolean, nullable=False, server_default=false()),
    Column("partner_sealed", Text),
    Column("listed", Boolean, nullable=False, server_default=false()),
    Index("ix_signatures_confirmed_at", "confirmed_at"),
)
# The confirmation links sent for a signature. Signing a pending address again sends a new
# link and keeps the earlier ones valid: whoever typed the address cannot cancel the link
# its owner already holds. They are deleted with the signature.
links = Table(
    "links", metadata,
    Column("id", Integer, primary_key=True),
    Column("signature_id", Integer, nullable=False, index=True),
    Column("token_key", String(64), nullable=False, unique=True),  # HMAC of the link's token
    Column("expires_at", DateTime, nullable=False),
    Column("created_at", DateTime, nullable=False),
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
    # "confirmation" (a link) or "already" (the address has already signed and confirmed)
    Column("kind", String(20), nullable=False, server_default="confirmation"),
    Index("ix_outbox_due", "sent_at", "next_attempt_at"),
    Index("ix_outbox_recipient", "recipient_key", "created_at"),
)
# Counts kept after the rows they count are deleted (no personal data): mails dropped.
counters = Table(
    "counters", metadata,
    Column("name", String(50), primary_key=True),
    Column("value", Integer, nullable=False),
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
TECHNICAL_COLUMNS = {"id"}
# The outbox in the notices' words (the other columns are the mail's state: dates, tries).
OUTBOX_DATA = {
    "recipient": "adresse électronique",
    "body": "lien de confirmation",
}
MAIL_WINDOW = dt.timedelta(days=1)  # the per-address mail cap counts over this window
DROPPED = "mails_dropped"  # counters row: mails given up after the retention's mail_days


def utcnow() -> dt.datetime:
    """Naive UTC: the one form both databases store alike."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def sqlite_path(url: str) -> Path | None:
    """The database file of a SQLite address (None: PostgreSQL, or in memory)."""
    if not url.startswith("sqlite"):
        return None
    path = url.split(":///", 1)[1] if ":///" in url else ""
    return Path(path) if path and path != ":memory:" else None


def make_engine(url: str) -> Engine:
    # hide_parameters: an error's message never quotes the values of a statement (a name,
    # a postcode, an HMAC): SQLAlchemy would otherwise copy them into every traceback.
    if url.startswith(("postgresql://", "postgres://")):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    if url.startswith("sqlite"):
        path = sqlite_path(url)
        if path is not None:
            private_folder(path.parent)
        engine = create_engine(url, connect_args={"timeout": 30}, hide_parameters=True)

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
            # Deleted rows are overwritten with zeros, whatever SQLite was compiled with.
            cursor.execute("PRAGMA secure_delete=ON")
            cursor.close()
            if path is not None:  # whatever the umask the database was created under
                private_files(path, path.with_name(path.name + "-wal"),
                              path.with_name(path.name + "-shm"))

        return engine
    return create_engine(url, pool_size=10, max_overflow=10, pool_pre_ping=True,
                         hide_parameters=True)


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


@dataclass(frozen=True)
class Letters:
    """The mails a signature may send to its address (as typed): its confirmation link, or,
    if the address has already signed and confirmed, a notice saying so."""
    recipient_key: str
    recipient: str
    confirmation: tuple[str, str]  # subject, body
    already: tuple[str, str]


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


@dataclass(frozen=True)
class MailCap:
    """Mails to one address (its key) within MAIL_WINDOW: at most `total`, of which at most
    `already` notices."""
    total: int = 5
    already: int = 1


DEFAULT_CAP = MailCap()


COALITION = ("partner", "partner_news", "partner_sealed", "listed")  # Submission -> columns


# The hot path's statements, built once with bound parameters: SQLAlchemy then compiles each
# once and reuses it (inline `.values(...)` rebuilt a cache key from every value: 3x slower).
_FIND_SIGNERS = (select(signatures.c.id, signatures.c.email_key, signatures.c.confirmed_at)
                 .where(signatures.c.email_key.in_(bindparam("keys", expanding=True))))
_MAILS_SENT = (select(outbox.c.recipient_key, func.count().label("total"),
                      func.sum(case((outbox.c.kind == "already", 1), else_=0)).label("already"))
               .where(outbox.c.recipient_key.in_(bindparam("keys", expanding=True)),
                      outbox.c.created_at >= bindparam("since"))
               .group_by(outbox.c.recipient_key))
_INSERT_SIGNATURE = insert(signatures)
_INSERT_LINK = insert(links)
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


def _chunks(items: list, size: int = 500):
    """Slices under every database's parameter limit."""
    for start in range(0, len(items), size):
        yield items[start:start + size]


class Database:
    def __init__(self, engine: Engine):
        self.engine = engine

    @classmethod
    def open(cls, url: str) -> Database:
        return cls(make_engine(url))

    def close(self) -> None:
        self.engine.dispose()

    def wipe(self) -> None:
        """After a deletion: SQLite's write-ahead log copied into the database (whose freed
        space secure_delete has zeroed) and truncated to nothing, so no earlier version of a
        deleted row stays in any file. Retried while a reader holds the log (busy)."""
        if self.engine.dialect.name != "sqlite":
            return
        for _attempt in range(50):
            with self.engine.connect() as conn:
                busy = conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").first()[0]
            if not busy:
                return
            time.sleep(0.1)

    # -- signatures -------------------------------------------------------------------------

    def sign(self, submission: Submission, letters: Letters, now: dt.datetime,
             cap: MailCap = DEFAULT_CAP) -> str:
        """'new', 'resent' (pending: one more link), 'already' (confirmed: nothing changed,
        at most a notice mailed) or 'capped' (pending, too many mails today: nothing done).
        A pending signature is never changed: name, postcode and earlier links stay."""
        for attempt in range(3):
            try:
                with self.engine.begin() as conn:
                    return self._sign_batch(conn, [(submission, letters, now)], cap)[0]
            except IntegrityError:  # the same address signed at the same instant elsewhere
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def sign_many(self, items: list[tuple[Submission, Letters, dt.datetime]],
                  cap: MailCap = DEFAULT_CAP) -> list[str]:
        """`sign` for many submissions in ONE transaction (group commit): each outcome holds
        once that transaction is committed, and none before. In order, so an address sent
        twice in a batch behaves as if sent twice in a row. A conflict with another writer
        (the same address signed elsewhere at that instant) rolls the batch back; each
        submission is then signed on its own, as `sign` does."""
        try:
            with self.engine.begin() as conn:
                return self._sign_batch(conn, items, cap)
        except IntegrityError:
            return [self.sign(submission, letters, now, cap)
                    for submission, letters, now in items]

    def _sign_batch(self, conn, items, cap: MailCap) -> list[str]:
        keys = list({s.email_key for s, _, _ in items})
        known: dict[str, tuple[int | None, bool]] = {}  # key -> (row id, confirmed)
        sent: dict[str, list[int]] = {}  # key -> [mails, notices] within the window
        since = min(now for _, _, now in items) - MAIL_WINDOW
        for chunk in _chunks(keys):
            for row in conn.execute(_FIND_SIGNERS, {"keys": chunk}):
                known[row.email_key] = (row.id, row.confirmed_at is not None)
            for row in conn.execute(_MAILS_SENT, {"keys": chunk, "since": since}):
                sent[row.recipient_key] = [row.total, row.already or 0]
        new_rows: dict[str, dict] = {}  # key -> values to insert (the first submission wins)
        new_links, mails, outcomes = [], [], []
        for s, letters, now in items:
            row_id, confirmed = known.get(s.email_key, (None, False))
            count = sent.setdefault(s.email_key, [0, 0])
            if confirmed:
                if count[0] < cap.total and count[1] < cap.already:
                    mails.append(_mail(letters, "already", now))
                    count[0], count[1] = count[0] + 1, count[1] + 1
                outcomes.append("already")
                continue
            new = row_id is None and s.email_key not in new_rows
            if new:
                new_rows[s.email_key] = {
                    "email_key": s.email_key, "email_sealed": s.email_sealed, "name": s.name,
                    "postcode": s.postcode, "newsletter": s.newsletter, "origin": s.origin,
                    "created_at": now, **{c: getattr(s, c) for c in COALITION}}
            elif count[0] >= cap.total:
                outcomes.append("capped")
                continue
            new_links.append({"key": s.email_key, "token_key": s.token_key,
                              "expires_at": s.token_expires_at, "created_at": now})
            if count[0] < cap.total:
                mails.append(_mail(letters, "confirmation", now))
                count[0] += 1
            outcomes.append("new" if new else "resent")
        if new_rows:
            conn.execute(_INSERT_SIGNATURE, list(new_rows.values()))
            for chunk in _chunks(list(new_rows)):
                for row in conn.execute(_FIND_SIGNERS, {"keys": chunk}):
                    known[row.email_key] = (row.id, False)
        if new_links:
            conn.execute(_INSERT_LINK, [
                {"signature_id": known[link.pop("key")][0], **link} for link in new_links])
        if mails:
            conn.execute(_INSERT_MAIL, mails)
        return outcomes

    def link_state(self, token_key: str, now: dt.datetime) -> str:
        """What `confirm` would find, changing nothing: 'pending', 'already', 'expired' or
        'unknown'."""
        with self.engine.connect() as conn:
            row = conn.execute(_FIND_LINK, {"token_key": token_key}).first()
        return _state(row, now)

    def confirm(self, token_key: str, now: dt.datetime) -> str:
        """'confirmed', 'already', 'expired' or 'unknown'. The signature's other links stay
        (each then answers 'already'); they go with the signature."""
        with self.engine.begin() as conn:
            row = conn.execute(_FIND_LINK, {"token_key": token_key}).first()
            state = _state(row, now)
            if state != "pending":
                return state
            done = conn.execute(update(signatures)
                                .where(signatures.c.id == row.signature_id,
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

    def pending_counts(self) -> tuple[int, int, int]:
        """(unconfirmed signatures, mails waiting in the outbox, mails dropped undelivered)."""
        with self.engine.connect() as conn:
            unconfirmed = conn.execute(select(func.count()).select_from(signatures)
                                       .where(signatures.c.confirmed_at.is_(None))).scalar_one()
            waiting = conn.execute(select(func.count()).select_from(outbox)
                                   .where(outbox.c.sent_at.is_(None))).scalar_one()
            dropped = conn.execute(select(counters.c.value)
                                   .where(counters.c.name == DROPPED)).scalar()
            return unconfirmed, waiting, dropped or 0

    # -- deletions: each ends with `wipe` ----------------------------------------------------

    def forget(self, email_key: str) -> int:
        """Delete a person's signature, links and mails; the number of rows deleted."""
        with self.engine.begin() as conn:
            gone = _delete_signatures(conn, signatures.c.email_key == email_key)
            mails = conn.execute(delete(outbox).where(outbox.c.recipient_key == email_key))
            gone += mails.rowcount
        self.wipe()
        return gone

    def purge_unconfirmed(self, before: dt.datetime) -> int:
        """Signatures unconfirmed since `before`, with their links and every mail of theirs
        (sent or still queued: the queue never outlives its signature)."""
        with self.engine.begin() as conn:
            stale = (signatures.c.confirmed_at.is_(None), signatures.c.created_at < before)
            conn.execute(delete(outbox).where(outbox.c.recipient_key.in_(
                select(signatures.c.email_key).where(*stale))))
            conn.execute(delete(links).where(links.c.signature_id.in_(
                select(signatures.c.id).where(*stale))))
            gone = conn.execute(delete(signatures).where(*stale)).rowcount
        self.wipe()
        return gone

    def purge_mails(self, undelivered_before: dt.datetime, sent_before: dt.datetime) -> int:
        """Mails still undelivered since `undelivered_before` are given up (deleted and
        counted); what is left of mails sent before `sent_before` (no address, no text) is
        deleted. The number given up."""
        with self.engine.begin() as conn:
            dropped = conn.execute(delete(outbox).where(
                outbox.c.sent_at.is_(None),
                outbox.c.created_at < undelivered_before)).rowcount
            conn.execute(delete(outbox).where(outbox.c.sent_at < sent_before))
            if dropped:
                done = conn.execute(update(counters).where(counters.c.name == DROPPED)
                                    .values(value=counters.c.value + dropped))
                if done.rowcount == 0:
                    conn.execute(insert(counters).values(name=DROPPED, value=dropped))
        self.wipe()
        return dropped

    def purge_testimonies(self, before: dt.datetime) -> int:
        with self.engine.begin() as conn:
            gone = conn.execute(delete(testimonies)
                                .where(testimonies.c.created_at < before)).rowcount
        self.wipe()
        return gone

    def purge_all(self) -> dict[str, int]:
        with self.engine.begin() as conn:
            gone = {table.name: conn.execute(delete(table)).rowcount
                    for table in (signatures, links, outbox, testimonies, counters)}
        self.wipe()
        return gone

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
            gone = conn.execute(delete(testimonies)
                                .where(testimonies.c.reference == reference)).rowcount
        self.wipe()
        return gone

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


_FIND_LINK = (select(links.c.id, links.c.signature_id, links.c.expires_at,
                     signatures.c.confirmed_at)
              .join(signatures, signatures.c.id == links.c.signature_id)
              .where(links.c.token_key == bindparam("token_key")))


def _state(row, now: dt.datetime) -> str:
    if row is None:
        return "unknown"
    if row.confirmed_at is not None:
        return "already"
    return "expired" if row.expires_at < now else "pending"


def _mail(letters: Letters, kind: str, now: dt.datetime) -> dict:
    subject, body = letters.confirmation if kind == "confirmation" else letters.already
    return {"recipient_key": letters.recipient_key, "recipient": letters.recipient,
            "subject": subject, "body": body, "kind": kind, "created_at": now, "attempts": 0,
            "next_attempt_at": now}


def _delete_signatures(conn, condition) -> int:
    """The signatures matching `condition` and their links; the number of rows deleted."""
    ids = select(signatures.c.id).where(condition)
    gone = conn.execute(delete(links).where(links.c.signature_id.in_(ids))).rowcount
    return gone + conn.execute(delete(signatures).where(condition)).rowcount


def current_version(engine: Engine) -> int:
    with engine.connect() as conn:
        if not engine.dialect.has_table(conn, "schema_version"):
            return 0
        return conn.execute(text("SELECT COALESCE(MAX(version), 0) FROM schema_version")
                            ).scalar_one()
