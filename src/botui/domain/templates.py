"""Texts of the notification templates, filled from the backorder, its product and customer."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from botui.domain import refunds
from botui.lazy import lazy_module

if TYPE_CHECKING:
    from botui.domain import schemas
else:  # pydantic loads when a schema is first used, not with the first screen (botui.lazy)
    schemas = lazy_module("botui.domain.schemas")

SUBJECTS = {
    "status": "Your backorder {id}: {status}",
    "delay": "Your backorder {id} is delayed",
    "arrival": "Your backorder {id}: stock has arrived",
    "cancellation": "Your backorder {id} has been cancelled",
}
STATUS_WORDS = {
    "pending": "received and waiting for confirmation",
    "confirmed": "confirmed with our supplier",
    "in-production": "being made by our supplier",
    "in-transit": "on its way to our warehouse",
    "fulfilled": "shipped to you",
    "cancelled": "cancelled",
}


def day(seconds: int | None) -> str:
    """A Unix time as an ISO date (UTC), or 'not yet known'."""
    if seconds is None:
        return "not yet known"
    return dt.datetime.fromtimestamp(seconds, dt.UTC).strftime("%Y-%m-%d")


def money(cents: int) -> str:
    """Cents as an amount with two decimals and thousands separators: 123456 -> "1,234.56"."""
    return f"{cents // 100:,}.{cents % 100:02d}"


def _new_dates(backorder: schemas.Backorder) -> str:
    """The delay template's sentence about the dates now expected (only those known)."""
    ship, delivery = backorder.estimated_ship_date, backorder.estimated_delivery_date
    if ship is not None and delivery is not None:
        return f"We now expect to ship it on {day(ship)} and deliver it by {day(delivery)}."
    if ship is not None:
        return f"We now expect to ship it on {day(ship)}."
    if delivery is not None:
        return f"We now expect to deliver it by {day(delivery)}."
    return "We will tell you the new date as soon as our supplier confirms it."


def render(
    template: str,
    backorder: schemas.Backorder,
    product: schemas.Product,
    customer: schemas.Customer,
) -> tuple[str, str]:
    """Subject and body of a template for this backorder."""
    item = f"{backorder.quantity} x {product.name} (SKU {product.sku})"
    greeting = f"Hello {customer.name},\n\n"
    closing = "\n\nThank you for your patience."
    if template == "status":
        if backorder.actual_ship_date is not None:
            when = f"It left our warehouse on {day(backorder.actual_ship_date)}."
        elif backorder.status == "cancelled":
            when = ""
        else:
            when = f"Expected ship date: {day(backorder.estimated_ship_date)}."
        body = (
            f"Your backorder {backorder.id} for {item} is {STATUS_WORDS[backorder.status]}. {when}"
        ).rstrip()
    elif template == "delay":
        body = f"Your backorder {backorder.id} for {item} is delayed. " + _new_dates(backorder)
    elif template == "arrival":
        body = (
            f"Stock has arrived for your backorder {backorder.id}: "
            f"{backorder.allocated_quantity} of {backorder.quantity} units of {product.name} "
            f"are now reserved for you."
        )
    else:
        refund = refunds.refund(backorder.price, backorder.quantity)
        refund_text = f" A refund of {money(refund)} will be issued." if refund else ""
        body = f"Your backorder {backorder.id} for {item} has been cancelled.{refund_text}"
    subject = SUBJECTS[template].format(id=backorder.id, status=backorder.status)
    return subject, greeting + body + closing
