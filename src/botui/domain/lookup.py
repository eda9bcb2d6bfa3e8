"""Read-only look-ups the screens need beyond the contract's actions: a backorder's records."""

from __future__ import annotations

from dataclasses import dataclass

from peewee import fn

from botui.domain import convert, schemas
from botui.domain.service import Service
from botui.store.db import translate_errors
from botui.store.models import (
    Backorder,
    Business,
    Customer,
    Event,
    Notification,
    Order,
    Product,
    Refund,
)

TIMELINE_LIMIT = 200
LIST_LIMIT = 100


@dataclass(frozen=True)
class Context:
    """A backorder with the records it points to and what happened to it."""

    backorder: schemas.Backorder
    product: schemas.Product
    business: schemas.Business
    customer: schemas.Customer
    order: schemas.Order | None
    events: list[schemas.Event]
    notifications: list[schemas.OutboxEntry]
    refunds: list[schemas.Refund]
    last_event_id: int


def context(service: Service, backorder_id: str) -> Context:
    """Everything the detail screen shows about one backorder (raises not_found if it is gone)."""
    seen = last_event_id(service)  # read first: any later change has a higher event id
    backorder = service.get({"id": backorder_id})
    # An id can be reused after a delete: show only what happened to this backorder.
    earlier = deletion(service, backorder_id)
    after_event, since = (earlier.id, earlier.at) if earlier else (0, 0)
    with translate_errors(service.path):
        order = Order.get_or_none(Order.id == backorder.order) if backorder.order else None
        events = (
            Event.select()
            .where((Event.backorder == backorder_id) & (Event.id > after_event))
            .order_by(Event.id.desc())
            .limit(TIMELINE_LIMIT)
        )
        notifications = (
            Notification.select()
            .where((Notification.backorder == backorder_id) & (Notification.created_at >= since))
            .order_by(Notification.id.desc())
            .limit(LIST_LIMIT)
        )
        refunds = (
            Refund.select()
            .where((Refund.backorder == backorder_id) & (Refund.at >= since))
            .order_by(Refund.id.desc())
            .limit(LIST_LIMIT)
        )
        return Context(
            backorder=backorder,
            product=convert.product(Product.get(Product.id == backorder.product)),
            business=convert.business(Business.get(Business.id == backorder.business)),
            customer=convert.customer(Customer.get(Customer.id == backorder.customer)),
            order=convert.order(order) if order else None,
            events=[convert.event(row) for row in reversed(list(events))],
            notifications=[convert.outbox(row) for row in reversed(list(notifications))],
            refunds=[convert.refund(row) for row in reversed(list(refunds))],
            last_event_id=seen,
        )


def last_event_id(service: Service) -> int:
    """The newest event id in the log (0 when empty), to follow changes from there."""
    with translate_errors(service.path):
        return Event.select(fn.MAX(Event.id)).scalar() or 0


def deletion(service: Service, backorder_id: str) -> schemas.Event | None:
    """The `deleted` event of a backorder that no longer exists, if there is one."""
    with translate_errors(service.path):
        row = (
            Event.select()
            .where((Event.backorder == backorder_id) & (Event.type == "deleted"))
            .order_by(Event.id.desc())
            .first()
        )
        return convert.event(row) if row else None


def describe(service: Service, kind: str, record_id: str) -> str | None:
    """A one-line description of a business, customer, product or order, or None if unknown."""
    with translate_errors(service.path):
        if kind == "product":
            row = Product.get_or_none(Product.id == record_id)
            return f"{row.name} (SKU {row.sku}), {row.stock_on_hand:,} free" if row else None
        if kind == "customer":
            row = Customer.get_or_none(Customer.id == record_id)
            return row.name if row else None
        if kind == "business":
            row = Business.get_or_none(Business.id == record_id)
            return row.name if row else None
        row = Order.get_or_none(Order.id == record_id)
        if row is None:
            return None
        number = f"{row.number} " if row.number else ""
        return f"order {number}of {row.customer_id} at {row.business_id}"


def products_of(service: Service, backorder_ids: list[str]) -> dict[str, schemas.Product]:
    """The product of each existing backorder among `backorder_ids` (missing ones left out)."""
    with translate_errors(service.path):
        rows = (
            Backorder.select(Backorder.id, Product)
            .join(Product)
            .where(Backorder.id.in_(backorder_ids))
        )
        return {row.id: convert.product(row.product) for row in rows}
