"""A database made by the first schema is upgraded in place by open_database, its data kept."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import peewee
from playhouse.migrations import Runner

from botui.domain.service import Service, call
from botui.store.db import MIGRATIONS_DIR, open_database, schema_version

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


def first_schema_database(path: Path) -> None:
    """Run only migration 0001 on a new file, then fill it with raw SQL as an old botui would."""
    db = peewee.SqliteDatabase(str(path))
    runner = Runner(db, directory=str(MIGRATIONS_DIR))
    runner.up(target="0001_initial")
    assert [m.name for m in runner.status() if m.applied] == ["0001_initial"]
    for statement in FIRST_SCHEMA_ROWS:
        db.execute_sql(statement)
    db.close()


def old_search_database(path: Path, customer_name: str) -> None:
    """A database of migrations 0001 to 0004, whose search index holds its text unfolded."""
    db = peewee.SqliteDatabase(str(path))
    runner = Runner(db, directory=str(MIGRATIONS_DIR))
    runner.up(target="0004_event_no_replace")
    for statement in FIRST_SCHEMA_ROWS:
        db.execute_sql(statement.replace("Margaret Hamilton", customer_name))
    db.close()


def columns(path: Path, table: str) -> set[str]:
    with closing(sqlite3.connect(path)) as conn:
        return {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}


def test_an_old_database_is_upgraded_and_keeps_its_data(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    first_schema_database(path)
    assert "updated_by" not in columns(path, "backorder")

    db = open_database(path)
    try:
        applied = schema_version(db)
        assert applied[:2] == ["0001_initial", "0002_search_and_editor"]
        assert applied == sorted(p.stem for p in MIGRATIONS_DIR.glob("0*.py"))
        assert "updated_by" in columns(path, "backorder")
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


def test_opening_a_current_database_again_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "current.db"
    open_database(path).close()
    with closing(sqlite3.connect(path)) as conn:
        schema = conn.execute("SELECT sql FROM sqlite_master ORDER BY name").fetchall()
    db = open_database(path)
    db.close()
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("SELECT sql FROM sqlite_master ORDER BY name").fetchall() == schema


def test_the_search_index_is_folded_in_place(tmp_path: Path) -> None:
    """Migration 0005 folds the text of rows indexed before it, and new rows are folded too."""
    path = tmp_path / "before-folding.db"
    old_search_database(path, "Zoe\u0308 STRASSE")
    with closing(sqlite3.connect(path)) as conn:
        assert "zoë" not in conn.execute("SELECT body FROM backorder_search").fetchone()[0]
    db = open_database(path)
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


def test_the_outbox_gains_delivery_columns_and_the_database_an_id(tmp_path: Path) -> None:
    """Migration 0007 keeps queued entries queued, untried, and gives the database one id."""
    path = tmp_path / "before-delivery.db"
    old_search_database(path, "Grace Hopper")
    with closing(sqlite3.connect(path)) as conn:
        conn.execute(
            "INSERT INTO notification (backorder_id, channel, recipient, subject, body, status,"
            " created_at, actor) VALUES ('BO-OLD', 'email', 'mh@example.com', 'Hi', 'Body',"
            " 'queued', 100, 'old-actor')"
        )
        conn.commit()
    db = open_database(path)
    try:
        assert "0007_outbox_delivery" in schema_version(db)
        assert {"attempts", "last_error", "next_attempt_at", "claimed_until"} <= columns(
            path, "notification"
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
    db = open_database(path)
    try:
        assert Service(db).database_id() == database_id  # made once, never again
    finally:
        db.close()
