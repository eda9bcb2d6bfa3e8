"""An export of the botui format imports again unchanged: into the same database (nothing
new) and into another one (the same backorders, found or created by SKU, e-mail, number)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from botui.domain.service import Service, call
from botui.io.export import write_export
from botui.io.importing import import_file
from botui.store.db import open_database
from tests import postgres

KEPT = (
    "quantity",
    "price",
    "priorityLevel",
    "estimatedShipDate",
    "estimatedDeliveryDate",
    "supplierOrder",
    "metadata",
    "status",
)


def fill(service: Service, refs: dict[str, str]) -> None:
    base = {k: refs[k] for k in ("product", "business", "customer")}
    call(
        service,
        "create",
        {
            **base,
            "order": refs["order"],
            "quantity": 3,
            "price": 2500,
            "priorityLevel": "rush",
            "estimatedShipDate": 1_800_000_000,
            "estimatedDeliveryDate": 1_800_086_400,
            "supplierOrder": "=PO-7",
            "metadata": {
                "gift": True,
                "lines": 2,
                "ratio": 0.5,
                "note": "-5 °C, ok",
                "zip": "0042",
            },
        },
    )
    call(service, "create", {**base, "quantity": 1, "price": 0})


def export(service: Service, fmt: str, path: Path) -> Path:
    out = io.BytesIO()
    write_export(service, {"view": "all"}, fmt, out)
    path.write_bytes(out.getvalue())
    return path


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_an_export_imports_again_unchanged(
    service: Service, refs: dict[str, str], tmp_path: Path, fmt: str, engine: str
) -> None:
    fill(service, refs)
    path = export(service, fmt, tmp_path / f"backorders.{fmt}")
    assert import_file(service, path) == {"created": 0, "skipped": 2, "invalid": 0, "rows": []}
    mine = call(service, "list", {})["data"]
    assert len(mine) == 2 and mine[0]["metadata"]["zip"] == "0042"
    # Opening a database binds the models to it (one database a process): the other one now.
    with postgres.database(engine, tmp_path, "other.db") as where:
        other = Service(open_database(where))
        other.create_business({"id": refs["business"], "name": "Northwind Outfitters"})
        assert import_file(other, path)["created"] == 2
        theirs = call(other, "list", {})["data"]
        assert [{k: b[k] for k in KEPT} for b in theirs] == [{k: b[k] for k in KEPT} for b in mine]
        assert theirs[0]["id"] == mine[0]["id"]
        names = other.db.execute_sql(
            "SELECT c.name, c.email, p.sku, p.name, o.number FROM backorder b"
            " JOIN customer c ON c.id = b.customer_id JOIN product p ON p.id = b.product_id"
            " JOIN orders o ON o.id = b.order_id"
        ).fetchall()
        row = ("Ada Lovelace", "ada@example.com", "TENT-2P", "Two-person tent", "SO-1001")
        assert names == [row]
        other.db.close()
