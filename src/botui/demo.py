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

import random
from dataclasses import dataclass, field
from typing import Any

import peewee

from botui import config
from botui.domain import schemas
from botui.domain.errors import validation
from botui.domain.templates import render

DAY = 86_400


def _words(text: str) -> tuple[str, ...]:
    """The words of a text: long lists of names written as prose."""
    return tuple(text.split())


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


def _references(rnd: random.Random, demo: Demo, count: int) -> None:
    """Businesses, customers (some with only an email or only a phone) and products."""
    demo.businesses = [(f"BIZ-{i}", name) for i, name in enumerate(BUSINESSES, 1)]
    for i in range(1, max(40, count // 4) + 1):
        first, last = rnd.choice(FIRST_NAMES), rnd.choice(LAST_NAMES)
        email = f"{first.lower()}.{last.lower()}{i}@{rnd.choice(MAIL_DOMAINS)}"
        phone = f"+1 555 {rnd.randrange(100, 1000)} {rnd.randrange(1000, 10000)}"
        kind = rnd.random()
        if kind < 0.15:
            email = None
        elif kind < 0.35:
            phone = None
        demo.customers.append((f"CUS-{i}", f"{first} {last}", email, phone))
    for i in range(1, max(30, min(count // 100, 20_000)) + 1):
        prefix, nouns, variants = rnd.choice(CATALOGUE)
        variant = rnd.choice(variants)
        name = rnd.choice(nouns) + (f", {variant}" if variant else "")
        demo.products.append([f"PRD-{i}", f"{prefix}-{i:05d}", name, 0])


def _backorders(rnd: random.Random, demo: Demo, count: int) -> None:
    """Backorders in creation order (BO-1 is the oldest), their statuses, dates and orders."""
    now = demo.now
    span = (120 if count <= 10_000 else 730) * DAY
    step = span / max(count, 1)
    start = now - span
    prices = [rnd.randrange(5, 500) * 100 - 1 for _ in demo.products]
    n_products, n_customers = len(demo.products), len(demo.customers)
    n_businesses = len(demo.businesses)
    customers = demo.customers
    orders = demo.orders
    last_order: tuple[Any, ...] | None = None
    random_ = rnd.random
    randrange = rnd.randrange
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
        product = randrange(n_products)
        r = random_()
        quantity = 1 if r < 0.55 else 2 if r < 0.8 else randrange(3, 13) if r < 0.98 else 50
        r = random_()
        if r < 0.75 or (r < 0.85 and last_order is None):
            customer = customers[randrange(n_customers)][0]
            business = f"BIZ-{randrange(n_businesses) + 1}"
            number = len(orders) + 1
            last_order = (
                f"ORD-{number}",
                f"SO-{100_000 + number}",
                customer,
                business,
                created - randrange(60, 3600),
            )
            orders.append(last_order)
            order = last_order[0]
        elif r < 0.85:
            order, _, customer, business, _ = last_order
        else:
            customer = customers[randrange(n_customers)][0]
            business = f"BIZ-{randrange(n_businesses) + 1}"
            order = None
        price = 0 if random_() < 0.01 else prices[product]
        est_ship = est_delivery = None
        if status != "pending" or random_() < 0.7:
            est_ship = created + randrange(7, 46) * DAY
            est_delivery = est_ship + randrange(2, 8) * DAY
        supplier = f"PO-{created // 100_000}-{randrange(1000, 10000)}"
        if status == "pending" or random_() < 0.2:
            supplier = None
        metadata = METADATA[randrange(len(METADATA))] if random_() < 0.2 else "{}"
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
                STAFF[randrange(len(STAFF))],
                metadata,
                0,
                1,
                None,
            ]
        )


def _allocate(rnd: random.Random, demo: Demo) -> list[list[int]]:
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
        free = int(demand * rnd.random() * 1.3) if demand else rnd.randrange(0, 40)
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


class _Log:
    """Collects events as (at, type, backorder, actor, data) rows, sorted by time at the end."""

    def __init__(self, rnd: random.Random) -> None:
        self.rows: list[tuple[Any, ...]] = []
        self.rnd = rnd

    def staff(self) -> str:
        return STAFF[self.rnd.randrange(len(STAFF))]


def _receipts(rnd: random.Random, demo: Demo, holders: list[list[int]], log: _Log) -> None:
    """Receipts covering every held unit (and the free stock), each with its arrivals."""
    rows = demo.backorders
    now = demo.now
    events = log.rows
    number = 0
    for product, held in zip(demo.products, holders, strict=True):
        group: list[int] = []
        units = 0
        target = rnd.randrange(10, 120)
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
            at = min(newest + rnd.randrange(3600, 3 * DAY), now - 60)
            quantity = units + (product[3] if last else 0)
            actor = log.staff()
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
            group, units, target = [], 0, rnd.randrange(10, 120)
        if not held and product[3]:
            number += 1
            at = now - rnd.randrange(DAY, 30 * DAY)
            demo.receipts.append((f"RCV-{number:06d}", product[0], product[3], None, at, "lee"))


def _life(rnd: random.Random, demo: Demo, log: _Log) -> None:
    """The events each backorder's status implies, with its version, dates and refunds."""
    now = demo.now
    events = log.rows
    randrange = rnd.randrange
    staff = log.staff
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
            at = created + randrange(room // 2) + 1
            reason = CANCEL_REASONS[randrange(len(CANCEL_REASONS))]
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
            at = created + randrange(1, min(room // 4, 3 * DAY) + 2)
            actor = staff()
            supplier = row[B_SUPPLIER]
            changes = "{}" if supplier is None else f'{{"supplierOrder":[null,"{supplier}"]}}'
            events.append((at, "confirmed", bid, actor, f'{{"changes":{changes}}}'))
            version, last_at, last_actor = 2, at, actor
            if status in ("in-production", "in-transit"):
                at = last_at + randrange(1, max((now - last_at) // 2, 2))
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
            planned = row[B_EST_SHIP] + randrange(-2 * DAY, 4 * DAY)
            ship = min(max(planned, row[B_SHIP] or 0, last_at + 3600), now - 60)
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
            delivered = ship + randrange(DAY, 7 * DAY)
            if delivered < now - 60 and randrange(10) < 7:
                at = delivered + randrange(600, DAY)
                at = min(at, now - 30)
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
            at = min(noticed + randrange(60, DAY), now - 30)
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


def _notifications(rnd: random.Random, demo: Demo, log: _Log, first_id: int) -> None:
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
        at = demo.now - rnd.randrange(600, 2 * DAY)
        sent = at + rnd.randrange(60, 3600) if template == "status" else None
        actor = log.staff()
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
        log.rows.append(
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
    rnd = random.Random(seed)
    demo = Demo(now=now)
    _references(rnd, demo, count)
    _backorders(rnd, demo, count)
    holders = _allocate(rnd, demo)
    log = _Log(rnd)
    _receipts(rnd, demo, holders, log)
    _life(rnd, demo, log)
    _notifications(rnd, demo, log, first_notification_id)
    log.rows.sort(key=_event_time)
    demo.events = log.rows
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


def _search_trigger(cursor: Any) -> str | None:
    row = cursor.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'backorder_search_insert'"
    ).fetchone()
    return row[0] if row else None


def _write(cursor: Any, demo: Demo) -> None:
    """Insert every generated row; the search index is filled once after the backorders."""
    cursor.executemany("INSERT INTO business (id, name) VALUES (?, ?)", demo.businesses)
    cursor.executemany(
        "INSERT INTO customer (id, name, email, phone) VALUES (?, ?, ?, ?)", demo.customers
    )
    cursor.executemany(
        "INSERT INTO product (id, sku, name, stock_on_hand) VALUES (?, ?, ?, ?)", demo.products
    )
    cursor.executemany(
        "INSERT INTO orders (id, number, customer_id, business_id, placed_at)"
        " VALUES (?, ?, ?, ?, ?)",
        demo.orders,
    )
    trigger = _search_trigger(cursor)
    if trigger is not None:
        cursor.execute("DROP TRIGGER backorder_search_insert")
    first_seq = cursor.execute(
        "SELECT coalesce(max(seq), 0) FROM sqlite_sequence WHERE name = 'backorder'"
    ).fetchone()[0]
    cursor.executemany(
        f"INSERT INTO backorder ({', '.join(BACKORDER_COLUMNS)})"
        f" VALUES ({', '.join('?' * len(BACKORDER_COLUMNS))})",
        demo.backorders,
    )
    if trigger is not None:
        body = trigger.split("VALUES (new.seq, ", 1)[1].rsplit("); END", 1)[0]
        cursor.execute(
            "INSERT INTO backorder_search (rowid, body) SELECT seq, "
            + body.replace("new.", "backorder.")
            + " FROM backorder WHERE seq > ?",
            (first_seq,),
        )
        cursor.execute(trigger)
    cursor.executemany(
        "INSERT INTO receipt (receipt, product_id, quantity, supplier_order, at, actor)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        demo.receipts,
    )
    cursor.executemany(
        "INSERT INTO refund (backorder_id, amount, reason, at, actor) VALUES (?, ?, ?, ?, ?)",
        demo.refunds,
    )
    cursor.executemany(
        "INSERT INTO notification (id, backorder_id, channel, recipient, subject, body, status,"
        " created_at, sent_at, actor) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        demo.notifications,
    )
    cursor.executemany(
        "INSERT INTO event (at, type, backorder_id, actor, data) VALUES (?, ?, ?, ?, ?)",
        demo.events,
    )
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


def fill_demo(
    db: peewee.SqliteDatabase, count: int = DEFAULT_COUNT, seed: int = DEFAULT_SEED
) -> str:
    """Write `count` demo backorders with their history into an empty database; a summary line."""
    now = config.now()
    with db.connection_context(), db.atomic():
        cursor = db.cursor()
        if _has_records(cursor):
            raise validation(
                f"{getattr(db, 'botui_path', db.database)} already holds records; demo data goes"
                " into an empty database only: give a new --db path"
            )
        first_id = cursor.execute(
            "SELECT coalesce(max(seq), 0) + 1 FROM sqlite_sequence WHERE name = 'notification'"
        ).fetchone()[0]
        demo = generate(count, seed, now, first_id)
        _write(cursor, demo)
    late = sum(1 for row in demo.backorders if row[B_NOTICED] is not None)
    still_open = sum(row[B_OPEN] for row in demo.backorders)
    return (
        f"demo: wrote {count:,} backorders ({still_open:,} open, {late:,} late), "
        f"{len(demo.customers):,} customers, {len(demo.products):,} products, "
        f"{len(demo.orders):,} orders, {len(demo.events):,} events (seed {seed})"
    )


def ensure_demo(db: peewee.SqliteDatabase) -> None:
    """Fill the default demo into a database that holds no records yet (for `botui --demo`)."""
    with db.connection_context():
        if _has_records(db.cursor()):
            return
    fill_demo(db)
