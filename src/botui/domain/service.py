"""The backorder service: one method per action of the contract, each one transaction."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from botui.domain import convert, refunds, statuses
from botui.domain.actions import ACTIONS as ACTIONS
from botui.domain.actions import check_action
from botui.domain.allocation import Grant, allocate
from botui.domain.core import camel
from botui.domain.delivery import Delivery
from botui.domain.errors import (
    conflict,
    insufficient_stock,
    invalid_transition,
    validation,
)
from botui.domain.exports import Exports
from botui.domain.notifications import Notifications
from botui.domain.reads import Reads
from botui.domain.references import References
from botui.domain.reports import Reports
from botui.domain.screen_reads import ScreenReads
from botui.domain.validation import parse
from botui.lazy import lazy_module
from botui.store.db import open_database
from botui.store.models import (
    Backorder,
    Business,
    Customer,
    Order,
    Product,
    Receipt,
    Refund,
)

if TYPE_CHECKING:
    from botui.domain import schemas
else:  # pydantic loads when a schema is first used, not with the first screen (botui.lazy)
    schemas = lazy_module("botui.domain.schemas")

# Fields `update` accepts (Python names) -> whether `null` is allowed (it clears the value).
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


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}" + ("" if count == 1 else "s")


class Service(Reads, ScreenReads, Exports, Reports, Notifications, Delivery, References):
    """Every action of the contract; the UI and `botui api` both call only this."""

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
                    f"{camel(name)} cannot be null; leave it out to keep it", camel(name)
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
                changes={camel(k): list(v) for k, v in changes.items()},
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
                    f"not {camel(refused[0])}",
                    camel(refused[0]),
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
                    changes[camel(name)] = [getattr(row, name), value]
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
            refund = refunds.refund(row.price, row.quantity)
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
            statuses.check_update_estimate(row.id, row.status)
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
            changes = {camel(k): [getattr(row, k), v] for k, v in columns.items()}
            old_ship = row.estimated_ship_date
            self._save(row, actor, now, **columns)
            self._event("estimateUpdated", row.id, actor, now, changes=changes, reason=data.reason)
            self._delay_if_later(row, old_ship, row.estimated_ship_date, actor, now)
            return self._fresh(row)

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


def open_service(path: str | Path) -> Service:
    """The service on the database at `path`, created and migrated as needed (store.db)."""
    return Service(open_database(path))


def call(service: Service, action: str | None, payload: Any) -> dict[str, Any]:
    """Run one contract action by its API name and return its JSON answer."""
    answer: dict[str, Any] = getattr(service, check_action(action))(payload).to_json()
    return answer
