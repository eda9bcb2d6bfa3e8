"""`botui report`: the installed command, its three formats agreeing, and its refusals."""

from __future__ import annotations

import csv
import io
import json

import pytest
from reports_shop import AGING, NOW, PRODUCTS, SERVICE, SERVICE_BIZ2, build_shop

from .runner import Target, botui, dump, shop_fixtures

EXPECTED = {"aging": AGING, "products": PRODUCTS, "service": SERVICE}


# The shop is only read here: every test runs on the template itself.
shop, _ = shop_fixtures(build_shop, name="shop")


def _cell(value: object) -> str:
    """A JSON value as the CSV writes it."""
    return "" if value is None else str(value)


@pytest.mark.parametrize("name", ["aging", "products", "service"])
def test_json_is_the_contract_shape_with_the_known_figures(shop: Target, name: str) -> None:
    done = botui("report", name, "--db", str(shop), "--format", "json")
    assert done.status == 0, done.stderr
    assert done.json == {"report": name, "asOf": NOW, "rows": EXPECTED[name]}


@pytest.mark.parametrize("name", ["aging", "products", "service"])
def test_json_is_the_default_when_stdout_is_not_a_terminal(shop: Target, name: str) -> None:
    done = botui("report", name, "--db", str(shop))
    assert done.status == 0, done.stderr
    assert done.json["rows"] == EXPECTED[name]


@pytest.mark.parametrize("name", ["aging", "products", "service"])
def test_csv_has_the_json_keys_as_header_and_the_same_rows(shop: Target, name: str) -> None:
    done = botui("report", name, "--db", str(shop), "--format", "csv")
    assert done.status == 0, done.stderr
    lines = list(csv.reader(io.StringIO(done.stdout)))
    keys = list(EXPECTED[name][0])
    assert lines[0] == keys
    assert lines[1:] == [[_cell(row[key]) for key in keys] for row in EXPECTED[name]]


@pytest.mark.parametrize("name", ["aging", "products", "service"])
def test_the_table_shows_the_same_rows_in_words(shop: Target, name: str) -> None:
    done = botui("report", name, "--db", str(shop), "--format", "table")
    assert done.status == 0, done.stderr
    assert "\x1b" not in done.stdout  # no colour codes in a pipe
    lines = done.stdout.splitlines()
    assert lines[0].strip() == f"{name} report"
    header = next(line for line in lines if "┃" in line)
    assert [part.strip() for part in header.strip("┃ ").split("┃")] == list(EXPECTED[name][0])
    body = [line for line in lines if line.startswith("│")]
    firsts = [line.strip("│ ").split("│")[0].strip() for line in body]
    assert firsts == [next(iter(row.values())) for row in EXPECTED[name]]
    assert lines[-1].startswith("as of 2026-09-21 14:13 UTC;")


def test_the_table_puts_money_in_currency_units_and_rates_in_percent(shop: Target) -> None:
    aging = botui("report", "aging", "--db", str(shop), "--format", "table").stdout
    assert "│ 46+    │          1 │     4 │         3 │ 20.00 │    0 │" in aging
    service = botui("report", "service", "--db", str(shop), "--format", "table").stdout
    week3 = next(line for line in service.splitlines() if "2026-W31" in line)
    assert [c.strip() for c in week3.strip("│ ").split("│")] == [
        "2026-W31", "2", "0", "6", "1", "50%", "0.00",
    ]  # fmt: skip
    products = botui("report", "products", "--db", str(shop), "--format", "table").stdout
    assert "Storm [lantern]" in products  # a name is shown as written, never read as markup


def test_business_narrows_every_format(shop: Target) -> None:
    done = botui("report", "service", "--db", str(shop), "--business", "BIZ-2")
    assert done.json["rows"] == SERVICE_BIZ2
    as_csv = botui("report", "service", "--db", str(shop), "--business", "BIZ-2", "--format", "csv")
    week = list(csv.reader(io.StringIO(as_csv.stdout)))[-1]
    assert week == ["2026-W39", "0", "1", "0", "0", "", "900"]


@pytest.mark.parametrize(
    ("args", "code", "field", "words"),
    [
        (["report", "aging", "--business", "BIZ-9"], "not_found", "business", "no business"),
        (["report", "stock"], "validation_error", None, "aging, products, service"),
        (["report"], "validation_error", None, "botui report aging|products|service"),
        (["report", "aging", "--format", "xml"], "validation_error", "format", "table, csv"),
        (["report", "aging", "--business", "bad id!"], "validation_error", "business", ""),
    ],
)
def test_refusals_are_one_json_line_and_change_nothing(
    shop: Target, args: list[str], code: str, field: str | None, words: str
) -> None:
    before = dump(shop)
    done = botui(*args, "--db", str(shop))
    assert done.status == 2
    error = done.error
    assert (error["code"], error["field"]) == (code, field)
    assert words in error["message"]
    assert dump(shop) == before


def test_an_empty_database_answers_zeros(db_path: Target) -> None:
    db = db_path
    aging = botui("report", "aging", "--db", str(db)).json
    assert [row["backorders"] for row in aging["rows"]] == [0] * 7
    assert botui("report", "products", "--db", str(db)).json["rows"] == []
    weeks = botui("report", "service", "--db", str(db), "--format", "csv").stdout.splitlines()
    assert len(weeks) == 13 and weeks[-1] == "2026-W39,0,0,0,0,,0"
    assert json.loads(botui("report", "service", "--db", str(db)).stdout)["asOf"] == NOW
