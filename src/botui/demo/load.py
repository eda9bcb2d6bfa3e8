"""Writing a generated history into an empty database in one transaction, on two cores.

Indexes and insert triggers are set aside during the load and rebuilt once after it (a sort,
not a million B-tree walks); the search index is written directly; a helper process spools
orders, receipts and events (in time order) while this one writes the rest, and the spool is
copied in at the end. A killed run leaves the database as it was and no spool behind.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import peewee

from botui import config
from botui.demo.catalogue import words
from botui.demo.history import (
    B_CUSTOMER,
    B_ID,
    B_NOTICED,
    B_OPEN,
    B_ORDER,
    B_PRODUCT,
    B_SUPPLIER,
    BACKORDER_COLUMNS,
    Demo,
    event_time,
    generate,
)
from botui.domain.errors import BotuiError, storage_error, validation
from botui.store.db import SQLITE, translate_errors
from botui.store.engine import is_postgres
from botui.store.folding import fold

# Page cache while loading (KiB): a million backorders fit, so nothing spills mid-way.
BULK_CACHE_KIB = 2_000_000
DEFAULT_COUNT = 2000
DEFAULT_SEED = 7

REFERENCE_TABLES = ("business", "customer", "product", "orders", "backorder")


def _has_records(cursor: Any) -> bool:
    return any(
        cursor.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone() for table in REFERENCE_TABLES
    )


@contextmanager
def _loading(cursor: Any, table: str) -> Iterator[None]:
    """Set a table's indexes and insert triggers aside during a bulk load, then restore them.

    An index built once after the load is a sort, far cheaper than a million B-tree walks,
    and a per-row trigger costs more than the row. The caller writes what an insert trigger
    would have written (the search index); the others only refuse replacing rows, which a
    load into empty tables never does.
    """
    kept = cursor.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = ? AND sql IS NOT NULL"
        " AND (type = 'index' OR (type = 'trigger' AND sql LIKE '% INSERT ON %'))",
        (table,),
    ).fetchall()
    for kind, name, _ in kept:
        cursor.execute(f'DROP {kind.upper()} "{name}"')
    yield
    for _, _, sql in kept:
        cursor.execute(sql)


def _bulk(cursor: Any, table: str, columns: tuple[str, ...], rows: list[Any]) -> None:
    """Insert many rows into a table with its indexes and insert triggers set aside."""
    with _loading(cursor, table):
        _insert(cursor, table, columns, rows)


def _insert(cursor: Any, table: str, columns: tuple[str, ...], rows: list[Any]) -> None:
    cursor.executemany(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
        rows,
    )


def _search_rows(demo: Demo, first_seq: int) -> list[tuple[int, str]]:
    """The search index's text per backorder, exactly as the insert trigger composes it (folded)."""
    customers = {c[0]: c[1] for c in demo.customers}
    products = {p[0]: f"{p[2]}\n{p[1]}" for p in demo.products}
    numbers = {o[0]: o[1] for o in demo.orders}
    return [
        (
            first_seq + position,
            fold(
                f"{row[B_ID]}\n{customers[row[B_CUSTOMER]]}\n{products[row[B_PRODUCT]]}\n"
                f"{numbers.get(row[B_ORDER]) or ''}\n{row[B_SUPPLIER] or ''}"
            ),
        )
        for position, row in enumerate(demo.backorders, 1)
    ]


# Tables the helper process writes to the spool file, with their columns.
SPOOLED = (
    ("orders", ("id", "number", "customer_id", "business_id", "placed_at")),
    ("receipt", ("receipt", "product_id", "quantity", "supplier_order", "at", "actor")),
    ("event", ("at", "type", "backorder_id", "actor", "data")),
)
SPOOL_CHUNK = 200_000


def _spooled_rows(demo: Demo) -> dict[str, list[tuple[Any, ...]]]:
    return {"orders": demo.orders, "receipt": demo.receipts, "event": demo.events}


def _create_spool(path: str, search_table: str) -> None:
    """An empty spool file with its tables, made before the main connection attaches it.

    `search_table` is the main file's own CREATE statement of the search index, so the spool's
    index is built the same way and its shadow tables can be copied over as they are.
    """
    con = SQLITE.connect(path, isolation_level=None)
    try:
        for table, columns in SPOOLED:
            con.execute(f"CREATE TABLE {table} ({', '.join(columns)})")
        con.execute(search_table)
    finally:
        con.close()


def _fill_spool(path: str, demo: Demo, first_seq: int, stop: Callable[[], bool]) -> bool:
    """Write the spooled tables and build the search index; False if `stop` said to give up."""
    con = SQLITE.connect(path, isolation_level=None)
    try:
        con.execute("PRAGMA journal_mode = OFF")
        con.execute("PRAGMA synchronous = OFF")
        con.execute("BEGIN")
        rows = _spooled_rows(demo)
        rows["backorder_search"] = _search_rows(demo, first_seq)
        for table, columns in (*SPOOLED, ("backorder_search", ("rowid", "body"))):
            for start in range(0, len(rows[table]), SPOOL_CHUNK):
                if stop():
                    return False
                _insert(con, table, columns, rows[table][start : start + SPOOL_CHUNK])
        con.execute("COMMIT")
        return True
    finally:
        con.close()


