"""A shop whose log holds the work of three people, for the log's Pilot and snapshot tests.

Twelve backorders, BO-1 to BO-12 (so a filter for BO-1 must not show BO-10, BO-11 or BO-12),
created a minute apart by ada, ben and cleo in turn, starting an hour before NOW; then ben
confirms BO-3, BO-6 and BO-9, ada raises BO-1 to 3 units, cleo cancels BO-12 with a reason and
ada deletes BO-7. EVENTS holds, oldest first, (actor, type, backorder) of each of the 18 events.
"""

from __future__ import annotations

from botui.domain.service import Service
from tests.conftest import NOW

START = NOW - 3_600
ACTORS = ("ada", "ben", "cleo")


def acting(service: Service, actor: str, minute: int) -> Service:
    """The same database, `actor` acting `minute` minutes after START."""
    return Service(service.db, clock=lambda: START + minute * 60, actor=lambda: actor)


def build_log_shop(service: Service) -> list[tuple[str, str, str]]:
    """Fill `service`'s database as the module says; the events written, oldest first."""
    service.create_business({"id": "BIZ-1", "name": "Northwind Outfitters"})
    service.create_customer({"id": "CUS-1", "name": "Ada Lovelace", "email": "a@example.com"})
    service.create_product({"id": "PRD-1", "sku": "TENT-2P", "name": "Two-person tent"})
    events: list[tuple[str, str, str]] = []
    for number in range(1, 13):
        actor = ACTORS[(number - 1) % 3]
        acting(service, actor, number).create(
            {
                "id": f"BO-{number}",
                "product": "PRD-1",
                "business": "BIZ-1",
                "customer": "CUS-1",
                "price": 12900,
                "quantity": 1,
            }
        )
        events.append((actor, "created", f"BO-{number}"))
    for minute, number in ((20, 3), (21, 6), (22, 9)):
        acting(service, "ben", minute).confirm({"id": f"BO-{number}"})
        events.append(("ben", "confirmed", f"BO-{number}"))
    acting(service, "ada", 30).update({"id": "BO-1", "quantity": 3})
    events.append(("ada", "updated", "BO-1"))
    acting(service, "cleo", 40).cancel({"id": "BO-12", "reason": "customer found one locally"})
    events.append(("cleo", "cancelled", "BO-12"))
    acting(service, "ada", 50).delete({"id": "BO-7"})
    events.append(("ada", "deleted", "BO-7"))
    return events
