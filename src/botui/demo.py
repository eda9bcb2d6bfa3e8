"""Realistic, reproducible demo data written in bulk: the rows the service would have stored.

`fill_demo` builds a shop's history in memory (businesses, customers, products, orders,
backorders over every status and priority, receipts, allocations, refunds, events and a few
notifications) from one seed and the clock, then writes it with `executemany` in one IMMEDIATE
transaction. Every row is what the service's actions would have left: `is_open`,
`priority_rank`, `version` (one per version-raising event), `updated_by`, compact sorted JSON,
allocations in strict priority order and never above what was received, one `delayNoticed`
per late estimate (so the UI's first detection has nothing to do), and counters past every id.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import random
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import peewee

from botui import config
from botui.domain import schemas
from botui.domain.errors import BotuiError, storage_error, validation
from botui.domain.templates import render
from botui.store.db import SQLITE, translate_errors

DAY = 86_400
HOUR = 3600
# The generated history ends this many seconds before now; the notifications fill the gap.
QUIET = 600


def _words(text: str) -> tuple[str, ...]:
    """The words of a text: long lists of names written as prose."""
    return tuple(text.split())


# Page cache while loading (KiB): a million backorders fit, so nothing spills mid-way.
BULK_CACHE_KIB = 2_000_000
DEFAULT_COUNT = 2000
DEFAULT_SEED = 7
STAFF = ("maria.k", "jonas", "priya.s", "sam.okafor", "lee")
BUSINESSES = (
    "Northwind Outfitters",
    "Harbor & Pine Supply",
    "Blue Ridge Cycles",
    "Copperfield Home",
    "Lumen Kitchenware",
)
FIRST_NAMES = _words(
    "Ada Alan Amara Ana Anders Aiko Beatriz Ben Carla Chen Chloe Dario Dmitri Elena Emma "
    "Farah Felix Freya Gabriel Grace Hana Hugo Ines Isaac Jamal Jana Jonas Julia Kai Kenji "
    "Lara Leo Lina Lucas Maja Malik Marco Maria Mateo Maya Mei Nadia Nico Noah Nora Olga "
    "Omar Oscar Paula Pedro Priya Rafael Rosa Ruth Sami Sara Sofia Tariq Theo Tomas Uma Vera "
    "Victor Wei Yara Yusuf Zoe"
)
LAST_NAMES = _words(
    "Abbott Adeyemi Almeida Andersen Bauer Becker Bianchi Brennan Castillo Chen Costa Dahl "
    "Dubois Eriksen Fischer Fontaine Garcia Gruber Haddad Hansen Hoffmann Ito Jansen Kaur "
    "Keller Khan Kim Kowalski Larsen Lindqvist Lopez Marino Meyer Moreau Murphy Nakamura "
    "Novak Okafor Olsen Patel Peters Quinn Rossi Santos Schmidt Silva Singh Sorensen Tanaka "
    "Torres Varga Vogel Wagner Walsh Weber Yilmaz Young Zhang Zimmermann"
)
MAIL_DOMAINS = ("example.com", "example.org", "example.net", "mail.example.com")
# (SKU prefix, product nouns, variants): names read like a real catalogue.
CATALOGUE = (
    ("TENT", ("Two-person tent", "Ultralight tent", "Family dome tent"), ("green", "sand")),
    ("BAG", ("Sleeping bag", "Down sleeping bag", "Summer sleeping bag"), ("-5 C", "+5 C")),
    ("PACK", ("Trail backpack 40 L", "Day pack 22 L", "Expedition pack 65 L"), ("M", "L")),
    ("BIKE", ("Gravel bike", "City bike", "Cargo bike"), ("54 cm", "56 cm", "58 cm")),
    ("HLMT", ("Cycling helmet", "MTB helmet"), ("S", "M", "L")),
    ("SHOE", ("Trail running shoe", "Hiking boot", "Approach shoe"), ("EU 40", "EU 42", "EU 44")),
    ("JKT", ("Rain jacket", "Insulated jacket", "Softshell jacket"), ("S", "M", "L", "XL")),
    ("STOV", ("Camping stove", "Gas cartridge stove"), ("",)),
    ("PAN", ("Cast iron skillet 28 cm", "Saucepan 2 L", "Wok 32 cm"), ("",)),
    ("KNIF", ("Chef's knife 20 cm", "Paring knife", "Bread knife"), ("",)),
    ("LAMP", ("Headlamp 400 lm", "Lantern", "Desk lamp"), ("black", "white")),
    ("CHR", ("Folding chair", "Oak dining chair", "Office chair"), ("grey", "oak")),
)
CANCEL_REASONS = (
    None,
    "customer changed their mind",
    "found it elsewhere",
    "supplier discontinued the item",
    "duplicate order",
    "waited too long",
)
METADATA = ('{"channel":"web"}', '{"channel":"phone"}', '{"channel":"store"}', '{"gift":true}')
OPEN = {"pending": 1, "confirmed": 1, "in-production": 1, "in-transit": 1}
RANK = {"rush": 0, "expedited": 1, "standard": 2}


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
BACKORDER_COLUMNS = _words(
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
        email = f"{first.lower()}.{last.lower()}{i}@{dice.pick(MAIL_DOMAINS)}"
        phone = f"+1 555 {dice.between(100, 1000)} {dice.between(1000, 10000)}"
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
        elif r < 0.85:
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
        supplier = f"PO-{created // 100_000}-{between(1000, 10000)}"
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
    for position, (template, row) in enumerate(picks):
        _, name, email, phone = customers[row[B_CUSTOMER]]
        channel = "email" if email else "sms"
        product = demo.products[row[B_PRODUCT]]
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
        entry = first_id + position
        to = email or phone
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


def _event_time(event: tuple[Any, ...]) -> int:
    return event[0]


REFERENCE_TABLES = ("business", "customer", "product", "orders", "backorder")


def _has_records(cursor: Any) -> bool:
    return any(
        cursor.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone() for table in REFERENCE_TABLES
    )


@contextmanager
def _loading(cursor: Any, table: str) -> Iterator[None]:
    """Set a table's indexes and insert triggers aside during a bulk load, then restore them.

    An index built once after the load is a sort, far cheaper than a million B-tree walks,
    and a per-row trigger costs more than the row. The caller writes what an insert trigger
    would have written (the search index); the others only refuse replacing rows, which a
    load into empty tables never does.
    """
    kept = cursor.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = ? AND sql IS NOT NULL"
        " AND (type = 'index' OR (type = 'trigger' AND sql LIKE '% INSERT ON %'))",
        (table,),
    ).fetchall()
    for kind, name, _ in kept:
        cursor.execute(f'DROP {kind.upper()} "{name}"')
    yield
    for _, _, sql in kept:
        cursor.execute(sql)


def _bulk(cursor: Any, table: str, columns: tuple[str, ...], rows: list[Any]) -> None:
    """Insert many rows into a table with its indexes and insert triggers set aside."""
    with _loading(cursor, table):
        _insert(cursor, table, columns, rows)


def _insert(cursor: Any, table: str, columns: tuple[str, ...], rows: list[Any]) -> None:
    cursor.executemany(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
        rows,
    )


def _search_rows(demo: Demo, first_seq: int) -> list[tuple[int, str]]:
    """The search index's text per backorder, exactly as the insert trigger composes it."""
    customers = {c[0]: c[1] for c in demo.customers}
    products = {p[0]: f"{p[2]}\n{p[1]}" for p in demo.products}
    numbers = {o[0]: o[1] for o in demo.orders}
    return [
        (
            first_seq + position,
            f"{row[B_ID]}\n{customers[row[B_CUSTOMER]]}\n{products[row[B_PRODUCT]]}\n"
            f"{numbers.get(row[B_ORDER]) or ''}\n{row[B_SUPPLIER] or ''}",
        )
        for position, row in enumerate(demo.backorders, 1)
    ]


