"""`get` for a one-shot `botui api get`, read straight from SQLite.

Loading the Service (pydantic's schemas, peewee's models) costs a process ~150 ms, six times
what reading one backorder does. So `botui api get` first asks `get` here, which answers only
when its answer is certainly the Service's, byte for byte: a plain input `{"id": ID}`, a
database that exists, is writable and is current (one query), and a stored row whose every
value has the type the Service's answer holds. Anything else (bad input, an unknown id, a new,
old, read-only or damaged database, a test hook in the environment) returns None, and the
Service answers, with its own refusals and errors. Nothing is cached: each call reads the row.
tests/cli/test_quick_get.py checks the answers against `Service.get` row by row.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

from botui.config import is_database_url
from botui.domain.queue_rows import QueueRow, QueueSpec, Window
from botui.domain.statuses import CLOSED_STATUSES, OPEN_STATUSES, PRIORITY_RANK
from botui.domain.text import ID_PATTERN
from botui.store.sqlite import SQLITE, is_writable, schema_is_current
from botui.store.sqlite import sqlite_version as sqlite_version  # for `botui --version`

# The answer's fields in the order of schemas.Backorder, each with its column and its type:
# a plain int (never a bool) or text, and whether the value may be null.
_FIELDS: tuple[tuple[str, str, type, bool], ...] = (
    ("id", "id", str, False),
    ("product", "product_id", str, False),
    ("business", "business_id", str, False),
    ("customer", "customer_id", str, False),
    ("order", "order_id", str, True),
    ("quantity", "quantity", int, False),
    ("status", "status", str, False),
    ("price", "price", int, False),
    ("estimatedShipDate", "estimated_ship_date", int, True),
    ("estimatedDeliveryDate", "estimated_delivery_date", int, True),
    ("actualShipDate", "actual_ship_date", int, True),
    ("actualDeliveryDate", "actual_delivery_date", int, True),
    ("priorityLevel", "priority_level", str, False),
    ("supplierOrder", "supplier_order", str, True),
    ("createdAt", "created_at", int, False),
    ("cancelledAt", "cancelled_at", int, True),
    ("metadata", "metadata", str, False),
    ("allocatedQuantity", "allocated_quantity", int, False),
    ("version", "version", int, False),
    ("updatedAt", "updated_at", int, False),
)
_SELECT = f"SELECT {', '.join(column for _, column, _, _ in _FIELDS)} FROM backorder WHERE id = ?"
_STATUSES = frozenset(OPEN_STATUSES + CLOSED_STATUSES)
# Set, these make the Service's opening check a value (or a tested failure): it answers then.
_HOOKS = ("BOTUI_BUSY_TIMEOUT_MS", "BOTUI_MAX_PAGES")
_BUSY_SECONDS = 10.0  # the contract's wait for a lock, as store.db's


class _NotPlain(Exception):
    """A value the Service would answer differently (or refuse): let it answer."""


def get(path: Path | str, payload: Any) -> dict[str, Any] | None:
    """The Service's `get` answer as JSON, or None when the Service must answer (always for
    a PostgreSQL URL: this path reads SQLite files only)."""
    backorder_id = _plain_id(payload)
    if backorder_id is None:
        return None
    connection = _connect(path)
    if connection is None:
        return None
    try:
        connection.execute("BEGIN")  # one snapshot for the schema check and the row
        if not schema_is_current(connection):
            return None
        row = connection.execute(_SELECT, (backorder_id,)).fetchone()
        return None if row is None else _answer(row)
    except (SQLITE.Error, _NotPlain):
        return None
    finally:
        connection.close()


def first_rows(path: Path | str, height: int) -> Window | None:
    """The Service's `queue_first_rows(QueueSpec(), now, height, margin=0)`: the first screen
    of the queue as botui opens it (the open view in triage order), or None when the Service
    must read it. The open view does not depend on the time, so no clock is asked.

    The query is domain.queue's for that view (open rows by priority rank, age and id, one
    index range), then the names of the rows' products, customers, businesses and orders by
    their ids; every value must have the type peewee would hand the queue, else None.
    """
    connection = _connect(path)
    if connection is None:
        return None
    try:
        connection.execute("BEGIN")  # one snapshot for the schema check, rows and names
        if not schema_is_current(connection):
            return None
        found = connection.execute(_FIRST_ROWS, (height,)).fetchall()
        rows = _queue_rows(connection, found)
    except (SQLITE.Error, _NotPlain):
        return None
    finally:
        connection.close()
    spec = QueueSpec()
    return Window(spec, len(rows), 0, tuple(rows), counted=len(rows) < height)


def _connect(path: Path | str) -> Any:
    """A connection to the SQLite file at `path` when the Service would open it as it is (an
    existing, writable, regular file, no test hook set), else None."""
    if any(os.environ.get(name, "").strip() for name in _HOOKS):
        return None
    if is_database_url(path):
        return None
    try:
        info = os.stat(path)
        # The Service opens these differently (creates, refuses, or drops o+w first).
        if not stat.S_ISREG(info.st_mode) or info.st_mode & stat.S_IWOTH:
            return None
        if not os.access(path, os.R_OK) or not is_writable(Path(path)):
            return None
        return SQLITE.connect(str(path), timeout=_BUSY_SECONDS, isolation_level=None)
    except (OSError, SQLITE.Error):
        return None


def _plain_id(payload: Any) -> str | None:
    """The id of an input that is exactly `{"id": ID}` with a valid id, else None."""
    if type(payload) is not dict or len(payload) != 1:
        return None
    value = payload.get("id")
    if type(value) is not str or not ID_PATTERN.fullmatch(value):
        return None
    return value


def _refuse_constant(name: str) -> Any:
    raise _NotPlain(name)


def _typed(fields: tuple[tuple[str, str, type, bool], ...], row: tuple[Any, ...]) -> dict[str, Any]:
    """`row`'s values by the names of `fields`, each of its field's exact type (a plain int is
    never a bool) or a null the field allows; raises _NotPlain otherwise."""
    values: dict[str, Any] = {}
    for (name, _, kind, nullable), value in zip(fields, row, strict=True):
        if value is None:
            if not nullable:
                raise _NotPlain(name)
        elif type(value) is not kind:
            raise _NotPlain(name)
        values[name] = value
    return values


def _answer(row: tuple[Any, ...]) -> dict[str, Any]:
    answer = _typed(_FIELDS, row)
    if answer["status"] not in _STATUSES or answer["priorityLevel"] not in PRIORITY_RANK:
        raise _NotPlain("status")
    try:
        metadata = json.loads(answer["metadata"], parse_constant=_refuse_constant)
    except ValueError:
        raise _NotPlain("metadata") from None
    if type(metadata) is not dict:
        raise _NotPlain("metadata")
    answer["metadata"] = metadata
    return answer


# domain.queue's first page of the open view in triage order (view_condition, _parts), and the
# QueueRow fields each column gives, in that order, with their types as in _FIELDS.
_ROW_FIELDS: tuple[tuple[str, str, type, bool], ...] = (
    ("seq", "seq", int, False),
    ("id", "id", str, False),
    ("status", "status", str, False),
    ("priority_level", "priority_level", str, False),
    ("priority_rank", "priority_rank", int, False),
    ("product_id", "product_id", str, False),
    ("customer_id", "customer_id", str, False),
    ("allocated", "allocated_quantity", int, False),
    ("quantity", "quantity", int, False),
    ("price", "price", int, False),
    ("estimated_ship_date", "estimated_ship_date", int, True),
    ("created_at", "created_at", int, False),
    ("version", "version", int, False),
    ("business_id", "business_id", str, False),
    ("order_id", "order_id", str, True),
    ("estimated_delivery_date", "estimated_delivery_date", int, True),
    ("supplier_order", "supplier_order", str, True),
    ("actual_ship_date", "actual_ship_date", int, True),
)
_FIRST_ROWS = (
    f"SELECT {', '.join(column for _, column, _, _ in _ROW_FIELDS)} FROM backorder"
    " WHERE is_open = 1 ORDER BY priority_rank, created_at, id LIMIT ?"
)
# The names queue._named reads: (table, name column) for products, customers, businesses, orders.
_NAMES = (("product", "name"), ("customer", "name"), ("business", "name"), ("orders", "number"))


def _queue_rows(connection: Any, found: list[tuple[Any, ...]]) -> list[QueueRow]:
    """The rows as domain.queue._named makes them (a missing name shows the id)."""
    plain = [_typed(_ROW_FIELDS, row) for row in found]
    ids = (
        {row["product_id"] for row in plain},
        {row["customer_id"] for row in plain},
        {row["business_id"] for row in plain},
        {row["order_id"] for row in plain if row["order_id"] is not None},
    )
    products, customers, businesses, orders = (
        _names(connection, table, column, wanted, nullable=table == "orders")
        for (table, column), wanted in zip(_NAMES, ids, strict=True)
    )
    rows = []
    for row in plain:
        order_id = row.pop("order_id")
        rows.append(
            QueueRow(
                **row,
                product=products.get(row["product_id"], row["product_id"]),
                customer=customers.get(row["customer_id"], row["customer_id"]),
                business=businesses.get(row["business_id"], row["business_id"]),
                order_number=(orders.get(order_id) or order_id) if order_id else None,
            )
        )
    return rows


def _names(
    connection: Any, table: str, column: str, ids: set[str], *, nullable: bool
) -> dict[str, str]:
    """The `column` of each record of `table` by id (those that exist, and for a `nullable`
    column those that have one: an order without a number shows its id either way)."""
    if not ids:
        return {}
    marks = ", ".join("?" * len(ids))
    query = f"SELECT id, {column} FROM {table} WHERE id IN ({marks})"
    names: dict[str, str] = {}
    for record_id, name in connection.execute(query, sorted(ids)):
        if type(record_id) is not str or not (type(name) is str or (nullable and name is None)):
            raise _NotPlain(table)
        if name is not None:
            names[record_id] = name
    return names
