"""A small shop built through the Service, for the queue's view counts and narrowings.

Eight backorders of three customers, two products and two businesses, one in each status, with
two late and two ready to ship; COUNTS holds every view's count, worked out by hand below.

| id | customer | product | business | priority  | status        | why                   |
| G2 | CUS-2    | PRD-1   | BIZ-2    | rush      | in-transit    | ready, 1 day late     |
| A3 | CUS-1    | PRD-1   | BIZ-1    | expedited | fulfilled     |                       |
| G3 | CUS-2    | PRD-2   | BIZ-1    | standard  | in-production | ready                 |
| A1 | CUS-1    | PRD-1   | BIZ-1    | rush      | pending       | 2 days late           |
| A2 | CUS-1    | PRD-2   | BIZ-2    | standard  | confirmed     | ships in 5 days       |
| A4 | CUS-1    | PRD-2   | BIZ-1    | standard  | cancelled     |                       |
| G1 | CUS-2    | PRD-1   | BIZ-1    | standard  | pending       | no ship date          |
| M1 | CUS-3    | PRD-2   | BIZ-2    | expedited | pending       | a name holding markup |

Created in that order, a day apart, ten days to three days before NOW.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from botui.domain import queue
from botui.domain.queue import QueueSpec
from botui.domain.service import Service
from botui.store.db import open_database
from tests.conftest import DAY, NOW

MALLORY = "[bold]Mallory[/] O'Brien"
COUNTS = {"open": 6, "pending": 3, "late": 2, "ready": 2, "closed": 2, "all": 8}
# Triage order of every backorder: rush, then expedited, then standard, oldest first.
TRIAGE = ["G2", "A1", "A3", "M1", "G3", "A2", "A4", "G1"]


def build_queue_shop(path: Path) -> None:
    """Write the shop into a new database file at `path`."""
    clock = [NOW - 20 * DAY]
    db = open_database(path)
    service = Service(db, clock=lambda: clock[0], actor=lambda: "tester")
    service.create_business({"id": "BIZ-1", "name": "Northwind"})
    service.create_business({"id": "BIZ-2", "name": "Southwind"})
    service.create_customer({"id": "CUS-1", "name": "Ada Lovelace", "email": "ada@example.com"})
    service.create_customer({"id": "CUS-2", "name": "Grace Hopper", "email": "grace@example.com"})
    service.create_customer({"id": "CUS-3", "name": MALLORY})
    service.create_product(
        {"id": "PRD-1", "sku": "TENT-2P", "name": "Two-person tent", "stockOnHand": 2}
    )
    service.create_product(
        {"id": "PRD-2", "sku": "LAMP-9", "name": "Storm lantern", "stockOnHand": 1}
    )

    def create(days_ago: int, backorder_id: str, **fields: Any) -> None:
        clock[0] = NOW - days_ago * DAY
        service.create({"id": backorder_id, "quantity": 1, "price": 1000, **fields})

    def bo(customer: str, product: str, business: str, priority: str) -> dict[str, str]:
        return {
            "customer": customer,
            "product": product,
            "business": business,
            "priorityLevel": priority,
        }

    # The first three take the free stock as they are created.
    create(10, "G2", **bo("CUS-2", "PRD-1", "BIZ-2", "rush"), estimatedShipDate=NOW - DAY)
    create(9, "A3", **bo("CUS-1", "PRD-1", "BIZ-1", "expedited"))
    create(8, "G3", **bo("CUS-2", "PRD-2", "BIZ-1", "standard"))
    create(7, "A1", **bo("CUS-1", "PRD-1", "BIZ-1", "rush"), estimatedShipDate=NOW - 2 * DAY)
    create(6, "A2", **bo("CUS-1", "PRD-2", "BIZ-2", "standard"), estimatedShipDate=NOW + 5 * DAY)
    create(5, "A4", **bo("CUS-1", "PRD-2", "BIZ-1", "standard"))
    create(4, "G1", **bo("CUS-2", "PRD-1", "BIZ-1", "standard"))
    create(3, "M1", **bo("CUS-3", "PRD-2", "BIZ-2", "expedited"))
    clock[0] = NOW - 2 * DAY
    for backorder in ("A3", "A2", "G2", "G3"):
        service.confirm({"id": backorder})
    service.fulfill({"id": "A3"})
    service.cancel({"id": "A4", "reason": "found elsewhere"})
    service.update({"id": "G2", "status": "in-transit"})
    service.update({"id": "G3", "status": "in-production"})
    db.close()


def shown_ids(spec: QueueSpec) -> list[str]:
    """Every id the queue shows for `spec`, in its order, read by keyset pages of three (so a
    page boundary falls inside every view); needs an open connection to the shop."""
    found: list[str] = []
    after = None
    while True:
        rows = queue.page(spec, NOW, 3, after=after)
        found += [row.id for row in rows]
        if len(rows) < 3:
            return found
        after = rows[-1].key(spec.sort)
