"""SVG snapshots of the detail screen, the edit form and the dialogs, on frozen time and data."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input

from botui.domain.service import Service
from botui.tui.dialogs.notify import NotifyDialog
from botui.tui.dialogs.receive import ReceiveDialog
from botui.tui.screens.detail import DetailScreen
from botui.tui.screens.form import BackorderForm
from tests.conftest import DAY, NOW
from tests.pilot import settle_still


class Host(App[None]):
    """A bare app that shows one screen, so each screen is pictured on its own."""

    def __init__(self, make: Callable[[], Screen[Any]]) -> None:
        super().__init__()
        self.make = make

    def on_mount(self) -> None:
        self.push_screen(self.make())


@pytest.fixture
def shop(service: Service, refs: dict[str, str]) -> Service:
    """BO-7: confirmed, 2 of 5 allocated, two days late, notified; BO-8 of another product."""
    service.create(
        {
            "id": "BO-7",
            "product": refs["product"],
            "business": refs["business"],
            "customer": refs["customer"],
            "order": refs["order"],
            "quantity": 5,
            "price": 1250,
            "priorityLevel": "rush",
            "estimatedShipDate": NOW - 2 * DAY,
            "metadata": {"channel": "phone", "note": "[b]call first[/b]"},
        }
    )
    service.confirm({"id": "BO-7", "supplierOrder": "PO-88"})
    service.receive_inventory({"product": refs["product"], "quantity": 2, "receipt": "R-1"})
    service.notify_customer({"id": "BO-7", "channel": "email", "template": "delay"})
    service.create_customer({"id": "CUS-EVE", "name": "[bold red]Eve[/] [/]", "phone": "+1 555"})
    service.create_product({"id": "PRD-2", "sku": "MAT-1", "name": "Sleeping mat"})
    service.create(
        {
            "id": "BO-8",
            "product": "PRD-2",
            "business": refs["business"],
            "customer": "CUS-EVE",
            "quantity": 1,
            "price": 4500,
        }
    )
    return service


def test_detail_80x24(snap_compare: Any, shop: Service) -> None:
    app = Host(lambda: DetailScreen(shop, "BO-7"))
    assert snap_compare(app, terminal_size=(80, 24), run_before=settle_still)


def test_edit_form_with_an_error_80x24(snap_compare: Any, shop: Service) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await settle_still(pilot)
        pilot.app.screen.query_one("#quantity", Input).value = "0"
        await pilot.press("ctrl+s")
        await settle_still(pilot)

    app = Host(lambda: BackorderForm(shop, "BO-7"))
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_notify_dialog_shows_markup_literally_80x24(snap_compare: Any, shop: Service) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await settle_still(pilot)
        pilot.app.screen.query_one("#channel").value = "sms"
        await settle_still(pilot)

    app = Host(lambda: NotifyDialog(shop, ["BO-8"]))
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_receive_dialog_for_two_products_60x20(snap_compare: Any, shop: Service) -> None:
    app = Host(lambda: ReceiveDialog(shop, ["BO-7", "BO-8"]))
    assert snap_compare(app, terminal_size=(60, 20), run_before=settle_still)


def test_edit_form_with_two_errors_60x20(snap_compare: Any, shop: Service) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await settle_still(pilot)
        pilot.app.screen.query_one("#quantity", Input).value = "0"
        pilot.app.screen.query_one("#estimatedShipDate", Input).value = "2027-13-45"
        await pilot.press("ctrl+s")
        await settle_still(pilot)

    app = Host(lambda: BackorderForm(shop, "BO-7"))
    assert snap_compare(app, terminal_size=(60, 20), run_before=run_before)


def test_new_form_suggesting_customers_60x20(snap_compare: Any, shop: Service) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await settle_still(pilot)
        pilot.app.screen.query_one("#customer", Input).focus()
        await pilot.press(*"e")
        await settle_still(pilot)

    app = Host(lambda: BackorderForm(shop, None))
    assert snap_compare(app, terminal_size=(60, 20), run_before=run_before)
