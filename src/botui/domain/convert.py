"""Peewee rows to pydantic answers: the service never hands out live rows."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, cast

from botui.lazy import lazy_module
from botui.store import models

if TYPE_CHECKING:
    from botui.domain import schemas
else:  # pydantic loads when a schema is first used, not with the first screen (botui.lazy)
    schemas = lazy_module("botui.domain.schemas")


def backorder(row: models.Backorder) -> schemas.Backorder:
    return schemas.Backorder(
        id=row.id,
        product=row.product_id,
        business=row.business_id,
        customer=row.customer_id,
        order=row.order_id,
        quantity=row.quantity,
        status=cast("schemas.Status", row.status),  # a text column; pydantic checks it
        price=row.price,
        estimated_ship_date=row.estimated_ship_date,
        estimated_delivery_date=row.estimated_delivery_date,
        actual_ship_date=row.actual_ship_date,
        actual_delivery_date=row.actual_delivery_date,
        priority_level=cast("schemas.Priority", row.priority_level),
        supplier_order=row.supplier_order,
        created_at=row.created_at,
        cancelled_at=row.cancelled_at,
        metadata=json.loads(row.metadata),
        allocated_quantity=row.allocated_quantity,
        version=row.version,
        updated_at=row.updated_at,
    )


def product(row: models.Product) -> schemas.Product:
    return schemas.Product(id=row.id, sku=row.sku, name=row.name, stock_on_hand=row.stock_on_hand)


def business(row: models.Business) -> schemas.Business:
    return schemas.Business(id=row.id, name=row.name)


def customer(row: models.Customer) -> schemas.Customer:
    return schemas.Customer(id=row.id, name=row.name, email=row.email, phone=row.phone)


def order(row: models.Order) -> schemas.Order:
    return schemas.Order(
        id=row.id,
        number=row.number,
        customer=row.customer_id,
        business=row.business_id,
        placed_at=row.placed_at,
    )


def event(row: models.Event) -> schemas.Event:
    return schemas.Event(
        id=row.id,
        type=row.type,
        backorder=row.backorder,
        at=row.at,
        actor=row.actor,
        data=json.loads(row.data),
    )


def message_id(entry_id: int, database_id: str) -> str:
    """The stable Message-ID of an outbox entry: the same on every attempt, unique per database."""
    return f"<outbox-{entry_id}.{database_id}@botui>"


def outbox(row: models.Notification, database_id: str) -> schemas.OutboxEntry:
    return schemas.OutboxEntry(
        id=row.id,
        backorder=row.backorder,
        channel=cast("schemas.Channel", row.channel),
        to=row.recipient,
        subject=row.subject,
        body=row.body,
        status=cast("schemas.OutboxStatus", row.status),
        created_at=row.created_at,
        sent_at=row.sent_at,
        actor=row.actor,
        attempts=row.attempts,
        last_error=row.last_error,
        message_id=message_id(row.id, database_id),
    )


def refund(row: models.Refund) -> schemas.Refund:
    return schemas.Refund(
        id=row.id,
        backorder=row.backorder,
        amount=row.amount,
        reason=row.reason,
        at=row.at,
        actor=row.actor,
    )


# One encoder for every call: json.dumps with options builds a new one each time.
_ENCODER = json.JSONEncoder(separators=(",", ":"), sort_keys=True, ensure_ascii=False)


def dumps(data: Any) -> str:
    """Compact, stable JSON for stored columns."""
    return _ENCODER.encode(data)
