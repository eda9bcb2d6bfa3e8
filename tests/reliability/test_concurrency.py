"""Short versions of the stress runs, so every `make test` exercises several processes: on both
engines (`db_path` is a SQLite file or a PostgreSQL database), one winner per race, no unit
allocated twice, no acknowledged change lost, every event seen by the followers in order."""

from __future__ import annotations

import json
import os
import random
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from stress.harness import (
    Target,
    check,
    fork,
    kill_writers,
    prepare,
    pump_until_closed,
    run_concurrently,
)

from botui.domain.errors import BotuiError
from botui.domain.service import Service
from botui.store.db import open_database
from tests.postgres import connect, query

RACERS = 6


def _racer(fd: int, path: Target, ready: int, go: int, action: str, payload: dict) -> None:
    """One process: open the database, say so, wait for the start, try `action`, say how it
    ended."""
    service = Service(open_database(path))
    os.write(ready, b"r")
    os.read(go, 1)  # every racer is connected and waiting: they start together
    try:
        answer = getattr(service, action)(payload)
        outcome = ["ok", answer.to_json()]
    except BotuiError as error:
        outcome = [error.code, error.message]
    os.write(fd, (json.dumps(outcome) + "\n").encode())


def _race(path: Target, action: str, payload: dict) -> list[list]:
    """RACERS processes doing the same `action` at the same moment; their outcomes."""
    go_read, go_write = os.pipe()
    ready_read, ready_write = os.pipe()
    racers = [fork(_racer, path, ready_write, go_read, action, payload) for _ in range(RACERS)]
    ready = b""
    while len(ready) < RACERS:  # each has opened its connection
        assert select.select([ready_read], [], [], 60)[0], "a racer did not open the database"
        ready += os.read(ready_read, RACERS - len(ready))
    os.write(go_write, b"x" * RACERS)
    pump_until_closed(racers, timeout=60)
    for fd in (go_read, go_write, ready_read, ready_write):
        os.close(fd)
    assert all(len(r.messages) == 1 for r in racers), [r.messages for r in racers]
    return [r.messages[0] for r in racers]


def test_each_race_has_one_winner_and_no_unit_is_allocated_twice(db_path: Target) -> None:
    prepare(db_path)
    service = Service(open_database(db_path))
    service.create({"id": "BO-SHIP", "product": "PRD-A", "business": "BIZ-1",
                    "customer": "CUS-1", "quantity": 2, "price": 100})  # fmt: skip
    service.confirm({"id": "BO-SHIP"})
    service.receive_inventory({"product": "PRD-A", "quantity": 5, "receipt": "R-0"})
    service.db.close()
    # Fulfilling one backorder: one shipment, the others see it fulfilled.
    fulfilled = _race(db_path, "fulfill", {"id": "BO-SHIP"})
    assert sorted(code for code, _ in fulfilled) == ["invalid_transition"] * 5 + ["ok"]
    # One receipt id, received by six at once: taken once.
    received = _race(db_path, "receive_inventory", {"product": "PRD-B", "quantity": 1,
                                                    "receipt": "R-1"})  # fmt: skip
    assert sorted(code for code, _ in received) == ["conflict"] * 5 + ["ok"]
    # Three free units of PRD-A, six new backorders of one unit each: three get one.
    created = [
        code
        for code, _ in _race(db_path, "create", {"product": "PRD-A", "business": "BIZ-1",
                                                 "customer": "CUS-1", "quantity": 1, "price": 1})
    ]  # fmt: skip
    assert created == ["ok"] * RACERS
    with connect(db_path) as con:
        [(stock,)] = query(con, "SELECT stock_on_hand FROM product WHERE id = 'PRD-A'")
        allocated = query(
            con,
            "SELECT allocated_quantity, count(*) FROM backorder WHERE product_id = 'PRD-A'"
            " AND id <> 'BO-SHIP' GROUP BY allocated_quantity ORDER BY allocated_quantity",
        )
        [(shipped,)] = query(
            con, "SELECT count(*) FROM event WHERE type = 'fulfilled' AND backorder_id = 'BO-SHIP'"
        )
        [(receipts,)] = query(con, "SELECT count(*) FROM receipt WHERE receipt = 'R-1'")
    assert (stock, allocated) == (0, [(0, 3), (1, 3)])
    assert (shipped, receipts) == (1, 1)


def test_three_writers_and_two_followers_lose_nothing(db_path: Target) -> None:
    prepare(db_path)
    report = run_concurrently(db_path, writers=3, followers=2, seconds=3)
    result = check(db_path, report, exact=True)
    assert report.crashes == []
    assert result["problems"] == []
    assert result["integrity"] == "ok"
    assert sum(report.acks.values()) > 50
    assert [len(seen) for seen in report.followed] == [result["events"]] * 2


def test_ten_sigkills_lose_nothing_acknowledged(db_path: Target) -> None:
    prepare(db_path)
    report, kills = kill_writers(db_path, kills=10, seed=5)
    result = check(db_path, report, exact=False)
    assert kills == 10 and report.crashes == []
    assert result["problems"] == []
    assert result["integrity"] == "ok"


@pytest.mark.sqlite_only  # the bulk load is SQLite's: on PostgreSQL a file is filled, then copied
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
    with connect(path) as con:
        assert query(con, "PRAGMA integrity_check") == [("ok",)]
        assert query(con, "SELECT count(*) FROM backorder")[0][0] in (0, 50_000)


def test_the_checks_catch_a_lost_or_half_applied_change(db_path: Target) -> None:
    """The checker itself can fail: an unacknowledged ack, a status without its event, stock."""
    prepare(db_path)
    report = run_concurrently(db_path, writers=1, followers=0, seconds=1)
    assert check(db_path, report, exact=True)["problems"] == []
    report.acks[("w1", "confirmed", "never-written")] += 1
    report.receipts.add("R-never")
    with connect(db_path) as con:
        query(con, "UPDATE product SET stock_on_hand = stock_on_hand + 1 WHERE id = 'PRD-A'")
        query(
            con,
            "UPDATE backorder SET status = 'cancelled', is_open = 0, allocated_quantity = 0"
            " WHERE id = (SELECT min(id) FROM backorder WHERE status = 'pending')",
        )
    problems = "\n".join(check(db_path, report, exact=True)["problems"])
    assert "never-written" in problems
    assert "R-never" in problems
    assert "PRD-A: free" in problems
    assert "without a cancelled event" in problems
