"""The real `botui import` command: its answer on stdout, its refusals on stderr, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from cli.runner import api, botui, dump

FIXTURE = Path(__file__).with_name("fixtures") / "shopify_orders_export.csv"


def test_botui_import_of_a_shopify_export(db_path: Path | str) -> None:
    db = db_path
    assert api(db, "business.create", {"name": "Northwind Outfitters"}).status == 0
    dry = botui("import", str(FIXTURE), "--db", str(db), "--format", "shopify", "--dry-run")
    assert dry.status == 0, dry.stderr
    assert dry.json == {"created": 4, "skipped": 3, "invalid": 0, "rows": []}
    done = botui("import", str(FIXTURE), "--db", str(db), "--format", "shopify")
    assert (done.status, done.stdout, done.stderr) == (0, dry.stdout, "")
    again = botui("import", str(FIXTURE), "--db", str(db), "--format", "shopify")
    assert again.json == {"created": 0, "skipped": 7, "invalid": 0, "rows": []}
    listed = api(db, "list", {"query": "#1003"}).json["data"]
    assert [b["quantity"] for b in listed] == [1, 2]


def test_botui_import_refuses_bad_rows_with_exit_2_and_changes_nothing(
    tmp_path: Path, db_path: Path | str
) -> None:
    db = db_path
    assert api(db, "business.create", {"name": "Northwind Outfitters"}).status == 0
    source = tmp_path / "rows.csv"
    source.write_bytes(
        b"productSku,customerEmail,quantity,price\r\n"
        b"SKU-1,a@example.com,1,100\r\n"
        b'SKU-2,"b@example.com",2,"12.50"\r\n'
    )
    before = dump(db)
    done = botui("import", str(source), "--db", str(db))
    assert done.status == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1
    error = json.loads(done.stderr)["error"]
    assert error["code"] == "validation_error" and error["field"] is None
    assert error["rows"] == [
        {
            "line": 3,
            "field": "price",
            "message": "price must be a whole number of cents from 0 to 1,000,000,000 "
            "(it is '12.50')",
        }
    ]
    assert dump(db) == before
    skipped = botui("import", str(source), "--db", str(db), "--skip-invalid")
    assert skipped.status == 0
    assert skipped.json == {"created": 1, "skipped": 0, "invalid": 1, "rows": error["rows"]}


def test_botui_import_of_a_missing_file_or_format(tmp_path: Path, db_path: Path | str) -> None:
    db = db_path
    missing = botui("import", str(tmp_path / "nowhere.csv"), "--db", str(db))
    assert missing.status == 2
    assert "cannot read" in missing.error["message"]
    wrong = botui("import", str(FIXTURE), "--db", str(db), "--format", "excel")
    assert wrong.status == 2 and wrong.error["field"] == "format"
