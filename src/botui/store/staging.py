"""An import's scratch space: a private temporary SQLite database, deleted when it is closed.

The first pass of an import keeps here what it learns (the source keys seen, the records rows
name, the records it plans, each good row as it will be written), so the process holds a batch
at a time whatever the file's size, and the second pass reads its rows from here instead of
reading and checking the file again. Nothing here is the shop's data: the database of record is
written only by the second pass, through the service.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
import weakref
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import peewee

from botui.store import peewee_types

SQLITE = peewee_types.SQLITE
# SQLite's page cache for the scratch database (KiB, negative as PRAGMA cache_size takes it):
# bounded, the rest stays in the temporary file.
CACHE_KIB = 8_000
# The page cache of the database written while an import writes (KiB): its indexes' pages are
# read again and again, batch after batch. A fixed size, whatever the file's.
WRITE_CACHE_KIB = 128_000
# Values bound in one `IN (...)`: well under SQLite's limit, and small SQL to prepare.
IN_BATCH = 500

_SCHEMA = """
CREATE TABLE seen (key TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE name (
    kind TEXT NOT NULL, key TEXT NOT NULL, a, b, c, ambiguous INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (kind, key)
) WITHOUT ROWID;
CREATE TABLE plan (n INTEGER PRIMARY KEY, kind TEXT NOT NULL, v1, v2, v3, v4, id TEXT);
CREATE TABLE row (
    pos INTEGER PRIMARY KEY, line INTEGER NOT NULL, key TEXT NOT NULL, id,
    product, business, customer, ord, quantity, price, priority_level,
    estimated_ship_date, estimated_delivery_date, supplier_order, metadata
);
"""
ROW_COLUMNS = (
    "line, key, id, product, business, customer, ord, quantity, price, priority_level,"
    " estimated_ship_date, estimated_delivery_date, supplier_order, metadata"
)


def _remove(db: Any, folder: str) -> None:
    db.close()
    shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def larger_cache(db: peewee.Database, kib: int = WRITE_CACHE_KIB) -> Iterator[None]:
    """The connection's page cache at `kib` (when that is larger) for a while, then as it was.

    SQLite only: a PostgreSQL server's cache is its own (shared_buffers), not a connection's.
    """
    if not isinstance(db, peewee.SqliteDatabase):
        yield
        return
    before = db.execute_sql("PRAGMA cache_size").fetchone()[0]
    wanted = before < 0 and -before < kib
    if wanted:
        db.execute_sql(f"PRAGMA cache_size = {-kib}")
    try:
        yield
    finally:
        if wanted:
            db.execute_sql(f"PRAGMA cache_size = {int(before)}")


def _chunks(items: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(items), IN_BATCH):
        yield items[start : start + IN_BATCH]


class Staging:
    """One import's scratch database. Columns without a type keep what they are given: a
    reference is a record's id (text) or the number of a planned record (an integer)."""

    def __init__(self) -> None:
        # A file of its own in a new private folder, removed on close. (SQLite's own temporary
        # database, named "", keeps every page in memory: memory would grow with the file.)
        self.folder = tempfile.mkdtemp(prefix="botui-import-")
        # sqlite3 or pysqlite3 (the same interface)
        self.db: sqlite3.Connection = SQLITE.connect(
            os.path.join(self.folder, "stage.db"), isolation_level=None, check_same_thread=False
        )
        for pragma in (
            "journal_mode = OFF",
            "synchronous = OFF",
            f"cache_size = -{CACHE_KIB}",
        ):
            self.db.execute(f"PRAGMA {pragma}")
        self.db.executescript(_SCHEMA)
        # Removed on close, or when the importer is dropped unclosed, or at exit at the latest.
        self._remove = weakref.finalize(self, _remove, self.db, self.folder)

    def close(self) -> None:
        self._remove()

    def _among(self, sql: str, values: list[Any], *params: Any) -> Iterator[tuple[Any, ...]]:
        for chunk in _chunks(values):
            marks = ", ".join("?" * len(chunk))
            yield from self.db.execute(sql.format(marks), (*params, *chunk)).fetchall()

    def _many(self, sql: str, rows: Iterable[tuple[Any, ...]]) -> None:
        self.db.execute("BEGIN")
        try:
            self.db.executemany(sql, rows)
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # -- source keys ----------------------------------------------------------------------

    def seen_among(self, keys: list[str]) -> set[str]:
        """Which of these keys an earlier batch of the file had."""
        return {key for (key,) in self._among("SELECT key FROM seen WHERE key IN ({})", keys)}

    def add_seen(self, keys: Iterable[str]) -> None:
        self._many("INSERT INTO seen (key) VALUES (?)", ((key,) for key in keys))

    # -- what names point to --------------------------------------------------------------

    def names(self, kind: str, keys: list[str]) -> Iterator[tuple[str, Any, Any, Any, int]]:
        """(key, a, b, c, ambiguous) of the names of one kind among `keys`."""
        yield from self._among(
            "SELECT key, a, b, c, ambiguous FROM name WHERE kind = ? AND key IN ({})", keys, kind
        )

    def add_names(self, rows: Iterable[tuple[str, str, Any, Any, Any]]) -> None:
        """(kind, key, a, b, c); a key given twice is ambiguous."""
        self._many(
            "INSERT INTO name (kind, key, a, b, c) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (kind, key) DO UPDATE SET ambiguous = 1",
            rows,
        )

    # -- planned records ------------------------------------------------------------------

    def add_plans(self, rows: Iterable[tuple[int, str, Any, Any, Any, Any]]) -> None:
        """(n, kind, v1, v2, v3, v4) of records the import will create."""
        self._many("INSERT INTO plan (n, kind, v1, v2, v3, v4) VALUES (?, ?, ?, ?, ?, ?)", rows)

    def plans(self, numbers: list[int]) -> dict[int, tuple[str, Any, Any, Any, Any, str | None]]:
        """n -> (kind, v1, v2, v3, v4, id once created) of these planned records."""
        sql = "SELECT n, kind, v1, v2, v3, v4, id FROM plan WHERE n IN ({})"
        return {row[0]: row[1:] for row in self._among(sql, numbers)}

    def set_plan_ids(self, pairs: Iterable[tuple[str, int]]) -> None:
        """(id, n): the planned record n was created with this id."""
        self._many("UPDATE plan SET id = ? WHERE n = ?", pairs)

    # -- the rows to write ----------------------------------------------------------------

    def add_rows(self, rows: Iterable[tuple[Any, ...]]) -> None:
        """Rows as they will be written (ROW_COLUMNS), in file order."""
        marks = ", ".join("?" * len(ROW_COLUMNS.split(",")))
        self._many(f"INSERT INTO row ({ROW_COLUMNS}) VALUES ({marks})", rows)

    def rows(self, after: int, size: int) -> list[tuple[Any, ...]]:
        """Up to `size` staged rows in file order from position `after` on: (position, then
        ROW_COLUMNS) each."""
        rows: list[tuple[Any, ...]] = self.db.execute(
            f"SELECT pos, {ROW_COLUMNS} FROM row WHERE pos > ? ORDER BY pos LIMIT ?",
            (after, size),
        ).fetchall()
        return rows

    def count(self) -> int:
        count: int = self.db.execute("SELECT count(*) FROM row").fetchone()[0]
        return count
