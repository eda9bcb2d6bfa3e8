"""The demo data: reproducible, and exactly what the service would have stored."""

from __future__ import annotations

import importlib
import json
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from botui.demo import ensure_demo, fill_demo
from botui.domain import convert
from botui.domain.errors import BotuiError
from botui.domain.service import Service
from botui.store.db import open_database
from tests.conftest import NOW

COUNT = 3000
RANKS = {"rush": 0, "expedited": 1, "standard": 2}
OPEN = {"pending", "confirmed", "in-production", "in-transit"}
RAISES_VERSION = {"created", "confirmed", "updated", "fulfilled", "cancelled", "estimateUpdated"}


def _dump(service: Service) -> dict[str, list[tuple[Any, ...]]]:
    tables = [
        name
        for (name,) in service.db.execute_sql(
            # meta holds the database's own random id (the outbox's Message-IDs), not demo data.
            "SELECT name FROM sqlite_master WHERE type = 'table'"
            " AND name NOT IN ('schema_migration', 'meta') ORDER BY name"
        ).fetchall()
    ]
    return {
        t: sorted(service.db.execute_sql(f'SELECT * FROM "{t}"').fetchall(), key=repr)
        for t in tables
    }


def _rows(service: Service, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    return service.db.execute_sql(sql, params).fetchall()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """One demo of a few thousand backorders, shared by the read-only checks below."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BOTUI_NOW", str(NOW))
        patch.setenv("BOTUI_ACTOR", "tester")
        db = open_database(tmp_path_factory.mktemp("demo") / "demo.db")
        fill_demo(db, count=COUNT, seed=7)
        yield Service(db)
        db.close()


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data(tmp_path: Path) -> None:
    dumps = []
    for name, seed in (("a", 11), ("b", 11), ("c", 12)):
        db = open_database(tmp_path / f"{name}.db")
        fill_demo(db, count=400, seed=seed)
        dumps.append(_dump(Service(db)))
        db.close()
    assert dumps[0] == dumps[1]
    assert dumps[0]["backorder"] != dumps[2]["backorder"]


def test_the_summary_names_what_was_written(tmp_path: Path) -> None:
    db = open_database(tmp_path / "d.db")
    summary = fill_demo(db, count=250, seed=3)
    assert summary.startswith("demo: wrote 250 backorders (")
    assert "seed 3" in summary


def test_every_status_and_priority_appears_and_some_are_late(demo: Service) -> None:
    statuses = dict(_rows(demo, "SELECT status, count(*) FROM backorder GROUP BY status"))
    assert set(statuses) == OPEN | {"fulfilled", "cancelled"}
    assert sum(statuses.values()) == COUNT
    priorities = {p for (p,) in _rows(demo, "SELECT DISTINCT priority_level FROM backorder")}
    assert priorities == set(RANKS)
    late = _rows(
        demo,
        "SELECT count(*) FROM backorder WHERE is_open = 1 AND estimated_ship_date < ?"
        " AND actual_ship_date IS NULL",
        NOW,
    )[0][0]
    assert 0 < late < statuses["pending"] + statuses["confirmed"] + statuses["in-transit"]


def test_customers_have_real_looking_names_and_some_only_an_email_or_a_phone(
    demo: Service,
) -> None:
    customers = _rows(demo, "SELECT name, email, phone FROM customer")
    assert all(len(name.split()) == 2 and name.istitle() for name, _, _ in customers)
    assert any(email and not phone for _, email, phone in customers)
    assert any(phone and not email for _, email, phone in customers)
    assert all(email or phone for _, email, phone in customers)


def test_columns_are_consistent_with_the_status_and_priority(demo: Service) -> None:
    for row in _rows(
        demo,
        "SELECT status, is_open, priority_level, priority_rank, actual_ship_date, cancelled_at,"
        " allocated_quantity, quantity, metadata FROM backorder",
    ):
        status, is_open, level, rank, shipped, cancelled, allocated, quantity, metadata = row
        assert is_open == (status in OPEN)
        assert rank == RANKS[level]
        assert (shipped is not None) == (status == "fulfilled")
        assert (cancelled is not None) == (status == "cancelled")
        if status == "fulfilled":
            assert allocated == quantity
        if status == "cancelled":
            assert allocated == 0
        assert convert.dumps(json.loads(metadata)) == metadata


def test_allocation_never_exceeds_receipts_and_follows_strict_priority(demo: Service) -> None:
    received = dict(_rows(demo, "SELECT product_id, sum(quantity) FROM receipt GROUP BY 1"))
    for product, stock in _rows(demo, "SELECT id, stock_on_hand FROM product"):
        held = _rows(
            demo,
            "SELECT coalesce(sum(allocated_quantity), 0) FROM backorder"
            " WHERE product_id = ? AND status != 'cancelled'",
            product,
        )[0][0]
        assert stock + held == received.get(product, 0)
        queue = _rows(
            demo,
            "SELECT allocated_quantity, quantity FROM backorder WHERE product_id = ?"
            " AND is_open = 1 ORDER BY priority_rank, created_at, id",
            product,
        )
        short = False
        for allocated, quantity in queue:
            assert not (short and allocated), f"{product}: a later backorder took units"
            short = short or allocated < quantity
        assert not (short and stock), f"{product}: free stock while a backorder is short"


def test_every_backorder_has_the_events_its_status_implies(demo: Service) -> None:
    events: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for backorder, kind, actor, data in _rows(
        demo, "SELECT backorder_id, type, actor, data FROM event ORDER BY id"
    ):
        events[backorder].append((kind, actor, data))
        assert convert.dumps(json.loads(data)) == data
    rows = _rows(
        demo,
        "SELECT id, status, version, updated_by, allocated_quantity, price, quantity,"
        " noticed_ship_date, estimated_ship_date FROM backorder",
    )
    for bid, status, version, updated_by, allocated, price, quantity, noticed, ship in rows:
        kinds = [kind for kind, _, _ in events[bid]]
        assert kinds[0] == "created" and kinds.count("created") == 1
        changes = [e for e in events[bid] if e[0] in RAISES_VERSION]
        assert version == len(changes)
        assert updated_by == changes[-1][1]
        if status != "pending" and status != "cancelled":
            assert "confirmed" in kinds
        assert ("fulfilled" in kinds) == (status == "fulfilled")
        assert ("cancelled" in kinds) == (status == "cancelled")
        arrived = sum(
            json.loads(d)["quantity"] for k, _, d in events[bid] if k == "inventoryArrived"
        )
        assert arrived == (0 if status == "cancelled" else allocated)
        if status == "cancelled":
            cancel = json.loads(next(d for k, _, d in events[bid] if k == "cancelled"))
            assert cancel["refund"] == price * quantity
        if noticed is not None:
            assert noticed == ship and "delayNoticed" in kinds


def test_refunds_match_cancelled_backorders_with_a_price(demo: Service) -> None:
    expected = _rows(
        demo,
        "SELECT id, price * quantity FROM backorder WHERE status = 'cancelled' AND price > 0"
        " ORDER BY id",
    )
    assert _rows(demo, "SELECT backorder_id, amount FROM refund ORDER BY backorder_id") == expected


def test_event_ids_follow_time(demo: Service) -> None:
    times = [at for (at,) in _rows(demo, "SELECT at FROM event ORDER BY id")]
    assert times == sorted(times)
    assert max(times) <= NOW


def test_the_first_delay_detection_finds_nothing_new(demo: Service) -> None:
    noticed = _rows(demo, "SELECT count(*) FROM backorder WHERE noticed_ship_date IS NOT NULL")
    assert noticed[0][0] > 0
    late = _rows(
        demo,
        "SELECT count(*) FROM backorder WHERE is_open = 1 AND estimated_ship_date < ?"
        " AND actual_ship_date IS NULL AND noticed_ship_date IS NULL",
        NOW,
    )
    assert late == [(0,)]


def test_notifications_are_queued_and_sent_with_their_events(demo: Service) -> None:
    outbox = _rows(demo, "SELECT id, backorder_id, status FROM notification")
    assert {status for _, _, status in outbox} == {"queued", "sent"}
    notified = {
        json.loads(data)["notification"]: backorder
        for backorder, data in _rows(
            demo, "SELECT backorder_id, data FROM event WHERE type = 'customerNotified'"
        )
    }
    assert notified == {entry: backorder for entry, backorder, _ in outbox}


def test_the_outbox_ids_follow_the_times_the_entries_were_queued(demo: Service) -> None:
    """The outbox lists by id, "oldest first" (the order botui queues and sends them in); the
    demo's ids were in the order its notices were picked while their times were drawn at
    random, so the screen read 02:18, 02:17, 02:19 under "oldest first" (trial)."""
    created = [at for (at,) in _rows(demo, "SELECT created_at FROM notification ORDER BY id")]
    assert len(created) > 1 and created == sorted(created)
    for status in ("queued", "sent", None):
        page = demo.outbox_screen(status, limit=100)
        times = [line.entry.created_at for line in page.lines]
        assert times == sorted(times, reverse=status != "queued"), status


def test_the_search_index_holds_what_its_trigger_would_have_written(demo: Service) -> None:
    migration = importlib.import_module("botui.store.migrations.0005_folded_search")
    text = migration.SEARCH_TEXT.format(r="b")
    differing = _rows(
        demo,
        f"SELECT count(*) FROM backorder b JOIN backorder_search s ON s.rowid = b.seq"
        f" WHERE s.body IS NOT {text}",
    )
    assert differing == [(0,)]
    assert _rows(demo, "SELECT count(*) FROM backorder_search") == [(COUNT,)]
    demo.db.execute_sql(
        "INSERT INTO backorder_search (backorder_search, rank) VALUES ('integrity-check', 1)"
    )
    name = _rows(demo, "SELECT c.name FROM backorder b JOIN customer c ON c.id = b.customer_id")[0][
        0
    ]
    found = demo.list({"query": name.upper(), "limit": 1000}).data
    assert found and all(demo.get({"id": b.id}).customer for b in found)


def test_the_file_passes_integrity_and_foreign_key_checks(demo: Service) -> None:
    assert _rows(demo, "PRAGMA integrity_check") == [("ok",)]
    assert _rows(demo, "PRAGMA foreign_key_check") == []
    schema = _rows(demo, "SELECT name FROM sqlite_master WHERE type IN ('index', 'trigger')")
    assert ("backorder_search_insert",) in schema and ("event_backorder",) in schema


def test_the_service_continues_after_the_demo_without_colliding_ids(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = open_database(tmp_path / "d.db")
    fill_demo(db, count=300, seed=5)
    service = Service(db)
    business = service.create_business({"name": "After Demo Ltd"})
    customer = service.create_customer({"name": "New Customer", "email": "new@example.com"})
    product = service.create_product({"sku": "NEW-1", "name": "New thing"})
    order = service.create_order({"customer": customer.id, "business": business.id})
    created = service.create(
        {
            "product": product.id,
            "business": business.id,
            "customer": customer.id,
            "order": order.id,
            "quantity": 1,
            "price": 100,
        }
    )
    assert (business.id, customer.id, product.id, created.id) == (
        "BIZ-6",
        "CUS-76",
        "PRD-31",
        "BO-301",
    )
    assert service.detect_delays().delayed == []
    assert [b.id for b in service.list({"query": "new customer"}).data] == ["BO-301"]
    events = service.events({"since": 0, "limit": 1000}).data
    assert events[0].type == "created"


def test_a_filled_database_is_refused_and_left_unchanged(tmp_path: Path) -> None:
    db = open_database(tmp_path / "d.db")
    fill_demo(db, count=120, seed=1)
    before = _dump(Service(db))
    with pytest.raises(BotuiError) as refused:
        fill_demo(db, count=50, seed=2)
    assert refused.value.code == "validation_error"
    assert "already holds records" in refused.value.message
    assert _dump(Service(db)) == before


def test_the_helper_leaves_no_spool_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    db = open_database(tmp_path / "d.db")
    fill_demo(db, count=100, seed=1)
    with pytest.raises(BotuiError):
        fill_demo(db, count=100, seed=1)
    assert list(scratch.iterdir()) == []


def test_ensure_demo_fills_an_empty_database_once(tmp_path: Path) -> None:
    db = open_database(tmp_path / "d.db")
    ensure_demo(db)
    service = Service(db)
    filled = _dump(service)
    assert len(filled["backorder"]) == 2000
    ensure_demo(db)
    assert _dump(service) == filled


def test_ensure_demo_leaves_a_database_with_records_alone(service: Service) -> None:
    service.create_business({"name": "Real Shop"})
    ensure_demo(service.db)
    assert _rows(service, "SELECT count(*) FROM backorder") == [(0,)]
