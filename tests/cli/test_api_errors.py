"""Every error code of `botui api`: exit 2 or 1, one JSON line on stderr, nothing changed."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from .runner import (
    BOTUI,
    NOW,
    Target,
    api,
    botui,
    connect,
    dump,
    env,
    query,
    shop_fixtures,
    write_lock,
)


def build(path: Target) -> None:
    """A shop with confirmed BO-1 (5 units, 2 allocated, no free stock) and pending BO-2."""
    steps = [
        ("business.create", {"id": "BIZ-1", "name": "Northwind"}),
        ("customer.create", {"id": "CUS-1", "name": "Ada"}),
        ("product.create", {"id": "PRD-1", "sku": "TENT", "name": "Tent"}),
        ("create", {"id": "BO-1", "product": "PRD-1", "business": "BIZ-1", "customer": "CUS-1",
                    "quantity": 5, "price": 100}),
        ("create", {"id": "BO-2", "product": "PRD-1", "business": "BIZ-1", "customer": "CUS-1",
                    "quantity": 1, "price": 100}),
        ("confirm", {"id": "BO-1"}),
        ("receiveInventory", {"product": "PRD-1", "quantity": 2, "receipt": "R-1"}),
    ]  # fmt: skip
    for action, payload in steps:
        assert api(path, action, payload).status == 0


template, db = shop_fixtures(build)


REFUSALS = [
    ("create", {"product": "PRD-1"}, "validation_error", "business"),
    ("create", '{"product": "PRD-1", "business": "BIZ-1", "customer": "CUS-1", "quantity": "3",'
               ' "price": 1}', "validation_error", "quantity"),
    ("update", {"id": "BO-1", "colour": "red"}, "validation_error", "colour"),
    ("update", {"id": "BO-1", "price": 1}, "validation_error", "price"),
    ("get", {"id": "NOPE"}, "not_found", "id"),
    ("create", {"product": "NOPE", "business": "BIZ-1", "customer": "CUS-1", "quantity": 1,
                "price": 1}, "not_found", "product"),
    ("confirm", {"id": "BO-1"}, "invalid_transition", "status"),
    ("fulfill", {"id": "BO-2"}, "invalid_transition", "status"),
    ("update", {"id": "BO-1", "status": "fulfilled"}, "invalid_transition", "status"),
    ("update", {"id": "BO-1", "version": 1, "quantity": 9}, "conflict", "version"),
    ("business.create", {"id": "BIZ-1", "name": "Again"}, "conflict", "id"),
    ("receiveInventory", {"product": "PRD-1", "quantity": 1, "receipt": "R-1"}, "conflict",
     "receipt"),
    ("fulfill", {"id": "BO-1"}, "insufficient_stock", "quantity"),
    ("explode", {}, "validation_error", None),
    ("get", "[1, 2]", "validation_error", None),
    ("get", '"text"', "validation_error", None),
    ("get", "null", "validation_error", None),
    ("get", '{"id": ', "validation_error", None),
    ("get", '{"id": "BO-1"} trailing', "validation_error", None),
    ("create", '{"quantity": NaN}', "validation_error", None),
]  # fmt: skip


@pytest.mark.parametrize(("action", "payload", "code", "field"), REFUSALS)
def test_refusals_exit_2_and_change_nothing(
    db: Target, action: str, payload, code: str, field: str | None
) -> None:
    before = dump(db)
    result = api(db, action, payload)
    assert result.status == 2
    error = result.error
    assert (error["code"], error["field"]) == (code, field)
    assert len(error["message"]) > 10
    assert dump(db) == before


def test_insufficient_stock_says_how_many_are_missing(db: Target) -> None:
    assert "3 more units" in api(db, "fulfill", {"id": "BO-1"}).error["message"]


def test_invalid_utf8_on_stdin(db: Target) -> None:
    result = botui("api", "business.create", "--db", str(db), stdin=b'{"name": "\xff\xfe"}')
    assert result.status == 2
    assert result.error["code"] == "validation_error"
    assert "UTF-8" in result.error["message"]


def test_usage_mistakes_are_json_errors(db: Target) -> None:
    missing_action = botui("api", "--db", str(db))
    assert (missing_action.status, missing_action.error["code"]) == (2, "validation_error")
    extra = botui("api", "get", "--db", str(db), "{}", "{}")
    assert (extra.status, extra.error["code"]) == (2, "validation_error")


def test_unknown_action_creates_no_database(tmp_path: Path) -> None:
    path = tmp_path / "never.db"
    assert api(path, "explode", {}).error["code"] == "validation_error"
    assert not path.exists()


# -- storage_error ---------------------------------------------------------------------------


def test_a_directory_is_a_storage_error(tmp_path: Path) -> None:
    result = api(tmp_path, "list", {})
    assert result.status == 1
    assert result.error["code"] == "storage_error"
    assert str(tmp_path) in result.error["message"]
    assert list(tmp_path.iterdir()) == []


def test_a_file_that_is_not_a_database_is_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes(b"shopping list: tents, stoves\n" * 100)
    os.utime(path, (1_000_000, 1_000_000))
    for action, payload in [("list", {}), ("business.create", {"name": "X"})]:
        result = api(path, action, payload)
        assert result.status == 1
        assert result.error["code"] == "storage_error"
    assert path.read_bytes() == b"shopping list: tents, stoves\n" * 100
    assert path.stat().st_mtime == 1_000_000
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_a_path_in_a_missing_folder(tmp_path: Path) -> None:
    path = tmp_path / "no" / "such" / "shop.db"
    result = api(path, "list", {})
    assert result.status == 1
    assert result.error["code"] == "storage_error"
    assert not (tmp_path / "no").exists()


@pytest.mark.sqlite_only  # a file's permissions
def test_a_read_only_file_refuses_a_change(db: Path) -> None:
    before = dump(db)
    db.chmod(0o440)
    try:
        assert api(db, "get", {"id": "BO-1"}).status == 0
        result = api(db, "business.create", {"name": "X"})
        assert result.status == 1
        assert result.error["code"] == "storage_error"
    finally:
        db.chmod(0o660)
    assert dump(db) == before


# -- busy and races --------------------------------------------------------------------------


def test_busy_when_another_process_holds_the_write_lock(db: Target) -> None:
    before = dump(db)
    with write_lock(db):
        started = time.monotonic()
        result = api(db, "business.create", {"name": "Waits"}, BOTUI_BUSY_TIMEOUT_MS="400")
        waited = time.monotonic() - started
        # Readers are not blocked by a writer (WAL; PostgreSQL's snapshots).
        assert api(db, "get", {"id": "BO-1"}).status == 0
    assert result.status == 1
    assert result.error["code"] == "busy"
    assert "try again" in result.error["message"]
    assert waited >= 0.4
    assert dump(db) == before


def test_a_writer_waits_for_a_short_lock(db: Target) -> None:
    with write_lock(db):
        waiting = subprocess.Popen(
            [BOTUI, "api", "business.create", "--db", str(db), '{"name": "Patient"}'],
            env=env(BOTUI_BUSY_TIMEOUT_MS="10000"),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        time.sleep(1.0)
    out, err = waiting.communicate(timeout=30)
    assert waiting.returncode == 0, err
    assert b"Patient" in out


def test_two_processes_racing_to_fulfil_produce_one_fulfilled(db: Target) -> None:
    for n in range(4):
        payload = {"id": f"RACE-{n}", "product": "PRD-1", "business": "BIZ-1"}
        payload |= {"customer": "CUS-1", "quantity": 1, "price": 1}
        assert api(db, "create", payload).status == 0
        assert api(db, "confirm", {"id": f"RACE-{n}"}).status == 0
    api(db, "receiveInventory", {"product": "PRD-1", "quantity": 10})
    for n in range(4):
        racers = [
            subprocess.Popen(
                [BOTUI, "api", "fulfill", "--db", str(db), f'{{"id": "RACE-{n}"}}'],
                env=env(),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
            for _ in range(2)
        ]
        outcomes = sorted(p.wait(timeout=60) for p in racers)
        assert outcomes == [0, 2], n
        loser = next(p for p in racers if p.returncode == 2)
        assert b'"invalid_transition"' in loser.stderr.read()
    with connect(db) as conn:
        rows = query(
            conn,
            "SELECT backorder_id, count(*) FROM event WHERE type = 'fulfilled'"
            " AND backorder_id LIKE 'RACE-%' GROUP BY backorder_id",
        )
        [(stock,)] = query(conn, "SELECT stock_on_hand FROM product")
    assert sorted(rows) == [(f"RACE-{n}", 1) for n in range(4)]
    # 12 received: BO-1 holds 5, BO-2 holds 1, the racers shipped 4, the rest is free.
    assert stock == 12 - 5 - 1 - 4


def test_no_traceback_for_an_unreadable_clock(db: Target) -> None:
    before = dump(db)
    result = api(db, "business.create", {"name": "T"}, BOTUI_NOW="not-a-number")
    assert result.status in (1, 2)
    assert "BOTUI_NOW" in result.error["message"]
    assert dump(db) == before


def test_the_frozen_clock_is_used(db: Target) -> None:
    answer = api(db, "business.create", {"name": "T"})
    assert answer.status == 0
    log = api(db, "events", {}).json["data"]
    assert {e["at"] for e in log} == {NOW}
