"""The backorder service: one method per action of the contract, each one transaction."""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import peewee
from peewee import Tuple

from botui import config
from botui.domain import convert, schemas, statuses
from botui.domain.allocation import Grant, allocate, release
from botui.domain.errors import (
    conflict,
    insufficient_stock,
    invalid_transition,
    not_found,
    storage_error,
    validation,
)
from botui.domain.search import is_common, match_rowids, row_matches
from botui.domain.templates import render
from botui.domain.text import check_text
from botui.domain.validation import parse
from botui.store.db import translate_errors
from botui.store.models import (
    Backorder,
    Business,
    Counter,
    Customer,
    Event,
    Notification,
    Order,
    Product,
    Receipt,
    Refund,
)

DUPLICATE_WINDOW = 600
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_PHONE = re.compile(r"\+?[0-9 ().\-]{3,100}")
# Update fields (python name) -> (column attribute, may it be null?)
_UPDATABLE = {
    "quantity": False,
    "status": False,
    "priority_level": False,
    "estimated_ship_date": True,
    "estimated_delivery_date": True,
    "actual_delivery_date": True,
    "supplier_order": True,
    "metadata": False,
}


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}" + ("" if count == 1 else "s")


class Service:
    """Every action of the contract; the UI and `botui api` both call only this."""

    def __init__(
        self,
        db: peewee.SqliteDatabase,
        *,
        clock: Callable[[], int] = config.now,
        actor: Callable[[], str] = config.actor,
    ) -> None:
        self.db = db
        self._clock = clock
        self._actor = actor

    # -- plumbing -------------------------------------------------------------------------

    @property
    def readonly(self) -> bool:
        return bool(getattr(self.db, "botui_readonly", False))

    @property
    def path(self) -> str:
        return str(getattr(self.db, "botui_path", self.db.database))

    def _who(self) -> tuple[str, int]:
        actor = self._actor()
        try:
            check_text(actor, 200)
        except ValueError as exc:
            raise validation(f"the actor name (BOTUI_ACTOR) {exc}") from None
        if not actor:
            raise validation("the actor name (BOTUI_ACTOR) must not be empty")
        try:
            return actor, self._clock()
        except ValueError:
            raise validation(
                "BOTUI_NOW must be a whole number of Unix seconds; fix it or unset it"
            ) from None

    @contextmanager
    def _write(self) -> Iterator[None]:
        """One IMMEDIATE transaction: all of the change and its events, or nothing."""
        if self.readonly:
            raise storage_error(
                f"{self.path} is read-only: nothing can be changed; ask for write access"
            )
        with translate_errors(self.path), self.db.atomic():
            yield

    @contextmanager
    def _read(self) -> Iterator[None]:
        with translate_errors(self.path):
            yield

    def _event(self, type_: str, backorder: str, actor: str, now: int, /, **data: Any) -> None:
        """Append one event; positional-only, so `data` may hold any key (`deleted` holds `id`)."""
        Event.insert(
            type=type_, backorder=backorder, at=now, actor=actor, data=convert.dumps(data)
        ).execute()

    def _next_id(self, counter: str, prefix: str, model: type[peewee.Model], column: Any) -> str:
        row = Counter.get_or_none(Counter.name == counter)
        value = row.value if row else 0
        while True:
            value += 1
            candidate = f"{prefix}{value}"
            if not model.select().where(column == candidate).exists():
                break
        Counter.insert(name=counter, value=value).on_conflict_replace().execute()
        return candidate

    def _backorder_row(self, backorder_id: str) -> Backorder:
        row = Backorder.get_or_none(Backorder.id == backorder_id)
        if row is None:
            raise not_found(
                f"there is no backorder {backorder_id}; check the id (list shows them)", "id"
            )
        return row

    @staticmethod
    def _require(model: type[peewee.Model], record_id: str, field: str) -> Any:
        row = model.get_or_none(model.id == record_id)
        if row is None:
            kind = model.__name__.lower()
            raise not_found(f"there is no {kind} {record_id}; check {field}", field)
        return row

    @staticmethod
    def _check_version(row: Backorder, version: int | None) -> None:
        if version is not None and version != row.version:
            who = row.updated_by or "someone"
            raise conflict(
                f"{row.id} was changed by {who} since you read it (it is now version "
                f"{row.version}, you had {version}): reload it and try again",
                "version",
            )

    @staticmethod
    def _check_dates(first: int | None, second: int | None, field: str, names: str) -> None:
        if first is not None and second is not None and second < first:
            raise validation(f"{field} must not be before {names}", field)

    @classmethod
    def _check_estimates(cls, ship: int | None, delivery: int | None, delivery_sent: bool) -> None:
        """Delivery not before ship, blaming the date the caller sent (delivery if both)."""
        if delivery_sent:
            cls._check_dates(ship, delivery, "estimatedDeliveryDate", "estimatedShipDate")
        elif ship is not None and delivery is not None and delivery < ship:
            raise validation(
                "estimatedShipDate must not be after estimatedDeliveryDate; "
                "send a later estimatedDeliveryDate with it",
                "estimatedShipDate",
            )

    def _save(self, row: Backorder, actor: str, now: int, **columns: Any) -> None:
        """Write a version-raising change, compare-and-set on the version read."""
        columns.update(version=row.version + 1, updated_at=now, updated_by=actor)
        changed = (
            Backorder.update(**columns)
            .where((Backorder.seq == row.seq) & (Backorder.version == row.version))
            .execute()
        )
        if changed != 1:
            raise conflict(f"{row.id} was changed at the same moment; reload it and try again")
        for name, value in columns.items():
            setattr(row, name, value)

    def _announce(self, grants: list[Grant], actor: str, now: int, **source: Any) -> None:
        for grant in grants:
            self._event(
                "inventoryArrived", grant.backorder, actor, now, quantity=grant.quantity, **source
            )

    def _release_and_reallocate(self, row: Backorder, units: int, actor: str, now: int) -> None:
        if units > 0:
            release(row.product_id, units)
            self._announce(allocate(row.product_id), actor, now, releasedBy=row.id)

    def _delay_if_later(
        self, row: Backorder, old: int | None, new: int | None, actor: str, now: int
    ) -> None:
        if old is not None and new is not None and new > old:
            self._event(
                "delayNoticed",
                row.id,
                actor,
                now,
                estimatedShipDate=old,
                newEstimatedShipDate=new,
            )

    def _fresh(self, row: Backorder) -> schemas.Backorder:
        return convert.backorder(Backorder.get(Backorder.seq == row.seq))

    # -- backorder actions ----------------------------------------------------------------

    def create(self, payload: Any) -> schemas.Backorder:
        data = parse(schemas.CreateBackorder, payload, "create")
        actor, now = self._who()
        if schemas.SPLIT_FROM_KEY in data.metadata:
            # Only a split sets it (and only then is it kept out of the 50 keys and locked).
            raise validation(
                "metadata.splitFrom is set by botui when a backorder is split; leave it out",
                "metadata",
            )
        self._check_dates(
            data.estimated_ship_date,
            data.estimated_delivery_date,
            "estimatedDeliveryDate",
            "estimatedShipDate",
        )
        with self._write():
            product = self._require(Product, data.product, "product")
            business = self._require(Business, data.business, "business")
            customer = self._require(Customer, data.customer, "customer")
            if data.order is not None:
                order = self._require(Order, data.order, "order")
                if order.customer_id != customer.id or order.business_id != business.id:
                    raise validation(
                        f"order {order.id} belongs to another customer or business; give an "
                        f"order of customer {customer.id} at business {business.id}",
                        "order",
                    )
            if data.id is not None:
                if Backorder.select().where(Backorder.id == data.id).exists():
                    raise conflict(
                        f"a backorder {data.id} already exists; choose another id or leave it "
                        "out to have one generated",
                        "id",
                    )
                backorder_id = data.id
            else:
                backorder_id = self._next_id("backorder", "BO-", Backorder, Backorder.id)
            row = self._insert_backorder(
                backorder_id=backorder_id,
                product=product.id,
                business=business.id,
                customer=customer.id,
                order=data.order,
                quantity=data.quantity,
                status="pending",
                price=data.price,
                priority_level=data.priority_level,
                estimated_ship_date=data.estimated_ship_date,
                estimated_delivery_date=data.estimated_delivery_date,
                supplier_order=data.supplier_order,
                created_at=now,
                metadata=data.metadata,
                allocated=0,
                actor=actor,
                now=now,
            )
            grants = allocate(product.id)
            taken = sum(g.quantity for g in grants if g.backorder == backorder_id)
            self._event(
                "created",
                backorder_id,
                actor,
                now,
                quantity=data.quantity,
                priorityLevel=data.priority_level,
                price=data.price,
                allocated=taken,
            )
            self._announce(
                [g for g in grants if g.backorder != backorder_id], actor, now, receipt=None
            )
            return self._fresh(row)

    def _insert_backorder(
        self,
        *,
        backorder_id: str,
        product: str,
        business: str,
        customer: str,
        order: str | None,
        quantity: int,
        status: str,
        price: int,
        priority_level: str,
        estimated_ship_date: int | None,
        estimated_delivery_date: int | None,
        supplier_order: str | None,
        created_at: int,
        metadata: dict[str, Any],
        allocated: int,
        actor: str,
        now: int,
    ) -> Backorder:
        seq = Backorder.insert(
            id=backorder_id,
            product=product,
            business=business,
            customer=customer,
            order=order,
            quantity=quantity,
            status=status,
            is_open=1 if statuses.is_open(status) else 0,
            price=price,
            estimated_ship_date=estimated_ship_date,
            estimated_delivery_date=estimated_delivery_date,
            priority_level=priority_level,
            priority_rank=statuses.PRIORITY_RANK[priority_level],
            supplier_order=supplier_order,
            created_at=created_at,
            updated_at=now,
            updated_by=actor,
            metadata=convert.dumps(metadata),
            allocated_quantity=allocated,
            version=1,
        ).execute()
        return Backorder.get(Backorder.seq == seq)

    def update(self, payload: Any) -> schemas.Backorder:
        data = parse(schemas.UpdateBackorder, payload, "update")
        actor, now = self._who()
        given = data.given() - {"id", "version"}
        for name in given:
            if getattr(data, name) is None and not _UPDATABLE[name]:
                raise validation(
                    f"{_camel(name)} cannot be null; leave it out to keep it", _camel(name)
                )
        with self._write():
            row = self._backorder_row(data.id)
            self._check_version(row, data.version)
            current = convert.backorder(row)
            wanted = {name: getattr(data, name) for name in given}
            if "metadata" in wanted:
                wanted["metadata"] = self._merge_split_from(current.metadata, wanted["metadata"])
            changes = {
                name: (getattr(current, name), value)
                for name, value in wanted.items()
                if getattr(current, name) != value
            }
            if not changes:
                return current
            self._check_update_allowed(row, changes)
            ship = changes.get("estimated_ship_date", (row.estimated_ship_date,) * 2)[1]
            delivery = changes.get("estimated_delivery_date", (row.estimated_delivery_date,) * 2)[1]
            self._check_estimates(ship, delivery, "estimated_delivery_date" in changes)
            if "actual_delivery_date" in changes:
                self._check_dates(
                    row.actual_ship_date,
                    changes["actual_delivery_date"][1],
                    "actualDeliveryDate",
                    "actualShipDate",
                )
            columns: dict[str, Any] = {name: new for name, (_, new) in changes.items()}
            if "metadata" in columns:
                columns["metadata"] = convert.dumps(columns["metadata"])
            if "priority_level" in columns:
                columns["priority_rank"] = statuses.PRIORITY_RANK[columns["priority_level"]]
            released = 0
            if "quantity" in changes and changes["quantity"][1] < row.allocated_quantity:
                released = row.allocated_quantity - changes["quantity"][1]
                columns["allocated_quantity"] = changes["quantity"][1]
            old_ship = row.estimated_ship_date
            self._save(row, actor, now, **columns)
            extra: dict[str, Any] = {}
            grants: list[Grant] = []
            if released:
                extra["released"] = released
            elif "quantity" in changes and changes["quantity"][1] > changes["quantity"][0]:
                grants = allocate(row.product_id)
                extra["allocated"] = sum(g.quantity for g in grants if g.backorder == row.id)
            self._event(
                "updated",
                row.id,
                actor,
                now,
                changes={_camel(k): list(v) for k, v in changes.items()},
                **extra,
            )
            self._delay_if_later(row, old_ship, row.estimated_ship_date, actor, now)
            self._announce([g for g in grants if g.backorder != row.id], actor, now, receipt=None)
            self._release_and_reallocate(row, released, actor, now)
            return self._fresh(row)

    @staticmethod
    def _merge_split_from(current: dict[str, Any], wanted: dict[str, Any]) -> dict[str, Any]:
        """`metadata.splitFrom` is kept by botui: an update may repeat it but not change it."""
        kept = current.get(schemas.SPLIT_FROM_KEY)
        given = wanted.get(schemas.SPLIT_FROM_KEY, kept)
        if given != kept:
            raise validation(
                "metadata.splitFrom is set by botui when a backorder is split; leave it out",
                "metadata",
            )
        merged = dict(wanted)
        if kept is not None:
            merged[schemas.SPLIT_FROM_KEY] = kept
        return merged

    @staticmethod
    def _check_update_allowed(row: Backorder, changes: dict[str, tuple[Any, Any]]) -> None:
        if row.status in statuses.CLOSED_STATUSES:
            allowed = {"metadata"}
            if row.status == "fulfilled":
                allowed.add("actual_delivery_date")
            refused = sorted(set(changes) - allowed)
            if refused:
                what = " and actualDeliveryDate" if row.status == "fulfilled" else ""
                raise invalid_transition(
                    f"{row.id} is {row.status} (closed): only metadata{what} can still change, "
                    f"not {_camel(refused[0])}",
                    _camel(refused[0]),
                )
        elif "actual_delivery_date" in changes:
            raise invalid_transition(
                f"{row.id} is {row.status}: actualDeliveryDate can be set only after fulfil",
                "actualDeliveryDate",
            )
        if "status" in changes:
            refusal = statuses.check_update_status(row.id, row.status, changes["status"][1])
            if refusal is not None:
                raise refusal

    def delete(self, payload: Any) -> schemas.Backorder:
        data = parse(schemas.DeleteBackorder, payload, "delete")
        actor, now = self._who()
        with self._write():
            row = self._backorder_row(data.id)
            self._check_version(row, data.version)
            last = convert.backorder(row)
            released = row.allocated_quantity if statuses.is_open(row.status) else 0
            Backorder.delete().where(Backorder.seq == row.seq).execute()
            self._event("deleted", row.id, actor, now, **last.to_json())
            self._release_and_reallocate(row, released, actor, now)
            return last

    def confirm(self, payload: Any) -> schemas.Backorder:
        data = parse(schemas.ConfirmBackorder, payload, "confirm")
        actor, now = self._who()
        with self._write():
            row = self._backorder_row(data.id)
            self._check_version(row, data.version)
            statuses.check_confirm(row.id, row.status)
            columns: dict[str, Any] = {"status": "confirmed"}
            changes: dict[str, list[Any]] = {}
            for name in data.given() & {
                "supplier_order",
                "estimated_ship_date",
                "estimated_delivery_date",
            }:
                value = getattr(data, name)
                if value != getattr(row, name):
                    columns[name] = value
                    changes[_camel(name)] = [getattr(row, name), value]
            self._check_estimates(
                columns.get("estimated_ship_date", row.estimated_ship_date),
                columns.get("estimated_delivery_date", row.estimated_delivery_date),
                "estimated_delivery_date" in columns,
            )
            old_ship = row.estimated_ship_date
            self._save(row, actor, now, **columns)
            self._event("confirmed", row.id, actor, now, changes=changes)
            self._delay_if_later(row, old_ship, row.estimated_ship_date, actor, now)
            return self._fresh(row)

    def fulfill(self, payload: Any) -> schemas.Backorder:
        data = parse(schemas.FulfillBackorder, payload, "fulfill")
        actor, now = self._who()
        with self._write():
            row = self._backorder_row(data.id)
            self._check_version(row, data.version)
            statuses.check_fulfill(row.id, row.status)
            shipped = data.quantity if data.quantity is not None else row.quantity
            if shipped > row.quantity:
                raise validation(
                    f"quantity must be at most {row.quantity:,}, the units of {row.id}",
                    "quantity",
                )
            topped_up = max(shipped - row.allocated_quantity, 0)
            if topped_up:
                free = Product.get(Product.id == row.product_id).stock_on_hand
                if free < topped_up:
                    missing = topped_up - free
                    raise insufficient_stock(
                        f"{row.id} needs {_plural(missing, 'more unit')} to ship "
                        f"{shipped:,}: {row.allocated_quantity:,} allocated and {free:,} free "
                        "in stock; receive stock first",
                        "quantity",
                    )
                Product.update(stock_on_hand=Product.stock_on_hand - topped_up).where(
                    Product.id == row.product_id
                ).execute()
            ship_date = data.actual_ship_date if data.actual_ship_date is not None else now
            remainder = row.quantity - shipped
            remainder_allocated = row.allocated_quantity + topped_up - shipped
            original = convert.backorder(row)
            self._save(
                row,
                actor,
                now,
                status="fulfilled",
                is_open=0,
                quantity=shipped,
                allocated_quantity=shipped,
                actual_ship_date=ship_date,
            )
            split_id = None
            if remainder:
                split_id = self._next_id("backorder", "BO-", Backorder, Backorder.id)
            self._event(
                "fulfilled",
                row.id,
                actor,
                now,
                quantity=shipped,
                actualShipDate=ship_date,
                toppedUp=topped_up,
                splitInto=split_id,
            )
            if split_id is not None:
                self._split(original, split_id, remainder, remainder_allocated, actor, now)
            return self._fresh(row)

    def _split(
        self,
        original: schemas.Backorder,
        split_id: str,
        quantity: int,
        allocated: int,
        actor: str,
        now: int,
    ) -> None:
        metadata = dict(original.metadata)
        metadata[schemas.SPLIT_FROM_KEY] = original.id
        self._insert_backorder(
            backorder_id=split_id,
            product=original.product,
            business=original.business,
            customer=original.customer,
            order=original.order,
            quantity=quantity,
            status=original.status,
            price=original.price,
            priority_level=original.priority_level,
            estimated_ship_date=original.estimated_ship_date,
            estimated_delivery_date=original.estimated_delivery_date,
            supplier_order=original.supplier_order,
            created_at=original.created_at,
            metadata=metadata,
            allocated=allocated,
            actor=actor,
            now=now,
        )
        self._event(
            "created",
            split_id,
            actor,
            now,
            quantity=quantity,
            priorityLevel=original.priority_level,
            price=original.price,
            allocated=allocated,
            splitFrom=original.id,
        )

    def cancel(self, payload: Any) -> schemas.Backorder:
        data = parse(schemas.CancelBackorder, payload, "cancel")
        actor, now = self._who()
        with self._write():
            row = self._backorder_row(data.id)
            self._check_version(row, data.version)
            statuses.check_cancel(row.id, row.status)
            released = row.allocated_quantity
            refund = row.price * row.quantity
            self._save(
                row,
                actor,
                now,
                status="cancelled",
                is_open=0,
                cancelled_at=now,
                allocated_quantity=0,
            )
            if refund > 0:
                Refund.insert(
                    backorder=row.id, amount=refund, reason=data.reason, at=now, actor=actor
                ).execute()
            self._event(
                "cancelled",
                row.id,
                actor,
                now,
                reason=data.reason,
                refund=refund,
                released=released,
            )
            self._release_and_reallocate(row, released, actor, now)
            return self._fresh(row)

    def update_estimate(self, payload: Any) -> schemas.Backorder:
        data = parse(schemas.UpdateEstimate, payload, "updateEstimate")
        actor, now = self._who()
        with self._write():
            row = self._backorder_row(data.id)
            self._check_version(row, data.version)
            if not statuses.is_open(row.status):
                raise invalid_transition(
                    f"{row.id} is {row.status} (closed): its estimate can no longer change",
                    "status",
                )
            columns: dict[str, Any] = {}
            for name in ("estimated_ship_date", "estimated_delivery_date"):
                value = getattr(data, name)
                if value is not None and value != getattr(row, name):
                    columns[name] = value
            ship = columns.get("estimated_ship_date", row.estimated_ship_date)
            delivery = columns.get("estimated_delivery_date", row.estimated_delivery_date)
            self._check_estimates(ship, delivery, "estimated_delivery_date" in columns)
            if not columns:
                return convert.backorder(row)
            changes = {_camel(k): [getattr(row, k), v] for k, v in columns.items()}
            old_ship = row.estimated_ship_date
            self._save(row, actor, now, **columns)
            self._event("estimateUpdated", row.id, actor, now, changes=changes, reason=data.reason)
            self._delay_if_later(row, old_ship, row.estimated_ship_date, actor, now)
            return self._fresh(row)

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

    def receive_inventory(self, payload: Any) -> schemas.ReceiveResult:
        data = parse(schemas.ReceiveInventory, payload, "receiveInventory")
        actor, now = self._who()
        with self._write():
            product = self._require(Product, data.product, "product")
            if data.receipt is not None and (
                Receipt.select().where(Receipt.receipt == data.receipt).exists()
            ):
                raise conflict(
                    f"receipt {data.receipt} was already received; nothing was added again",
                    "receipt",
                )
            Receipt.insert(
                receipt=data.receipt,
                product=product.id,
                quantity=data.quantity,
                supplier_order=data.supplier_order,
                at=now,
                actor=actor,
            ).execute()
            Product.update(stock_on_hand=Product.stock_on_hand + data.quantity).where(
                Product.id == product.id
            ).execute()
            grants = allocate(product.id)
            self._announce(grants, actor, now, receipt=data.receipt)
            return schemas.ReceiveResult(
                product=convert.product(Product.get(Product.id == product.id)),
                allocations=[
                    schemas.Allocation(backorder=g.backorder, quantity=g.quantity) for g in grants
                ],
            )

    def detect_delays(self, payload: Any = None) -> schemas.DelayResult:
        parse(schemas.DetectDelays, {} if payload is None else payload, "detectDelays")
        actor, now = self._who()
        with self._write():
            late = (
                Backorder.select(Backorder.seq, Backorder.id, Backorder.estimated_ship_date)
                .where(
                    (Backorder.is_open == 1)
                    & (Backorder.estimated_ship_date < now)
                    & Backorder.actual_ship_date.is_null()
                    & (
                        Backorder.noticed_ship_date.is_null()
                        | (Backorder.noticed_ship_date != Backorder.estimated_ship_date)
                    )
                )
                .order_by(Backorder.priority_rank, Backorder.created_at, Backorder.id)
            )
            delayed = []
            for row in list(late):
                Backorder.update(noticed_ship_date=row.estimated_ship_date).where(
                    Backorder.seq == row.seq
                ).execute()
                self._event(
                    "delayNoticed", row.id, actor, now, estimatedShipDate=row.estimated_ship_date
                )
                delayed.append(row.id)
            return schemas.DelayResult(delayed=delayed)

    # -- reading --------------------------------------------------------------------------

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
            return schemas.OutboxPage(data=[convert.outbox(r) for r in rows])

    def mark_sent(self, payload: Any) -> schemas.OutboxEntry:
        data = parse(schemas.MarkSent, payload, "outbox.markSent")
        _, now = self._who()
        with self._write():
            row = Notification.get_or_none(Notification.id == data.id)
            if row is None:
                raise not_found(f"there is no outbox entry {data.id}; check id", "id")
            if row.status == "sent":
                raise conflict(f"outbox entry {data.id} was already marked sent", "id")
            Notification.update(status="sent", sent_at=now).where(
                Notification.id == row.id
            ).execute()
            return convert.outbox(Notification.get(Notification.id == row.id))

    # -- reference records ----------------------------------------------------------------

    def _new_reference_id(
        self, given: str | None, model: type[peewee.Model], counter: str, prefix: str
    ) -> str:
        if given is None:
            return self._next_id(counter, prefix, model, model.id)
        if model.select().where(model.id == given).exists():
            kind = model.__name__.lower()
            raise conflict(f"a {kind} {given} already exists; choose another id", "id")
        return given

    def create_business(self, payload: Any) -> schemas.Business:
        data = parse(schemas.CreateBusiness, payload, "business.create")
        self._who()
        with self._write():
            record_id = self._new_reference_id(data.id, Business, "business", "BIZ-")
            Business.insert(id=record_id, name=data.name).execute()
            return convert.business(Business.get(Business.id == record_id))

    def create_customer(self, payload: Any) -> schemas.Customer:
        data = parse(schemas.CreateCustomer, payload, "customer.create")
        self._who()
        if data.email is not None and not _EMAIL.fullmatch(data.email):
            raise validation("email must look like name@example.com", "email")
        if data.phone is not None and (
            not _PHONE.fullmatch(data.phone) or sum(c.isdigit() for c in data.phone) < 3
        ):
            raise validation("phone must be digits, with optional + ( ) - . and spaces", "phone")
        with self._write():
            record_id = self._new_reference_id(data.id, Customer, "customer", "CUS-")
            Customer.insert(
                id=record_id, name=data.name, email=data.email, phone=data.phone
            ).execute()
            return convert.customer(Customer.get(Customer.id == record_id))

    def create_product(self, payload: Any) -> schemas.Product:
        data = parse(schemas.CreateProduct, payload, "product.create")
        self._who()
        with self._write():
            record_id = self._new_reference_id(data.id, Product, "product", "PRD-")
            if Product.select().where(Product.sku == data.sku).exists():
                raise conflict(f"a product with SKU {data.sku} already exists", "sku")
            Product.insert(
                id=record_id, sku=data.sku, name=data.name, stock_on_hand=data.stock_on_hand
            ).execute()
            return convert.product(Product.get(Product.id == record_id))

    def create_order(self, payload: Any) -> schemas.Order:
        data = parse(schemas.CreateOrder, payload, "order.create")
        _, now = self._who()
        with self._write():
            self._require(Customer, data.customer, "customer")
            self._require(Business, data.business, "business")
            record_id = self._new_reference_id(data.id, Order, "order", "ORD-")
            if data.number is not None and (
                Order.select().where(Order.number == data.number).exists()
            ):
                raise conflict(f"an order numbered {data.number} already exists", "number")
            Order.insert(
                id=record_id,
                number=data.number,
                customer=data.customer,
                business=data.business,
                placed_at=data.placed_at if data.placed_at is not None else now,
            ).execute()
            return convert.order(Order.get(Order.id == record_id))