# Tables the helper process writes to the spool file, with their columns.
SPOOLED = (
    ("orders", ("id", "number", "customer_id", "business_id", "placed_at")),
    ("receipt", ("receipt", "product_id", "quantity", "supplier_order", "at", "actor")),
    ("event", ("at", "type", "backorder_id", "actor", "data")),
)
SPOOL_CHUNK = 200_000


def _spooled_rows(demo: Demo) -> dict[str, list[tuple[Any, ...]]]:
    return {"orders": demo.orders, "receipt": demo.receipts, "event": demo.events}


def _create_spool(path: str) -> None:
    """An empty spool file with its tables, made before the main connection attaches it."""
    con = SQLITE.connect(path, isolation_level=None)
    try:
        for table, columns in SPOOLED:
            con.execute(f"CREATE TABLE {table} ({', '.join(columns)})")
    finally:
        con.close()


def _fill_spool(path: str, demo: Demo, stop: Callable[[], bool]) -> bool:
    """Write the spooled tables into the spool file; False if `stop` said to give up."""
    con = SQLITE.connect(path, isolation_level=None)
    try:
        con.execute("PRAGMA journal_mode = OFF")
        con.execute("PRAGMA synchronous = OFF")
        con.execute("BEGIN")
        rows = _spooled_rows(demo)
        for table, columns in SPOOLED:
            for start in range(0, len(rows[table]), SPOOL_CHUNK):
                if stop():
                    return False
                _insert(con, table, columns, rows[table][start : start + SPOOL_CHUNK])
        con.execute("COMMIT")
        return True
    finally:
        con.close()


