"""SVG snapshots of the queue screen, its cancel question and help, on frozen time and data."""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot

from botui.domain.service import Service
from botui.tui.app import BotuiApp
from tests.conftest import DAY, NOW
from tests.pilot import settle_still

SIZE = (80, 24)
CUSTOMERS = (
    ("CUS-1", "Ada Lovelace"),
    ("CUS-2", "Grace Hopper"),
    ("CUS-3", "Katherine Johnson"),
    ("CUS-4", "Alan Turing"),
)
# (id, customer, product, quantity, price, priority, created days ago, ship in days, action)
ROWS = (
    ("BO-1", "CUS-1", "PRD-2", 2, 4999, "rush", 6, -2, None),
    ("BO-2", "CUS-2", "PRD-1", 3, 12900, "rush", 3, 4, "confirm"),
    ("BO-3", "CUS-3", "PRD-1", 1, 12900, "expedited", 9, -1, "confirm"),
    ("BO-4", "CUS-4", "PRD-2", 1, 4999, "expedited", 2, None, None),
    ("BO-5", "CUS-1", "PRD-3", 4, 2450, "standard", 12, 10, "confirm"),
    ("BO-6", "CUS-2", "PRD-3", 1, 2450, "standard", 8, 20, None),
    ("BO-7", "CUS-3", "PRD-1", 2, 12900, "standard", 5, 30, "cancel"),
    ("BO-8", "CUS-4", "PRD-2", 1, 4999, "standard", 1, 2, "fulfill"),
)


@pytest.fixture
def shop(service: Service) -> Service:
    """A small queue with every status, priority and lateness the screen distinguishes."""
    service.create_business({"id": "BIZ-1", "name": "Northwind Outfitters"})
    for customer_id, name in CUSTOMERS:
        service.create_customer({"id": customer_id, "name": name, "email": "c@example.com"})
    service.create_product({"id": "PRD-1", "sku": "TENT-2P", "name": "Two-person tent"})
    service.create_product({"id": "PRD-2", "sku": "LAMP-1", "name": "Desk lamp", "stockOnHand": 4})
    service.create_product({"id": "PRD-3", "sku": "MUG-1", "name": "Enamel mug"})
    for bo_id, customer, product, quantity, price, priority, age, ship, action in ROWS:
        at = Service(service.db, clock=lambda age=age: NOW - age * DAY)
        at.create(
            {
                "id": bo_id,
                "product": product,
                "business": "BIZ-1",
                "customer": customer,
                "quantity": quantity,
                "price": price,
                "priorityLevel": priority,
                "estimatedShipDate": None if ship is None else NOW + ship * DAY,
            }
        )
        if action == "fulfill":
            service.confirm({"id": bo_id})
        if action is not None:
            getattr(service, action)({"id": bo_id})
    return service


def test_queue(snap_compare: Any, shop: Service) -> None:
    app = BotuiApp(shop, delay_detection=False)
    assert snap_compare(app, terminal_size=SIZE, run_before=settle_still)


@pytest.mark.parametrize("size", [(200, 50), (60, 20)], ids=["200x50", "60x20"])
def test_queue_wide_and_narrow(snap_compare: Any, shop: Service, size: tuple[int, int]) -> None:
    """200 columns: order, business, delivery and supplier order join; 60: the least needed
    columns give way to the product's name."""
    app = BotuiApp(shop, delay_detection=False)
    assert snap_compare(app, terminal_size=size, run_before=settle_still)


def test_queue_with_marks_and_cursor_moved(snap_compare: Any, shop: Service) -> None:
    app = BotuiApp(shop, delay_detection=False)
    assert snap_compare(
        app, press=["space", "j", "space"], terminal_size=SIZE, run_before=settle_still
    )


def test_cancel_dialog(snap_compare: Any, shop: Service) -> None:
    async def open_question(pilot: Pilot[Any]) -> None:
        await settle_still(pilot)
        await pilot.press("j", "x")
        await settle_still(pilot)

    app = BotuiApp(shop, delay_detection=False)
    assert snap_compare(app, terminal_size=SIZE, run_before=open_question)


def test_help(snap_compare: Any, shop: Service) -> None:
    async def open_help(pilot: Pilot[Any]) -> None:
        await settle_still(pilot)
        await pilot.press("question_mark")
        await settle_still(pilot)

    app = BotuiApp(shop, delay_detection=False)
    assert snap_compare(app, terminal_size=SIZE, run_before=open_help)


def test_queue_with_markup_in_a_customer_name(snap_compare: Any, shop: Service) -> None:
    shop.create_customer({"id": "CUS-9", "name": "[bold red]Eve[/] [/]"})
    shop.create(
        {
            "id": "BO-9",
            "product": "PRD-1",
            "business": "BIZ-1",
            "customer": "CUS-9",
            "quantity": 1,
            "price": 100,
            "priorityLevel": "rush",
        }
    )
    app = BotuiApp(shop, delay_detection=False)
    assert snap_compare(app, terminal_size=SIZE, run_before=settle_still)


def test_queue_with_emoji_in_customer_names(snap_compare: Any, shop: Service) -> None:
    """A skin tone, a flag and a keycap leave every column where it was, AGE whole."""
    names = (("CUS-T", "Tom 👍🏽 Reyes", 12), ("CUS-J", "🇯🇵 Sato 1️⃣", 45))
    for customer, name, age in names:
        shop.create_customer({"id": customer, "name": name})
        Service(shop.db, clock=lambda age=age: NOW - age * DAY).create(
            {
                "id": f"BO-{customer[-1]}",
                "product": "PRD-1",
                "business": "BIZ-1",
                "customer": customer,
                "quantity": 1,
                "price": 100,
                "priorityLevel": "rush",
            }
        )
    app = BotuiApp(shop, delay_detection=False)
    assert snap_compare(app, terminal_size=SIZE, run_before=settle_still)


def test_narrow_picker(snap_compare: Any, shop: Service) -> None:
    """`=` on BO-2 offers its customer, product, business, status and priority by name."""

    async def open_picker(pilot: Pilot[Any]) -> None:
        await settle_still(pilot)
        await pilot.press("j", "equals_sign")
        await settle_still(pilot)

    app = BotuiApp(shop, delay_detection=False)
    assert snap_compare(app, terminal_size=SIZE, run_before=open_picker)


@pytest.mark.parametrize("size", [SIZE, (200, 50)], ids=["80x24", "200x50"])
def test_customer_view_from_the_detail(
    snap_compare: Any, shop: Service, size: tuple[int, int]
) -> None:
    """`u` on BO-1's detail: every backorder of Ada Lovelace in the all view, counted."""

    async def open_customer(pilot: Pilot[Any]) -> None:
        await settle_still(pilot)
        await pilot.press("enter")
        await settle_still(pilot)
        await pilot.press("u")
        await settle_still(pilot)

    app = BotuiApp(shop, delay_detection=False)
    assert snap_compare(app, terminal_size=size, run_before=open_customer)


def test_queue_late_view_without_colour(
    snap_compare: Any, shop: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With NO_COLOR the current view on the bar stands out by reverse and bold alone."""
    monkeypatch.setenv("NO_COLOR", "1")

    async def late(pilot: Pilot[Any]) -> None:
        await settle_still(pilot)
        await pilot.press("3")
        await settle_still(pilot)

    app = BotuiApp(shop, delay_detection=False)
    assert snap_compare(app, terminal_size=SIZE, run_before=late)
