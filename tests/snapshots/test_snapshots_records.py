"""SVG snapshots of the records screens, a product's edit dialog and the empty database's first
steps, on frozen time and data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from botui.domain.service import Service
from botui.store.db import open_database
from botui.tui.app import BotuiApp
from tests.pilot import settle_still

SIZE = (80, 24)


@pytest.fixture
def products(service: Service) -> Service:
    """Four products (one whose name looks like markup), a customer and a business."""
    service.create_business({"id": "BIZ-1", "name": "Northwind Outfitters"})
    service.create_customer({"id": "CUS-1", "name": "Ada Lovelace", "email": "ada@example.com"})
    for product_id, sku, name, stock in (
        ("PRD-1", "TENT-2P", "Two-person tent", 0),
        ("PRD-2", "LAMP-1", "Desk lamp", 4),
        ("PRD-3", "MUG-1", "Enamel mug", 1250),
        ("PRD-4", "[b]X[/]", "[bold red]Not markup[/] [/]", 7),
    ):
        service.create_product({"id": product_id, "sku": sku, "name": name, "stockOnHand": stock})
    return service


def test_products_list_80x24(snap_compare: Any, products: Service) -> None:
    async def open_products(pilot: Pilot[Any]) -> None:
        await settle_still(pilot)
        await pilot.press("P")
        await settle_still(pilot)
        await pilot.press("down")
        await settle_still(pilot)

    app = BotuiApp(products, delay_detection=False)
    assert snap_compare(app, terminal_size=SIZE, run_before=open_products)


def test_product_edit_dialog_80x24(snap_compare: Any, products: Service) -> None:
    async def edit_lamp(pilot: Pilot[Any]) -> None:
        await settle_still(pilot)
        await pilot.press("P")
        await settle_still(pilot)
        await pilot.press("down", "e")
        await settle_still(pilot)

    app = BotuiApp(products, delay_detection=False)
    assert snap_compare(app, terminal_size=SIZE, run_before=edit_lamp)


def test_empty_database_first_steps_80x24(
    snap_compare: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # the panel names the database as given: shop.db
    db = open_database("shop.db")
    app = BotuiApp(Service(db), delay_detection=False)
    assert snap_compare(app, terminal_size=SIZE, run_before=settle_still)
