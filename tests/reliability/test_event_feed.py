"""The event feed: a follower reading "events after the last id seen" never misses one.

PostgreSQL draws sequence values before commit, so without care an event committed late with a
smaller id would be skipped by a follower that already read a larger one. botui takes one write
lock at the start of every write transaction (SQLite's BEGIN IMMEDIATE, PostgreSQL's advisory
lock in store/postgres.py), so ids are drawn in commit order. These tests hold it to that with
many writers at once, and show the lock really holds the next writer back.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from botui.domain.core import ServiceCore
from botui.domain.errors import BotuiError
from botui.domain.service import Service
from botui.store.db import open_database
from tests.conftest import DAY, NOW

WRITERS = 8
FOLLOWERS = 3
ROUNDS = 8


def _shop(service: Service) -> None:
    service.create_business({"id": "BIZ-1", "name": "Northwind"})
    service.create_customer({"id": "CUS-1", "name": "Ada", "email": "ada@example.com"})
    service.create_product({"id": "PRD-S", "sku": "SHARED", "name": "Shared", "stockOnHand": 0})
    for writer in range(WRITERS):
        service.create_product({"id": f"PRD-{writer}", "sku": f"OWN-{writer}", "name": "Own"})


def _steps(service: Service, writer: int, n: int, mine: str) -> list[Callable[[], Any]]:
    """What a writer does to its new backorder next, in this order, each a transaction."""
    return [
        partial(service.confirm, {"id": mine}),
        partial(
            service.update_estimate,
            {"id": mine, "estimatedShipDate": NOW + n * DAY, "reason": f"r{n}"},
        ),
        partial(
            service.notify_customer,
            {"id": mine, "channel": "email", "message": f"w{writer} n{n}"},
        ),
        partial(service.receive_inventory, {"product": "PRD-S", "quantity": 2}),
        service.detect_delays,
        partial(service.cancel, {"id": mine, "reason": "customer asked"}),
    ]


def _writer(service: Service, writer: int, rounds: int, failures: list[Exception]) -> None:
    """A person working fast: every contract action that appends events, on own and shared
    backorders, each its own transaction. A refusal (another writer got there first) is
    normal; a failure (busy, storage_error) is noted and the writer carries on, so a broken
    lock shows as missed events as well."""
    rnd = random.Random(writer)

    def attempt(step: Callable[[], Any]) -> Any:
        try:
            return step()
        except BotuiError as refused:
            if refused.code in ("busy", "storage_error"):
                failures.append(refused)
            return None
        except Exception as exc:  # reported by the test, not lost in a thread
            failures.append(exc)
            return None

    try:
        for n in range(rounds):
            payload = {
                "business": "BIZ-1",
                "customer": "CUS-1",
                "product": rnd.choice(["PRD-S", f"PRD-{writer}"]),
                "price": 100 + n,
                "quantity": rnd.randint(1, 3),
                "estimatedShipDate": NOW - DAY,
            }
            created = attempt(partial(service.create, payload))
            if created is not None:
                steps = _steps(service, writer, n, created.id)
                for step in steps[: rnd.randint(2, len(steps))]:
                    attempt(step)
    finally:
        service.db.close()  # this thread's connection


def _follower(service: Service, done: threading.Event, seen: list[int]) -> None:
    """`events since=<last id seen>` in a tight loop until the writers are done, then once
    more until nothing is left: what a live log does, only faster."""
    try:
        while True:
            finished = done.is_set()  # read before the page: a page read after it is the last
            page = service.events({"since": seen[-1] if seen else 0, "limit": 500}).data
            seen.extend(event.id for event in page)
            if finished and not page:
                return
            if not page:
                time.sleep(0.001)  # a tight loop still; the writers get the CPU now and then
    finally:
        service.db.close()


def run_feed(db_path: Path | str, writers: int, followers: int, rounds: int) -> dict[str, Any]:
    """`writers` threads writing and `followers` threads following one database at once; what
    each follower saw and what the table holds (each thread has its own connection)."""
    db = open_database(db_path)
    try:
        _shop(Service(db))
        db.close()
        failures: list[Exception] = []
        done = threading.Event()
        seen: list[list[int]] = [[] for _ in range(followers)]
        follow = [threading.Thread(target=_follower, args=(Service(db), done, ids)) for ids in seen]
        write = [
            threading.Thread(target=_writer, args=(Service(db), n, rounds, failures))
            for n in range(writers)
        ]
        for thread in follow + write:
            thread.start()
        for thread in write:
            thread.join(120)
        done.set()
        for thread in follow:
            thread.join(120)
        table = [event.id for event in _all_events(Service(db))]
    finally:
        db.close()
    return {"seen": seen, "table": table, "failures": failures}


def _all_events(service: Service) -> list[Any]:
    events: list[Any] = []
    while page := service.events({"since": events[-1].id if events else 0, "limit": 1000}).data:
        events.extend(page)
    return events


def test_every_follower_sees_every_event_once_in_order_with_eight_writers(
    db_path: Path | str, engine: str
) -> None:
    started = time.monotonic()
    result = run_feed(db_path, WRITERS, FOLLOWERS, ROUNDS)
    table = result["table"]
    assert table == sorted(set(table))
    for n, seen in enumerate(result["seen"], start=1):
        missed = sorted(set(table) - set(seen))
        assert missed == [], f"follower {n} missed {len(missed)} events: {missed[:10]}"
        assert seen == table, f"follower {n} saw events twice or out of order"
    assert result["failures"] == []
    assert len(table) > WRITERS * ROUNDS * 3  # a create, then at least two more each round
    print(f"{engine}: {len(table)} events, {time.monotonic() - started:.1f} s")


def test_a_writer_that_drew_an_event_id_holds_the_next_writer_until_it_commits(
    db_path: Path | str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The mechanism itself: while one transaction holds an uncommitted event, another
    writer cannot append (nor draw an id), so no id can become visible before a smaller one."""
    service = Service(open_database(db_path))
    _shop(service)
    first = service.create(
        {"business": "BIZ-1", "customer": "CUS-1", "product": "PRD-0", "price": 1, "quantity": 1}
    ).id
    second = service.create(
        {"business": "BIZ-1", "customer": "CUS-1", "product": "PRD-1", "price": 1, "quantity": 1}
    ).id
    before = service.latest_event_id()
    drawn, release = threading.Event(), threading.Event()
    append = ServiceCore._event

    def slow_event(self: ServiceCore, *args: Any, **data: Any) -> None:
        append(self, *args, **data)
        if threading.current_thread().name == "slow":
            drawn.set()
            release.wait(10)

    monkeypatch.setattr(ServiceCore, "_event", slow_event)
    finished: dict[str, float] = {}

    def confirm(backorder: str, name: str) -> None:
        Service(service.db).confirm({"id": backorder})
        finished[name] = time.monotonic()
        service.db.close()

    slow = threading.Thread(target=confirm, args=(first, "slow"), name="slow")
    slow.start()
    try:
        assert drawn.wait(10)
        fast = threading.Thread(target=confirm, args=(second, "fast"), name="fast")
        fast.start()
        time.sleep(0.5)
        assert "fast" not in finished, "a second writer committed while the first held an event"
        assert service.events({"since": before}).data == []
    finally:
        release.set()
    slow.join(15)
    fast.join(15)
    assert finished["slow"] <= finished["fast"]
    events = service.events({"since": before}).data
    assert [(e.type, e.backorder) for e in events] == [("confirmed", first), ("confirmed", second)]
    assert events[0].id < events[1].id
    service.db.close()