def _encode_cursor(row: Backorder) -> str:
    raw = json.dumps([row.priority_rank, row.created_at, row.id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[int, int, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        rank, created, last_id = json.loads(raw)
        if not (isinstance(rank, int) and isinstance(created, int) and isinstance(last_id, str)):
            raise ValueError
        return rank, created, last_id
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise validation(
            "after must be the `next` value of an earlier list answer, passed as it was",
            "after",
        ) from None


ACTIONS: dict[str, str] = {
    "create": "create",
    "update": "update",
    "delete": "delete",
    "confirm": "confirm",
    "fulfill": "fulfill",
    "cancel": "cancel",
    "updateEstimate": "update_estimate",
    "notifyCustomer": "notify_customer",
    "get": "get",
    "list": "list",
    "receiveInventory": "receive_inventory",
    "detectDelays": "detect_delays",
    "events": "events",
    "outbox": "outbox",
    "outbox.markSent": "mark_sent",
    "business.create": "create_business",
    "customer.create": "create_customer",
    "product.create": "create_product",
    "order.create": "create_order",
}


def check_action(action: str | None) -> str:
    """The Service method of an API action name, or a validation_error listing the actions."""
    method = ACTIONS.get(action or "")
    if method is None:
        what = "give an action" if not action else f"unknown action {action!r}"
        raise validation(f"{what}; the actions are: {', '.join(ACTIONS)}")
    return method


def call(service: Service, action: str, payload: Any) -> dict[str, Any]:
    """Run one contract action by its API name and return its JSON answer."""
    return getattr(service, check_action(action))(payload).to_json()
