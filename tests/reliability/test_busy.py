"""A writer waits for another's write lock, and answers `busy` only when the wait runs out.

On both engines: SQLite's lock is BEGIN IMMEDIATE on the file, PostgreSQL's is botui's
advisory write lock (store.postgres.WRITE_LOCK), held here by another connection's open
transaction."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from stress.harness import Target, prepare

from botui.domain.errors import BotuiError
from botui.domain.service import Service
from botui.store.db import open_database
from botui.store.engine import is_postgres
from botui.store.postgres import WRITE_LOCK
from tests.postgres import connect, query

BOTUI = [sys.executable, "-m", "botui"]


def create_business(path: Target, **env: str) -> tuple[subprocess.CompletedProcess, float]:
    started = time.monotonic()
    done = subprocess.run(
        [*BOTUI, "api", "business.create", "--db", str(path), '{"name": "Waiting Ltd"}'],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
    )
    return done, time.monotonic() - started


@contextmanager
def write_lock_held(path: Target) -> Iterator[threading.Event]:
    """Another writer takes the write lock and keeps it until the yielded event is set (or the
    block ends), then commits nothing."""
    locked, release = threading.Event(), threading.Event()
    failed: list[BaseException] = []

    def hold() -> None:
        try:
            with connect(path) as con:
                if is_postgres(con):
                    con.execute_sql("BEGIN")
                    query(con, "SELECT pg_advisory_xact_lock(?)", WRITE_LOCK)
                else:
                    con.execute_sql("BEGIN IMMEDIATE")
                locked.set()
                release.wait(30)
                con.execute_sql("ROLLBACK")
        except BaseException as exc:  # noqa: BLE001 - reported below
            failed.append(exc)
            locked.set()

    thread = threading.Thread(target=hold)
    thread.start()
    locked.wait()
    try:
        yield release
    finally:
        release.set()
        thread.join()
    assert failed == []


def release_after(release: threading.Event, seconds: float) -> threading.Timer:
    timer = threading.Timer(seconds, release.set)
    timer.start()
    return timer


def businesses(path: Target) -> int:
    with connect(path) as con:
        return query(con, "SELECT count(*) FROM business")[0][0]


def test_a_writer_waits_for_the_lock_then_succeeds(db_path: Target) -> None:
    prepare(db_path)
    with write_lock_held(db_path) as release:
        release_after(release, 2.0)
        done, waited = create_business(db_path)
    assert done.returncode == 0, done.stderr
    assert waited >= 1.5
    assert businesses(db_path) == 2


def test_a_writer_answers_busy_when_the_wait_runs_out(db_path: Target) -> None:
    prepare(db_path)
    with write_lock_held(db_path):
        done, waited = create_business(db_path, BOTUI_BUSY_TIMEOUT_MS="800")
    error = json.loads(done.stderr)["error"]
    assert done.returncode == 1 and error["code"] == "busy", done.stderr
    assert "try again" in error["message"] and "database is locked" not in error["message"]
    assert waited < 3.5
    assert businesses(db_path) == 1


def test_the_same_service_writes_again_after_a_busy(
    db_path: Target, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A long-lived process (the app) keeps its connection: one `busy` must not break it (on
    PostgreSQL a lock wait that timed out inside BEGIN must be rolled back, or every later
    statement on that connection fails with 'current transaction is aborted')."""
    prepare(db_path)
    monkeypatch.setenv("BOTUI_BUSY_TIMEOUT_MS", "500")
    db = open_database(db_path)
    service = Service(db)
    try:
        with write_lock_held(db_path):
            started = time.monotonic()
            with pytest.raises(BotuiError) as caught:
                service.create_business({"name": "Waiting Ltd"})
            assert time.monotonic() - started < 3.0
        assert caught.value.code == "busy"
        assert "try again" in caught.value.message
        made = service.create_business({"name": "Second Try Ltd"})
        assert made.name == "Second Try Ltd"
    finally:
        db.close()
    assert businesses(db_path) == 2
