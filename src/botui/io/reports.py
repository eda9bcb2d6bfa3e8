"""`botui report`: a report of the Service as a Rich table, CSV or JSON.

JSON is the contract's `{"report", "asOf", "rows"}`; CSV is its rows with the JSON keys as the
header (null as an empty cell); the table is for people: money in currency units, dates as
ISO days, the on-time rate in percent, and the report's moment under it.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

from botui.domain.errors import validation
from botui.domain.report_schemas import AgingRow, ProductRow, Report, ServiceRow
from botui.domain.templates import money
from botui.domain.text import safe_for_terminal

if TYPE_CHECKING:
    from pydantic import BaseModel

Format = Literal["table", "csv", "json"]
FORMATS: tuple[Format, ...] = ("table", "csv", "json")
MONEY = frozenset({"value", "refunded"})
DATES = frozenset({"oldestCreatedAt"})
TEXT = frozenset({"bucket", "product", "sku", "name", "week"})
ROW_TYPES: dict[str, type[BaseModel]] = {
    "aging": AgingRow,
    "products": ProductRow,
    "service": ServiceRow,
}


def check_format(value: str | None, terminal: bool) -> Format:
    """The format asked for (None: a table on a terminal, else JSON), or a validation_error."""
    if value is None:
        return "table" if terminal else "json"
    for known in FORMATS:
        if value == known:
            return known
    raise validation(f"format must be table, csv or json, not {value!r}", "format")


def columns(name: str) -> list[str]:
    """A report's row keys, as JSON spells them, in the contract's order."""
    fields = ROW_TYPES[name].model_fields
    return [field.alias or key for key, field in fields.items()]


def as_json(report: Report) -> str:
    return json.dumps(report.to_json(), ensure_ascii=False) + "\n"


def as_csv(report: Report) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns(report.report))
    for row in report.to_json()["rows"]:
        writer.writerow(["" if value is None else value for value in row.values()])
    return out.getvalue()


def cell(key: str, value: Any) -> str:
    """One value as a person reads it."""
    if value is None:
        return "-"
    if key in MONEY:
        return money(value)
    if key in DATES:
        return datetime.fromtimestamp(value, UTC).strftime("%Y-%m-%d")
    if key == "onTimeRate":
        return f"{value:.0%}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def as_table(report: Report, width: int | None = None) -> str:
    """The report as a Rich table (plain text, no colour codes), with its moment under it."""
    # Imported here: JSON and CSV, what scripts ask for, need none of Rich (~30 ms).
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    keys = columns(report.report)
    table = Table(title=f"{report.report} report", title_justify="left")
    for key in keys:
        table.add_column(key, justify="left" if key in TEXT else "right", overflow="fold")
    for row in report.to_json()["rows"]:
        # Text, not str: a product name is data, never Rich markup.
        table.add_row(*(Text(safe_for_terminal(cell(key, row[key]))) for key in keys))
    out = io.StringIO()
    # As wide as the terminal (120 columns in a pipe); narrow columns fold, never cut.
    width = width or shutil.get_terminal_size((120, 24)).columns
    console = Console(file=out, width=width, color_system=None, highlight=False)
    console.print(table, markup=False)
    moment = datetime.fromtimestamp(report.as_of, UTC).strftime("%Y-%m-%d %H:%M UTC")
    note = "money in currency units; " if MONEY & set(keys) else ""
    console.print(f"as of {moment}; {note}JSON and CSV give cents", markup=False)
    return out.getvalue()


def render(report: Report, fmt: Format, width: int | None = None) -> str:
    """The report in a format, as text to write out."""
    if fmt == "csv":
        return as_csv(report)
    if fmt == "table":
        return as_table(report, width)
    return as_json(report)
