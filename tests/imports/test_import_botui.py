"""`botui import` of the botui format: files as shops write them, all or nothing, idempotent."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from unit.helpers import events_of, snapshot_db, stock

from botui.domain.errors import BotuiError
from botui.domain.imports import Importer
from botui.domain.service import Service, call
from botui.io import importing
from botui.io.importing import import_file

END_OF_2027_01_15 = 1_800_057_599  # 2027-01-15T23:59:59Z


def write(path: Path, text: str, *, bom: bool = False, crlf: bool = False) -> Path:
    if crlf:
        text = text.replace("\n", "\r\n")
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def refused(service: Service, path: Path, **options) -> dict:
    """Import `path`, expect the refusal with rows, and that no table changed."""
    before = snapshot_db(service.db)
    with pytest.raises(BotuiError) as caught:
        import_file(service, path, **options)
    assert snapshot_db(service.db) == before, "a refused import changed the database"
    return caught.value.to_json()["error"]


SHOP_CSV = (
    "productSku,productName,customerEmail,customerName,customerPhone,businessName,quantity,"
    "price,estimatedShipDate,orderNumber,metadata.note,metadata.channel\n"
    'TENT-2P,"Trail tent, 2 person",zoe@example.com,"Ångström, Zoë",+46 8 555 010 01,'
    'Northwind Outfitters,2,24900,2027-01-15,SO-1,"gift wrap,\nplease",web\n'
    "STOVE-1,Camp stove,wang@example.com,王芳,,Northwind Outfitters,1,4550,"
    "2027-01-20T08:00:00Z,SO-2,,phone\n"
)


def test_a_shop_csv_with_bom_crlf_quotes_and_non_ascii_imports(
    service: Service, tmp_path: Path
) -> None:
    path = write(tmp_path / "orders.csv", SHOP_CSV, bom=True, crlf=True)
    answer = import_file(service, path)
    assert answer == {"created": 2, "skipped": 0, "invalid": 0, "rows": []}
    first, second = call(service, "list", {})["data"]
    assert first["quantity"] == 2 and first["price"] == 24900
    assert first["estimatedShipDate"] == END_OF_2027_01_15
    assert first["metadata"] == {"note": "gift wrap,\nplease", "channel": "web"}
    assert second["estimatedShipDate"] == 1_800_432_000
    customer = service.db.execute_sql(
        "SELECT name, phone FROM customer WHERE email = 'zoe@example.com'"
    ).fetchone()
    assert customer == ("Ångström, Zoë", "+46 8 555 010 01")
    names = service.db.execute_sql("SELECT name FROM product ORDER BY sku").fetchall()
    assert names == [("Camp stove",), ("Trail tent, 2 person",)]
    orders = service.db.execute_sql("SELECT number, placed_at FROM orders ORDER BY number")
    assert orders.fetchall() == [("SO-1", 1_790_000_000), ("SO-2", 1_790_000_000)]
    (created,) = events_of(service, first["id"], "created")
    assert created["data"] == {
        "quantity": 2,
        "priorityLevel": "standard",
        "price": 24900,
        "allocated": 0,
        "import": str(path),
    }
    assert created["actor"] == "tester"
    # Found by the search as any backorder is.
    assert [b["id"] for b in call(service, "list", {"query": "王芳"})["data"]] == [second["id"]]


def test_importing_the_same_file_again_creates_nothing(service: Service, tmp_path: Path) -> None:
    path = write(tmp_path / "orders.csv", SHOP_CSV)
    import_file(service, path)
    before = snapshot_db(service.db)
    assert import_file(service, path) == {"created": 0, "skipped": 2, "invalid": 0, "rows": []}
    assert snapshot_db(service.db) == before


def test_rows_with_an_id_are_keyed_by_it_and_an_existing_id_is_skipped(
    service: Service, refs: dict[str, str], tmp_path: Path
) -> None:
    call(service, "create", {**_ids(refs), "id": "BO-KEEP", "quantity": 1, "price": 1})
    text = "id,product,business,customer,quantity,price\n"
    text += f"BO-KEEP,{refs['product']},{refs['business']},{refs['customer']},5,100\n"
    text += f"BO-NEW,{refs['product']},{refs['business']},{refs['customer']},3,100\n"
    path = write(tmp_path / "ids.csv", text)
    assert import_file(service, path)["created"] == 1
    assert call(service, "get", {"id": "BO-KEEP"})["quantity"] == 1
    # The row is changed, the id is not: still the same source key.
    write(path, text.replace(",3,100", ",4,100"))
    assert import_file(service, path) == {"created": 0, "skipped": 2, "invalid": 0, "rows": []}


def _ids(refs: dict[str, str]) -> dict[str, str]:
    return {k: refs[k] for k in ("product", "business", "customer")}


def test_dry_run_answers_the_same_and_writes_nothing(service: Service, tmp_path: Path) -> None:
    path = write(tmp_path / "orders.csv", SHOP_CSV)
    before = snapshot_db(service.db)
    answer = import_file(service, path, dry_run=True)
    assert answer == {"created": 2, "skipped": 0, "invalid": 0, "rows": []}
    assert snapshot_db(service.db) == before


def test_a_bad_row_refuses_the_file_by_line_and_writes_nothing(
    service: Service, tmp_path: Path
) -> None:
    text = SHOP_CSV + "TENT-2P,,zoe@example.com,,,Northwind Outfitters,three,24900,,,,\n"
    text += "TENT-2P,,not-an-email,,,Northwind Outfitters,1,100,2027-02-30,,,\n"
    path = write(tmp_path / "orders.csv", text, crlf=True)
    error = refused(service, path)
    assert error["code"] == "validation_error" and error["field"] is None
    # Line 1 is the header; the first row spans lines 2 and 3 (a newline inside quotes).
    assert error["rows"] == [
        {
            "line": 5,
            "field": "quantity",
            "message": "quantity must be a whole number from 1 to 1,000,000 (it is 'three')",
        },
        {
            "line": 6,
            "field": "estimatedShipDate",
            "message": "estimatedShipDate must be Unix seconds or an ISO 8601 date such as "
            "2027-01-15 or 2027-01-15T08:00:00Z (it is '2027-02-30')",
        },
    ]
    assert "2 rows are invalid (the first on line 5" in error["message"]


def test_skip_invalid_writes_the_good_rows_and_reports_the_bad(
    service: Service, tmp_path: Path
) -> None:
    text = SHOP_CSV + "TENT-2P,,not-an-email,,,Northwind Outfitters,1,100,,,,\n"
    path = write(tmp_path / "orders.csv", text)
    answer = import_file(service, path, skip_invalid=True)
    assert answer["created"] == 2 and answer["invalid"] == 1 and answer["skipped"] == 0
    assert answer["rows"] == [
        {
            "line": 5,
            "field": "customerEmail",
            "message": "customerEmail must look like name@example.com",
        }
    ]
    assert len(call(service, "list", {})["data"]) == 2


def test_at_most_100_bad_rows_are_listed(service: Service, tmp_path: Path) -> None:
    text = "productSku,customerEmail,businessName,quantity,price\n"
    text += "".join(f"SKU-1,a@example.com,Shop,0,{price}\n" for price in range(150))
    error = refused(service, write(tmp_path / "bad.csv", text))
    assert len(error["rows"]) == 100
    assert error["rows"][0]["line"] == 2 and error["rows"][-1]["line"] == 101
    assert error["message"].startswith("150 rows are invalid")


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("productSku,quantity,price,colour", "colour"),
        ("productSku,quantity,quantity,price", "quantity"),
        ("productSku,customerEmail,price", "quantity"),
    ],
)
def test_a_bad_header_refuses_the_file_at_line_1(
    service: Service, tmp_path: Path, header: str, field: str
) -> None:
    path = write(tmp_path / "bad.csv", header + "\nSKU-1,1,100,x\n")
    error = refused(service, path, skip_invalid=True)
    assert error["rows"][0]["line"] == 1 and error["rows"][0]["field"] == field


def test_a_file_that_is_not_utf8_or_has_broken_quotes_is_refused(
    service: Service, tmp_path: Path
) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes("productSku,quantity,price\nSKÜ,1,1\n".encode("latin-1"))
    assert "not UTF-8" in refused(service, path)["message"]
    path = write(tmp_path / "quotes.csv", 'productSku,quantity,price\n"SKU-1,1,1\n')
    assert refused(service, path)["rows"][0]["line"] == 2


def test_an_order_number_of_another_customer_is_refused(service: Service, tmp_path: Path) -> None:
    text = "productSku,customerEmail,businessName,orderNumber,quantity,price\n"
    text += "SKU-1,a@example.com,Shop,SO-9,1,100\n"
    text += "SKU-1,b@example.com,Shop,SO-9,1,100\n"
    error = refused(service, write(tmp_path / "orders.csv", text))
    assert error["rows"] == [
        {
            "line": 3,
            "field": "orderNumber",
            "message": "order SO-9 belongs to another customer or business; check orderNumber",
        }
    ]


def test_allocation_is_that_of_creating_the_rows_one_by_one(
    service: Service, refs: dict[str, str], tmp_path: Path
) -> None:
    service.receive_inventory({"product": refs["product"], "quantity": 5})
    text = "productSku,customer,business,quantity,price,priorityLevel\n"
    text += f"TENT-2P,{refs['customer']},{refs['business']},3,100,standard\n"
    text += f"TENT-2P,{refs['customer']},{refs['business']},4,100,rush\n"
    text += f"TENT-2P,{refs['customer']},{refs['business']},1,100,rush\n"
    import_file(service, write(tmp_path / "stock.csv", text))
    rows = service.db.execute_sql(
        "SELECT allocated_quantity FROM backorder ORDER BY seq"
    ).fetchall()
    assert rows == [(3,), (2,), (0,)]
    assert stock(service, refs["product"]) == 0
    allocated = [e["data"]["allocated"] for e in events_of(service, type_="created")]
    assert allocated == [3, 2, 0]


def test_a_business_is_needed_unless_the_database_has_just_one(
    service: Service, tmp_path: Path
) -> None:
    text = "productSku,customerEmail,quantity,price\nSKU-1,a@example.com,1,100\n"
    path = write(tmp_path / "orders.csv", text)
    assert refused(service, path)["rows"][0]["field"] == "business"
    service.create_business({"id": "BIZ-9", "name": "Only Shop"})
    import_file(service, path)
    assert call(service, "list", {})["data"][0]["business"] == "BIZ-9"


def test_business_option_names_an_existing_business(service: Service, tmp_path: Path) -> None:
    path = write(
        tmp_path / "o.csv", "productSku,customerEmail,quantity,price\nS,a@example.com,1,1\n"
    )
    before = snapshot_db(service.db)
    with pytest.raises(BotuiError) as caught:
        import_file(service, path, business="BIZ-404")
    assert caught.value.code == "not_found" and caught.value.exit_status == 2
    assert snapshot_db(service.db) == before


def test_json_lines_take_iso_dates_and_refuse_text_numbers(
    service: Service, tmp_path: Path
) -> None:
    good = {
        "productSku": "SKU-1",
        "customerEmail": "a@example.com",
        "businessName": "Shop",
        "quantity": 2,
        "price": 100,
        "estimatedShipDate": "2027-01-15",
        "estimatedDeliveryDate": 1_800_100_000,
        "metadata": {"gift": True, "lines": 3},
    }
    lines = [json.dumps(good), "", json.dumps({**good, "quantity": "2"}), "[1]"]
    path = write(tmp_path / "rows.jsonl", "\n".join(lines) + "\n", bom=True, crlf=True)
    error = refused(service, path)
    assert [(r["line"], r["field"]) for r in error["rows"]] == [(3, "quantity"), (4, None)]
    write(path, json.dumps(good) + "\n")
    assert import_file(service, path)["created"] == 1
    (backorder,) = call(service, "list", {})["data"]
    assert backorder["estimatedShipDate"] == END_OF_2027_01_15
    assert backorder["metadata"] == {"gift": True, "lines": 3}


def test_batches_across_a_file_keep_order_keys_and_references(
    service: Service, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importing, "BATCH", 3)
    text = "productSku,customerEmail,businessName,orderNumber,quantity,price\n"
    for i in range(10):
        text += f"SKU-{i % 3},c{i % 4}@example.com,Shop,SO-{i % 4},{i + 1},100\n"
    text += "SKU-0,c0@example.com,Shop,SO-0,1,100\n"  # the same as the first row: skipped
    path = write(tmp_path / "many.csv", text)
    assert import_file(service, path) == {"created": 10, "skipped": 1, "invalid": 0, "rows": []}
    quantities = [b["quantity"] for b in call(service, "list", {"limit": 100})["data"]]
    assert sorted(quantities) == list(range(1, 11))
    counts = service.db.execute_sql(
        "SELECT (SELECT count(*) FROM product), (SELECT count(*) FROM customer),"
        " (SELECT count(*) FROM orders), (SELECT count(*) FROM business)"
    ).fetchone()
    assert counts == (3, 4, 4, 1)
    assert import_file(service, path)["created"] == 0


def test_an_export_shaped_file_imports(
    service: Service, refs: dict[str, str], tmp_path: Path
) -> None:
    text = (
        "id,product,business,customer,order,quantity,status,price,estimatedShipDate,"
        "estimatedDeliveryDate,actualShipDate,actualDeliveryDate,priorityLevel,supplierOrder,"
        "createdAt,cancelledAt,allocatedQuantity,version,updatedAt,customerName,customerEmail,"
        "productSku,productName,orderNumber,metadata.gift\n"
        f"BO-77,{refs['product']},{refs['business']},{refs['customer']},{refs['order']},2,"
        "confirmed,1500,2027-01-15T23:59:59Z,,,,rush,PO-1,2026-09-01T00:00:00Z,,0,3,"
        "2026-09-02T00:00:00Z,Ada Lovelace,ada@example.com,TENT-2P,Two-person tent,SO-1001,yes\n"
    )
    assert import_file(service, write(tmp_path / "export.csv", text))["created"] == 1
    backorder = call(service, "get", {"id": "BO-77"})
    assert backorder["status"] == "pending" and backorder["priorityLevel"] == "rush"
    assert backorder["order"] == refs["order"] and backorder["metadata"] == {"gift": "yes"}


def test_a_batch_refused_after_earlier_ones_were_written_says_so(
    service: Service, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importing, "BATCH", 1)
    text = "productSku,customerEmail,businessName,quantity,price\n"
    text += "SKU-A,a@example.com,Shop,1,100\nSKU-B,a@example.com,Shop,1,100\n"
    path = write(tmp_path / "orders.csv", text)
    write_batch = Importer.write

    def someone_else_adds_sku_b(importer: Importer, rows: list) -> object:
        if rows[0].line == 3:
            service.create_product({"sku": "SKU-B", "name": "Added meanwhile"})
        return write_batch(importer, rows)

    monkeypatch.setattr(Importer, "write", someone_else_adds_sku_b)
    with pytest.raises(BotuiError) as caught:
        import_file(service, path)
    assert caught.value.code == "conflict"
    assert "earlier batches were written, 1 created" in caught.value.message
    monkeypatch.setattr(Importer, "write", write_batch)
    assert import_file(service, path) == {"created": 1, "skipped": 1, "invalid": 0, "rows": []}


def test_write_transactions_last_about_two_seconds_whatever_the_machine() -> None:
    # Fast writes grow the batch twofold at a time up to 5 x BATCH; slow ones shrink it to what
    # takes WRITE_SECONDS, never below BATCH / 5: others wait for the lock about that long.
    assert importing.next_batch(10_000, 0.5) == 20_000
    assert importing.next_batch(40_000, 0.5) == 50_000
    assert importing.next_batch(10_000, 4.0) == 5_000
    assert importing.next_batch(10_000, 60.0) == 2_000
    assert importing.next_batch(20_000, 2.0) == 20_000


def test_search_finds_imported_rows_and_the_rows_made_after_the_import(
    service: Service, tmp_path: Path
) -> None:
    """The import indexes its rows itself (PostgreSQL's insert trigger stands aside for its
    transaction alone, migration 0011): its rows are found, and so is a backorder made next
    through the same connection, which the trigger indexes again."""
    import_file(service, write(tmp_path / "orders.csv", SHOP_CSV))
    made = call(service, "list", {"query": "ångström"})["data"]
    assert [bo["customer"] for bo in made] == [made[0]["customer"]]
    later = call(service, "create", {"product": made[0]["product"], "customer": made[0]["customer"],
                                     "business": made[0]["business"], "quantity": 1, "price": 1,
                                     "supplierOrder": "PO-AFTER-IMPORT"})  # fmt: skip
    found = call(service, "list", {"query": "po-after-import"})["data"]
    assert [bo["id"] for bo in found] == [later["id"]]
    assert (
        len(call(service, "list", {"query": "wang@example"})["data"]) == 0
    )  # e-mail: not searched
    assert len(call(service, "list", {"query": "王芳"})["data"]) == 1