def _spool_helper(demo: Demo, path: str, pipe: Any, parents_end: Any) -> None:
    """The helper process: put the events in time order and spool the spooled tables.

    It stops when the main process goes away (its end of the pipe closes) and always removes
    the spool folder before it exits, so a killed `botui demo` leaves nothing behind.
    """
    parents_end.close()
    try:
        demo.events.sort(key=_event_time)
        if _fill_spool(path, demo, pipe.poll):
            pipe.send("spooled")
            pipe.poll(None)
    except (OSError, EOFError):
        pass
    finally:
        shutil.rmtree(os.path.dirname(path), ignore_errors=True)


def _copy_spool(cursor: Any) -> None:
    """Move the spooled rows into the main tables, in spool order (events by time)."""
    for table, columns in SPOOLED:
        names = ", ".join(columns)
        with _loading(cursor, table):
            cursor.execute(
                f"INSERT INTO {table} ({names}) SELECT {names} FROM spool.{table} ORDER BY rowid"
            )


def _write_main(cursor: Any, demo: Demo) -> None:
    """Insert the tables the main process writes itself, with the search index."""
    _bulk(cursor, "business", ("id", "name"), demo.businesses)
    _bulk(cursor, "customer", ("id", "name", "email", "phone"), demo.customers)
    _bulk(cursor, "product", ("id", "sku", "name", "stock_on_hand"), demo.products)
    first_seq = cursor.execute(
        "SELECT coalesce(max(seq), 0) FROM sqlite_sequence WHERE name = 'backorder'"
    ).fetchone()[0]
    with _loading(cursor, "backorder"):
        _insert(cursor, "backorder", BACKORDER_COLUMNS, demo.backorders)
        _insert(cursor, "backorder_search", ("rowid", "body"), _search_rows(demo, first_seq))
    _bulk(cursor, "refund", ("backorder_id", "amount", "reason", "at", "actor"), demo.refunds)
    _bulk(
        cursor,
        "notification",
        _words("id backorder_id channel recipient subject body status created_at sent_at actor"),
        demo.notifications,
    )


def _advance_counters(cursor: Any, demo: Demo) -> None:
    """Generated ids continue after the demo's: BO-{count + 1} is the next backorder."""
    counters = {
        "business": len(demo.businesses),
        "customer": len(demo.customers),
        "product": len(demo.products),
        "order": len(demo.orders),
        "backorder": len(demo.backorders),
    }
    for name, value in counters.items():
        cursor.execute(
            "INSERT INTO counter (name, value) VALUES (?, ?) ON CONFLICT (name)"
            " DO UPDATE SET value = max(value, excluded.value)",
            (name, value),
        )


def _first_notification_id(cursor: Any) -> int:
    return cursor.execute(
        "SELECT coalesce(max(seq), 0) + 1 FROM sqlite_sequence WHERE name = 'notification'"
    ).fetchone()[0]


def _refuse_filled(cursor: Any, db: peewee.SqliteDatabase) -> None:
    if _has_records(cursor):
        raise validation(
            f"{_path(db)} already holds records; demo data goes into an empty database only:"
            " give a new --db path"
        )


def _path(db: peewee.SqliteDatabase) -> str:
    return str(getattr(db, "botui_path", db.database))


