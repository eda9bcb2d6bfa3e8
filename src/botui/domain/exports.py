"""The export read: every backorder of a view, status and query, page by page in triage order."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from peewee import Tuple

from botui.domain import convert, queue, schemas
from botui.domain.core import ServiceCore
from botui.domain.search import is_common, match_rowids, row_matches
from botui.domain.validation import parse
from botui.store.models import Backorder, Customer, Order, Product

# Rows read per query: big enough that a million rows take a thousand round trips, small
# enough that one page (rows, names and their pydantic models) stays a few megabytes.
EXPORT_PAGE = 1000
_TRIAGE = (Backorder.priority_rank, Backorder.created_at, Backorder.id)


class Exports(ServiceCore):
    """`botui export` and the queue's export key read through here, never the store."""

    def export_pages(
        self, payload: Any = None, *, page_size: int = EXPORT_PAGE
    ) -> Iterator[list[schemas.ExportRow]]:
        """Pages of export rows in triage order; the input is checked before the first page.

        Each page is its own read (keyset pagination on the triage order), so memory stays flat
        however many rows match and no read holds the database for the whole export.
        """
        data = parse(schemas.ExportBackorders, {} if payload is None else payload, "export")
        now = self._clock()
        with self._read():
            common = bool(data.query) and is_common(self.db, data.query)
        return self._pages(data, now, common, page_size)

    def export_metadata_keys(self, payload: Any = None) -> list[str]:
        """Every metadata key of the rows an export writes, sorted: the CSV's extra columns.

        Reads only the triage key and the metadata column, page by page, keeping just the keys.
        """
        data = parse(schemas.ExportBackorders, {} if payload is None else payload, "export")
        now = self._clock()
        keys: set[str] = set()
        with self._read():
            common = bool(data.query) and is_common(self.db, data.query)
        for rows in self._raw_pages(data, now, common, EXPORT_PAGE, [*_TRIAGE, Backorder.metadata]):
            for row in rows:
                keys.update(json.loads(row.metadata))
        return sorted(keys)

    def _pages(
        self, data: schemas.ExportBackorders, now: int, common: bool, page_size: int
    ) -> Iterator[list[schemas.ExportRow]]:
        for rows in self._raw_pages(data, now, common, page_size, [Backorder]):
            with self._read():
                named = _named(rows)
            yield named

    def _raw_pages(
        self,
        data: schemas.ExportBackorders,
        now: int,
        common: bool,
        page_size: int,
        columns: list[Any],
    ) -> Iterator[list[Backorder]]:
        last: tuple[int, int, str] | None = None
        while True:
            with self._read():
                query = Backorder.select(*columns)
                condition = queue.view_condition(data.view, now, sort="triage")
                if condition is not None:
                    query = query.where(condition)
                if data.status is not None:
                    query = query.where(Backorder.status == data.status)
                if data.query:
                    # As `list` does: a common text is found sooner by walking the order.
                    if common:
                        query = query.where(row_matches(Backorder.seq, data.query))
                    else:
                        query = query.where(Backorder.seq.in_(match_rowids(data.query)))
                if last is not None:
                    query = query.where(Tuple(*_TRIAGE) > Tuple(*last))
                rows = list(query.order_by(*_TRIAGE).limit(page_size))
            if not rows:
                return
            yield rows
            if len(rows) < page_size:
                return
            tail = rows[-1]
            last = (tail.priority_rank, tail.created_at, tail.id)


def _named(rows: list[Backorder]) -> list[schemas.ExportRow]:
    """The page's rows with their customer, product and order names: three lookups a page."""
    products = {
        p.id: p
        for p in Product.select(Product.id, Product.sku, Product.name).where(
            Product.id.in_({r.product_id for r in rows})
        )
    }
    customers = {
        c.id: c
        for c in Customer.select(Customer.id, Customer.name, Customer.email).where(
            Customer.id.in_({r.customer_id for r in rows})
        )
    }
    order_ids = {r.order_id for r in rows if r.order_id is not None}
    orders = (
        dict(Order.select(Order.id, Order.number).where(Order.id.in_(order_ids)).tuples())
        if order_ids
        else {}
    )
    named = []
    for row in rows:
        product, customer = products[row.product_id], customers[row.customer_id]
        named.append(
            schemas.ExportRow(
                **dict(convert.backorder(row)),
                customer_name=customer.name,
                customer_email=customer.email,
                product_sku=product.sku,
                product_name=product.name,
                order_number=orders.get(row.order_id),
            )
        )
    return named
