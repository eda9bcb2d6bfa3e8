"""A writer waits for another's write lock, and answers `busy` only when the wait runs out."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from stress.harness import prepare

from botui.store.db import SQLITE as sqlite3

BOTUI = [sys.executable, "-m", "botui"]


def create_business(path: Path, **env: str) -> tuple[subprocess.CompletedProcess, float]:
    started = time.monotonic()
    done = subprocess.run(
        [*BOTUI, "api", "business.create", "--db", str(path), '{"name": "Waiting Ltd"}'],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
    )
    return done, time.monotonic() - started


def hold_write_lock(path: Path, seconds: float) -> threading.Thread:
    """Another writer keeps the lock for `seconds`, then commits nothing."""
    locked = threading.Event()

    def hold() -> None:
        con = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        con.execute("BEGIN IMMEDIATE")
        locked.set()
        time.sleep(seconds)
        con.execute("ROLLBACK")
        con.close()

    thread = threading.Thread(target=hold)
    thread.start()
    locked.wait()
    return thread


def businesses(path: Path) -> int:
    with sqlite3.connect(path) as con:
        return con.execute("SELECT count(*) FROM business").fetchone()[0]


def test_a_writer_waits_for_the_lock_then_succeeds(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    prepare(path)
    holder = hold_write_lock(path, 2.0)
    done, waited = create_business(path)
    holder.join()
    assert done.returncode == 0, done.stderr
    assert waited >= 1.5
    assert businesses(path) == 2


def test_a_writer_answers_busy_when_the_wait_runs_out(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    prepare(path)
    holder = hold_write_lock(path, 4.0)
    done, waited = create_business(path, BOTUI_BUSY_TIMEOUT_MS="800")
    holder.join()
    error = json.loads(done.stderr)["error"]
    assert done.returncode == 1 and error["code"] == "busy"
    assert "try again" in error["message"] and "database is locked" not in error["message"]
    assert waited < 3.5
    assert businesses(path) == 1
