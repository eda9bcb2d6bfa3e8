"""Reading import files as rows: the botui CSV and JSON Lines formats, cell by cell.

Each reader yields, in file order, an ImportRow, a RowProblem (the row cannot even be read) or
SKIPPED_LINE (a row the format leaves out, counted as skipped), and reports how far into the
file it is, so a progress bar can follow. Nothing is kept once a row has been handed on.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import UTC, date, datetime, time
from typing import Any, BinaryIO

from botui.domain.errors import BotuiError
from botui.domain.imports import ImportRow, RowProblem
from botui.domain.validation import FIELD_RULES

SKIPPED_LINE = "not a backorder"
Item = ImportRow | RowProblem | str
Position = Callable[[], None]

# The create action's fields and the references a person knows, as botui format columns.
COLUMNS = frozenset(
    {
        "id",
        "product",
        "business",
        "customer",
        "order",
        "quantity",
        "price",
        "priorityLevel",
        "estimatedShipDate",
        "estimatedDeliveryDate",
        "supplierOrder",
        "productSku",
        "productName",
        "customerEmail",
        "customerName",
        "customerPhone",
        "businessName",
        "orderNumber",
    }
)
# What `botui export` writes beyond them: read, kept in the row's key, and otherwise left out
# (an imported backorder starts as any new one does: pending, version 1, created now).
EXPORT_ONLY = frozenset(
    {
        "status",
        "allocatedQuantity",
        "version",
        "createdAt",
        "updatedAt",
        "cancelledAt",
        "actualShipDate",
        "actualDeliveryDate",
    }
)
INTEGERS = frozenset({"quantity", "price"})
DATES = frozenset({"estimatedShipDate", "estimatedDeliveryDate"})
METADATA_PREFIX = "metadata."
# Progress is reported every so many rows (asking the file for its position is not free).
REPORT_EVERY = 2000
_WHOLE = re.compile(r"[+-]?[0-9]{1,20}")
_JSON_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]{0,17})(?:\.[0-9]+)?(?:[eE][+-]?[0-9]{1,3})?")
# A leading `'` that `botui export` puts before what a spreadsheet would run as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class CellError(ValueError):
    """A cell whose text is not the kind of value its column holds."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass
class ImportRefusal(BotuiError):
    """A refused import: the contract's error, plus the bad rows by line (up to 100)."""

    rows: list[RowProblem] = dataclass_field(default_factory=list)

    def to_json(self) -> dict:
        answer = super().to_json()
        answer["error"]["rows"] = [row.to_json() for row in self.rows]
        return answer


def file_problem(line: int, field: str | None, message: str) -> ImportRefusal:
    """The file as a whole cannot be read (not UTF-8, a bad header, broken quoting)."""
    return ImportRefusal(
        "validation_error",
        f"line {line}: {message}; nothing was imported",
        None,
        rows=[RowProblem(line, field, message)],
    )


def whole_number(text: str, field: str) -> int:
    if not _WHOLE.fullmatch(text):
        rule = FIELD_RULES.get(field, "a whole number")
        raise CellError(field, f"{field} must be {rule} (it is {text[:40]!r})")
    return int(text)


def timestamp(text: str, field: str) -> int:
    """Unix seconds, or ISO 8601: a date alone is the end of that day, UTC; no zone is UTC."""
    if _WHOLE.fullmatch(text):
        return int(text)
    try:
        if _DAY.fullmatch(text):
            moment = datetime.combine(date.fromisoformat(text), time(23, 59, 59), UTC)
        else:
            moment = datetime.fromisoformat(text)
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=UTC)
        return int(moment.timestamp())
    except (ValueError, OverflowError):
        raise CellError(
            field,
            f"{field} must be Unix seconds or an ISO 8601 date such as 2027-01-15 or "
            f"2027-01-15T08:00:00Z (it is {text[:40]!r})",
        ) from None


def metadata_value(text: str) -> Any:
    """A metadata cell: true, false and numbers spelt as JSON spells them are those values
    (as `botui export` writes them); anything else is text."""
    if text in ("true", "false"):
        return text == "true"
    if _JSON_NUMBER.fullmatch(text):
        number = json.loads(text)
        return number if not isinstance(number, float) or math.isfinite(number) else text
    return text


