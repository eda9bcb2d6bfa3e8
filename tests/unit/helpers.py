"""Shared helpers of the unit tests: a full dump of the database and refusal checks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import peewee
import pytest

from botui.demo import fill_demo
from botui.domain.errors import BotuiError
from botui.domain.service import Service, call
from botui.store.db import open_database
from botui.store.engine import is_postgres, sql

ANY_FIELD = object()


def snapshot_db(db: peewee.Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (the search index and sqlite_sequence too), in a stable order.

    PostgreSQL's sequences are left out: a rolled-back insert uses a number up there, which the
    contract allows (ids may have gaps); every row is compared all the same.
    """
    dump: dict[str, list[tuple[Any, ...]]] = {}
    if is_postgres(db):
        tables = db.get_tables()
    else:
        tables = [
            row[0]
            for row in db.execute_sql(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            ).fetchall()
        ]
    for table in tables:
        rows = db.execute_sql(f'SELECT * FROM "{table}"').fetchall()
        dump[table] = sorted(rows, key=repr)
    return dump


def open_demo(db_path: Path | str, count: int, seed: int) -> peewee.Database:
    """The database at `db_path` (empty) holding `botui demo`'s shop, opened (on PostgreSQL
    fill_demo makes it in a SQLite file and copies it in)."""
    db = open_database(db_path)
    fill_demo(db, count=count, seed=seed)
    return open_database(db_path) if is_postgres(db) else db


def assert_refused(
    service: Service,
    action: str,
    payload: Any,
    code: str,
    field: str | None | object = ANY_FIELD,
    contains: str | None = None,
) -> BotuiError:
    """Run `action`, expect the refusal `code` (and `field`), and that no table changed."""
    before = snapshot_db(service.db)
    with pytest.raises(BotuiError) as caught:
        call(service, action, payload)
    error = caught.value
    assert error.code == code, error
    if field is not ANY_FIELD:
        assert error.field == field, error
    if contains is not None:
        assert contains in error.message, error.message
    assert snapshot_db(service.db) == before, f"{action} was refused but changed the database"
    return error


def new_backorder(service: Service, refs: dict[str, str], **fields: Any) -> dict[str, Any]:
    """Create a backorder of the reference records (quantity 1, price 1000 unless given)."""
    payload = {
        "product": refs["product"],
        "business": refs["business"],
        "customer": refs["customer"],
        "quantity": 1,
        "price": 1000,
    }
    payload.update(fields)
    return call(service, "create", payload)


def events_of(service: Service, backorder: str | None = None, type_: str | None = None) -> list:
    """The events (as JSON), optionally of one backorder and one type, oldest first."""
    payload: dict[str, Any] = {"limit": 1000}
    if backorder is not None:
        payload["backorder"] = backorder
    found = call(service, "events", payload)["data"]
    return [e for e in found if type_ is None or e["type"] == type_]


def stock(service: Service, product: str) -> int:
    """Free units of a product (stockOnHand), read straight from the table."""
    return service.db.execute_sql(
        sql(service.db, "SELECT stock_on_hand FROM product WHERE id = ?"), (product,)
    ).fetchone()[0]


def receive(service: Service, product: str, quantity: int, **fields: Any) -> dict[str, Any]:
    """Receive `quantity` units of `product`."""
    return call(service, "receiveInventory", {"product": product, "quantity": quantity, **fields})