def _spool_helper(demo: Demo, path: str, first_seq: int, pipe: Any, parents_end: Any) -> None:
    """The helper process: spool the spooled tables (events in time order), index the search.

    It stops when the main process goes away (its end of the pipe closes) and always removes
    the spool folder before it exits, so a killed `botui demo` leaves nothing behind.
    """
    parents_end.close()
    try:
        demo.events.sort(key=event_time)
        if _fill_spool(path, demo, first_seq, pipe.poll):
            pipe.send("spooled")
            pipe.poll(None)
    except (OSError, EOFError):
        pass
    finally:
        shutil.rmtree(os.path.dirname(path), ignore_errors=True)


def _copy_spool(cursor: Any) -> None:
    """Move the spooled rows into the main tables, in spool order (events by time).

    The search index arrives built: its shadow tables (segments, terms, texts, settings) are
    copied as they are, which costs a copy instead of tokenizing a million texts again.
    """
    for table, columns in SPOOLED:
        names = ", ".join(columns)
        with _loading(cursor, table):
            cursor.execute(
                f"INSERT INTO {table} ({names}) SELECT {names} FROM spool.{table} ORDER BY rowid"
            )
    shadows = cursor.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'backorder^_search^_%'"
        " ESCAPE '^'"
    ).fetchall()
    for (name,) in shadows:
        cursor.execute(f'DELETE FROM main."{name}"')
        cursor.execute(f'INSERT INTO main."{name}" SELECT * FROM spool."{name}"')


def _write_main(cursor: Any, demo: Demo) -> None:
    """Insert the tables this process writes itself; the search index comes from the spool."""
    _bulk(cursor, "business", ("id", "name"), demo.businesses)
    _bulk(cursor, "customer", ("id", "name", "email", "phone"), demo.customers)
    _bulk(cursor, "product", ("id", "sku", "name", "stock_on_hand"), demo.products)
    with _loading(cursor, "backorder"):
        _insert(cursor, "backorder", BACKORDER_COLUMNS, demo.backorders)
    _bulk(cursor, "refund", ("backorder_id", "amount", "reason", "at", "actor"), demo.refunds)
    _bulk(
        cursor,
        "notification",
        words("id backorder_id channel recipient subject body status created_at sent_at actor"),
        demo.notifications,
    )


def _advance_counters(cursor: Any, demo: Demo) -> None:
    """Generated ids continue after the demo's: BO-{count + 1} is the next backorder."""
    counters = {
        "business": len(demo.businesses),
        "customer": len(demo.customers),
        "product": len(demo.products),
        "order": len(demo.orders),
        "backorder": len(demo.backorders),
    }
    for name, value in counters.items():
        cursor.execute(
            "INSERT INTO counter (name, value) VALUES (?, ?) ON CONFLICT (name)"
            " DO UPDATE SET value = max(value, excluded.value)",
            (name, value),
        )


def _numbering(cursor: Any) -> tuple[int, int]:
    """The next notification id and the last backorder seq, which the generated rows follow."""
    notification, backorder = (
        cursor.execute(
            "SELECT coalesce(max(seq), 0) FROM sqlite_sequence WHERE name = ?", (name,)
        ).fetchone()[0]
        for name in ("notification", "backorder")
    )
    return notification + 1, backorder


def _search_table(cursor: Any) -> str:
    return cursor.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'backorder_search'"
    ).fetchone()[0]


def _refuse_filled(cursor: Any, db: peewee.Database) -> None:
    if _has_records(cursor):
        raise validation(
            f"{_path(db)} already holds records; demo data goes into an empty database only:"
            " give a new --db path"
        )


def _fill_postgres(db: peewee.Database, count: int, seed: int) -> str:
    """The demo into an empty PostgreSQL database: the bulk load is SQLite's (its schema
    tables, pragmas, an attached spool file), so the demo is made in a SQLite file in a
    temporary folder and copied in as `botui copy` does (one transaction: all or nothing)."""
    from botui.store.copying import copy_database
    from botui.store.db import open_database
    from botui.store.models import database_proxy

    with db.connection_context(), translate_errors(_path(db)):
        _refuse_filled(db.cursor(), db)
    try:
        with tempfile.TemporaryDirectory(prefix="botui-demo-") as folder:
            made = open_database(os.path.join(folder, "demo.db"))
            try:
                summary = fill_demo(made, count=count, seed=seed)
            finally:
                made.close()
            copy_database(os.path.join(folder, "demo.db"), db.database)
    finally:
        database_proxy.initialize(db)  # opening the file and copying bound the models elsewhere
    return summary


