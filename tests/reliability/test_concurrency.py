"""Short versions of the stress runs, so every `make test` exercises several processes."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from stress.harness import check, kill_writers, prepare, run_concurrently

from botui.store.db import SQLITE as sqlite3


def test_three_writers_and_two_followers_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    prepare(path)
    report = run_concurrently(path, writers=3, followers=2, seconds=3)
    result = check(path, report, exact=True)
    assert report.crashes == []
    assert result["problems"] == []
    assert result["integrity"] == "ok"
    assert sum(report.acks.values()) > 50
    assert [len(seen) for seen in report.followed] == [result["events"]] * 2


def test_ten_sigkills_lose_nothing_acknowledged(tmp_path: Path) -> None:
    path = tmp_path / "killed.db"
    prepare(path)
    report, kills = kill_writers(path, kills=10, seed=5)
    result = check(path, report, exact=False)
    assert kills == 10 and report.crashes == []
    assert result["problems"] == []
    assert result["integrity"] == "ok"


def test_a_killed_demo_leaves_a_valid_database(tmp_path: Path) -> None:
    path = tmp_path / "demo.db"
    demo = subprocess.Popen(
        [sys.executable, "-m", "botui", "demo", "--db", str(path), "--count", "50000"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(random.Random(1).uniform(1.0, 2.0))
    demo.send_signal(signal.SIGKILL)
    demo.wait()
    with sqlite3.connect(path) as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("SELECT count(*) FROM backorder").fetchone()[0] in (0, 50_000)


def test_the_checks_catch_a_lost_or_half_applied_change(tmp_path: Path) -> None:
    """The checker itself can fail: an unacknowledged ack, a status without its event, stock."""
    path = tmp_path / "tampered.db"
    prepare(path)
    report = run_concurrently(path, writers=1, followers=0, seconds=1)
    assert check(path, report, exact=True)["problems"] == []
    report.acks[("w1", "confirmed", "never-written")] += 1
    report.receipts.add("R-never")
    with sqlite3.connect(path) as con:
        con.execute("UPDATE product SET stock_on_hand = stock_on_hand + 1 WHERE id = 'PRD-A'")
        con.execute(
            "UPDATE backorder SET status = 'cancelled', is_open = 0, allocated_quantity = 0"
            " WHERE id = (SELECT min(id) FROM backorder WHERE status = 'pending')"
        )
    problems = "\n".join(check(path, report, exact=True)["problems"])
    assert "never-written" in problems
    assert "R-never" in problems
    assert "PRD-A: free" in problems
    assert "without a cancelled event" in problems
