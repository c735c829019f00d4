"""The outbox worker: mails queued in the database are sent in batches; a failure leaves
them queued with a growing delay (exponential back-off, capped), so nothing is lost while the
SMTP server is away and each mail goes out once it is back."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import smtplib

from .mailer import Sender, build_message
from .settings import Settings
from .storage import Database, utcnow

log = logging.getLogger("service.outbox")
BATCH = 100
# A claimed batch is skipped by other workers this long; a worker killed mid-batch leaves
# its mails to the others (or to itself, restarted) after it. Longer than a batch takes.
LEASE = dt.timedelta(seconds=60)
BUSY_SHARE = 3.0  # pause after a batch, in batch durations, while signing is busy


def backoff(settings: Settings, attempts: int) -> float:
    """Seconds before the next try after `attempts` failures: base, 2×base, 4×base… capped."""
    return min(settings.retry_max, settings.retry_base * 2 ** max(attempts - 1, 0))


class Outbox:
    def __init__(self, db: Database, settings: Settings):
        self.db, self.settings, self.sender = db, settings, Sender(settings)

    def claim(self) -> list:
        return self.db.claim_mails(utcnow(), BATCH, LEASE)

    def deliver(self, rows: list) -> list[tuple[int, int, str | None]]:
        """Send `rows`; (id, attempts so far, error or None) for each. No database here.
        `self.server_down` tells whether the server itself could not be reached."""
        self.server_down = False
        results: list[tuple[int, int, str | None]] = []
        try:
            with self.sender.session() as send:
                for row in rows:
                    try:
                        send(row.id, row.recipient, build_message(
                            self.settings, row.id, row.recipient, row.subject, row.body))
                    except smtplib.SMTPRecipientsRefused as error:
                        results.append((row.id, row.attempts, _reason(error)))
                        continue
                    results.append((row.id, row.attempts, None))
        except (OSError, smtplib.SMTPException) as error:
            self.server_down = not results
            done = {r[0] for r in results}
            results += [(row.id, row.attempts, _reason(error))
                        for row in rows if row.id not in done]
        return results

    def record(self, results: list[tuple[int, int, str | None]]) -> tuple[int, int]:
        now = utcnow()
        sent = [mail_id for mail_id, _, error in results if error is None]
        failed = [(mail_id, attempts + 1,
                   now + dt.timedelta(seconds=backoff(self.settings, attempts + 1)), error)
                  for mail_id, attempts, error in results if error is not None]
        self.db.mark_results(sent, failed, now)
        if failed:
            log.warning("outbox: %d mail(s) not sent, retried later (%s)", len(failed),
                        failed[0][3])
        return len(sent), len(failed)

    def send_due(self) -> tuple[int, int]:
        """One batch, synchronously (the `envoyer` command)."""
        rows = self.claim()
        return self.record(self.deliver(rows)) if rows else (0, 0)

    def purge(self) -> None:
        """Retention, applied as time passes (the same rules as the purge commands)."""
        from .retention import apply_retention
        apply_retention(self.db, self.settings.campaign.retention, utcnow())


def _reason(error: Exception) -> str:
    """The error's kind and code only: SMTP replies may quote the address."""
    code = getattr(error, "smtp_code", "")
    return f"{type(error).__name__}{f' {code}' if code else ''}"


async def run_worker(outbox: Outbox, db_call, wake: asyncio.Event, stop: asyncio.Event,
                     poll: float = 1.0, purge_every: float = 3600.0,
                     busy=lambda: False) -> None:
    """Send what is due, sleep until woken (a new mail) or `poll` seconds, until `stop`.
    While `busy()` (readers are waiting for their signatures to be committed), each batch is
    followed by a pause of BUSY_SHARE times its duration: mail keeps going out, at a quarter
    of its pace at most, and leaves the CPU to the readers who wait for an answer."""
    loop = asyncio.get_running_loop()
    next_purge = loop.time()
    outages = 0  # consecutive batches the SMTP server could not be reached
    pause = 0.0  # after a batch sent while signing was busy
    while not stop.is_set():
        if outages:  # the server is away: wait for it, however many mails arrive meanwhile
            pause = backoff(outbox.settings, outages)
        if pause:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=pause)
            pause = 0.0
        wake.clear()  # set again by any mail queued from here on
        try:
            if loop.time() >= next_purge:
                await db_call(outbox.purge)
                next_purge = loop.time() + purge_every
            started = loop.time()
            rows = await db_call(outbox.claim)
            if rows:
                results = await asyncio.to_thread(outbox.deliver, rows)
                await db_call(outbox.record, results)
                outages = outages + 1 if outbox.server_down else 0
                if busy():
                    pause = BUSY_SHARE * (loop.time() - started)
                if outages or (len(rows) == BATCH and all(e is None for *_, e in results)):
                    continue
        except Exception as error:  # keep the worker alive; the database may be away
            # The kind only: a database error's message may quote a row (an address).
            log.error("outbox: worker error (%s)", type(error).__name__)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(wake.wait(), timeout=poll)