def test_a_write_with_events_wakes_a_waiting_follower_and_one_without_does_not(
    db_path: Path | str, engine: str
) -> None:
    """PostgreSQL's live log waits for NOTIFY (sent by a transaction that appends events,
    delivered at its commit) instead of asking every second; SQLite has no such signal."""
    service = Service(open_database(db_path))
    follower = Service(service.db)
    try:
        _shop(service)
        assert follower.events_wake is (engine == "postgres")
        follower.wait_for_events(0.1)  # the first wait starts listening
        assert not follower.wait_for_events(0.2)
        service.create_business({"id": "BIZ-2", "name": "No events"})
        assert not follower.wait_for_events(0.2)
        with pytest.raises(BotuiError):  # refused: rolled back, nothing to see
            service.confirm({"id": "BO-404"})
        assert not follower.wait_for_events(0.2)

        def later() -> None:
            time.sleep(0.2)
            payload = {"business": "BIZ-1", "customer": "CUS-1", "product": "PRD-0"}
            Service(service.db).create(payload | {"price": 1, "quantity": 1})
            service.db.close()

        writer = threading.Thread(target=later)
        writer.start()
        started = time.monotonic()
        woke = follower.wait_for_events(3 if engine == "postgres" else 1)
        waited = time.monotonic() - started
        writer.join()
        if engine == "postgres":
            assert woke and waited < 1.5
        else:
            assert not woke and waited >= 1
    finally:
        follower.stop_waiting()
        service.db.close()


def test_a_lost_listening_connection_is_made_again_quietly(
    db_path: Path | str, engine: str
) -> None:
    if engine != "postgres":
        pytest.skip("SQLite has no listening connection")
    import psycopg

    service = Service(open_database(db_path))
    follower = Service(service.db)
    try:
        _shop(service)
        follower.wait_for_events(0.1)  # listening now
        with psycopg.connect(str(db_path), autocommit=True) as admin:
            killed = admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND query LIKE 'LISTEN %'"
            ).fetchall()
        assert killed == [(True,)]
        assert not follower.wait_for_events(0.2)  # no error reaches the caller
        assert follower.wait_for_events(0.2)  # listening again: news may have been missed
        payload = {"business": "BIZ-1", "customer": "CUS-1", "product": "PRD-0"}
        service.create(payload | {"price": 1, "quantity": 1})
        assert follower.wait_for_events(2)
    finally:
        follower.stop_waiting()
        service.db.close()
