"""A shop built through the Service on a moving frozen clock, with every report figure known.

Backorders stand in every aging bucket, fulfilments and cancellations fall in several of the
twelve weeks (one shipped after a delay notice, one cancellation refunded, one not), and a
second business holds one open and one cancelled backorder. AGING, PRODUCTS and SERVICE are
the reports at NOW, worked out by hand from the story below.
"""

from __future__ import annotations

from pathlib import Path

from botui.domain.reports import first_week_start
from botui.domain.service import Service
from botui.store.db import open_database
from tests.conftest import DAY, NOW

WEEK = 7 * DAY
START = first_week_start(NOW)  # Monday 2026-07-06 00:00 UTC, week 2026-W28
WEEKS = [f"2026-W{n}" for n in range(28, 40)]


def build_shop(path: Path) -> None:
    """Write the shop into a new database file at `path`."""
    clock = [NOW]
    db = open_database(path)
    service = Service(db, clock=lambda: clock[0], actor=lambda: "tester")

    def at(moment: int) -> Service:
        clock[0] = moment
        return service

    def create(backorder_id: str, product: str, quantity: int, price: int, **more) -> None:
        service.create(
            {
                "id": backorder_id,
                "business": more.pop("business", "BIZ-1"),
                "customer": "CUS-1",
                "product": product,
                "quantity": quantity,
                "price": price,
                **more,
            }
        )

    at(NOW - 200 * DAY)
    service.create_business({"id": "BIZ-1", "name": "Northwind"})
    service.create_business({"id": "BIZ-2", "name": "Southwind"})
    service.create_customer({"id": "CUS-1", "name": "Ada Lovelace", "email": "ada@example.com"})
    service.create_product({"id": "PRD-1", "sku": "TENT-2P", "name": "Two-person tent"})
    service.create_product({"id": "PRD-2", "sku": "LAMP-9", "name": "Storm [lantern]"})
    service.create_product({"id": "PRD-3", "sku": "STOVE", "name": "Camp stove"})

    at(NOW - 100 * DAY)
    create("A8", "PRD-2", 4, 500, business="BIZ-2")  # 46+ days old at NOW

    # Backorders shipped or cancelled in the twelve weeks (and one before them).
    at(START - 10 * DAY)
    create("F0", "PRD-3", 1, 700)
    create("F1", "PRD-3", 2, 700)
    create("F2", "PRD-3", 1, 700, estimatedShipDate=START + 2 * WEEK)
    create("F3", "PRD-3", 5, 700)
    at(START - 10 * DAY + 1).receive_inventory({"product": "PRD-3", "quantity": 9})
    at(START - 10 * DAY + 2)
    create("C1", "PRD-3", 2, 700)
    create("C2", "PRD-3", 1, 0)
    create("C3", "PRD-3", 1, 900, business="BIZ-2")
    for backorder in ("F0", "F1", "F2", "F3"):
        service.confirm({"id": backorder})
    at(START - DAY).fulfill({"id": "F0"})  # before the first week: in no row
    at(START + DAY).fulfill({"id": "F1"})  # week 0, on time
    at(START + 2 * WEEK + 2 * DAY).detect_delays()  # F2's estimate has passed: delayNoticed
    at(START + 3 * WEEK + DAY).fulfill({"id": "F2"})  # week 3, late
    service.fulfill({"id": "F3"})  # week 3, on time
    at(START + 5 * WEEK + DAY).cancel({"id": "C1", "reason": "found elsewhere"})  # refund 1400
    service.cancel({"id": "C2"})  # week 5, price 0: nothing refunded

    # Open backorders, one per aging bucket at NOW (A8 above is the 46+ one).
    at(NOW - 40 * DAY)
    create("A7", "PRD-1", 1, 0)  # 31-45
    at(NOW - 25 * DAY)
    create("A6", "PRD-2", 2, 500)  # 22-30
    at(NOW - 20 * DAY)
    create("A5", "PRD-1", 1, 1000)  # 15-21
    at(NOW - 10 * DAY)
    create("A4", "PRD-2", 1, 500, estimatedShipDate=NOW - DAY)  # 8-14, late at NOW
    at(NOW - 4 * DAY)
    create("A3", "PRD-1", 3, 1000)  # exactly 4 days: 4-7
    at(NOW - 4 * DAY + 1)
    create("A2", "PRD-2", 1, 500)  # a second short of 4 days: 3, so 0-3
    at(NOW - DAY).receive_inventory({"product": "PRD-2", "quantity": 3})  # all to A8, the oldest
    at(NOW - 100).cancel({"id": "C3"})  # week 11 (this week), refund 900, BIZ-2
    at(NOW)
    create("A1", "PRD-1", 2, 1000)  # 0-3
    db.close()


def _aging(*rows: tuple[int, int, int, int, int]) -> list[dict]:
    names = ["0-3", "4-7", "8-14", "15-21", "22-30", "31-45", "46+"]
    keys = ["backorders", "units", "allocated", "value", "late"]
    return [
        {"bucket": name} | dict(zip(keys, row, strict=True))
        for name, row in zip(names, rows, strict=True)
    ]


AGING = _aging(
    (2, 3, 0, 2500, 0),
    (1, 3, 0, 3000, 0),
    (1, 1, 0, 500, 1),
    (1, 1, 0, 1000, 0),
    (1, 2, 0, 1000, 0),
    (1, 1, 0, 0, 0),
    (1, 4, 3, 2000, 0),
)
AGING_BIZ2 = _aging(*[(0, 0, 0, 0, 0)] * 6, (1, 4, 3, 2000, 0))

PRODUCTS = [
    {"product": "PRD-1", "sku": "TENT-2P", "name": "Two-person tent", "backorders": 4,
     "units": 7, "allocated": 0, "stockOnHand": 0, "value": 6000,
     "oldestCreatedAt": NOW - 40 * DAY},
    {"product": "PRD-2", "sku": "LAMP-9", "name": "Storm [lantern]", "backorders": 4,
     "units": 8, "allocated": 3, "stockOnHand": 0, "value": 4000,
     "oldestCreatedAt": NOW - 100 * DAY},
]  # fmt: skip
PRODUCTS_BIZ2 = [
    {"product": "PRD-2", "sku": "LAMP-9", "name": "Storm [lantern]", "backorders": 1,
     "units": 4, "allocated": 3, "stockOnHand": 0, "value": 2000,
     "oldestCreatedAt": NOW - 100 * DAY},
]  # fmt: skip


def _service(weeks: dict[int, tuple[int, int, int, int, float | None, int]]) -> list[dict]:
    keys = ["fulfilled", "cancelled", "unitsShipped", "onTime", "onTimeRate", "refunded"]
    empty = (0, 0, 0, 0, None, 0)
    return [
        {"week": week} | dict(zip(keys, weeks.get(index, empty), strict=True))
        for index, week in enumerate(WEEKS)
    ]


SERVICE = _service(
    {
        0: (1, 0, 2, 1, 1.0, 0),
        3: (2, 0, 6, 1, 0.5, 0),
        5: (0, 2, 0, 0, None, 1400),
        11: (0, 1, 0, 0, None, 900),
    }
)
SERVICE_BIZ2 = _service({11: (0, 1, 0, 0, None, 900)})
