"""A shop's history generated from a seed and the clock: every row the service would store.

Businesses, customers (some with only an email or a phone), products, orders, backorders over
every status and priority, allocations in strict priority order never above what was received,
receipts, refunds, events (each status with the events that lead to it, one `delayNoticed` per
late estimate) and a few notifications, all as rows ready for `executemany`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from botui.demo.catalogue import (
    BUSINESSES,
    CANCEL_REASONS,
    CATALOGUE,
    DAY,
    FIRST_NAMES,
    HOUR,
    LAST_NAMES,
    MAIL_DOMAINS,
    METADATA,
    OPEN,
    QUIET,
    RANK,
    STAFF,
    words,
)
from botui.domain import schemas
from botui.domain.templates import render


@dataclass
class Demo:
    """Everything one seed generates, as rows ready for `executemany`."""

    now: int
    businesses: list[tuple[Any, ...]] = field(default_factory=list)
    customers: list[tuple[Any, ...]] = field(default_factory=list)
    products: list[list[Any]] = field(default_factory=list)
    orders: list[tuple[Any, ...]] = field(default_factory=list)
    backorders: list[list[Any]] = field(default_factory=list)
    receipts: list[tuple[Any, ...]] = field(default_factory=list)
    refunds: list[tuple[Any, ...]] = field(default_factory=list)
    notifications: list[tuple[Any, ...]] = field(default_factory=list)
    events: list[tuple[Any, ...]] = field(default_factory=list)


# Column positions of a backorder row (the order of BACKORDER_COLUMNS).
BACKORDER_COLUMNS = words(
    "id product_id business_id customer_id order_id quantity status is_open price "
    "estimated_ship_date estimated_delivery_date actual_ship_date actual_delivery_date "
    "priority_level priority_rank supplier_order created_at cancelled_at updated_at "
    "updated_by metadata allocated_quantity version noticed_ship_date"
)
(
    B_ID,
    B_PRODUCT,
    B_BUSINESS,
    B_CUSTOMER,
    B_ORDER,
    B_QUANTITY,
    B_STATUS,
    B_OPEN,
    B_PRICE,
    B_EST_SHIP,
    B_EST_DELIVERY,
    B_SHIP,
    B_DELIVERY,
    B_PRIORITY,
    B_RANK,
    B_SUPPLIER,
    B_CREATED,
    B_CANCELLED,
    B_UPDATED,
    B_UPDATED_BY,
    B_METADATA,
    B_ALLOCATED,
    B_VERSION,
    B_NOTICED,
) = range(len(BACKORDER_COLUMNS))


def _references(dice: _Dice, demo: Demo, count: int) -> None:
    """Businesses, customers (some with only an email or only a phone) and products."""
    demo.businesses = [(f"BIZ-{i}", name) for i, name in enumerate(BUSINESSES, 1)]
    for i in range(1, max(40, count // 4) + 1):
        first, last = dice.pick(FIRST_NAMES), dice.pick(LAST_NAMES)
        email: str | None = f"{first.lower()}.{last.lower()}{i}@{dice.pick(MAIL_DOMAINS)}"
        phone: str | None = f"+1 555 {dice.between(100, 1000)} {dice.between(1000, 10000)}"
        kind = dice.random()
        if kind < 0.15:
            email = None
        elif kind < 0.35:
            phone = None
        demo.customers.append((f"CUS-{i}", f"{first} {last}", email, phone))
    for i in range(1, max(30, min(count // 100, 20_000)) + 1):
        prefix, nouns, variants = dice.pick(CATALOGUE)
        variant = dice.pick(variants)
        name = dice.pick(nouns) + (f", {variant}" if variant else "")
        demo.products.append([f"PRD-{i}", f"{prefix}-{i:05d}", name, 0])


def _backorders(dice: _Dice, demo: Demo, count: int) -> None:
    """Backorders in creation order (BO-1 is the oldest), their statuses, dates and orders."""
    now = demo.now
    span = (120 if count <= 10_000 else 730) * DAY
    step = span / max(count, 1)
    start = now - span - HOUR
    prices = [dice.between(5, 500) * 100 - 1 for _ in demo.products]
    n_products, n_customers = len(demo.products), len(demo.customers)
    n_businesses = len(demo.businesses)
    customers = demo.customers
    orders = demo.orders
    last_order: tuple[Any, ...] | None = None
    random_ = dice.random
    below, between = dice.below, dice.between
    for i in range(1, count + 1):
        created = int(start + i * step)
        age = now - created
        r = random_()
        if age < 30 * DAY and r < 0.9 or r < 0.03:
            r = random_()
            status = (
                "pending"
                if r < 0.35
                else "confirmed"
                if r < 0.6
                else "in-production"
                if r < 0.8
                else "in-transit"
            )
        else:
            status = "cancelled" if random_() < 0.15 else "fulfilled"
        r = random_()
        priority = "rush" if r < 0.1 else "expedited" if r < 0.3 else "standard"
        product = below(n_products)
        r = random_()
        quantity = 1 if r < 0.55 else 2 if r < 0.8 else between(3, 13) if r < 0.98 else 50
        r = random_()
        if r < 0.75 or (r < 0.85 and last_order is None):
            customer = customers[below(n_customers)][0]
            business = f"BIZ-{below(n_businesses) + 1}"
            number = len(orders) + 1
            last_order = (
                f"ORD-{number}",
                f"SO-{100_000 + number}",
                customer,
                business,
                created - between(60, 3600),
            )
            orders.append(last_order)
            order = last_order[0]
        elif r < 0.85 and last_order is not None:  # (never None here: see the test above)
            order, _, customer, business, _ = last_order
        else:
            customer = customers[below(n_customers)][0]
            business = f"BIZ-{below(n_businesses) + 1}"
            order = None
        price = 0 if random_() < 0.01 else prices[product]
        est_ship = est_delivery = None
        if status != "pending" or random_() < 0.7:
            est_ship = created + between(7, 46) * DAY
            est_delivery = est_ship + between(2, 8) * DAY
        supplier: str | None = f"PO-{created // 100_000}-{between(1000, 10000)}"
        if status == "pending" or random_() < 0.2:
            supplier = None
        metadata = METADATA[below(len(METADATA))] if random_() < 0.2 else "{}"
        demo.backorders.append(
            [
                f"BO-{i}",
                product,
                business,
                customer,
                order,
                quantity,
                status,
                1 if status in OPEN else 0,
                price,
                est_ship,
                est_delivery,
                None,
                None,
                priority,
                RANK[priority],
                supplier,
                created,
                None,
                created,
                STAFF[below(len(STAFF))],
                metadata,
                0,
                1,
                None,
            ]
        )


def _allocate(dice: _Dice, demo: Demo) -> list[list[int]]:
    """Allocations per product: fulfilled rows hold their units, open ones a priority prefix.

    Returns, per product, the indexes of the backorders holding units (oldest first), which
    the receipts then cover.
    """
    by_product: list[list[int]] = [[] for _ in demo.products]
    rows = demo.backorders
    for index, row in enumerate(rows):
        by_product[row[B_PRODUCT]].append(index)
    holders: list[list[int]] = []
    for product, indexes in zip(demo.products, by_product, strict=True):
        held = []
        open_rows = []
        for index in indexes:
            row = rows[index]
            if row[B_STATUS] == "fulfilled":
                row[B_ALLOCATED] = row[B_QUANTITY]
                held.append(index)
            elif row[B_OPEN]:
                open_rows.append(index)
        open_rows.sort(key=lambda k: (rows[k][B_RANK], rows[k][B_CREATED], rows[k][B_ID]))
        demand = sum(rows[k][B_QUANTITY] for k in open_rows)
        free = int(demand * dice.random() * 1.3) if demand else dice.between(0, 40)
        for index in open_rows:
            if free == 0:
                break
            take = min(rows[index][B_QUANTITY], free)
            rows[index][B_ALLOCATED] = take
            free -= take
            held.append(index)
        product[3] = free
        held.sort()
        holders.append(held)
    return holders


class _Dice:
    """Uniform draws from one seeded generator, several times faster than `randrange`."""

    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed).random

    def below(self, high: int) -> int:
        return int(self.random() * high)

    def between(self, low: int, high: int) -> int:
        return low + int(self.random() * (high - low))

    def pick(self, items: tuple[Any, ...] | list[Any]) -> Any:
        return items[int(self.random() * len(items))]

    def staff(self) -> str:
        return STAFF[int(self.random() * len(STAFF))]


def _receipts(
    dice: _Dice, demo: Demo, holders: list[list[int]], events: list[tuple[Any, ...]]
) -> None:
    """Receipts covering every held unit (and the free stock), each with its arrivals."""
    rows = demo.backorders
    now = demo.now
    number = 0
    for product, held in zip(demo.products, holders, strict=True):
        group: list[int] = []
        units = 0
        target = dice.between(10, 120)
        for position, index in enumerate(held):
            group.append(index)
            units += rows[index][B_ALLOCATED]
            last = position == len(held) - 1
            if not last and units < target:
                gap = rows[held[position + 1]][B_CREATED] - rows[group[0]][B_CREATED]
                if gap < 3 * DAY:
                    continue
            number += 1
            receipt = f"RCV-{number:06d}"
            newest = max(rows[k][B_CREATED] for k in group)
            at = min(newest + dice.between(HOUR, 3 * DAY), now - QUIET)
            quantity = units + (product[3] if last else 0)
            actor = dice.staff()
            demo.receipts.append((receipt, product[0], quantity, None, at, actor))
            for k in group:
                row = rows[k]
                events.append(
                    (
                        at,
                        "inventoryArrived",
                        row[B_ID],
                        actor,
                        f'{{"quantity":{row[B_ALLOCATED]},"receipt":"{receipt}"}}',
                    )
                )
                if row[B_STATUS] == "fulfilled":
                    row[B_SHIP] = max(at + 3600, row[B_SHIP] or 0)
            group, units, target = [], 0, dice.between(10, 120)
        if not held and product[3]:
            number += 1
            at = now - dice.between(DAY, 30 * DAY)
            demo.receipts.append((f"RCV-{number:06d}", product[0], product[3], None, at, "lee"))


def _life(dice: _Dice, demo: Demo, events: list[tuple[Any, ...]]) -> None:
    """The events each backorder's status implies, with its version, dates and refunds."""
    now = demo.now
    below, between = dice.below, dice.between
    staff = dice.staff
    for row in demo.backorders:
        bid, created, status = row[B_ID], row[B_CREATED], row[B_STATUS]
        actor = row[B_UPDATED_BY]
        quantity = row[B_QUANTITY]
        room = max(now - created, 600)
        events.append(
            (
                created,
                "created",
                bid,
                actor,
                f'{{"allocated":0,"price":{row[B_PRICE]},"priorityLevel":"{row[B_PRIORITY]}",'
                f'"quantity":{quantity}}}',
            )
        )
        version, last_at, last_actor = 1, created, actor
        if status == "cancelled":
            at = created + below(room // 2) + 1
            reason = CANCEL_REASONS[below(len(CANCEL_REASONS))]
            refund = row[B_PRICE] * quantity
            actor = staff()
            reason_json = "null" if reason is None else f'"{reason}"'
            events.append(
                (
                    at,
                    "cancelled",
                    bid,
                    actor,
                    f'{{"reason":{reason_json},"refund":{refund},"released":0}}',
                )
            )
            if refund:
                demo.refunds.append((bid, refund, reason, at, actor))
            row[B_CANCELLED] = at
            row[B_UPDATED], row[B_UPDATED_BY], row[B_VERSION] = at, actor, 2
            continue
        if status != "pending":
            at = created + between(1, min(room // 4, 3 * DAY) + 2)
            actor = staff()
            supplier = row[B_SUPPLIER]
            changes = "{}" if supplier is None else f'{{"supplierOrder":[null,"{supplier}"]}}'
            events.append((at, "confirmed", bid, actor, f'{{"changes":{changes}}}'))
            version, last_at, last_actor = 2, at, actor
            if status in ("in-production", "in-transit"):
                at = last_at + between(1, max((now - last_at) // 2, 2))
                actor = staff()
                events.append(
                    (
                        at,
                        "updated",
                        bid,
                        actor,
                        f'{{"changes":{{"status":["confirmed","{status}"]}}}}',
                    )
                )
                version, last_at, last_actor = 3, at, actor
        if status == "fulfilled":
            planned = row[B_EST_SHIP] + between(-2 * DAY, 4 * DAY)
            ship = min(max(planned, row[B_SHIP] or 0, last_at + HOUR), now - QUIET)
            actor = staff()
            row[B_SHIP] = ship
            events.append(
                (
                    ship,
                    "fulfilled",
                    bid,
                    actor,
                    f'{{"actualShipDate":{ship},"quantity":{quantity},'
                    '"splitInto":null,"toppedUp":0}',
                )
            )
            version, last_at, last_actor = version + 1, ship, actor
            delivered = ship + between(DAY, 7 * DAY)
            if delivered < now - QUIET and below(10) < 3:
                at = delivered + between(600, DAY)
                at = min(at, now - QUIET)
                actor = staff()
                row[B_DELIVERY] = delivered
                events.append(
                    (
                        at,
                        "updated",
                        bid,
                        actor,
                        f'{{"changes":{{"actualDeliveryDate":[null,{delivered}]}}}}',
                    )
                )
                version, last_at, last_actor = version + 1, at, actor
        elif row[B_EST_SHIP] is not None and row[B_EST_SHIP] < now:
            noticed = row[B_EST_SHIP]
            at = min(noticed + between(60, DAY), now - QUIET)
            events.append((at, "delayNoticed", bid, staff(), f'{{"estimatedShipDate":{noticed}}}'))
            row[B_NOTICED] = noticed
        row[B_UPDATED], row[B_UPDATED_BY], row[B_VERSION] = last_at, last_actor, version


def _as_backorder(row: list[Any], product_id: str) -> schemas.Backorder:
    return schemas.Backorder(
        id=row[B_ID],
        product=product_id,
        business=row[B_BUSINESS],
        customer=row[B_CUSTOMER],
        order=row[B_ORDER],
        quantity=row[B_QUANTITY],
        status=row[B_STATUS],
        price=row[B_PRICE],
        estimated_ship_date=row[B_EST_SHIP],
        estimated_delivery_date=row[B_EST_DELIVERY],
        actual_ship_date=row[B_SHIP],
        actual_delivery_date=row[B_DELIVERY],
        priority_level=row[B_PRIORITY],
        supplier_order=row[B_SUPPLIER],
        created_at=row[B_CREATED],
        cancelled_at=row[B_CANCELLED],
        metadata={},
        allocated_quantity=row[B_ALLOCATED],
        version=row[B_VERSION],
        updated_at=row[B_UPDATED],
    )


def _notifications(dice: _Dice, demo: Demo, events: list[tuple[Any, ...]], first_id: int) -> None:
    """A few delay notices queued for late backorders and status notices already sent."""
    customers = {c[0]: c for c in demo.customers}
    late = [r for r in demo.backorders if r[B_NOTICED] is not None]
    active = [r for r in demo.backorders if r[B_OPEN] and r[B_NOTICED] is None]
    picks = [("delay", r) for r in late[-8:]] + [("status", r) for r in active[-6:]]
    made: list[tuple[Any, ...]] = []
    for template, row in picks:
        _, name, email, phone = customers[row[B_CUSTOMER]]
        channel = "email" if email else "sms"
        product = demo.products[row[B_PRODUCT]]
        subject: str | None
        subject, body = render(
            template,
            _as_backorder(row, product[0]),
            schemas.Product(id=product[0], sku=product[1], name=product[2], stock_on_hand=0),
            schemas.Customer(id=row[B_CUSTOMER], name=name, email=email, phone=phone),
        )
        if channel == "sms":
            subject = None
        at = demo.now - dice.between(QUIET // 2, QUIET)
        sent = at + dice.between(30, QUIET // 2) if template == "status" else None
        actor = dice.staff()
        made.append((at, template, row, channel, subject, body, sent, actor, email or phone))
    # Ids in the order the entries were queued, as botui gives them: the outbox lists by id
    # ("oldest first"), and the times drawn above are not in the picks' order.
    made.sort(key=lambda entry: entry[0])
    for position, (at, template, row, channel, subject, body, sent, actor, to) in enumerate(made):
        entry = first_id + position
        demo.notifications.append(
            (
                entry,
                row[B_ID],
                channel,
                to,
                subject,
                body,
                "sent" if sent else "queued",
                at,
                sent,
                actor,
            )
        )
        subject_json = "null" if subject is None else f'"{subject}"'
        events.append(
            (
                at,
                "customerNotified",
                row[B_ID],
                actor,
                f'{{"channel":"{channel}","notification":{entry},"subject":{subject_json},'
                f'"template":"{template}","to":"{to}"}}',
            )
        )


def generate(count: int, seed: int, now: int, first_notification_id: int = 1) -> Demo:
    """The whole demo history for `count` backorders, the same for the same seed and clock."""
    dice = _Dice(seed)
    demo = Demo(now=now)
    _references(dice, demo, count)
    _backorders(dice, demo, count)
    holders = _allocate(dice, demo)
    events: list[tuple[Any, ...]] = []
    _receipts(dice, demo, holders, events)
    _life(dice, demo, events)
    _notifications(dice, demo, events, first_notification_id)
    demo.events = events
    for row in demo.backorders:
        row[B_PRODUCT] = demo.products[row[B_PRODUCT]][0]
    return demo


def event_time(event: tuple[Any, ...]) -> int:
    return event[0]
