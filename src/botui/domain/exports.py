"""The export read: every backorder of a view, status and query, page by page in triage order."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from peewee import JOIN, Tuple

from botui.domain import queue
from botui.domain.core import ServiceCore
from botui.domain.search import is_common, match_rowids, row_matches
from botui.domain.validation import parse
from botui.lazy import lazy_module
from botui.store.models import Backorder, Customer, Order, Product

if TYPE_CHECKING:
    from botui.domain import schemas
else:  # pydantic loads when a schema is first used, not with the first screen (botui.lazy)
    schemas = lazy_module("botui.domain.schemas")

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
            common = bool(data.query and is_common(self.db, data.query))
        return self._pages(data, now, common, page_size)

    def export_metadata_keys(self, payload: Any = None) -> list[str]:
        """Every metadata key of the rows an export writes, sorted: the CSV's extra columns.

        Reads only the triage key and the metadata column, page by page, keeping just the keys.
        """
        data = parse(schemas.ExportBackorders, {} if payload is None else payload, "export")
        now = self._clock()
        keys: set[str] = set()
        with self._read():
            common = bool(data.query and is_common(self.db, data.query))
        for rows in self._raw_pages(data, now, common, EXPORT_PAGE, [Backorder.metadata]):
            for row in rows:
                if row[-1] != "{}":
                    keys.update(json.loads(row[-1]))
        return sorted(keys)

    def _pages(
        self, data: schemas.ExportBackorders, now: int, common: bool, page_size: int
    ) -> Iterator[list[schemas.ExportRow]]:
        for rows in self._raw_pages(data, now, common, page_size, _ROW, named=True):
            yield [_export_row(row) for row in rows]

    def _raw_pages(
        self,
        data: schemas.ExportBackorders,
        now: int,
        common: bool,
        page_size: int,
        columns: list[Any],
        *,
        named: bool = False,
    ) -> Iterator[list[tuple[Any, ...]]]:
        """Pages of tuples: the triage key (rank, createdAt, id), then `columns`.

        `named`: joined to the backorder's product, customer and order (one primary-key
        lookup each per row), so `columns` may name theirs.
        """
        last: tuple[Any, ...] | None = None
        while True:
            with self._read():
                query = Backorder.select(*_TRIAGE, *columns)
                if named:
                    query = (
                        query.join(Product, on=Backorder.product == Product.id)
                        .switch(Backorder)
                        .join(Customer, on=Backorder.customer == Customer.id)
                        .switch(Backorder)
                        .join(Order, JOIN.LEFT_OUTER, on=Backorder.order == Order.id)
                    )
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
                # Plain tuples straight from the cursor: every column is a text or an integer,
                # so peewee's per-value conversion would only cost time.
                rows = self.db.execute(query.order_by(*_TRIAGE).limit(page_size)).fetchall()
            if not rows:
                return
            yield rows
            if len(rows) < page_size:
                return
            last = rows[-1][:3]


# The columns of an export row after the triage key, in the order _export_row reads them.
_ROW = [
    Backorder.product,
    Backorder.business,
    Backorder.customer,
    Backorder.order,
    Backorder.quantity,
    Backorder.status,
    Backorder.price,
    Backorder.estimated_ship_date,
    Backorder.estimated_delivery_date,
    Backorder.actual_ship_date,
    Backorder.actual_delivery_date,
    Backorder.priority_level,
    Backorder.supplier_order,
    Backorder.cancelled_at,
    Backorder.metadata,
    Backorder.allocated_quantity,
    Backorder.version,
    Backorder.updated_at,
    Customer.name,
    Customer.email,
    Product.sku,
    Product.name,
    Order.number,
]


def _export_row(row: tuple[Any, ...]) -> schemas.ExportRow:
    """One export row from a tuple of _TRIAGE + _ROW."""
    (
        _rank,
        created_at,
        backorder_id,
        product,
        business,
        customer,
        order,
        quantity,
        status,
        price,
        estimated_ship_date,
        estimated_delivery_date,
        actual_ship_date,
        actual_delivery_date,
        priority_level,
        supplier_order,
        cancelled_at,
        metadata,
        allocated_quantity,
        version,
        updated_at,
        customer_name,
        customer_email,
        product_sku,
        product_name,
        order_number,
    ) = row
    return schemas.ExportRow(
        id=backorder_id,
        product=product,
        business=business,
        customer=customer,
        order=order,
        quantity=quantity,
        status=status,
        price=price,
        estimated_ship_date=estimated_ship_date,
        estimated_delivery_date=estimated_delivery_date,
        actual_ship_date=actual_ship_date,
        actual_delivery_date=actual_delivery_date,
        priority_level=priority_level,
        supplier_order=supplier_order,
        created_at=created_at,
        cancelled_at=cancelled_at,
        metadata=json.loads(metadata),
        allocated_quantity=allocated_quantity,
        version=version,
        updated_at=updated_at,
        customer_name=customer_name,
        customer_email=customer_email,
        product_sku=product_sku,
        product_name=product_name,
        order_number=order_number,
    )
