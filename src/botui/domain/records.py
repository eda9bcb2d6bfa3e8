"""Pages of businesses, customers, products and orders for the records screens, by id.

A page is read by keyset on the primary key (`id > after`, or `id < before` read backwards),
so its cost follows the page, not the table (some 250,000 customers at a million backorders).
A filter is tested row by row in id order as the suggestions are (folded, as the queue's search
folds text) and stops once the page is full.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from peewee import fn

from botui.domain import convert
from botui.domain.lookup import holds
from botui.domain.service import Service
from botui.store.db import translate_errors
from botui.store.folding import fold
from botui.store.models import Backorder, Business, Customer, Order, Product

KINDS = ("product", "customer", "business", "order")
PAGE = 100

_TABLES: dict[str, tuple[Any, tuple[Any, ...], Any]] = {
    "product": (Product, (Product.id, Product.sku, Product.name), convert.product),
    "customer": (
        Customer,
        (Customer.id, Customer.name, Customer.email, Customer.phone),
        convert.customer,
    ),
    "business": (Business, (Business.id, Business.name), convert.business),
    "order": (Order, (Order.id, Order.number), convert.order),
}


@dataclass(frozen=True)
class RecordPage:
    """Records in id order, whether more follow (or precede, read backwards), and the names
    of the customers and businesses an order page points to."""

    rows: list[Any]
    has_more: bool
    names: dict[str, str] = field(default_factory=dict)


def page(
    service: Service,
    kind: str,
    *,
    text: str = "",
    after: str | None = None,
    before: str | None = None,
    limit: int = PAGE,
) -> RecordPage:
    """Up to `limit` records of `kind` after the id `after` (or just before `before`) whose
    id or names hold `text`, in id order."""
    model, columns, answer = _TABLES[kind]
    query = model.select()
    folded = fold(text.strip())
    if folded:
        condition = holds(columns[0], folded)
        for column in columns[1:]:
            condition |= holds(column, folded)
        query = query.where(condition)
    backwards = before is not None
    if after is not None:
        query = query.where(model.id > after)
    if backwards:
        query = query.where(model.id < before)
    order = model.id.desc() if backwards else model.id
    with translate_errors(service.path):
        found = list(query.order_by(order).limit(limit + 1))
        has_more = len(found) > limit
        found = found[:limit]
        if backwards:
            found.reverse()
        rows = [answer(row) for row in found]
        names: dict[str, str] = {}
        if kind == "order" and rows:
            for other, key in ((Customer, "customer"), (Business, "business")):
                ids = {getattr(row, key) for row in rows}
                names.update({r.id: r.name for r in other.select().where(other.id.in_(ids))})
        return RecordPage(rows, has_more, names)


def one(service: Service, kind: str, record_id: str) -> Any | None:
    """The record of `kind` with this id as its answer schema, or None when there is none."""
    model, _, answer = _TABLES[kind]
    with translate_errors(service.path):
        row = model.get_or_none(model.id == record_id)
        return None if row is None else answer(row)


def count(service: Service, kind: str) -> int:
    """How many records of `kind` there are."""
    model = _TABLES[kind][0]
    with translate_errors(service.path):
        return model.select(fn.COUNT(model.id)).scalar() or 0


def has_backorders(service: Service) -> bool:
    """Whether the database holds any backorder at all (an index probe, not a count)."""
    with translate_errors(service.path):
        return Backorder.select(Backorder.seq).limit(1).exists()
