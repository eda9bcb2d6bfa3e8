"""`botui import --format shopify` of an order export as Shopify's admin writes it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from unit.helpers import snapshot_db

from botui.domain.errors import BotuiError
from botui.domain.service import Service, call
from botui.io.importing import import_file

FIXTURE = Path(__file__).with_name("fixtures") / "shopify_orders_export.csv"


@pytest.fixture
def shop(service: Service) -> Service:
    service.create_business({"id": "BIZ-1", "name": "Northwind Outfitters"})
    return service


def test_unfulfilled_lines_become_backorders_and_the_others_are_skipped(shop: Service) -> None:
    answer = import_file(shop, FIXTURE, fmt="shopify")
    assert answer == {"created": 4, "skipped": 3, "invalid": 0, "rows": []}
    rows = shop.db.execute_sql(
        "SELECT o.number, c.name, c.email, c.phone, p.sku, p.name, b.quantity, b.price,"
        " o.placed_at, b.business_id FROM backorder b JOIN orders o ON o.id = b.order_id"
        " JOIN customer c ON c.id = b.customer_id JOIN product p ON p.id = b.product_id"
        " ORDER BY b.seq"
    ).fetchall()
    tent = "Trail tent, 2 person - Moss"
    socks = 'Wool socks, 3-pack "Heavy"'
    zoe = ("Zoë Ångström", "zoe.angstrom@example.com", "+46 8 555 010 01")
    wang = ("王芳", "wang.fang@example.com", "+86 21 5555 0188")
    assert rows == [
        ("#1001", *zoe, "TENT-2P", tent, 1, 24900, 1_800_018_000, "BIZ-1"),
        # No SKU: the line's name stands for it; no Billing Name: the Shipping Name.
        (
            "#1002",
            "José Núñez",
            "jose.nunez@example.com",
            None,
            socks,
            socks,
            3,
            1999,
            1_800_127_930,
            "BIZ-1",
        ),
        ("#1003", *wang, "SLEEP-BAG-R", "Sleeping bag, -5°C", 1, 4900, 1_800_147_900, "BIZ-1"),
        ("#1003", *wang, "TENT-2P", tent, 2, 24900, 1_800_147_900, "BIZ-1"),
    ]
    created = [e for e in call(shop, "events", {})["data"] if e["type"] == "created"]
    assert {e["data"]["import"] for e in created} == {str(FIXTURE)}


def test_importing_the_export_again_creates_nothing(shop: Service) -> None:
    import_file(shop, FIXTURE, fmt="shopify")
    before = snapshot_db(shop.db)
    answer = import_file(shop, FIXTURE, fmt="shopify")
    assert answer == {"created": 0, "skipped": 7, "invalid": 0, "rows": []}
    assert snapshot_db(shop.db) == before


def test_a_bad_line_is_named_by_its_shopify_column_and_line(shop: Service, tmp_path: Path) -> None:
    text = FIXTURE.read_text(encoding="utf-8").replace("19.99", "19.999")
    path = tmp_path / "orders_export.csv"
    path.write_text(text, encoding="utf-8", newline="")
    before = snapshot_db(shop.db)
    with pytest.raises(BotuiError) as caught:
        import_file(shop, path, fmt="shopify")
    error = caught.value.to_json()["error"]
    assert [(r["line"], r["field"]) for r in error["rows"]] == [(4, "Lineitem price")]
    assert snapshot_db(shop.db) == before


def test_the_business_is_the_option_or_the_only_one(service: Service, tmp_path: Path) -> None:
    service.create_business({"id": "BIZ-1", "name": "North"})
    service.create_business({"id": "BIZ-2", "name": "South"})
    before = snapshot_db(service.db)
    with pytest.raises(BotuiError) as caught:
        import_file(service, FIXTURE, fmt="shopify")
    assert caught.value.code == "validation_error" and caught.value.field == "business"
    assert snapshot_db(service.db) == before
    import_file(service, FIXTURE, fmt="shopify", business="BIZ-2")
    businesses = service.db.execute_sql("SELECT DISTINCT business_id FROM backorder").fetchall()
    assert businesses == [("BIZ-2",)]


def test_a_file_that_is_not_a_shopify_export_is_refused_at_its_header(
    shop: Service, tmp_path: Path
) -> None:
    path = tmp_path / "other.csv"
    shutil.copyfile(FIXTURE, path)
    path.write_text("Order,Email\n#1,a@example.com\n", encoding="utf-8")
    with pytest.raises(BotuiError) as caught:
        import_file(shop, path, fmt="shopify")
    assert json.dumps(caught.value.to_json()).count('"line": 1') == 1
