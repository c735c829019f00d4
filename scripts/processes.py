"""Stopping child processes: ask, wait, then force. One way for `make serve`, the tests and
the benchmark, so that no server is left running on a port after them."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Iterable


def stop(processes: Iterable[subprocess.Popen], grace: float, *, group: bool = False,
         sig: int = signal.SIGTERM) -> None:
    """Send `sig` (SIGTERM) to each process still running, wait `grace` seconds for them all,
    then SIGKILL those left. `group`: signal the whole process group of children started
    with `start_new_session=True` (what they started themselves stops too)."""
    processes = list(processes)

    def send(process: subprocess.Popen, signum: int) -> None:
        if group:
            with contextlib.suppress(ProcessLookupError):  # the group is already gone
                os.killpg(process.pid, signum)
        else:
            process.send_signal(signum)

    for process in processes:
        if process.poll() is None:
            send(process, sig)
    deadline = time.monotonic() + grace
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            send(process, signal.SIGKILL)
            process.wait()
