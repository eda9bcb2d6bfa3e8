"""The three reports through the Service: exact figures on a shop built on a frozen clock."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from reports_shop import (
    AGING,
    AGING_BIZ2,
    NOW,
    PRODUCTS,
    PRODUCTS_BIZ2,
    SERVICE,
    SERVICE_BIZ2,
    WEEKS,
    build_shop,
)

from botui.domain.buckets import bucket_bounds
from botui.domain.errors import BotuiError
from botui.domain.reports import first_week_start, week_label
from botui.domain.service import Service
from botui.store.db import open_database
from tests import postgres

from .helpers import snapshot_db

EXPECTED = {"aging": AGING, "products": PRODUCTS, "service": SERVICE}
BIZ2 = {"aging": AGING_BIZ2, "products": PRODUCTS_BIZ2, "service": SERVICE_BIZ2}


@pytest.fixture(scope="module")
def shop_path(tmp_path_factory: pytest.TempPathFactory, engine: str) -> Iterator[Path | str]:
    with postgres.database(engine, tmp_path_factory.mktemp("shop"), "shop.db") as path:
        build_shop(path)
        yield path


@pytest.fixture
def shop(shop_path: Path | str) -> Iterator[Service]:
    db = open_database(shop_path)
    yield Service(db, clock=lambda: NOW)
    db.close()


@pytest.mark.parametrize("name", ["aging", "products", "service"])
def test_each_report_has_the_figures_worked_out_by_hand(shop: Service, name: str) -> None:
    answer = shop.report(name).to_json()
    assert answer == {"report": name, "asOf": NOW, "rows": EXPECTED[name]}
    # JSON integers on both engines (PostgreSQL sums 64-bit integers as numeric: Decimal).
    assert json.loads(json.dumps(answer)) == answer


@pytest.mark.parametrize("name", ["aging", "products", "service"])
def test_a_business_filter_counts_only_its_backorders(shop: Service, name: str) -> None:
    answer = shop.report(name, {"business": "BIZ-2"}).to_json()
    assert answer["rows"] == BIZ2[name]


def test_business_one_and_two_add_up_to_the_whole(shop: Service) -> None:
    whole = shop.report("aging").to_json()["rows"]
    parts = [shop.report("aging", {"business": b}).to_json()["rows"] for b in ("BIZ-1", "BIZ-2")]
    for row, one, two in zip(whole, *parts, strict=True):
        assert {k: one[k] + two[k] for k in row if k != "bucket"} == {
            k: v for k, v in row.items() if k != "bucket"
        }


@pytest.mark.parametrize("name", ["aging", "products", "service"])
def test_an_unknown_business_is_not_found_and_changes_nothing(shop: Service, name: str) -> None:
    before = snapshot_db(shop.db)
    with pytest.raises(BotuiError) as refused:
        shop.report(name, {"business": "BIZ-9"})
    assert (refused.value.code, refused.value.field) == ("not_found", "business")
    assert snapshot_db(shop.db) == before


def test_an_unknown_report_or_field_is_a_validation_error(shop: Service) -> None:
    with pytest.raises(BotuiError) as refused:
        shop.report("stock")
    assert refused.value.code == "validation_error"
    assert "aging, products, service" in refused.value.message
    with pytest.raises(BotuiError) as refused:
        shop.report("aging", {"businessId": "BIZ-1"})
    assert refused.value.code == "validation_error"


def test_an_empty_database_has_every_bucket_and_week_as_zeros(service: Service) -> None:
    aging = service.report("aging").to_json()
    assert [row["bucket"] for row in aging["rows"]] == [
        "0-3", "4-7", "8-14", "15-21", "22-30", "31-45", "46+",
    ]  # fmt: skip
    assert all(row["backorders"] == row["value"] == 0 for row in aging["rows"])
    assert service.report("products").to_json() == {"report": "products", "asOf": NOW, "rows": []}
    weeks = service.report("service").to_json()["rows"]
    assert [row["week"] for row in weeks] == WEEKS
    assert all(row["onTimeRate"] is None and row["fulfilled"] == 0 for row in weeks)


def test_the_products_limit_keeps_the_most_valuable(shop: Service) -> None:
    assert shop.report("products", {"limit": 1}).to_json()["rows"] == PRODUCTS[:1]


def test_weeks_are_iso_weeks_in_utc_across_a_year_end() -> None:
    # Sunday 2027-01-03 23:59:59 UTC is still in 2026-W53; its twelve weeks start 2026-10-12.
    sunday = 1_799_020_799
    assert week_label(sunday) == "2026-W53"
    assert week_label(sunday + 1) == "2027-W01"
    assert week_label(first_week_start(sunday)) == "2026-W42"


def test_bucket_bounds_cut_whole_days() -> None:
    day = 86_400
    assert bucket_bounds("0-3", NOW) == (NOW - 4 * day, None)
    assert bucket_bounds("4-7", NOW) == (NOW - 8 * day, NOW - 4 * day)
    assert bucket_bounds("46+", NOW) == (None, NOW - 46 * day)
