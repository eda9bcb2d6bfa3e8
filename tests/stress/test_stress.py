"""`make stress`: 8 writers and 2 followers for 30 s, 200 SIGKILLs, killed demos, a 10 s lock."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from botui.store.db import SQLITE as sqlite3
from botui.store.db import sqlite_version
from stress.harness import check, fork, kill_writers, prepare, pump_until_closed, run_concurrently

pytestmark = pytest.mark.stress
BOTUI = [sys.executable, "-m", "botui"]


def test_eight_writers_and_two_followers_for_thirty_seconds(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    prepare(path)
    started = time.monotonic()
    report = run_concurrently(path, writers=8, followers=2, seconds=30)
    result = check(path, report, exact=True)
    print(
        f"\nstress: 8 writer processes + 2 followers, {time.monotonic() - started:.1f} s, "
        f"{report.actions:,} actions ({sum(report.acks.values()):,} acknowledged changes, "
        f"{len(report.receipts):,} receipts), {result['events']:,} events, each follower saw "
        f"{[len(seen) for seen in report.followed]}; outcomes {dict(report.outcomes)}"
    )
    assert report.crashes == []
    assert report.outcomes["refused:busy"] == 0
    assert result["problems"] == []
    assert result["integrity"] == "ok"
    assert report.actions > 1000 and result["events"] > 1000


def test_two_hundred_sigkills_lose_nothing_acknowledged(tmp_path: Path) -> None:
    path = tmp_path / "killed.db"
    prepare(path)
    report, kills = kill_writers(path, kills=200, seed=11)
    result = check(path, report, exact=False)
    print(
        f"\ncrash: {kills} SIGKILLs survived; {sum(report.acks.values()):,} acknowledged "
        f"changes and {len(report.receipts):,} receipts all present, {result['events']:,} "
        f"events, integrity {result['integrity']}"
    )
    assert report.crashes == []
    assert result["problems"] == []
    assert result["integrity"] == "ok"


def _checkpointer(fd: int, path: Path, seconds: float) -> None:
    """Checkpoint as often as possible in every mode while the writers commit."""
    con = sqlite3.connect(path, timeout=10)
    modes = ["PASSIVE", "PASSIVE", "FULL", "RESTART", "TRUNCATE"]
    count, deadline = 0, time.monotonic() + seconds
    while time.monotonic() < deadline:
        con.execute(f"PRAGMA wal_checkpoint({random.choice(modes)})").fetchall()
        count += 1
    os.write(fd, (json.dumps(["checkpoints", count]) + "\n").encode())


def test_writers_with_constant_checkpoints_keep_the_file_sound(tmp_path: Path) -> None:
    """The condition of SQLite's WAL-reset bug (fixed in 3.51.3): writers racing checkpoints."""
    path = tmp_path / "checkpointed.db"
    prepare(path)
    checkpointers = [fork(_checkpointer, path, 30.0) for _ in range(2)]
    report = run_concurrently(path, writers=6, followers=1, seconds=30)
    pump_until_closed(checkpointers, timeout=60)
    done = sum(m[1] for c in checkpointers for m in c.messages)
    result = check(path, report, exact=True)
    print(
        f"\ncheckpoints: SQLite {sqlite_version()}: {done:,} checkpoints during "
        f"{report.actions:,} actions, "
        f"{result['events']:,} events, integrity {result['integrity']}"
    )
    assert report.crashes == []
    assert result["problems"] == []
    assert result["integrity"] == "ok"


def _demo(path: Path, count: int) -> subprocess.Popen:
    return subprocess.Popen(
        [*BOTUI, "demo", "--db", str(path), "--count", str(count)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_demo_killed_midway_leaves_a_valid_database(tmp_path: Path) -> None:
    """Kills spread over a whole demo run (timed first), so some land during the commit."""
    count, rnd, outcomes = 50_000, random.Random(3), []
    started = time.monotonic()
    assert _demo(tmp_path / "timed.db", count).wait() == 0
    duration = time.monotonic() - started
    for round_, share in enumerate((0.05, 0.3, 0.6, 0.8, 0.9, 0.95, 1.0, 1.05, 1.3)):
        path = tmp_path / f"demo-{round_}.db"
        demo = _demo(path, count)
        time.sleep((share + rnd.uniform(-0.03, 0.03)) * duration)
        demo.send_signal(signal.SIGKILL)
        demo.wait()
        if not path.exists():
            outcomes.append("no file yet")
            continue
        with sqlite3.connect(path) as con:
            assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            rows = con.execute("SELECT count(*) FROM backorder").fetchone()[0]
        assert rows in (0, count)
        outcomes.append("empty schema" if rows == 0 else "complete")
        refill = subprocess.run(
            [*BOTUI, "demo", "--db", str(path), "--count", "50"], capture_output=True, text=True
        )
        assert refill.returncode == (0 if rows == 0 else 2), refill.stderr
    print(f"\ndemo: a full run takes {duration:.1f} s; killed {len(outcomes)} times: {outcomes}")


def test_a_writer_waits_ten_seconds_then_answers_busy(tmp_path: Path) -> None:
    path = tmp_path / "locked.db"
    prepare(path)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    started = time.monotonic()
    answer = subprocess.run(
        [*BOTUI, "api", "business.create", "--db", str(path), '{"name": "Late Ltd"}'],
        capture_output=True,
        text=True,
        env={k: v for k, v in os.environ.items() if k != "BOTUI_BUSY_TIMEOUT_MS"},
    )
    waited = time.monotonic() - started
    holder.rollback()
    holder.close()
    error = json.loads(answer.stderr)["error"]
    print(f"\nbusy: answered after {waited:.1f} s: {error['message']}")
    assert answer.returncode == 1
    assert error["code"] == "busy" and "try again" in error["message"]
    assert 10 <= waited < 14
    with sqlite3.connect(path) as con:
        assert con.execute("SELECT count(*) FROM business").fetchone()[0] == 1
