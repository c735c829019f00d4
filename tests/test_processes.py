"""Stopping child processes (scripts/processes.py): asked first, forced after the grace
period, and with `group`, what they started themselves too."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from scripts.processes import stop

# Prints "prêt" once its SIGTERM handling is in place, then waits.
OBEYS = "import time; print('prêt', flush=True); time.sleep(120)"
IGNORES = ("import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
           "print('prêt', flush=True); time.sleep(120)")
# Starts a grandchild (which obeys SIGTERM), prints its pid, then waits.
PARENT = ("import subprocess, sys, time; child = subprocess.Popen([sys.executable, '-c', "
          f"{OBEYS!r}], stdout=subprocess.PIPE, text=True); child.stdout.readline(); "
          "print(child.pid, flush=True); time.sleep(120)")


def started(code: str, **options) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True,
                            **options)


def test_a_process_that_obeys_is_terminated():
    process = started(OBEYS)
    assert process.stdout.readline().strip() == "prêt"
    stop([process], 30)
    assert process.returncode == -signal.SIGTERM


def test_a_process_that_ignores_sigterm_is_killed_after_the_grace_period():
    process = started(IGNORES)
    assert process.stdout.readline().strip() == "prêt"
    stop([process], 0.5)
    assert process.returncode == -signal.SIGKILL


def test_a_stopped_process_is_left_alone():
    process = started("pass")
    process.wait(timeout=30)
    stop([process], 1)
    assert process.returncode == 0


def state(pid: int) -> str:
    """A process's state letter; "gone" once reaped (a zombie waits for init: "Z")."""
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return "gone"


def test_a_group_stops_with_what_it_started():
    process = started(PARENT, start_new_session=True)
    grandchild = int(process.stdout.readline())
    try:
        assert state(grandchild) not in ("gone", "Z")
        stop([process], 30, group=True)
        assert process.returncode == -signal.SIGTERM
        deadline = time.monotonic() + 30  # the grandchild got SIGTERM too: it ends soon
        while state(grandchild) not in ("gone", "Z") and time.monotonic() < deadline:
            time.sleep(0.05)
        assert state(grandchild) in ("gone", "Z")
    finally:
        if state(grandchild) not in ("gone", "Z"):
            os.kill(grandchild, signal.SIGKILL)
