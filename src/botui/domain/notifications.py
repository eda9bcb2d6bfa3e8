"""Customer notifications: rendering, the 10-minute duplicate guard, the outbox."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from botui.domain import convert
from botui.domain.core import ServiceCore
from botui.domain.errors import (
    conflict,
    not_found,
    validation,
)
from botui.domain.templates import render
from botui.domain.validation import parse
from botui.lazy import lazy_module
from botui.store.models import (
    Customer,
    Notification,
    Product,
)

if TYPE_CHECKING:
    from botui.domain import schemas
else:  # pydantic loads when a schema is first used, not with the first screen (botui.lazy)
    schemas = lazy_module("botui.domain.schemas")

DUPLICATE_WINDOW = 600


class Notifications(ServiceCore):
    """notifyCustomer and the outbox it fills."""

    def notify_customer(self, payload: Any) -> schemas.Backorder:
        data = parse(schemas.NotifyCustomer, payload, "notifyCustomer")
        actor, now = self._who()
        with self._write():
            row = self._backorder_row(data.id)
            self._check_version(row, data.version)
            customer = Customer.get(Customer.id == row.customer_id)
            address = customer.email if data.channel == "email" else customer.phone
            if not address:
                kind = "email address" if data.channel == "email" else "phone number"
                other = "sms" if data.channel == "email" else "email"
                raise validation(
                    f"customer {customer.id} has no {kind}; use {other} or add the {kind}",
                    "channel",
                )
            backorder = convert.backorder(row)
            subject: str | None  # an SMS has none
            if data.template is not None:
                subject, body = render(
                    data.template,
                    backorder,
                    convert.product(Product.get(Product.id == row.product_id)),
                    convert.customer(customer),
                )
                if data.subject is not None:
                    subject = data.subject
            else:
                body = data.message or ""
                subject = data.subject
                if subject is None and data.channel == "email":
                    subject = f"About your backorder {row.id}"
            duplicate = (
                Notification.select()
                .where(
                    (Notification.backorder == row.id)
                    & (Notification.channel == data.channel)
                    & (
                        Notification.subject.is_null(subject is None)
                        if subject is None
                        else Notification.subject == subject
                    )
                    & (Notification.body == body)
                    & (Notification.created_at > now - DUPLICATE_WINDOW)
                )
                .exists()
            )
            if duplicate:
                return backorder
            entry = Notification.insert(
                backorder=row.id,
                channel=data.channel,
                recipient=address,
                subject=subject,
                body=body,
                status="queued",
                created_at=now,
                actor=actor,
            ).execute()
            self._event(
                "customerNotified",
                row.id,
                actor,
                now,
                notification=entry,
                channel=data.channel,
                to=address,
                subject=subject,
                template=data.template,
            )
            return backorder

    def mark_sent(self, payload: Any) -> schemas.OutboxEntry:
        data = parse(schemas.MarkSent, payload, "outbox.markSent")
        _, now = self._who()
        with self._write():
            row = Notification.get_or_none(Notification.id == data.id)
            if row is None:
                raise not_found(f"there is no outbox entry {data.id}; check id", "id")
            if row.status == "sent":
                raise conflict(f"outbox entry {data.id} was already marked sent", "id")
            if row.claimed_until is not None and row.claimed_until > now:
                # A sender holds it and may be handing it to the mail server right now: marking
                # it sent here could not stop that, and the customer would get it anyway.
                raise conflict(
                    f"outbox entry {data.id} is being sent by another botui right now; "
                    "look again in a moment",
                    "id",
                )
            Notification.update(status="sent", sent_at=now, claimed_until=None).where(
                Notification.id == row.id
            ).execute()
            return convert.outbox(Notification.get(Notification.id == row.id), self.database_id())
