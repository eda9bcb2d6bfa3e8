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
    if backorder_id is None or any(os.environ.get(name, "").strip() for name in _HOOKS):
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
        connection = SQLITE.connect(str(path), timeout=_BUSY_SECONDS, isolation_level=None)
    except (OSError, SQLITE.Error):
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


def _answer(row: tuple[Any, ...]) -> dict[str, Any]:
    answer: dict[str, Any] = {}
    for (name, _, kind, nullable), value in zip(_FIELDS, row, strict=True):
        if value is None:
            if not nullable:
                raise _NotPlain(name)
        elif type(value) is not kind:
            raise _NotPlain(name)
        answer[name] = value
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
