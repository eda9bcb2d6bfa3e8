"""`botui export`: CSV and JSON Lines of a view, status or query, as the installed command runs."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
from pathlib import Path

import pytest

from botui.domain import queue
from botui.store.db import open_database
from tests import postgres
from tests.conftest import DAY

from .runner import NOW, Target, api, botui, dump, shop_fixtures

EVIL_NAME = '=HYPERLINK("http://evil.example","click")'
METADATA = {"channel": "web", "note": "line one\nline two", "score": -3, "gift": True, "n": 1.5}


def _create(ref: str, **fields: object) -> dict:
    return {"action": "create", "input": {"business": "BIZ-1", "price": 4999} | fields, "ref": ref}


SHOP = [
    {"action": "business.create", "input": {"id": "BIZ-1", "name": "Northwind"}},
    {"action": "customer.create",
     "input": {"id": "CUS-1", "name": EVIL_NAME, "email": "ada@example.com"}},
    {"action": "customer.create", "input": {"id": "CUS-2", "name": "Zoë Ünal"}},
    {"action": "product.create", "input": {"id": "PRD-1", "sku": "-TENT", "name": "Tent, 2 p"}},
    {"action": "product.create",
     "input": {"id": "PRD-2", "sku": "LAMP", "name": "Lamp", "stockOnHand": 2}},
    {"action": "order.create",
     "input": {"id": "ORD-1", "number": "SO-1", "customer": "CUS-1", "business": "BIZ-1"}},
    _create("1", id="BO-1", product="PRD-1", customer="CUS-1", order="ORD-1", quantity=2,
            estimatedShipDate=NOW - DAY, estimatedDeliveryDate=NOW + DAY, metadata=METADATA),
    _create("2", id="BO-2", product="PRD-2", customer="CUS-2", quantity=1, priorityLevel="rush",
            supplierOrder="@PO-9", metadata={"channel": "\tphone"}),
    _create("3", id="BO-3", product="PRD-2", customer="CUS-2", quantity=1,
            priorityLevel="expedited"),
    _create("4", id="BO-4", product="PRD-1", customer="CUS-1", quantity=1),
    _create("5", id="BO-5", product="PRD-1", customer="CUS-2", quantity=3),
    {"action": "confirm", "input": {"id": "BO-3"}},
    {"action": "fulfill", "input": {"id": "BO-3"}},
    {"action": "cancel", "input": {"id": "BO-4", "reason": "changed mind"}},
    {"action": "confirm", "input": {"id": "BO-5"}},
]  # fmt: skip
VIEWS = {
    "all": ["BO-2", "BO-3", "BO-1", "BO-4", "BO-5"],
    "open": ["BO-2", "BO-1", "BO-5"],
    "pending": ["BO-2", "BO-1"],
    "late": ["BO-1"],
    "ready": ["BO-2"],
    "closed": ["BO-3", "BO-4"],
}


def build(path: Target) -> None:
    stdin = "".join(json.dumps(line) + "\n" for line in SHOP)
    done = botui("api", "--batch", "--db", str(path), stdin=stdin)
    assert done.status == 0, done.stdout


template, db = shop_fixtures(build)


def export(db: Target, *args: str) -> str:
    done = botui("export", "--db", str(db), *args)
    assert done.status == 0, done.stderr
    assert done.stderr == ""
    return done.stdout


def read_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_csv_has_every_field_and_metadata_columns(template: Target) -> None:
    text = export(template)
    header = next(csv.reader(io.StringIO(text)))
    assert header == [
        "id", "product", "business", "customer", "order", "quantity", "status", "price",
        "estimatedShipDate", "estimatedDeliveryDate", "actualShipDate", "actualDeliveryDate",
        "priorityLevel", "supplierOrder", "createdAt", "cancelledAt", "allocatedQuantity",
        "version", "updatedAt", "customerName", "customerEmail", "productSku", "productName",
        "orderNumber", "metadata.channel", "metadata.gift", "metadata.n", "metadata.note",
        "metadata.score",
    ]  # fmt: skip
    rows = read_csv(text)
    assert [r["id"] for r in rows] == VIEWS["all"]  # triage order
    first = rows[2]
    assert first["customerEmail"] == "ada@example.com"
    assert (first["productName"], first["orderNumber"]) == ("Tent, 2 p", "SO-1")
    assert (first["quantity"], first["price"], first["allocatedQuantity"]) == ("2", "4999", "0")
    assert first["estimatedShipDate"] == "2026-09-20T14:13:20Z"  # NOW - 1 day, UTC
    assert first["createdAt"] == "2026-09-21T14:13:20Z"
    assert first["actualShipDate"] == first["order"][:0] == ""  # unset: an empty cell
    assert first["metadata.note"] == "line one\nline two"
    assert (first["metadata.gift"], first["metadata.n"]) == ("true", "1.5")
    assert rows[0]["metadata.note"] == ""  # a key this row lacks
    assert text.encode("utf-8").decode("utf-8") == text and "Zoë Ünal" in text


def test_cells_a_spreadsheet_would_run_get_a_quote(template: Target) -> None:
    rows = {r["id"]: r for r in read_csv(export(template))}
    assert rows["BO-1"]["customerName"] == "'" + EVIL_NAME
    assert rows["BO-1"]["productSku"] == "'-TENT"
    assert rows["BO-1"]["metadata.score"] == "'-3"
    assert rows["BO-2"]["supplierOrder"] == "'@PO-9"
    assert rows["BO-2"]["metadata.channel"] == "'\tphone"
    assert rows["BO-2"]["customerName"] == "Zoë Ünal"
    for row in rows.values():
        for cell in row.values():
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_jsonl_is_the_api_backorder_with_names(template: Target) -> None:
    records = [json.loads(line) for line in export(template, "--format", "jsonl").splitlines()]
    assert [r["id"] for r in records] == VIEWS["all"]
    first = records[2]
    backorder = api(template, "get", {"id": "BO-1"}).json
    assert {k: first[k] for k in backorder} == backorder
    assert first["metadata"] == METADATA
    extra = {k: first[k] for k in set(first) - set(backorder)}
    assert extra == {
        "customerName": EVIL_NAME,  # JSON is no spreadsheet: text as it is
        "customerEmail": "ada@example.com",
        "productSku": "-TENT",
        "productName": "Tent, 2 p",
        "orderNumber": "SO-1",
    }


@pytest.mark.parametrize("view", list(VIEWS))
def test_views_are_the_queues(template: Target, view: str) -> None:
    ids = [r["id"] for r in read_csv(export(template, "--view", view))]
    assert ids == VIEWS[view]
    db = open_database(template, readonly=True)
    try:
        with db.connection_context():
            shown = queue.page(queue.QueueSpec(view=view), NOW, 100)
    finally:
        db.close()
    assert ids == [r.id for r in shown]  # the UI's own rule, in the same order


def test_query_and_status_narrow_it(template: Target) -> None:
    by_query = read_csv(export(template, "--query", "zoË ünal"))
    assert [r["id"] for r in by_query] == ["BO-2", "BO-3", "BO-5"]
    assert list(by_query[0]) == list(read_csv(export(template))[0])[:24] + ["metadata.channel"]
    listed = api(template, "list", {"query": "zoË ünal"}).json["data"]
    assert [r["id"] for r in by_query] == [b["id"] for b in listed]
    both = read_csv(export(template, "--view", "open", "--status", "confirmed", "--query", "ünal"))
    assert [r["id"] for r in both] == ["BO-5"]
    assert export(template, "--query", "nothing like it").count("\r\n") == 1  # the header alone
    assert export(template, "--format", "jsonl", "--status", "cancelled").count("\n") == 1


def test_output_file_and_summary(db: Target, tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    before = dump(db)
    done = botui("export", "--db", str(db), "--view", "closed", "-o", str(target))
    assert done.status == 0, done.stderr
    assert done.json == {"exported": 2, "format": "csv", "file": str(target.resolve())}
    assert [r["id"] for r in read_csv(target.read_text("utf-8"))] == VIEWS["closed"]
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    assert dump(db) == before  # an export writes nothing to the database
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out")] == []


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--view", "late-ish"], "view"),
        (["--status", "lost"], "status"),
        (["--format", "xlsx"], "format"),
        (["--query", "x" * 201], "query"),
    ],
)
def test_bad_options_are_refused_and_write_nothing(
    db: Target, tmp_path: Path, args: list[str], field: str
) -> None:
    target = tmp_path / "never.csv"
    done = botui("export", "--db", str(db), *args, "-o", str(target))
    assert done.status == 2
    assert done.error["code"] == "validation_error" and done.error["field"] == field
    assert not target.exists()


def _import_exists() -> bool:
    return botui("import", "--help").status == 0


def test_an_export_imports_again_unchanged(db: Target, engine: str, tmp_path: Path) -> None:
    if not _import_exists():
        pytest.skip("`botui import` is not built yet: the round trip runs once it is")
    exported = tmp_path / "export.csv"
    assert botui("export", "--db", str(db), "-o", str(exported)).status == 0
    # Into the same database: every row is already there, so nothing changes.
    before = export(db)
    again = botui("import", str(exported), "--db", str(db))
    assert again.status == 0, again.stderr
    assert again.json["created"] == 0 and again.json["invalid"] == 0
    assert export(db) == before
    # Into another database of the same business that knows none of this customer's records:
    # they are made from the names (a customer is found or made by e-mail, so this one has one),
    # and the same backorders come out.
    mine = tmp_path / "mine.csv"
    assert botui("export", "--db", str(db), "--query", "hyperlink", "-o", str(mine)).status == 0
    with postgres.database(engine, tmp_path, "other.db") as other:
        assert api(other, "business.create", {"id": "BIZ-1", "name": "Northwind"}).status == 0
        moved = botui("import", str(mine), "--db", str(other))
        assert moved.status == 0, moved.stderr
        assert moved.json["created"] == 2
        exported_again = export(other)
    kept = [
        "id", "quantity", "price", "estimatedShipDate", "estimatedDeliveryDate", "priorityLevel",
        "supplierOrder", "customerName", "customerEmail", "productSku", "productName",
        "orderNumber", "metadata.channel", "metadata.gift", "metadata.n", "metadata.note",
        "metadata.score",
    ]  # fmt: skip

    def created_fields(text: str) -> dict[str, dict[str, str]]:
        return {r["id"]: {k: r[k] for k in kept} for r in read_csv(text)}

    assert created_fields(exported_again) == created_fields(mine.read_text("utf-8"))
    assert sorted(created_fields(exported_again)) == ["BO-1", "BO-4"]
    # JSON Lines likewise, with metadata keeping its types.
    lines = tmp_path / "mine.jsonl"
    assert botui("export", "--db", str(db), "--format", "jsonl", "--query", "hyperlink",
                 "-o", str(lines)).status == 0  # fmt: skip
    with postgres.database(engine, tmp_path, "third.db") as third:
        assert api(third, "business.create", {"id": "BIZ-1", "name": "Northwind"}).status == 0
        assert botui("import", str(lines), "--db", str(third)).json["created"] == 2
        assert api(third, "get", {"id": "BO-1"}).json["metadata"] == METADATA


def test_a_file_that_cannot_be_written_is_a_storage_error(db: Target, tmp_path: Path) -> None:
    done = botui("export", "--db", str(db), "-o", str(tmp_path / "no-such-folder" / "x.csv"))
    assert done.status == 1
    assert done.error["code"] == "storage_error" and "no-such-folder" in done.error["message"]
