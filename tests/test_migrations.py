"""A database made by the first schema is upgraded in place by open_database, its data kept,
on both engines (the `engine` fixture: a SQLite file, or a PostgreSQL database made from
template0, which holds no botui table)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playhouse.migrations import Runner

from botui.domain.service import Service, call
from botui.store.db import MIGRATIONS_DIR, open_database, schema_version
from tests import postgres
from tests.postgres import connect, schema_of
from tests.postgres import query as run_sql

FIRST_SCHEMA_ROWS = [
    "INSERT INTO business VALUES ('BIZ-1', 'Old Shop')",
    "INSERT INTO customer VALUES ('CUS-1', 'Margaret Hamilton', 'mh@example.com', NULL)",
    "INSERT INTO product VALUES ('PRD-1', 'LANTERN-9', 'Storm lantern', 0)",
    "INSERT INTO orders VALUES ('ORD-1', 'SO-77', 'CUS-1', 'BIZ-1', 100)",
    "INSERT INTO backorder (id, product_id, business_id, customer_id, order_id, quantity,"
    " status, is_open, price, priority_level, priority_rank, supplier_order, created_at,"
    " updated_at, metadata, allocated_quantity, version)"
    " VALUES ('BO-OLD', 'PRD-1', 'BIZ-1', 'CUS-1', 'ORD-1', 4, 'confirmed', 1, 1250,"
    " 'expedited', 1, 'PO-OLD-1', 100, 100, '{\"legacy\":true}', 0, 3)",
    "INSERT INTO event (type, backorder_id, at, actor, data)"
    " VALUES ('created', 'BO-OLD', 100, 'old-actor', '{}')",
    "INSERT INTO counter VALUES ('backorder', 1)",
]


def older_database(db: Path | str, target: str, rows: list[str] = FIRST_SCHEMA_ROWS) -> None:
    """Run the migrations up to `target` on a database without tables, then fill it with raw
    SQL as an older botui would."""
    with connect(db) as conn:
        runner = Runner(conn, directory=str(MIGRATIONS_DIR))
        runner.up(target=target)
        assert [m.name for m in runner.status() if m.applied][-1] == target
        for statement in rows:
            run_sql(conn, statement)


@contextmanager
def blank(engine: str, folder: Path, name: str = "old.db") -> Iterator[Path | str]:
    """A database without any table: a new empty SQLite file, or a PostgreSQL database made
    from template0 (not from the suite's template, which holds the current schema)."""
    if engine == "sqlite":
        path = folder / name
        path.touch()
        yield path
        return
    with postgres.fresh_database("template0") as url:
        yield url


@pytest.fixture
def old(engine: str, tmp_path: Path) -> Iterator[Path | str]:
    with blank(engine, tmp_path) as db:
        yield db


def columns(db: Path | str, table: str) -> set[str]:
    with connect(db) as conn:
        return {column.name for column in conn.get_columns(table)}


def test_an_old_database_is_upgraded_and_keeps_its_data(old: Path | str) -> None:
    older_database(old, "0001_initial")
    assert "updated_by" not in columns(old, "backorder")

    db = open_database(old)
    try:
        applied = schema_version(db)
        assert applied[:2] == ["0001_initial", "0002_search_and_editor"]
        assert applied == sorted(p.stem for p in MIGRATIONS_DIR.glob("0*.py"))
        assert "updated_by" in columns(old, "backorder")
        service = Service(db)
        old = call(service, "get", {"id": "BO-OLD"})
        assert old["quantity"] == 4
        assert old["status"] == "confirmed"
        assert old["priorityLevel"] == "expedited"
        assert old["metadata"] == {"legacy": True}
        assert old["version"] == 3
        # The search index built by 0002 covers the rows that were there before it.
        for query in ("bo-old", "hamilton", "lantern-9", "storm", "so-77", "po-old"):
            found = call(service, "list", {"query": query})["data"]
            assert [bo["id"] for bo in found] == ["BO-OLD"], query
        log = call(service, "events", {})["data"]
        assert [(e["type"], e["actor"]) for e in log] == [("created", "old-actor")]
        # The upgraded database works: new rows, new events after the old ids.
        receipt = call(service, "receiveInventory", {"product": "PRD-1", "quantity": 4})
        assert receipt["allocations"] == [{"backorder": "BO-OLD", "quantity": 4}]
        done = call(service, "fulfill", {"id": "BO-OLD", "version": 3})
        assert done["status"] == "fulfilled"
        assert call(service, "events", {"since": log[0]["id"]})["data"][-1]["type"] == "fulfilled"
    finally:
        db.close()


def test_opening_a_current_database_again_changes_nothing(old: Path | str) -> None:
    open_database(old).close()
    schema = schema_of(old)
    assert schema["applied"] == sorted(p.stem for p in MIGRATIONS_DIR.glob("0*.py"))
    open_database(old).close()
    assert schema_of(old) == schema


def test_the_search_index_is_folded_in_place(engine: str, old: Path | str) -> None:
    """Migration 0005 folds the text of rows indexed before it (PostgreSQL's index is made
    by it, of the rows already there), and new rows are folded too."""
    rows = [r.replace("Margaret Hamilton", "Zoe\u0308 STRASSE") for r in FIRST_SCHEMA_ROWS]
    older_database(old, "0004_event_no_replace", rows)
    if engine == "sqlite":
        with connect(old) as conn:
            assert "zoë" not in run_sql(conn, "SELECT body FROM backorder_search")[0][0]
    db = open_database(old)
    try:
        assert "0005_folded_search" in schema_version(db)
        service = Service(db)
        for query in ("zoë", "ZOË", "straße", "zoe\u0308 s", "bo-old", "storm lantern"):
            found = call(service, "list", {"query": query})["data"]
            assert [bo["id"] for bo in found] == ["BO-OLD"], query
        assert db.execute_sql("SELECT name FROM customer").fetchone()[0] == "Zoe\u0308 STRASSE"
        call(service, "customer.create", {"id": "CUS-2", "name": "Ærø Weiß"})
        call(service, "create", {"id": "BO-NEW", "product": "PRD-1", "business": "BIZ-1",
                                 "customer": "CUS-2", "quantity": 1, "price": 1})  # fmt: skip
        assert [bo["id"] for bo in call(service, "list", {"query": "ÆRØ WEISS"})["data"]] == [
            "BO-NEW"
        ]
    finally:
        db.close()


def test_the_outbox_gains_delivery_columns_and_the_database_an_id(old: Path | str) -> None:
    """Migration 0007 keeps queued entries queued, untried, and gives the database one id."""
    entry = (
        "INSERT INTO notification (backorder_id, channel, recipient, subject, body, status,"
        " created_at, actor) VALUES ('BO-OLD', 'email', 'mh@example.com', 'Hi', 'Body',"
        " 'queued', 100, 'old-actor')"
    )
    older_database(old, "0004_event_no_replace", [*FIRST_SCHEMA_ROWS, entry])
    db = open_database(old)
    try:
        assert "0007_outbox_delivery" in schema_version(db)
        assert {"attempts", "last_error", "next_attempt_at", "claimed_until"} <= columns(
            old, "notification"
        )
        service = Service(db)
        database_id = service.database_id()
        assert len(database_id) == 16
        [entry] = call(service, "outbox", {"status": "queued"})["data"]
        assert entry["attempts"] == 0
        assert entry["lastError"] is None
        assert entry["messageId"] == f"<outbox-{entry['id']}.{database_id}@botui>"
    finally:
        db.close()
    db = open_database(old)
    try:
        assert Service(db).database_id() == database_id  # made once, never again
    finally:
        db.close()
