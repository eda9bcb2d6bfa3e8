"""An import's bulk write is the same as creating its rows one by one through the service.

Two databases start alike. Into one a mixed file is imported in small batches (records by id
and by what a person knows, new and existing, orders planned in one batch and used in the next,
stock to allocate by priority, a bad row left out, a repeated row skipped); into the other a
person makes the same records and backorders with `business.create`, `customer.create`,
`product.create`, `order.create` and `create`, in file order. Every table then holds the same
rows, except that the import's `created` events name the file and it remembers the source keys.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from unit.helpers import snapshot_db

from botui.domain.service import Service, call
from botui.io import importing
from botui.io.importing import import_file
from botui.store.db import open_database
from tests import postgres

HEADER = (
    "id,product,business,customer,order,productSku,productName,customerEmail,customerName,"
    "customerPhone,businessName,orderNumber,quantity,price,priorityLevel,estimatedShipDate,"
    "supplierOrder,metadata.gift\n"
)
ROWS = [
    # existing records by id; takes 3 of the 5 units in stock
    ",PRD-1,BIZ-1,CUS-1,ORD-1,,,,,,,,3,100,standard,,,\n",
    # existing records by what a person knows (another case); rush: the 2 units left
    ",,,,,TENT-2P,,ADA@example.com,,,northwind outfitters,,4,2500,rush,,,yes\n",
    # new product, customer and order, planned here...
    ',,,,,STOVE-1,Camp stove,zoe@example.com,"Ångström, Zoë",+46 8 555 010 01,'
    "Northwind Outfitters,SO-NEW-1,1,4550,standard,2027-01-15,,\n",
    # ...and used again in the next batch
    ",,,,,STOVE-1,,zoe@example.com,,,Northwind Outfitters,SO-NEW-1,2,4550,expedited,"
    "2027-01-20T08:00:00Z,PO-7,wrapped\n",
    # an id given; nothing left to allocate
    "BO-X1,PRD-1,BIZ-1,CUS-1,,,,,,,,,2,100,rush,,PO-8,\n",
    # a bad row, left out with --skip-invalid
    ",,,,,TENT-2P,,ada@example.com,,,Northwind Outfitters,,0,100,standard,,,\n",
    # the third row again: skipped
    ',,,,,STOVE-1,Camp stove,zoe@example.com,"Ångström, Zoë",+46 8 555 010 01,'
    "Northwind Outfitters,SO-NEW-1,1,4550,standard,2027-01-15,,\n",
    # a new business, product and customer
    ",,,,,LAMP-1,,new@example.com,,,Southwind,,1,999,standard,,,\n",
]
END_OF_2027_01_15 = 1_800_057_599
AT_2027_01_20_08 = 1_800_432_000


def one_by_one(service: Service) -> None:
    """What a person would do for the same rows, in file order, through the service."""
    call(service, "create", {**_existing(), "order": "ORD-1", "quantity": 3, "price": 100})
    call(
        service,
        "create",
        {
            **_existing(),
            "quantity": 4,
            "price": 2500,
            "priorityLevel": "rush",
            "metadata": {"gift": "yes"},
        },
    )
    stove = call(service, "product.create", {"sku": "STOVE-1", "name": "Camp stove"})["id"]
    zoe = call(
        service,
        "customer.create",
        {"name": "Ångström, Zoë", "email": "zoe@example.com", "phone": "+46 8 555 010 01"},
    )["id"]
    order = call(
        service,
        "order.create",
        {"number": "SO-NEW-1", "customer": zoe, "business": "BIZ-1"},
    )["id"]
    mine = {"product": stove, "business": "BIZ-1", "customer": zoe, "order": order}
    call(
        service,
        "create",
        {**mine, "quantity": 1, "price": 4550, "estimatedShipDate": END_OF_2027_01_15},
    )
    call(
        service,
        "create",
        {
            **mine,
            "quantity": 2,
            "price": 4550,
            "priorityLevel": "expedited",
            "estimatedShipDate": AT_2027_01_20_08,
            "supplierOrder": "PO-7",
            "metadata": {"gift": "wrapped"},
        },
    )
    call(
        service,
        "create",
        {
            **_existing(),
            "id": "BO-X1",
            "quantity": 2,
            "price": 100,
            "priorityLevel": "rush",
            "supplierOrder": "PO-8",
        },
    )
    south = call(service, "business.create", {"name": "Southwind"})["id"]
    lamp = call(service, "product.create", {"sku": "LAMP-1", "name": "LAMP-1"})["id"]
    new = call(service, "customer.create", {"name": "new@example.com", "email": "new@example.com"})
    call(
        service,
        "create",
        {"product": lamp, "business": south, "customer": new["id"], "quantity": 1, "price": 999},
    )


def _existing() -> dict[str, Any]:
    return {"product": "PRD-1", "business": "BIZ-1", "customer": "CUS-1"}


def comparable(service: Service) -> dict[str, list[tuple[Any, ...]]]:
    """Every table but the import's own, with `data.import` taken out of `created` events;
    the search index by what it holds (how the full-text index lays out its segments
    depends on how many rows each insert brought)."""
    dump = snapshot_db(service.db)
    dump.pop("import_source", None)
    dump.pop("meta", None)  # each database's own random id
    dump.pop("schema_migration", None)  # when each migration ran
    for table in [name for name in dump if name.startswith("backorder_search_")]:
        del dump[table]
    assert dump["backorder_search"], "the search index is compared by its rows"
    events = []
    for row in dump["event"]:
        data = json.loads(row[-1])
        data.pop("import", None)
        events.append((*row[:-1], data))
    dump["event"] = sorted(events, key=repr)
    return dump


def start(service: Service) -> None:
    """The records of the `refs` fixture, and 5 units of the tent in stock."""
    for action, payload in (
        ("business.create", {"id": "BIZ-1", "name": "Northwind Outfitters"}),
        (
            "customer.create",
            {
                "id": "CUS-1",
                "name": "Ada Lovelace",
                "email": "ada@example.com",
                "phone": "+44 20 7946 0000",
            },
        ),
        ("product.create", {"id": "PRD-1", "sku": "TENT-2P", "name": "Two-person tent"}),
        (
            "order.create",
            {"id": "ORD-1", "number": "SO-1001", "customer": "CUS-1", "business": "BIZ-1"},
        ),
        ("receiveInventory", {"product": "PRD-1", "quantity": 5}),
    ):
        call(service, action, payload)


def test_an_import_writes_what_creating_its_rows_one_by_one_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, db_path: Path | str, engine: str
) -> None:
    # One database at a time: the models are bound to the database opened last.
    db = open_database(db_path)
    try:
        service = Service(db)
        start(service)
        monkeypatch.setattr(importing, "BATCH", 3)
        path = tmp_path / "mixed.csv"
        path.write_text(HEADER + "".join(ROWS), encoding="utf-8")
        answer = import_file(service, path, skip_invalid=True)
        assert (answer["created"], answer["skipped"], answer["invalid"]) == (6, 1, 1)
        assert [row["line"] for row in answer["rows"]] == [7]
        allocated = db.execute_sql("SELECT allocated_quantity FROM backorder ORDER BY seq")
        assert [a for (a,) in allocated.fetchall()] == [3, 2, 0, 0, 0, 0]
        assert db.execute_sql("SELECT count(*) FROM import_source").fetchone()[0] == 6
        imported = comparable(service)
    finally:
        db.close()
    with postgres.database(engine, tmp_path, "one-by-one.db") as other:
        db = open_database(other)
        try:
            service = Service(db)
            start(service)
            one_by_one(service)
            created = comparable(service)
        finally:
            db.close()
    assert imported.keys() == created.keys()
    for table in created:
        assert imported[table] == created[table], table
