"""The domain's Importer: rows checked first, then written as ordinary creates would be."""

from __future__ import annotations

from typing import Any

import pytest

from botui.domain import convert
from botui.domain.errors import BotuiError
from botui.domain.imports import (
    DUPLICATE,
    SKIPPED,
    Importer,
    ImportRow,
    RowProblem,
    _metadata_json,
)
from botui.domain.service import Service, call
from botui.store.engine import sql

from .helpers import events_of, snapshot_db


def row(line: int, key: str, **fields: Any) -> ImportRow:
    return ImportRow(line, key, {"quantity": 2, "price": 700, **fields})


def staged(importer: Importer) -> list:
    """The rows `check` kept, all in one batch."""
    return importer.staged(1000)


def stored(service: Service, backorder_id: str) -> tuple:
    return service.db.execute_sql(
        sql(
            service.db,
            "SELECT product_id, business_id, customer_id, order_id, quantity, status, is_open,"
            " price, priority_level, priority_rank, created_at, updated_at, updated_by, metadata,"
            " allocated_quantity, version FROM backorder WHERE id = ?",
        ),
        (backorder_id,),
    ).fetchone()


def test_an_imported_backorder_is_stored_as_create_stores_it(
    service: Service, refs: dict[str, str]
) -> None:
    service.receive_inventory({"product": refs["product"], "quantity": 1})
    ids = {k: refs[k] for k in ("product", "business", "customer", "order")}
    made = call(service, "create", {**ids, "id": "BO-A", "quantity": 2, "price": 700})
    importer = Importer(service, "file.csv")
    rows = [row(2, "id:BO-B", id="BO-B", metadata={"k": "v"}, **ids)]
    assert importer.check(rows) == [None]
    counts = importer.write(staged(importer))
    assert (counts.created, counts.skipped) == (1, 0)
    a, b = stored(service, "BO-A"), stored(service, "BO-B")
    assert a[:13] == b[:13] and b[13] == '{"k":"v"}' and a[15] == b[15] == 1
    # The one free unit went to the first, as two creates in a row would have it.
    assert made["allocatedQuantity"] == a[14] == 1 and b[14] == 0
    created_a = events_of(service, "BO-A", "created")[0]["data"]
    created_b = events_of(service, "BO-B", "created")[0]["data"]
    assert created_b == {**created_a, "allocated": 0, "import": "file.csv"}


def test_check_tells_new_rows_from_taken_keys_duplicates_and_problems(
    service: Service, refs: dict[str, str]
) -> None:
    ids = {k: refs[k] for k in ("product", "business", "customer")}
    call(service, "create", {**ids, "id": "BO-OLD", "quantity": 1, "price": 1})
    importer = Importer(service, "f.csv")
    outcomes = importer.check(
        [
            row(2, "row:a", **ids),
            row(3, "row:a", **ids),
            row(4, "id:BO-OLD", id="BO-OLD", **ids),
            row(5, "row:b", **{**ids, "product": "PRD-404"}),
        ]
    )
    assert outcomes[:3] == [None, DUPLICATE, SKIPPED]
    assert outcomes[3] == RowProblem(
        5, "product", "there is no product PRD-404; check product, or give productSku instead"
    )


def test_a_record_created_by_someone_else_meanwhile_refuses_the_batch(
    service: Service, refs: dict[str, str]
) -> None:
    importer = Importer(service, "f.csv")
    rows = [row(2, "row:a", productSku="NEW-SKU", customer=refs["customer"])]
    assert importer.check(rows) == [None]
    service.create_product({"sku": "NEW-SKU", "name": "Made meanwhile"})
    before = snapshot_db(service.db)
    with pytest.raises(BotuiError) as caught:
        importer.write(staged(importer))
    assert caught.value.code == "conflict"
    assert snapshot_db(service.db) == before


@pytest.mark.parametrize(
    "metadata",
    [
        {},
        {"channel": "web"},
        {"b": True, "a": False, "n": -7, "big": 2**62, "é": 'ü\n"\\\t\u2028 ✓ \x01'},
        {"ratio": 1.5, "none": None},
    ],
)
def test_metadata_is_stored_as_create_stores_it(metadata: dict[str, Any]) -> None:
    assert _metadata_json(metadata) == convert.dumps(metadata)
