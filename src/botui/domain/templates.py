"""Texts of the notification templates, filled from the backorder, its product and customer."""

from __future__ import annotations

import datetime as dt

from botui.domain import schemas

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
    return f"{cents // 100:,}.{cents % 100:02d}"


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
        body = (
            f"Your backorder {backorder.id} for {item} is "
            f"{STATUS_WORDS[backorder.status]}. "
            f"Expected ship date: {day(backorder.estimated_ship_date)}."
        )
    elif template == "delay":
        body = (
            f"Your backorder {backorder.id} for {item} is delayed. "
            f"We now expect to ship it on {day(backorder.estimated_ship_date)}"
            f" and deliver it by {day(backorder.estimated_delivery_date)}."
        )
    elif template == "arrival":
        body = (
            f"Stock has arrived for your backorder {backorder.id}: "
            f"{backorder.allocated_quantity} of {backorder.quantity} units of {product.name} "
            f"are now reserved for you."
        )
    else:
        refund = backorder.price * backorder.quantity
        refund_text = f" A refund of {money(refund)} will be issued." if refund else ""
        body = f"Your backorder {backorder.id} for {item} has been cancelled.{refund_text}"
    subject = SUBJECTS[template].format(id=backorder.id, status=backorder.status)
    return subject, greeting + body + closing
