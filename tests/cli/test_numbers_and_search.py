"""The real `botui` command: numbers from outside the JSON are range-checked, search folds text."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from .runner import Target, api, botui, dump, shop_fixtures


def build(path: Target) -> None:
    """A shop whose customers are named in decomposed and precomposed forms."""
    steps = [
        ("business.create", {"id": "BIZ-1", "name": "Northwind"}),
        ("customer.create", {"id": "CUS-1", "name": "Zoe\u0308 Stra\u00dfe"}),
        ("customer.create", {"id": "CUS-2", "name": "Zoe Strasser"}),
        ("product.create", {"id": "PRD-1", "sku": "TENT", "name": "Tent"}),
        ("create", {"id": "BO-1", "product": "PRD-1", "business": "BIZ-1", "customer": "CUS-1",
                    "quantity": 1, "price": 100}),
        ("create", {"id": "BO-2", "product": "PRD-1", "business": "BIZ-1", "customer": "CUS-2",
                    "quantity": 1, "price": 100}),
    ]  # fmt: skip
    for action, payload in steps:
        assert api(path, action, payload).status == 0


template, db = shop_fixtures(build)


def _cursor(parts: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(parts).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "parts",
    [[2, 2**63, "BO-1"], [2, -(2**63) - 1, "BO-1"], [2**63, 0, "BO-1"], [2, "x", "BO-1"]],
)
def test_a_forged_cursor_is_a_validation_error(db: Target, parts: object) -> None:
    before = dump(db)
    result = api(db, "list", {"after": _cursor(parts)})
    assert result.status == 2
    error = result.error
    assert (error["code"], error["field"]) == ("validation_error", "after")
    assert dump(db) == before


def test_the_cursor_botui_gives_still_pages(db: Target) -> None:
    first = api(db, "list", {"limit": 1}).json
    rest = api(db, "list", {"limit": 1, "after": first["next"]}).json
    assert [b["id"] for b in first["data"] + rest["data"]] == ["BO-1", "BO-2"]


@pytest.mark.parametrize(
    "value", [str(2**63), "-1", "1790000000.5", "1e9", "tomorrow", "32503680001"]
)
@pytest.mark.parametrize(
    ("action", "payload"),
    [("business.create", {"name": "T"}), ("list", {}), ("cancel", {"id": "BO-1"})],
)
def test_a_bad_botui_now_is_a_validation_error_naming_it(
    db: Target, value: str, action: str, payload: dict
) -> None:
    before = dump(db)
    result = api(db, action, payload, BOTUI_NOW=value)
    assert result.status == 2
    assert (result.error["code"], result.error["field"]) == ("validation_error", "BOTUI_NOW")
    assert "BOTUI_NOW" in result.error["message"]
    assert dump(db) == before


def test_a_bad_botui_now_stops_the_terminal_ui_before_it_starts(db: Target) -> None:
    result = botui("--db", str(db), BOTUI_NOW=str(2**64))
    assert result.status == 2
    assert result.stderr.startswith("botui: BOTUI_NOW must be a whole number")


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--count", str(2**63)], "count"),
        (["--count", "-5"], "count"),
        (["--count", "1.5"], "count"),
        (["--count", "10000001"], "count"),
        (["--seed", str(2**64)], "seed"),
        (["--seed", "-1"], "seed"),
        (["--seed", "seven"], "seed"),
    ],
)
def test_demo_numbers_out_of_range_are_refused(tmp_path: Path, args: list[str], field: str) -> None:
    path = tmp_path / "demo.db"
    result = botui("demo", "--db", str(path), *args)
    assert result.status == 2
    assert (result.error["code"], result.error["field"]) == ("validation_error", field)
    assert not path.exists()


def test_a_bad_busy_timeout_is_refused(db: Target) -> None:
    result = api(db, "list", {}, BOTUI_BUSY_TIMEOUT_MS="9" * 30)
    assert result.status == 2
    assert result.error["field"] == "BOTUI_BUSY_TIMEOUT_MS"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("zoë", ["BO-1"]),  # precomposed typing finds the decomposed name
        ("ZOE\u0308", ["BO-1"]),
        ("STRASSE", ["BO-1", "BO-2"]),  # ß is ss: both customers
        ("straße", ["BO-1", "BO-2"]),
        ("ë", ["BO-1"]),
        ("zoe ", ["BO-2"]),
    ],
)
def test_api_list_finds_names_that_look_the_same(db: Target, query: str, expected: list) -> None:
    result = api(db, "list", {"query": query})
    assert result.status == 0, result.stderr
    assert [b["id"] for b in result.json["data"]] == expected
