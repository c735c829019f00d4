"""Retention periods applied to the database: the same rules for the worker (hourly) and for
the organisers' purge commands."""

from __future__ import annotations

import datetime as dt

from .settings import Retention
from .storage import MAIL_WINDOW, Database


def apply_retention(db: Database, retention: Retention, now: dt.datetime) -> dict[str, int]:
    if now.date() > retention.delete_after:
        return db.purge_all()
    return {
        "signatures non confirmées": db.purge_unconfirmed(
            now - dt.timedelta(days=retention.unconfirmed_days)),
        "témoignages": db.purge_testimonies(now - dt.timedelta(days=retention.testimony_days)),
        # undelivered mails given up; what is left of sent ones (no address, no text) kept
        # only while the per-address cap counts them
        "courriels abandonnés": db.purge_mails(
            now - dt.timedelta(days=retention.mail_days), now - MAIL_WINDOW),
    }
