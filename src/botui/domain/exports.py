"""The export read: every backorder of a queue spec (`botui export`: a view, status and query,
in triage order), page by page in the queue's order."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from peewee import JOIN

from botui.domain import queue
from botui.domain.core import ServiceCore
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


def _spec(data: schemas.ExportBackorders) -> queue.QueueSpec:
    """The queue's spec of an export: `botui export` gives a view, a status and a query (triage
    order); the queue's export key gives its whole spec (QueueSpec.export_input)."""
    return queue.QueueSpec(
        view=data.view,
        sort=data.sort,
        descending=data.descending,
        text=data.query or "",
        status=data.status or "",
        customer=data.customer or "",
        product=data.product or "",
        business=data.business or "",
        priority=data.priority or "",
        age=data.age or "",
    )


def _joined(query: Any) -> Any:
    """An export row's names: its product, customer and order (one primary-key lookup each)."""
    return (
        query.join(Product, on=Backorder.product == Product.id)
        .switch(Backorder)
        .join(Customer, on=Backorder.customer == Customer.id)
        .switch(Backorder)
        .join(Order, JOIN.LEFT_OUTER, on=Backorder.order == Order.id)
    )


class Exports(ServiceCore):
    """`botui export` and the queue's export key read through here, never the store."""

    def export_pages(
        self, payload: Any = None, *, page_size: int = EXPORT_PAGE
    ) -> Iterator[list[schemas.ExportRow]]:
        """Pages of export rows in the queue's order (triage unless a sort is given); the input
        is checked before the first page.

        Each page is its own read (keyset pagination along the queue's order, as the queue
        reads it), so memory stays flat however many rows match and no read holds the database
        for the whole export; the rows are those the queue shows for the same spec.
        """
        data = parse(schemas.ExportBackorders, {} if payload is None else payload, "export")
        return self._pages(_spec(data), self._clock(), page_size)

    def export_metadata_keys(self, payload: Any = None) -> list[str]:
        """Every metadata key of the rows an export writes, sorted: the CSV's extra columns.

        Reads only the metadata column (and the sort key), page by page, keeping just the keys.
        """
        data = parse(schemas.ExportBackorders, {} if payload is None else payload, "export")
        keys: set[str] = set()
        for rows in self._raw_pages(_spec(data), self._clock(), EXPORT_PAGE, [Backorder.metadata]):
            for row in rows:
                if row[0] != "{}":
                    keys.update(json.loads(row[0]))
        return sorted(keys)

    def _pages(
        self, spec: queue.QueueSpec, now: int, page_size: int
    ) -> Iterator[list[schemas.ExportRow]]:
        for rows in self._raw_pages(spec, now, page_size, _ROW, joined=_joined):
            yield [_export_row(row) for row in rows]

    def _raw_pages(
        self, spec: queue.QueueSpec, now: int, page_size: int, columns: list[Any], **options: Any
    ) -> Iterator[list[tuple[Any, ...]]]:
        """The queue's ordered pages (`columns`, then a sort key), each read in `_read`."""
        pages = queue.ordered_pages(spec, now, columns, page_size, **options)
        while True:
            with self._read():
                rows = next(pages, None)
            if rows is None:
                return
            yield rows


# The columns of an export row, in the order _export_row reads them (the sort key follows).
_ROW = [
    Backorder.created_at,
    Backorder.id,
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
    """One export row from a tuple of _ROW and the sort key of its stretch."""
    (
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
        *_key,
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
