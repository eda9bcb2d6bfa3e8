"""`botui export`: backorders as CSV or JSON Lines, streamed page by page from the Service.

The CSV is what `botui import` reads back: the Backorder's own names as columns (ids of its
references, so the same database finds them again), the names a person knows
(`customerName`, `customerEmail`, `productSku`, `productName`, `orderNumber`, so another
database can create them), `metadata.KEY` columns, dates as ISO 8601 UTC. Any cell a spreadsheet
would run as a formula gets a leading `'`.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO, Literal

from botui.domain import schemas
from botui.domain.errors import storage_error, validation
from botui.domain.service import Service

Format = Literal["csv", "jsonl"]
FORMATS: tuple[Format, ...] = ("csv", "jsonl")
EPOCH = date(1970, 1, 1)
METADATA_PREFIX = "metadata."
# A spreadsheet runs a cell starting with one of these as a formula (OWASP's CSV injection list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DATE_COLUMNS = frozenset(
    {
        "estimatedShipDate",
        "estimatedDeliveryDate",
        "actualShipDate",
        "actualDeliveryDate",
        "createdAt",
        "cancelledAt",
        "updatedAt",
    }
)
# Every field of an export row but metadata, in the contract's order; metadata.KEY columns follow.
COLUMNS: tuple[str, ...] = tuple(
    field.alias or name
    for name, field in schemas.ExportRow.model_fields.items()
    if name != "metadata"
)


def check_format(value: str) -> Format:
    """The format asked for, or a validation_error naming the two there are."""
    for known in FORMATS:
        if value == known:
            return known
    raise validation(f"format must be csv or jsonl, not {value!r}", "format")


def iso_date(seconds: int) -> str:
    """Unix seconds as ISO 8601 UTC, as `botui import` reads them (`2027-01-15T08:00:00Z`)."""
    day, second = divmod(seconds, 86_400)
    return f"{_iso_day(day)}T{second // 3600:02}:{second // 60 % 60:02}:{second % 60:02}Z"


@lru_cache(maxsize=4096)
def _iso_day(day: int) -> str:
    """The date of a day counted from 1970-01-01 (a million rows span a few thousand days)."""
    return (EPOCH + timedelta(days=day)).isoformat()


def safe_cell(text: str) -> str:
    """The cell as written: with a leading `'` when a spreadsheet would run it as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _metadata_cell(value: Any) -> str:
    """A metadata value as CSV text: strings as they are, numbers and true/false as JSON."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value)


def csv_cells(row: dict[str, Any], metadata_keys: list[str]) -> list[str]:
    """One export row (its JSON form) as the CSV's cells, formula-safe."""
    cells = []
    for column in COLUMNS:
        value = row[column]
        if value is None:
            cells.append("")
        elif column in DATE_COLUMNS:
            cells.append(iso_date(value))
        else:
            cells.append(str(value))
    metadata = row["metadata"]
    cells += [_metadata_cell(metadata.get(key)) for key in metadata_keys]
    return [safe_cell(cell) for cell in cells]


def _rows(service: Service, payload: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for page in service.export_pages(payload):
        for row in page:
            yield row.to_json()


def write_export(service: Service, payload: dict[str, Any], fmt: Format, out: BinaryIO) -> int:
    """Write the export to a binary stream as UTF-8; the number of backorders written.

    The input is checked (and, for CSV, the metadata keys read) before the first byte is written.
    """
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=False)
    written = 0
    try:
        if fmt == "csv":
            keys = service.export_metadata_keys(payload)
            rows = _rows(service, payload)
            writer = csv.writer(text)  # RFC 4180: quoted as needed, CRLF line ends
            writer.writerow([*COLUMNS, *(METADATA_PREFIX + key for key in keys)])
            for row in rows:
                writer.writerow(csv_cells(row, keys))
                written += 1
        else:
            for row in _rows(service, payload):
                text.write(json.dumps(row, ensure_ascii=False) + "\n")
                written += 1
        text.flush()
    finally:
        text.detach()  # the caller's stream stays open
    return written


def export_to_file(service: Service, payload: dict[str, Any], fmt: Format, path: Path) -> int:
    """Write the export to `path`: a whole file or, when the export fails, none at all.

    The rows go to a temporary file beside it, renamed over `path` once complete. It is made
    0600 (readable by its owner only), as it holds customers' names and e-mail addresses.
    """
    path = Path(path)
    if path.exists() and not path.is_file():  # a device or pipe (/dev/stdout): write in place
        with _opened(path, "ab") as out:
            return write_export(service, payload, fmt, out)
    folder = path.parent
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
    except OSError as exc:
        raise storage_error(
            f"cannot write in {folder}: {exc.strerror}; choose another folder"
        ) from None
    try:
        with os.fdopen(handle, "wb") as out:
            written = write_export(service, payload, fmt, out)
        os.replace(temporary, path)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise storage_error(
            f"cannot write {path}: {exc.strerror or exc}; nothing was written"
        ) from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return written


def _opened(path: Path, mode: Literal["ab", "wb"]) -> BinaryIO:
    try:
        return open(path, mode)  # noqa: SIM115 (the caller closes it)
    except OSError as exc:
        raise storage_error(f"cannot write {path}: {exc.strerror}; choose another file") from None


def default_file_name(view: str, now: int) -> str:
    """The UI's file name for an export of a view: `botui-open-20270115T080000Z.csv` (short
    enough to stand on one line of a toast at 80 columns; the time is UTC, to the second)."""
    stamp = datetime.fromtimestamp(now, UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"botui-{view}-{stamp}.csv"