@contextmanager
def _bulk_settings(cursor: Any) -> Iterator[None]:
    """A page cache that holds the whole load, and sorter threads for the index builds."""
    cache_size = cursor.execute("PRAGMA cache_size").fetchone()[0]
    threads = cursor.execute("PRAGMA threads").fetchone()[0]
    cursor.execute(f"PRAGMA cache_size = {-BULK_CACHE_KIB}")
    cursor.execute(f"PRAGMA threads = {max(threads, os.cpu_count() or 1)}")
    try:
        yield
    finally:
        cursor.execute(f"PRAGMA cache_size = {int(cache_size)}")
        cursor.execute(f"PRAGMA threads = {int(threads)}")


@contextmanager
def _transaction(cursor: Any) -> Iterator[None]:
    """One write transaction holding the write lock from its first statement.

    A deferred BEGIN (not IMMEDIATE) so that the attached spool file stays unlocked while the
    helper writes it; the no-op UPDATE takes the main file's write lock at once all the same.
    Foreign keys are checked at COMMIT, as orders arrive after the backorders naming them.
    """
    cursor.execute("BEGIN")
    try:
        cursor.execute("UPDATE counter SET value = value WHERE 0")
        cursor.execute("PRAGMA defer_foreign_keys = ON")
        yield
        cursor.execute("COMMIT")
    except BaseException:
        cursor.execute("ROLLBACK")
        raise


def _helper_failed() -> BotuiError:
    return storage_error("the demo's helper process stopped before it finished; nothing was saved")


def fill_demo(
    db: peewee.SqliteDatabase, count: int = DEFAULT_COUNT, seed: int = DEFAULT_SEED
) -> str:
    """Write `count` demo backorders with their history into an empty database; a summary line.

    Two processes share the work on two cores: both generate the same history from the seed
    (with the garbage collector paused: it would rescan millions of fresh tuples again and
    again); a helper writes orders, receipts and events into a spool file while this one
    writes the rest, then copies the spool in. All of it is one transaction, so a killed run
    leaves the database as it was.
    """
    now = config.now()
    collecting = gc.isenabled()
    gc.disable()
    try:
        with db.connection_context(), translate_errors(_path(db)):
            cursor = db.cursor()
            _refuse_filled(cursor, db)
            first_id = _first_notification_id(cursor)
            demo = _load(db, cursor, count, seed, now, first_id)
    finally:
        if collecting:
            gc.enable()
    late = sum(1 for row in demo.backorders if row[B_NOTICED] is not None)
    still_open = sum(row[B_OPEN] for row in demo.backorders)
    return (
        f"demo: wrote {count:,} backorders ({still_open:,} open, {late:,} late), "
        f"{len(demo.customers):,} customers, {len(demo.products):,} products, "
        f"{len(demo.orders):,} orders, {len(demo.events):,} events (seed {seed})"
    )


def _load(
    db: peewee.SqliteDatabase, cursor: Any, count: int, seed: int, now: int, first_id: int
) -> Demo:
    """Generate and write the demo with the helper process; returns what was written."""
    context = multiprocessing.get_context("fork")
    with tempfile.TemporaryDirectory(prefix="botui-demo-", ignore_cleanup_errors=True) as folder:
        spool = os.path.join(folder, "spool.db")
        _create_spool(spool)
        demo = generate(count, seed, now, first_id)
        ours, theirs = context.Pipe()
        helper = context.Process(
            target=_spool_helper,
            args=(demo, spool, theirs, ours),
            daemon=True,
        )
        helper.start()
        theirs.close()
        cursor.execute("ATTACH DATABASE ? AS spool", (spool,))
        try:
            with _bulk_settings(cursor), _transaction(cursor):
                _refuse_filled(cursor, db)
                if _first_notification_id(cursor) != first_id:
                    raise validation(
                        f"{_path(db)} changed while the demo was generated; run it again"
                    )
                _write_main(cursor, demo)
                try:
                    if ours.recv() != "spooled":
                        raise _helper_failed()
                except EOFError:
                    raise _helper_failed() from None
                _copy_spool(cursor)
                _advance_counters(cursor, demo)
        finally:
            cursor.execute("DETACH DATABASE spool")
            ours.close()
            helper.join(timeout=30)
    return demo


def ensure_demo(db: peewee.SqliteDatabase) -> None:
    """Fill the default demo into a database that holds no records yet (for `botui --demo`)."""
    with db.connection_context():
        if _has_records(db.cursor()):
            return
    fill_demo(db)
