"""The export of a queue's whole spec: exactly the rows the queue shows, in the queue's order.

The queue's export key hands the Service the queue's spec (view, sort and direction, text,
every narrowing, an aging bucket); the file must hold the rows the screen holds, no more, in
the screen's order. Read here against the queue's own keyset pages, on both engines.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from queue_shop import NOW, TRIAGE, build_queue_shop
from queue_shop import shown_ids as shown

from botui.domain.errors import BotuiError
from botui.domain.queue import SORTS, VIEWS, QueueSpec
from botui.domain.service import Service
from botui.store.db import open_database
from tests import postgres


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory, engine: str) -> Iterator[Path | str]:
    with postgres.database(engine, tmp_path_factory.mktemp("export-shop"), "shop.db") as path:
        build_queue_shop(path)
        yield path


@pytest.fixture
def service(shop: Path | str) -> Iterator[Service]:
    database = open_database(shop)
    with database.connection_context():
        yield Service(database, clock=lambda: NOW)
    database.close()


def exported(service: Service, payload: dict[str, Any], page_size: int = 3) -> list[str]:
    return [row.id for page in service.export_pages(payload, page_size=page_size) for row in page]


NARROWINGS: list[dict[str, str]] = [
    {},
    {"customer": "CUS-1"},
    {"product": "PRD-2"},
    {"business": "BIZ-2", "priority": "standard"},
    {"status": "pending"},
    {"status": "cancelled"},  # closed: nothing in the open views
    {"text": "tent"},
    {"customer": "CUS-2", "text": "lantern"},
    {"age": "4-7"},
    {"age": "8-14", "product": "PRD-1"},
]


@pytest.mark.parametrize("narrowing", NARROWINGS, ids=lambda n: ",".join(n) or "none")
def test_the_export_of_a_spec_holds_the_queues_rows_in_its_order(
    service: Service, narrowing: dict[str, str]
) -> None:
    for view in VIEWS:
        for sort in SORTS:
            for descending in (False, True):
                spec = QueueSpec(view, sort, descending, **narrowing)
                assert exported(service, spec.export_input()) == shown(spec), spec


def test_the_shop_is_not_trivial_for_these_specs(service: Service) -> None:
    """The comparisons above see narrowed, reordered rows, not the whole table each time."""
    assert shown(QueueSpec("all")) == TRIAGE
    assert shown(QueueSpec("all", customer="CUS-1")) == ["A1", "A3", "A2", "A4"]
    assert shown(QueueSpec("all", "ship", True)) == ["A2", "G2", "A1", "M1", "G3", "G1", "A4", "A3"]
    assert shown(QueueSpec("all", age="4-7")) == ["A1", "A2", "A4", "G1"]


def test_the_export_input_carries_every_field_of_the_spec() -> None:
    """A field added to QueueSpec later must reach the export too, or the file would hold
    rows the screen leaves out."""
    spec = QueueSpec(
        view="late",
        sort="ship",
        descending=True,
        text="tent",
        product="PRD-1",
        age="4-7",
        customer="CUS-1",
        business="BIZ-1",
        status="pending",
        priority="rush",
    )
    assert all(getattr(spec, f.name) != f.default for f in dataclasses.fields(QueueSpec))
    assert spec.export_input() == {
        "view": "late",
        "sort": "ship",
        "descending": True,
        "query": "tent",
        "product": "PRD-1",
        "age": "4-7",
        "customer": "CUS-1",
        "business": "BIZ-1",
        "status": "pending",
        "priority": "rush",
    }
    # The open queue unnarrowed is what `botui export --view open` asks for, and no more.
    assert QueueSpec().export_input() == {"view": "open"}


def test_the_commands_export_is_unchanged_in_triage_order(service: Service) -> None:
    """`botui export`'s view, status and query read as before: every row of the view, in
    triage order, pages of any size."""
    assert exported(service, {}) == TRIAGE
    assert exported(service, {"view": "open"}, page_size=1000) == shown(QueueSpec("open"))
    assert exported(service, {"view": "all", "status": "pending"}) == ["A1", "M1", "G1"]
    assert exported(service, {"query": "lantern"}) == ["M1", "G3", "A2", "A4"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"age": "5-9"}, "age"),
        ({"sort": "price"}, "sort"),
        ({"descending": "yes"}, "descending"),
        ({"priority": "urgent"}, "priority"),
        ({"customer": ""}, "customer"),
    ],
)
def test_a_bad_spec_is_refused_before_any_row(
    service: Service, payload: dict[str, Any], field: str
) -> None:
    with pytest.raises(BotuiError) as raised:
        service.export_pages(payload)
    assert raised.value.code == "validation_error"
    assert raised.value.field == field
    with pytest.raises(BotuiError):
        service.export_metadata_keys(payload)


def test_the_export_knows_every_sort_of_the_queue() -> None:
    from typing import get_args

    from botui.domain import schemas

    assert get_args(schemas.QueueSort) == SORTS
