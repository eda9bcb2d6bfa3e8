"""`botui import`: check every row of a file first, then create its backorders in batches.

The file is read once and never held whole: the first pass checks each row and keeps the good
ones, as they will be written, in the importer's scratch database; the second writes them from
there in transactions of about WRITE_SECONDS each. Nothing is written unless every row is good (or
`--skip-invalid` says to leave the bad ones out); re-importing a file skips every row whose
source key was imported before.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from botui.domain.errors import BotuiError, validation
from botui.domain.imports import DUPLICATE, SKIPPED, Importer, ImportRow, RowProblem
from botui.domain.service import Service
from botui.io.progress import ImportProgress
from botui.io.rows import SKIPPED_LINE, ImportRefusal, Item, botui_csv, botui_jsonl
from botui.io.shopify import COLUMN_OF, shopify_csv

FORMATS = ("botui", "shopify")
# Rows checked per batch, and written in the first transaction. Later transactions take as
# many rows as are written in about WRITE_SECONDS (from a fifth to five times BATCH): each
# commit rewrites the index pages its rows touched, so fewer, larger ones are faster, and
# another user waiting for the write lock (up to 10 seconds) waits about that long, not the
# whole import.
BATCH = 10_000
WRITE_SECONDS = 2.0
MAX_REPORTED = 100
JSON_LINES = (".jsonl", ".ndjson")

Reader = Callable[[BinaryIO, Callable[[], None]], Iterator[Item]]


def _reader(path: Path, fmt: str) -> Reader:
    if fmt == "shopify":
        return shopify_csv
    if fmt != "botui":
        raise validation(f"--format must be botui or shopify, not {fmt!r}", "format")
    return botui_jsonl if path.suffix.lower() in JSON_LINES else botui_csv


def _stat(path: Path) -> int:
    try:
        info = os.stat(path)
    except OSError as exc:
        raise validation(
            f"cannot read {path}: {exc.strerror}; check the file's path", "file"
        ) from None
    if not path.is_file():
        raise validation(f"{path} is not a file; give the path of a CSV or JSON Lines file", "file")
    return info.st_size


def _batches(
    path: Path, reader: Reader, progress: ImportProgress, phase: str
) -> Iterator[list[Item]]:
    """The file's items, BATCH at a time, with the progress bar following the bytes read."""
    try:
        raw = open(path, "rb")  # noqa: SIM115 - closed below, also when the caller stops early
    except OSError as exc:
        raise validation(f"cannot read {path}: {exc.strerror}", "file") from None
    try:
        progress.start(phase)
        batch: list[Item] = []
        for item in reader(raw, lambda: progress.update(raw.tell() if not raw.closed else 0)):
            batch.append(item)
            if len(batch) >= BATCH:
                yield batch
                batch = []
        if batch:
            yield batch
        progress.update(progress.size)
    finally:
        raw.close()


def _field(fmt: str, problem: RowProblem) -> RowProblem:
    if fmt == "shopify" and problem.field in COLUMN_OF:
        return RowProblem(problem.line, COLUMN_OF[problem.field], problem.message)
    return problem


def import_file(
    service: Service,
    path: str | Path,
    *,
    fmt: str = "botui",
    business: str | None = None,
    dry_run: bool = False,
    skip_invalid: bool = False,
    show_progress: bool = False,
) -> dict[str, Any]:
    """Import one file; the contract's answer `{created, skipped, invalid, rows}`."""
    path = Path(path)
    reader = _reader(path, fmt)
    size = _stat(path)
    with (
        Importer(service, source=str(path), business=business) as importer,
        ImportProgress(size, show_progress) as progress,
    ):
        if fmt == "shopify" and importer.default_business is None:
            raise validation(
                "give --business ID: a Shopify export names no business, and the database "
                "does not hold exactly one",
                "business",
            )
        found = _check(path, reader, importer, progress, fmt)
        invalid, problems = found.invalid, found.problems
        if invalid and not skip_invalid:
            first = problems[0]
            raise ImportRefusal(
                "validation_error",
                f"{invalid:,} row{'s are' if invalid != 1 else ' is'} invalid (the first on "
                f"line {first.line}: {first.message}); nothing was imported: fix "
                f"{'them' if invalid != 1 else 'it'}, or give --skip-invalid to import the "
                "other rows",
                None,
                rows=problems,
            )
        created, skipped = found.planned, found.passed_over + found.taken
        if not dry_run and found.planned:
            created, skipped_now = _write(importer, progress, found.planned)
            skipped += skipped_now
    return {
        "created": created,
        "skipped": skipped,
        "invalid": invalid,
        "rows": [problem.to_json() for problem in problems],
    }


@dataclass
class _Checked:
    """What the first pass found: rows to create, rows to skip, bad rows."""

    planned: int = 0
    taken: int = 0  # rows whose key an earlier import took
    passed_over: int = 0  # lines the format leaves out, and repeats of a key in this file
    invalid: int = 0
    problems: list[RowProblem] = field(default_factory=list)


def _check(
    path: Path, reader: Reader, importer: Importer, progress: ImportProgress, fmt: str
) -> _Checked:
    """First pass: check every row, keeping counts and the first bad rows (the importer
    keeps the good ones for the second pass)."""
    found = _Checked()
    for batch in _batches(path, reader, progress, "checking"):
        rows = [item for item in batch if isinstance(item, ImportRow)]
        outcomes = iter(importer.check(rows))
        for item in batch:
            outcome: Any = next(outcomes) if isinstance(item, ImportRow) else item
            if outcome is None:
                found.planned += 1
            elif outcome == SKIPPED:
                found.taken += 1
            elif outcome in (SKIPPED_LINE, DUPLICATE):
                found.passed_over += 1
            else:
                found.invalid += 1
                if len(found.problems) < MAX_REPORTED:
                    found.problems.append(_field(fmt, outcome))
    return found


def _write(importer: Importer, progress: ImportProgress, planned: int) -> tuple[int, int]:
    """Second pass: create the checked rows' backorders, a transaction per batch."""
    created = skipped = 0
    progress.start("importing", planned)
    size = BATCH
    with importer.writing():
        while rows := importer.staged(size):
            started = time.monotonic()
            try:
                counts = importer.write(rows)
            except BotuiError as error:
                if created:
                    # Earlier batches are committed: say so, and that running again finishes.
                    error.message += (
                        f" (earlier batches were written, {created:,} created; importing the "
                        "file again skips them and finishes the rest)"
                    )
                raise
            size = next_batch(size, time.monotonic() - started)
            created += counts.created
            skipped += counts.skipped
            progress.update(created + skipped)
    return created, skipped


def next_batch(size: int, took: float) -> int:
    """The rows of the next write transaction: as many as take about WRITE_SECONDS, from
    BATCH / 5 to BATCH * 5, growing at most twofold at a time."""
    wanted = size * min(2.0, WRITE_SECONDS / max(took, 0.001))
    return max(BATCH // 5, min(BATCH * 5, int(wanted)), 1)
