"""A small fixed shop for the queue tests; the helpers that drive the app live in tests/pilot.py."""

from __future__ import annotations

from typing import Any

import pytest

from botui.domain.service import Service
from botui.tui.app import BotuiApp
from tests.conftest import DAY, NOW
from tests.pilot import (  # re-exported: `from conftest import settle` still works
    cursor_on,
    parse_bytes,
    pilot_test,
    reads,
    running,
    send_bytes,
    settle,
    toasts,
    wait_until,
)

__all__ = [
    "DAY",
    "NOW",
    "cursor_on",
    "parse_bytes",
    "pilot_test",
    "reads",
    "running",
    "send_bytes",
    "settle",
    "toasts",
    "wait_until",
]


def at(service: Service, when: int) -> Service:
    """The same database acting at another moment, so rows get distinct ages."""
    return Service(service.db, clock=lambda: when)


def create(service: Service, when: int, **fields: Any) -> str:
    """Create one backorder at `when` from camelCase fields; its id."""
    payload = {"business": "BIZ-1", "customer": "CUS-1", "price": 1000, "quantity": 1}
    payload.update(fields)
    return at(service, when).create(payload).id


@pytest.fixture
def shop(service: Service, refs: dict[str, str]) -> Service:
    """Five backorders, one of each situation the queue must show.

    BO-1 rush, pending, fully allocated from stock, 2 days late.
    BO-2 expedited, confirmed, 3 units of a product with no stock, due in 3 days.
    BO-3 standard, pending, oldest standard one.
    BO-4 standard, confirmed, fully allocated: ready to ship.
    BO-5 standard, cancelled (closed).
    """
    service.create_product({"id": "PRD-2", "sku": "LAMP-1", "name": "Desk lamp", "stockOnHand": 3})
    create(
        service,
        NOW - 5 * DAY,
        id="BO-1",
        product="PRD-2",
        quantity=2,
        priorityLevel="rush",
        estimatedShipDate=NOW - 2 * DAY,
    )
    create(
        service,
        NOW - 4 * DAY,
        id="BO-2",
        product="PRD-1",
        quantity=3,
        price=2500,
        priorityLevel="expedited",
        estimatedShipDate=NOW + 3 * DAY,
    )
    create(service, NOW - 3 * DAY, id="BO-3", product="PRD-1")
    create(service, NOW - 2 * DAY, id="BO-4", product="PRD-2")
    create(service, NOW - 1 * DAY, id="BO-5", product="PRD-1")
    service.confirm({"id": "BO-2"})
    service.confirm({"id": "BO-4"})
    service.cancel({"id": "BO-5"})
    return service


@pytest.fixture
def app(shop: Service) -> BotuiApp:
    """The real app on the shop, without the minute timer of delay detection."""
    return BotuiApp(shop, delay_detection=False)


@pytest.fixture
def crowd(service: Service, refs: dict[str, str]) -> Service:
    """Forty standard backorders, BO-1 the oldest: more than a screen at 80x24.

    Every 7th is for a Quinn, every 3rd is confirmed, every 5th has no ship date.
    """
    service.create_customer({"id": "CUS-Q", "name": "Sami Quinn"})
    for number in range(1, 41):
        ship = None if number % 5 == 0 else NOW + (number % 9 - 3) * DAY
        create(
            service,
            NOW - (50 - number) * DAY,
            id=f"BO-{number}",
            product="PRD-1",
            customer="CUS-Q" if number % 7 == 0 else "CUS-1",
            estimatedShipDate=ship,
        )
        if number % 3 == 0:
            service.confirm({"id": f"BO-{number}"})
    return service


@pytest.fixture
def crowd_app(crowd: Service) -> BotuiApp:
    """The real app on the crowd."""
    return BotuiApp(crowd, delay_detection=False)