def _path(db: peewee.Database) -> str:
    return str(getattr(db, "botui_path", db.database))


@contextmanager
def _bulk_settings(cursor: Any) -> Iterator[None]:
    """A page cache that holds the whole load, and sorter threads for the index builds."""
    cache_size = cursor.execute("PRAGMA cache_size").fetchone()[0]
    threads = cursor.execute("PRAGMA threads").fetchone()[0]
    cursor.execute(f"PRAGMA cache_size = {-BULK_CACHE_KIB}")
    cursor.execute(f"PRAGMA threads = {max(threads, os.cpu_count() or 1)}")
    try:
        yield
    finally:
        cursor.execute(f"PRAGMA cache_size = {int(cache_size)}")
        cursor.execute(f"PRAGMA threads = {int(threads)}")


@contextmanager
def _transaction(cursor: Any) -> Iterator[None]:
    """One write transaction holding the write lock from its first statement.

    A deferred BEGIN (not IMMEDIATE) so that the attached spool file stays unlocked while the
    helper writes it; the no-op UPDATE takes the main file's write lock at once all the same.
    Foreign keys are checked at COMMIT, as orders arrive after the backorders naming them.
    """
    cursor.execute("BEGIN")
    try:
        cursor.execute("UPDATE counter SET value = value WHERE 0")
        cursor.execute("PRAGMA defer_foreign_keys = ON")
        yield
        cursor.execute("COMMIT")
    except BaseException:
        cursor.execute("ROLLBACK")
        raise


def _helper_failed() -> BotuiError:
    return storage_error("the demo's helper process stopped before it finished; nothing was saved")


def fill_demo(db: peewee.Database, count: int = DEFAULT_COUNT, seed: int = DEFAULT_SEED) -> str:
    """Write `count` demo backorders with their history into an empty database; a summary line.

    The history is generated first (with the garbage collector paused: it would rescan
    millions of fresh tuples again and again); then two processes share the work on two
    cores: a forked helper spools orders, receipts and events and builds the search index in
    a spool file while this one writes the rest, then copies the spool in. All of it is one
    transaction, so a killed run leaves the database as it was.
    """
    if is_postgres(db):
        return _fill_postgres(db, count, seed)
    now = config.now()
    collecting = gc.isenabled()
    gc.disable()
    try:
        with db.connection_context(), translate_errors(_path(db)):
            cursor = db.cursor()
            _refuse_filled(cursor, db)
            demo = _load(db, cursor, count, seed, now)
    finally:
        if collecting:
            gc.enable()
    late = sum(1 for row in demo.backorders if row[B_NOTICED] is not None)
    still_open = sum(row[B_OPEN] for row in demo.backorders)
    return (
        f"demo: wrote {count:,} backorders ({still_open:,} open, {late:,} late), "
        f"{len(demo.customers):,} customers, {len(demo.products):,} products, "
        f"{len(demo.orders):,} orders, {len(demo.events):,} events (seed {seed})"
    )


def _load(db: peewee.Database, cursor: Any, count: int, seed: int, now: int) -> Demo:
    """Generate and write the demo with the helper process; returns what was written."""
    context = multiprocessing.get_context("fork")
    numbering = _numbering(cursor)
    demo = generate(count, seed, now, numbering[0])
    # The spool folder exists only while the helper runs: it removes it even if we are killed.
    with tempfile.TemporaryDirectory(prefix="botui-demo-", ignore_cleanup_errors=True) as folder:
        spool = os.path.join(folder, "spool.db")
        _create_spool(spool, _search_table(cursor))
        ours, theirs = context.Pipe()
        helper = context.Process(
            target=_spool_helper,
            args=(demo, spool, numbering[1], theirs, ours),
            daemon=True,
        )
        helper.start()
        theirs.close()
        cursor.execute("ATTACH DATABASE ? AS spool", (spool,))
        try:
            with _bulk_settings(cursor), _transaction(cursor):
                _refuse_filled(cursor, db)
                if _numbering(cursor) != numbering:
                    raise validation(
                        f"{_path(db)} changed while the demo was generated; run it again"
                    )
                _write_main(cursor, demo)
                try:
                    if ours.recv() != "spooled":
                        raise _helper_failed()
                except EOFError:
                    raise _helper_failed() from None
                _copy_spool(cursor)
                _advance_counters(cursor, demo)
        finally:
            cursor.execute("DETACH DATABASE spool")
            ours.close()
            helper.join(timeout=30)
    return demo


def ensure_demo(db: peewee.SqliteDatabase) -> None:
    """Fill the default demo into a database that holds no records yet (for `botui --demo`)."""
    with db.connection_context():
        if _has_records(db.cursor()):
            return
    fill_demo(db)
