"""Shopify's order export CSV: one row per line item, the order's columns on its first row only.

Only unfulfilled lines become backorders. The order number (`Name`, with its `#`) finds or
makes the order, `Email` the customer, the line's SKU (else its name) the product.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, BinaryIO

from botui.domain.imports import ImportRow, RowProblem
from botui.io.rows import (
    SKIPPED_LINE,
    CellError,
    Item,
    Position,
    csv_rows,
    file_problem,
    read_header,
    whole_number,
)

REQUIRED = ("Name", "Lineitem quantity", "Lineitem name", "Lineitem price")
# Columns describing the order: Shopify fills them on the order's first row only.
ORDER_COLUMNS = ("Email", "Billing Name", "Shipping Name", "Phone", "Created at")
BACKORDER_STATUSES = frozenset({"", "pending", "unfulfilled"})
# botui's field names as the Shopify columns they come from, for messages about a row.
COLUMN_OF = {
    "orderNumber": "Name",
    "customerEmail": "Email",
    "customerName": "Billing Name",
    "customerPhone": "Phone",
    "orderPlacedAt": "Created at",
    "quantity": "Lineitem quantity",
    "productName": "Lineitem name",
    "productSku": "Lineitem sku",
    "price": "Lineitem price",
}


def cents(text: str) -> int:
    """A price in the shop's currency (`24.50`) as whole cents."""
    try:
        amount = Decimal(text) * 100
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite() or amount != amount.to_integral_value():
        raise CellError(
            "Lineitem price",
            f"Lineitem price must be an amount such as 24.50, at most two decimals "
            f"(it is {text[:40]!r})",
        )
    return int(amount)


def placed_at(text: str) -> int:
    """Shopify's `2027-01-15 08:00:00 -0500` (or ISO 8601) as Unix seconds."""
    for parse in (
        lambda t: datetime.strptime(t, "%Y-%m-%d %H:%M:%S %z"),
        datetime.fromisoformat,
    ):
        try:
            moment = parse(text)
        except ValueError:
            continue
        if moment.tzinfo is not None:
            return int(moment.timestamp())
    raise CellError(
        "Created at",
        f"Created at must be a time such as 2027-01-15 08:00:00 -0500 (it is {text[:40]!r})",
    )


def shopify_csv(raw: BinaryIO, on_position: Position) -> Iterator[Item]:
    records = csv_rows(raw, on_position)
    header = read_header(records)
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise file_problem(
            1,
            missing[0],
            f"the header has no {missing[0]!r} column: is this Shopify's order export "
            "(Orders, Export, CSV for Excel or plain CSV)?",
        )
    index = {name: header.index(name) for name in header if name}
    order: dict[str, str] = {}
    number = None
    position = 0
    for line, cells in records:
        cell = {name: cells[i].strip() if i < len(cells) else "" for name, i in index.items()}
        if cell["Name"] != number:
            number, position = cell["Name"], 0
            order = {name: cell.get(name, "") for name in ORDER_COLUMNS}
        position += 1
        status = cell.get("Lineitem fulfillment status", "").casefold()
        if status not in BACKORDER_STATUSES:
            yield SKIPPED_LINE
            continue
        yield _line_item(line, cell, order, position)


def _line_item(line: int, cell: dict[str, str], order: dict[str, str], position: int) -> Item:
    number = cell["Name"]
    if not number:
        return RowProblem(line, "Name", "Name (the order number) is empty; give it on every row")
    if not order["Email"]:
        return RowProblem(
            line,
            "Email",
            f"order {number} has no Email: botui finds and creates customers by e-mail",
        )
    item = cell.get("Lineitem sku") or cell["Lineitem name"]
    fields: dict[str, Any] = {
        "orderNumber": number,
        "customerEmail": order["Email"],
        "productSku": item,
    }
    name = order["Billing Name"] or order["Shipping Name"]
    optional = {
        "customerName": name,
        "customerPhone": order["Phone"],
        "productName": cell["Lineitem name"],
    }
    fields.update((key, value) for key, value in optional.items() if value)
    try:
        fields["quantity"] = whole_number(cell["Lineitem quantity"], "quantity")
        fields["price"] = cents(cell["Lineitem price"])
        if order["Created at"]:
            fields["orderPlacedAt"] = placed_at(order["Created at"])
    except CellError as error:
        return RowProblem(line, COLUMN_OF.get(error.field, error.field), error.message)
    key = "shopify:" + json.dumps([number, item, position], ensure_ascii=False)
    return ImportRow(line, key, fields)
