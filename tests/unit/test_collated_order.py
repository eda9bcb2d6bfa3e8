"""Ids sort by code point on a PostgreSQL server whose own collation is not C.

The suite's server runs in C.UTF-8, where PostgreSQL's text order is SQLite's (code points).
A shop's server is more often en_US: there 'a' sorts before 'B', '-', '_' and '.' are all but
ignored, so 'BO_12' would fall between 'BO-11' and 'BO-13'. botui promises one order on both
engines (the contract's "More than one machine"): the same queue, keyset pages, event feed and
records in a database made from tests.postgres.collated_template (ICU's en-US) as on SQLite.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from botui.domain import queue
from botui.domain.queue import SORTS, QueueSpec
from botui.domain.service import Service, call
from botui.store.db import open_database
from tests import postgres
from tests.conftest import DAY, NOW

BACKORDERS = (
    "BO-9", "BO-10", "BO-100", "BO-0009", "bo-11", "BO_12", "BO.13", "Bo-14", "BO-a", "BO-B",
    "BO-Z", "BO-z", "BO-b", "BO-A",
)  # fmt: skip
CUSTOMERS = ("CUS-100035", "CUS-56", "cus-7", "CUS_8", "CUS.9", "Cus-10", "CUS-a", "CUS-B")
PRODUCTS = ("PRD-2", "PRD-10", "prd-3", "PRD_4", "PRD-b", "PRD-A")


def build(service: Service) -> None:
    """Backorders made at one instant, so ties on priority, age, ship date and status leave
    their order to the ids; a few confirmed, half with one ship date."""
    service.create_business({"id": "BIZ-1", "name": "Northwind"})
    for number, customer in enumerate(CUSTOMERS):
        service.create_customer({"id": customer, "name": f"Customer {number % 3}"})
    for number, product in enumerate(PRODUCTS):
        service.create_product({"id": product, "sku": f"SKU{number}", "name": "Lamp"})
    for number, backorder in enumerate(BACKORDERS):
        fields: dict[str, Any] = {
            "id": backorder,
            "product": PRODUCTS[number % len(PRODUCTS)],
            "customer": CUSTOMERS[number % len(CUSTOMERS)],
            "business": "BIZ-1",
            "quantity": 1,
            "price": 100,
        }
        if number % 2:
            fields["estimatedShipDate"] = NOW + 3 * DAY
        service.create(fields)
        if number % 3 == 0:
            service.confirm({"id": backorder})


def keyset(spec: QueueSpec) -> list[str]:
    """Every id of the spec's queue by keyset pages of three, forwards and backwards."""
    forwards: list[str] = []
    after = None
    while rows := queue.page(spec, NOW, 3, after=after):
        forwards += [row.id for row in rows]
        after = rows[-1].key(spec.sort)
    backwards: list[str] = []
    before, inclusive = after, True  # from the last row, itself included
    while before is not None and (
        rows := queue.page(spec, NOW, 3, before=before, inclusive=inclusive)
    ):
        backwards = [row.id for row in rows] + backwards
        before, inclusive = rows[0].key(spec.sort), False
    assert backwards == forwards
    return forwards


def pages(read: Any, first: dict[str, Any], follow: Any) -> list[Any]:
    """Every item of a paged API read: `follow(page)` is the next page's payload or None."""
    found: list[Any] = []
    payload: dict[str, Any] | None = first
    while payload is not None:
        page = read(payload)
        found += page["data"]
        payload = follow(page)
    return found


def seen(service: Service) -> dict[str, Any]:
    """What a user sees of the shop's order: the queue in every sort both ways (windows,
    keyset pages, each row's place), `list` and `events` page by page, the records screens'
    pages, the suggestions."""
    found: dict[str, Any] = {}
    for sort in SORTS:
        for descending in (False, True):
            spec = QueueSpec(view="all", sort=sort, descending=descending)
            window = service.queue_first_rows(spec, NOW, 50)
            shown = [row.id for row in window.rows]
            with service.session():
                assert keyset(spec) == shown, (sort, descending)
            places = [service.queue_offset(spec, NOW, backorder) for backorder in shown]
            assert places == list(range(len(shown))), (sort, descending)
            found[f"queue {sort} {'desc' if descending else 'asc'}"] = shown
    found["list"] = [
        b["id"]
        for b in pages(
            lambda p: call(service, "list", p),
            {"limit": 4},
            lambda page: {"limit": 4, "after": page["next"]} if page["hasMore"] else None,
        )
    ]
    found["events"] = [
        (e["id"], e["backorder"], e["type"])
        for e in pages(
            lambda p: call(service, "events", p),
            {"since": 0, "limit": 5},
            lambda page: {"since": page["data"][-1]["id"], "limit": 5} if page["data"] else None,
        )
    ]
    for kind in ("customer", "product"):
        rows, after = [], None
        while True:
            page = service.record_page(kind, after=after, limit=3)
            rows += [record.id for record in page.rows]
            if not page.has_more:
                break
            after = rows[-1]
        back, before = rows[-1:], rows[-1]  # backwards from the last one
        while True:
            page = service.record_page(kind, before=before, limit=3)
            back = [record.id for record in page.rows] + back
            if not page.has_more:
                break
            before = back[0]
        assert back == rows, kind
        found[f"records {kind}"] = rows
        found[f"suggest {kind}"] = [s.id for s in service.suggest(kind, "")]
    return found


@pytest.fixture(scope="module")
def collated_url() -> Iterator[str]:
    if "postgres" not in postgres.ENGINES:
        pytest.skip("PostgreSQL is not among BOTUI_TEST_ENGINES")
    template = postgres.collated_template()
    if template is None:
        pytest.skip("the PostgreSQL server has neither ICU nor the en_US.UTF-8 locale")
    with postgres.fresh_database(template) as url:
        yield url


def test_ids_sort_as_on_sqlite_on_a_server_whose_collation_is_not_c(
    tmp_path: Path, collated_url: str
) -> None:
    with postgres.connect(collated_url) as conn:
        # The database's own order is not code points: the test would prove nothing if it were.
        assert postgres.query(conn, "SELECT 'a' < 'B', 'BO_12' < 'BO-13'") == [(True, True)]
    answers = []
    for target in (tmp_path / "botui.db", collated_url):
        db = open_database(target)
        try:
            service = Service(db)
            build(service)
            answers.append(seen(service))
        finally:
            db.close()
    on_sqlite, on_postgres = answers
    for read, ids in on_sqlite.items():
        assert on_postgres[read] == ids, read
    # The shop does leave the order to the ids: code points, 'BO-10' before 'BO-9', 'BO-Z'
    # before 'BO-a', 'BO_12' after every 'BO-'.
    assert on_sqlite["list"] == sorted(BACKORDERS)
    assert on_sqlite["records customer"] == sorted(CUSTOMERS)
    assert on_sqlite["records product"] == sorted(PRODUCTS)
