"""A small fixed shop for the queue tests, and helpers to drive the real app under Pilot."""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections.abc import Callable
from typing import Any

import pytest
from textual import events
from textual._xterm_parser import XTermParser
from textual.worker import WorkerCancelled

from botui.domain.service import Service
from botui.tui.app import BotuiApp
from botui.tui.keys import QUIET_SECONDS
from botui.tui.live import GROUP as LIVE_GROUP
from tests.conftest import DAY, NOW


def pilot_test(test: Callable[..., Any]) -> Callable[..., None]:
    """Run an async Pilot test in its own event loop (the suite has no async plugin)."""

    @functools.wraps(test)
    def run(*args: Any, **kwargs: Any) -> None:
        asyncio.run(test(*args, **kwargs))

    return run


async def settle(pilot: Any, rounds: int = 3) -> None:
    """Let every worker finish and every message it posted land, a few times over (not the
    worker that waits for PostgreSQL's notifications: it runs as long as the app)."""
    for _ in range(rounds):
        workers = [w for w in pilot.app.workers if w.group != LIVE_GROUP]
        with contextlib.suppress(WorkerCancelled):  # a newer read replaced an older one
            if workers:
                await pilot.app.workers.wait_for_complete(workers)
        await pilot.pause()


def toasts(app: Any) -> str:
    """Every toast the app has shown that is still up, one per line."""
    return "\n".join(str(n.message) for n in app._notifications)


async def cursor_on(pilot: Any, backorder_id: str) -> None:
    """Put the cursor on a backorder of the current view, from its first row."""
    await settle(pilot)
    await pilot.press("home")
    await settle(pilot)
    for _ in range(60):
        row = pilot.app.query_one("#queue").current
        if row is not None and row.id == backorder_id:
            return
        await pilot.press("j")
        await settle(pilot, rounds=1)
    raise AssertionError(f"{backorder_id} is not in the view")


async def reads(pilot: Any) -> None:
    """The person reads what just opened before answering: longer than a burst of typing,
    whose keys a question that just opened drops (botui.tui.keys)."""
    await settle(pilot)
    await pilot.pause(QUIET_SECONDS)


def parse_bytes(data: bytes) -> list[events.Key]:
    """The keys Textual's own parser reads from raw terminal bytes sent as one read."""
    parser = XTermParser()
    found = [*parser.feed(data.decode()), *parser.feed("")]  # "": the read ends (a lone Esc)
    return [token for token in found if isinstance(token, events.Key)]


async def send_bytes(pilot: Any, data: bytes) -> None:
    """Send what a terminal sends (b"\\x1b\\r" from tmux), through Textual's input parser."""
    for key in parse_bytes(data):
        pilot.app.post_message(key)
    await pilot.pause()
    await settle(pilot)


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
