"""Group commit: the signatures that arrive while one transaction is being written wait for
the next, and are all written in it. One commit (one WAL sync) then serves a whole batch,
instead of one per reader. Each request awaits its own outcome, which exists only once the
transaction holding its signature and its confirmation mail is committed: the "check your
mail" page is never sent before."""

from __future__ import annotations

import asyncio
import datetime as dt

from .storage import DEFAULT_CAP, Database, Letters, MailCap, Submission

BUSY_WINDOW = 0.1  # seconds after a batch during which signing still counts as busy
BATCH_MAX = 500  # a bound on one transaction's size (and so on the wait of its first entry)


class GroupCommit:
    def __init__(self, db: Database, db_call, cap: MailCap = DEFAULT_CAP):
        self.db, self.db_call, self.cap = db, db_call, cap
        self.waiting: list[tuple[Submission, Letters, dt.datetime, asyncio.Future]] = []
        self.writing = False
        self.last_write = 0.0  # loop time the last batch was committed

    def busy(self) -> bool:
        """Signatures are being written, or were a moment ago: readers are waiting."""
        loop = asyncio.get_running_loop()
        return self.writing or loop.time() - self.last_write < BUSY_WINDOW

    async def sign(self, submission: Submission, letters: Letters, now: dt.datetime) -> str:
        """'new', 'resent', 'already' or 'capped' (see Database.sign), once committed."""
        outcome = asyncio.get_running_loop().create_future()
        self.waiting.append((submission, letters, now, outcome))
        if not self.writing:
            self.writing = True
            asyncio.get_running_loop().create_task(self._write())
        return await outcome

    async def _write(self) -> None:
        try:
            while self.waiting:
                batch = self.waiting[:BATCH_MAX]
                del self.waiting[:BATCH_MAX]
                try:
                    outcomes = await self.db_call(self.db.sign_many,
                                                  [entry[:3] for entry in batch], self.cap)
                except Exception as error:  # nothing committed: every request answers 500
                    for *_, future in batch:
                        if not future.done():
                            future.set_exception(error)
                    continue
                self.last_write = asyncio.get_running_loop().time()
                for (*_, future), outcome in zip(batch, outcomes, strict=True):
                    if not future.done():  # its client may have gone away meanwhile
                        future.set_result(outcome)
        finally:
            self.writing = False