def content_key(raw: dict[str, Any]) -> str:
    """The source key of a row without an id: a hash of every field as read (in any order).

    CSV cells are text, joined with separators no cell can hold (CSV is text); JSON values
    are written as JSON.
    """
    if all(type(value) is str for value in raw.values()):
        # "name\x1fvalue" per field, as before: the keys of earlier imports must not change.
        text = "\x1e".join(map("\x1f".join, sorted(raw.items())))
    else:
        text = json.dumps(raw, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return "row:" + hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def row_key(fields: dict[str, Any], raw: dict[str, Any]) -> str:
    given = fields.get("id")
    return f"id:{given}" if isinstance(given, str) else content_key(raw)


def text_of(raw: BinaryIO) -> io.TextIOWrapper:
    """The file as text: UTF-8, a byte-order mark dropped, CR LF and LF line ends alike."""
    return io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")


def csv_rows(raw: BinaryIO, on_position: Position) -> Iterator[tuple[int, list[str]]]:
    """(first line, cells) of each non-blank CSV record; a record may span several lines."""
    reader = csv.reader(text_of(raw), strict=True)
    count = 0
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise file_problem(
                start, None, f"the CSV cannot be read ({exc}); check its quoting"
            ) from None
        except UnicodeDecodeError:
            raise file_problem(
                start, None, "the file is not UTF-8 text; save it as CSV UTF-8 and try again"
            ) from None
        count += 1
        if count % REPORT_EVERY == 0:
            on_position()
        joined = "".join(cells)
        if joined.strip():
            # A line end inside a quoted cell is kept as one newline, whatever wrote the file.
            yield start, [_newlines(cell) for cell in cells] if "\r" in joined else cells


def _newlines(cell: str) -> str:
    return cell.replace("\r\n", "\n").replace("\r", "\n") if "\r" in cell else cell


def read_header(rows: Iterator[tuple[int, list[str]]]) -> list[str]:
    first = next(rows, None)
    if first is None:
        raise file_problem(1, None, "the file is empty: give a header row and then one row a line")
    return [cell.strip() for cell in first[1]]


def botui_csv(raw: BinaryIO, on_position: Position) -> Iterator[Item]:
    """The botui CSV format: a header of create's fields, references and metadata.KEY columns."""
    records = csv_rows(raw, on_position)
    header = read_header(records)
    seen: set[str] = set()
    for name in header:
        if name in seen:
            raise file_problem(1, name, f"the column {name} appears twice; keep one")
        seen.add(name)
        known = name in COLUMNS or name in EXPORT_ONLY
        if not known and not (
            name.startswith(METADATA_PREFIX) and len(name) > len(METADATA_PREFIX)
        ):
            raise file_problem(
                1,
                name,
                f"{name or 'an empty name'} is not a column of the botui format; the columns "
                f"are {', '.join(sorted(COLUMNS))} and metadata.KEY (names are case-sensitive)",
            )
    for required in ("quantity", "price"):
        if required not in seen:
            raise file_problem(1, required, f"the header has no {required} column; add it")
    width = len(header)
    columns = [(name, _kind(name)) for name in header]
    for line, cells in records:
        if len(cells) > width and any(cell.strip() for cell in cells[width:]):
            yield RowProblem(
                line, None, f"the row has {len(cells)} cells but the header {width} columns"
            )
            continue
        yield _csv_row(line, columns, cells)


# What a column's cells are, worked out once from the header rather than for every cell.
_TEXT, _EXPORT_ONLY, _METADATA, _INTEGER, _DATE = range(5)


def _kind(name: str) -> int:
    if name in EXPORT_ONLY:
        return _EXPORT_ONLY
    if name.startswith(METADATA_PREFIX):
        return _METADATA
    if name in INTEGERS:
        return _INTEGER
    return _DATE if name in DATES else _TEXT


def _csv_row(line: int, columns: list[tuple[str, int]], cells: list[str]) -> Item:
    fields: dict[str, Any] = {}
    raw: dict[str, str] = {}
    metadata: dict[str, str] = {}
    try:
        for (name, kind), cell in zip(columns, cells, strict=False):
            value = cell.strip()
            if not value:
                continue
            raw[name] = value
            if value[0] == "'" and value[1:2] in FORMULA_STARTS:
                value = value[1:]  # `botui export` wrote the `'` to disarm a formula
            if kind == _TEXT:
                fields[name] = value
            elif kind == _INTEGER:
                fields[name] = whole_number(value, name)
            elif kind == _DATE:
                fields[name] = timestamp(value, name)
            elif kind == _METADATA:
                metadata[name[len(METADATA_PREFIX) :]] = metadata_value(value)
    except CellError as error:
        return RowProblem(line, error.field, error.message)
    if metadata:
        fields["metadata"] = metadata
    return ImportRow(line, row_key(fields, raw), fields)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def botui_jsonl(raw: BinaryIO, on_position: Position) -> Iterator[Item]:
    """The botui JSON Lines format: one JSON object a line, with create's names."""
    text = io.TextIOWrapper(raw, encoding="utf-8-sig")
    line = 0
    while True:
        try:
            content = text.readline()
        except UnicodeDecodeError:
            raise file_problem(
                line + 1, None, "the file is not UTF-8 text; save it as UTF-8 and try again"
            ) from None
        if not content:
            return
        line += 1
        if line % REPORT_EVERY == 0:
            on_position()
        if content.strip():
            yield _json_row(line, content)


def _json_row(line: int, content: str) -> Item:
    try:
        data = json.loads(content, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as exc:
        return RowProblem(line, None, f"the line is not valid JSON ({exc}); give one object a line")
    if not isinstance(data, dict):
        return RowProblem(line, None, "the line must be one JSON object")
    fields: dict[str, Any] = {}
    try:
        for name, value in data.items():
            if name not in COLUMNS and name not in EXPORT_ONLY and name != "metadata":
                return RowProblem(
                    line, name, f"{name} is not a field of the botui format; remove it"
                )
            if value is None or name in EXPORT_ONLY:
                continue
            if name in DATES and isinstance(value, str):
                value = timestamp(value.strip(), name)
            fields[name] = value
    except CellError as error:
        return RowProblem(line, error.field, error.message)
    return ImportRow(line, row_key(fields, data), fields)
