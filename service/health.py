"""The health check's write probe: /sante answers « ok » only if a signature could be stored.

A read alone said « ok » while every signature failed on a full disk. The probe writes one
row (table `service_health`, always the same row) through the same database path as the
signatures, and, on SQLite, also looks at the free space of the database's folder (a write
of one row can still fit in space the WAL reuses while a batch of signatures no longer does).
The reasons are French: they are read by whoever watches the service.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from sqlalchemy import Column, DateTime, Engine, Integer, Table, bindparam, insert, update

from . import storage

MIN_FREE = 16 * 1024 * 1024   # bytes; or 1 % of a smaller disk
READ_ONLY = "écriture impossible : la base de données est en lecture seule"
DISK_FULL = "écriture impossible : le disque de la base de données est plein"
REFUSED = ("écriture impossible : le système refuse d’écrire les fichiers de la base de "
           "données (fichiers ou disque en lecture seule, ou disque en erreur)")
UNREACHABLE = "écriture impossible : la base de données ne répond pas ou refuse l’écriture"

service_health = Table(
    "service_health", storage.metadata,
    Column("id", Integer, primary_key=True),
    Column("checked_at", DateTime, nullable=False),
)
_TOUCH = (update(service_health).where(service_health.c.id == 1)
          .values(checked_at=bindparam("now")))


def probe_write(engine: Engine, now) -> None:
    """One real write, committed; raises what the database raised."""
    with engine.begin() as conn:
        if conn.execute(_TOUCH, {"now": now}).rowcount == 0:
            conn.execute(insert(service_health).values(id=1, checked_at=now))


def reason(error: BaseException) -> str:
    """Why the write failed, in French, from the error the driver raised (no detail leaks:
    the raw message may name a file or a statement)."""
    original = getattr(error, "orig", None) or error
    code = getattr(original, "sqlstate", None)
    text = str(original).lower()
    number = getattr(original, "errno", None)
    if code == "25006" or "readonly" in text or "read-only" in text or number == errno.EROFS:
        return READ_ONLY
    if code == "53100" or "disk is full" in text or number == errno.ENOSPC:
        return DISK_FULL
    if "disk i/o error" in text or number in (errno.EPERM, errno.EACCES, errno.EIO):
        return REFUSED
    return UNREACHABLE


def sqlite_folder(database_url: str) -> Path | None:
    """The folder of a SQLite database file; None for PostgreSQL or an in-memory base."""
    if not database_url.startswith("sqlite") or ":///" not in database_url:
        return None
    path = database_url.split(":///", 1)[1]
    return None if not path or path == ":memory:" else Path(path).resolve().parent


def space_problem(free: int, total: int) -> str | None:
    """A French reason when the disk is (almost) full, else None."""
    if free < min(MIN_FREE, total // 100):
        return (f"espace disque presque épuisé : il reste {free // 1024} Ko libres sur le "
                f"disque de la base de données")
    return None


def check(engine: Engine, database_url: str, now) -> str | None:
    """None when a signature can be written, else the French reason why not."""
    folder = sqlite_folder(database_url)
    if folder is not None:
        try:
            stats = os.statvfs(folder)
        except OSError as error:
            return reason(error)
        problem = space_problem(stats.f_bavail * stats.f_frsize,
                                stats.f_blocks * stats.f_frsize)
        if problem:
            return problem
    try:
        probe_write(engine, now)
    except Exception as error:  # the driver's error, whatever its class: it is reported
        return reason(error)
    return None
