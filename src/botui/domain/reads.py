"""The service's read actions; none of them writes."""

from __future__ import annotations

import base64
import binascii
import json
from typing import TYPE_CHECKING, Any

from peewee import Tuple

from botui.domain import convert, statuses
from botui.domain.allocation import plan
from botui.domain.core import ServiceCore
from botui.domain.errors import (
    validation,
)
from botui.domain.limits import MAX_INT64
from botui.domain.search import is_common, match_rowids, row_matches
from botui.domain.text import ID_PATTERN
from botui.domain.validation import parse
from botui.lazy import lazy_module
from botui.store.models import (
    Backorder,
    Business,
    Customer,
    Event,
    Notification,
    Product,
)

if TYPE_CHECKING:
    from botui.domain import schemas
else:  # pydantic loads when a schema is first used, not with the first screen (botui.lazy)
    schemas = lazy_module("botui.domain.schemas")


class Reads(ServiceCore):
    """The read actions: get, list (with its cursor and text query), events, outbox."""

    def preview_receipt(self, payload: Any) -> schemas.ReceiveResult:
        """What `receiveInventory` with this input would allocate, to whom and in what order,
        and the product's free stock after it; writes nothing (the screens' preview).

        Same input and refusals as `receiveInventory` (unknown product: not_found), by the
        same rule (`allocation.plan`); a receipt number already received is not checked here.
        """
        data = parse(schemas.ReceiveInventory, payload, "receiveInventory")
        with self._read():
            product = self._require(Product, data.product, "product")
            free = product.stock_on_hand + data.quantity
            grants = plan(product.id, free)
            after = convert.product(product).model_copy(
                update={"stock_on_hand": free - sum(g.quantity for g in grants)}
            )
            return schemas.ReceiveResult(
                product=after,
                allocations=[
                    schemas.Allocation(backorder=g.backorder, quantity=g.quantity) for g in grants
                ],
            )

    def get(self, payload: Any) -> schemas.Backorder:
        data = parse(schemas.GetBackorder, payload, "get")
        with self._read():
            return convert.backorder(self._backorder_row(data.id))

    def list(self, payload: Any = None) -> schemas.BackorderPage:
        data = parse(schemas.ListBackorders, {} if payload is None else payload, "list")
        with self._read():
            query = Backorder.select()
            for field, model in (
                ("product", Product),
                ("customer", Customer),
                ("business", Business),
            ):
                value = getattr(data, field)
                if value is not None:
                    self._require(model, value, field)
                    query = query.where(getattr(Backorder, field) == value)
            if data.status is not None:
                query = query.where(Backorder.status == data.status)
            if data.priority_level is not None:
                rank = statuses.PRIORITY_RANK[data.priority_level]
                query = query.where(Backorder.priority_rank == rank)
            if data.query:
                if is_common(self.db, data.query):  # a page is found sooner row by row
                    query = query.where(row_matches(Backorder.seq, data.query))
                else:
                    query = query.where(Backorder.seq.in_(match_rowids(data.query)))
            if data.after is not None:
                rank, created, last_id = _decode_cursor(data.after)
                query = query.where(
                    Tuple(Backorder.priority_rank, Backorder.created_at, Backorder.id)
                    > Tuple(rank, created, last_id)
                )
            rows = list(
                query.order_by(Backorder.priority_rank, Backorder.created_at, Backorder.id).limit(
                    data.limit + 1
                )
            )
            has_more = len(rows) > data.limit
            rows = rows[: data.limit]
            cursor = _encode_cursor(rows[-1]) if has_more else None
            return schemas.BackorderPage(
                data=[convert.backorder(r) for r in rows], has_more=has_more, next=cursor
            )

    def events(self, payload: Any = None) -> schemas.EventPage:
        data = parse(schemas.ListEvents, {} if payload is None else payload, "events")
        with self._read():
            query = Event.select().where(Event.id > data.since)
            if data.backorder is not None:
                query = query.where(Event.backorder == data.backorder)
            rows = query.order_by(Event.id).limit(data.limit)
            return schemas.EventPage(data=[convert.event(r) for r in rows])

    def outbox(self, payload: Any = None) -> schemas.OutboxPage:
        data = parse(schemas.ListOutbox, {} if payload is None else payload, "outbox")
        with self._read():
            query = Notification.select()
            if data.status is not None:
                query = query.where(Notification.status == data.status)
            rows = query.order_by(Notification.id).limit(data.limit)
            database_id = self.database_id()
            return schemas.OutboxPage(data=[convert.outbox(r, database_id) for r in rows])


def _encode_cursor(row: Backorder) -> str:
    raw = json.dumps([row.priority_rank, row.created_at, row.id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[int, int, str]:
    """The triage key a `next` cursor holds, each part checked as a stored row's could be.

    A forged cursor is refused like any bad input: a rank botui does not use, a creation time
    beyond what SQLite stores (it would overflow there), an id botui would never give.
    """
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        key = json.loads(raw)
        if not (isinstance(key, list) and len(key) == 3):
            raise ValueError
        rank, created, last_id = key
        if not (
            _is_int(rank, 0, max(statuses.PRIORITY_RANK.values()))
            and _is_int(created, -MAX_INT64 - 1, MAX_INT64)
            and isinstance(last_id, str)
            and ID_PATTERN.fullmatch(last_id)
        ):
            raise ValueError
        return rank, created, last_id
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError, RecursionError):
        raise validation(
            "after must be the `next` value of an earlier list answer, passed as it was",
            "after",
        ) from None


def _is_int(value: Any, low: int, high: int) -> bool:
    """A JSON integer (true and false are not) from `low` to `high`."""
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high
