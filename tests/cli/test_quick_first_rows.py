"""`botui` reads the queue's first screen without the Service only when it is the Service's.

domain.quick.first_rows reads the open view in triage order straight from SQLite, so the first
frame needs neither peewee nor the Service (issue 12: start-up). These tests hold it to
`Service.queue_first_rows(QueueSpec(), now, height, margin=0)` on several databases (empty, the
demo shop, ties in priority and age, closed rows, unicode, orders without a number) and to no
answer at all (the Service then reads, as ever) for what it is not sure of.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from botui import config
from botui.demo import fill_demo
from botui.domain import quick
from botui.domain.queue import QueueSpec
from botui.domain.service import Service
from botui.domain.statuses import OPEN_STATUSES
from botui.store.db import open_database

pytestmark = pytest.mark.sqlite_only  # the quick read is SQLite's own

HEIGHTS = (1, 4, 23, 39, 200)


def _services(service: Service, path: Path, heights: tuple[int, ...] = HEIGHTS) -> None:
    """The quick read equals the Service's for each height (rows, order, names, counts)."""
    for height in heights:
        with service.session():
            expected = service.queue_first_rows(QueueSpec(), config.now(), height, margin=0)
        assert quick.first_rows(path, height) == expected, height


@pytest.fixture
def demo(tmp_path: Path) -> tuple[Service, Path]:
    path = tmp_path / "shop.db"
    db = open_database(path)
    fill_demo(db, count=400, seed=5)
    yield Service(db), path
    db.close()


def test_the_demo_shop_reads_as_the_service_reads_it(demo: tuple[Service, Path]) -> None:
    service, path = demo
    _services(service, path)
    window = quick.first_rows(path, 23)
    assert window is not None and len(window.rows) == 23 and not window.counted
    assert {row.status for row in window.rows} <= set(OPEN_STATUSES)


def test_an_empty_database_reads_as_the_service_reads_it(service: Service, db_path: Path) -> None:
    _services(service, db_path)
    window = quick.first_rows(db_path, 23)
    assert window is not None and window.rows == () and window.counted and window.total == 0


def test_ties_closed_rows_unicode_and_orders_without_number(
    service: Service, refs: dict[str, str], db_path: Path
) -> None:
    """Rush rows created in the same second (the id decides), closed rows left out, names in
    any script, an order whose number is not set (its id shows) and one with none at all."""
    service.create_customer({"id": "CUS-Z", "name": "Zoë Ångström 山田"})
    service.create_product({"id": "PRD-E", "sku": "ÉTÉ-1", "name": "Tente « été » ⛺"})
    service.create_order({"id": "ORD-2", "customer": "CUS-Z", "business": refs["business"]})
    at = Service(service.db, clock=lambda: 1_790_000_000)
    base = {"business": refs["business"], "price": 999, "quantity": 2}
    made = []
    for n in range(12):
        payload = {
            **base,
            "customer": "CUS-Z" if n % 2 else refs["customer"],
            "product": "PRD-E" if n % 3 else refs["product"],
            "priorityLevel": ("rush", "standard", "expedited")[n % 3],
        }
        if n % 4 == 1:
            payload["order"] = "ORD-2"
        elif n % 4 == 2:
            payload["order"] = refs["order"]
        made.append(at.create(payload).id)
    at.cancel({"id": made[0], "reason": "no longer wanted"})
    at.cancel({"id": made[3], "reason": "duplicate"})
    _services(service, db_path)
    shown = [row.id for row in quick.first_rows(db_path, 50).rows]
    assert made[0] not in shown and made[3] not in shown
    assert len(shown) == 10
    rows = {row.id: row for row in quick.first_rows(db_path, 50).rows}
    assert rows[made[1]].customer == "Zoë Ångström 山田"
    assert rows[made[1]].order_number == "ORD-2"  # no number: its id, as the Service shows
    assert rows[made[2]].order_number == "SO-1001"


def test_a_missing_name_shows_the_id_as_the_service_does(
    demo: tuple[Service, Path],
) -> None:
    service, path = demo
    first = quick.first_rows(path, 1).rows[0]
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("DELETE FROM product WHERE id = ?", (first.product_id,))
    _services(service, path, (1, 23))
    assert quick.first_rows(path, 1).rows[0].product == first.product_id


def test_what_it_is_not_sure_of_is_left_to_the_service(
    demo: tuple[Service, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, path = demo
    assert quick.first_rows(tmp_path / "missing.db", 23) is None
    assert quick.first_rows(tmp_path, 23) is None
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    assert quick.first_rows(junk, 23) is None
    assert quick.first_rows("postgresql://botui@localhost/shop", 23) is None
    mode = path.stat().st_mode
    try:
        path.chmod(0o444)  # read-only: the Service opens it so, with a banner
        assert quick.first_rows(path, 23) is None
        path.chmod(0o666)  # the Service drops o+w from its own file first
        assert quick.first_rows(path, 23) is None
    finally:
        path.chmod(mode & 0o777)
    monkeypatch.setenv("BOTUI_MAX_PAGES", "nonsense")  # the Service refuses it in words
    assert quick.first_rows(path, 23) is None
    monkeypatch.delenv("BOTUI_MAX_PAGES")
    assert quick.first_rows(path, 23) is not None


def test_an_old_schema_is_left_to_the_service(demo: tuple[Service, Path]) -> None:
    """The Service migrates it first (or refuses a read-only one)."""
    _, path = demo
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("DELETE FROM schema_migration WHERE name = '0008_report_indexes'")
    assert quick.first_rows(path, 23) is None


def test_a_value_peewee_would_convert_is_left_to_the_service(
    demo: tuple[Service, Path],
) -> None:
    """SQLite keeps what it is given: text in a number column, bytes as a name."""
    _, path = demo
    first = quick.first_rows(path, 1).rows[0]
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("UPDATE backorder SET price = 'twelve' WHERE id = ?", (first.id,))
    assert quick.first_rows(path, 23) is None
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("UPDATE backorder SET price = 12 WHERE id = ?", (first.id,))
        conn.execute("UPDATE customer SET name = X'416461' WHERE id = ?", (first.customer_id,))
    assert quick.first_rows(path, 23) is None
