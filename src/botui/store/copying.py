"""Copying a whole botui database into one without records, on either engine (`botui copy`).

Every table's rows go across with their own keys (ids, `seq`, versions, events, outbox entries
with their attempts and claims, refunds, receipts, import keys), then the counters behind
generated ids and the `meta` facts (the `database_id` too, so the outbox's Message-IDs stay
the same), and last each id generator is moved past the copied ids (SQLite's `sqlite_sequence`,
PostgreSQL's identity sequences), never below where the source's own stood.

The source is read as it is: a copy never makes or upgrades its schema (nor changes a file's
mode), and refuses one that is not exactly this botui's (older, none, or a newer botui's). It
is read in one snapshot (a read transaction, no write lock: its users keep working) a page of
BATCH rows at a time in key order, so a million rows need no more memory than a page.
A destination holding records is refused before anything is done to it: one of an older
schema is upgraded only after that check, in the upgrade's own transaction.
The destination is written in one transaction: all of it or nothing. On SQLite its search
index is filled by its own triggers as the backorders arrive; PostgreSQL takes the rows by COPY
into tables whose secondary indexes and search trigger are set aside, then builds each index in
one pass and the search index in one statement (see _set_aside), all in that transaction.
"""

from __future__ import annotations

import importlib
import os
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import peewee

from botui.errors import BotuiError, conflict, storage_error, validation
from botui.store import engine, postgres
from botui.store.db import (
    SQLITE,
    database_name,
    open_database,
    release,
    schema_gap,
    storage_failure,
)
from botui.store.sqlite import migration_names

BATCH = 5_000
# PostgreSQL's search index: the trigger that fills it and the migration that wrote its text.
SEARCH_TRIGGER = "backorder_search_insert"
SEARCH_MIGRATION = "0005_folded_search"

# `progress(label, rows copied so far, rows in the table)`, after every page.
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Table:
    name: str
    key: str  # the primary key: pages are read in its order
    label: str  # the table's name in the summary
    generated: bool = False  # the key is drawn from an id generator
    merged: bool = False  # rows replace the destination's own (a new database has some)
    record: bool = True  # a destination holding one of these rows is refused


# Referenced tables before the tables that reference them.
TABLES = (
    Table("business", "id", "businesses"),
    Table("customer", "id", "customers"),
    Table("product", "id", "products"),
    Table("orders", "id", "orders"),
    Table("backorder", "seq", "backorders", generated=True),
    Table("event", "id", "events", generated=True),
    Table("notification", "id", "outbox", generated=True),
    Table("refund", "id", "refunds", generated=True),
    Table("receipt", "id", "receipts", generated=True),
    Table("import_source", "key", "importKeys"),
    Table("counter", "name", "counters", merged=True, record=False),
    Table("meta", "key", "meta", merged=True, record=False),
)


# How the conflict's message names the rows of a table whose label is not a plural noun.
# A table's label as a message counts it: (one, many); otherwise the label less its "s".
_WORDS = {
    "businesses": ("business", "businesses"),
    "outbox": ("outbox entry", "outbox entries"),
    "importKeys": ("import key", "import keys"),
}


def _counted(count: int, label: str) -> str:
    """A count and its noun: "1 business", "40 customers", "7 outbox entries"."""
    one, many = _WORDS.get(label, (label.removesuffix("s"), label))
    return f"{count:,} {one if count == 1 else many}"


def display_name(target: str | Path) -> str:
    """A database as messages show it: the file's path, or the URL without a password."""
    target = str(target)
    return postgres.display_name(target) if engine.is_postgres_url(target) else target


def _quote(name: str) -> str:
    return f'"{name}"'


def copy_database(
    source: str | Path, dest: str | Path, progress: Progress | None = None
) -> dict[str, int]:
    """Copy the database at `source` into `dest` (a file or a URL each); rows per table label.

    Refused: `dest` the same database as `source` (validation_error), `dest` holding records
    (conflict). A source that is missing or cannot be opened is a storage_error; so is a
    failure half-way, after which `dest` holds nothing new (a file it made is removed).
    """
    source, dest = str(source), str(dest)
    if not engine.is_postgres_url(source) and not Path(source).is_file():
        raise storage_error(
            f"there is no database file at {source}: check --from (a botui database file "
            "or a postgresql:// URL)"
        )
    _refuse_same_path(source, dest)
    # The source is read as it is: a copy never makes or upgrades its schema, and refuses one
    # that is not this botui's (below).
    source_db = open_database(source, upgrade=False)
    made = not engine.is_postgres_url(dest) and not Path(dest).exists()
    dest_db = None
    try:
        with source_db.connection_context(), _failures(database_name(source_db), []):
            _refuse_other_schema(source_db)
        # A destination of an older schema is upgraded only once it is known to hold no
        # records (in the upgrade's transaction): a refused copy changes nothing.
        dest_db = open_database(dest, before_upgrade=_refuse_records)
        _refuse_same_database(source_db, dest_db)
        with source_db.connection_context(), dest_db.connection_context():
            copied = _copy(source_db, dest_db, database_name(dest_db), progress)
            _analyze(dest_db)
            return copied
    except BaseException:
        if made:
            if dest_db is not None:
                dest_db.close()
            for suffix in ("", "-wal", "-shm"):
                with suppress(OSError):
                    os.unlink(f"{dest}{suffix}")
        raise
    finally:  # both let go: a PostgreSQL one keeps no idle connection (store.pg_pool)
        release(source_db)
        if dest_db is not None:
            release(dest_db)


def _analyze(db: Any) -> None:
    """PostgreSQL plans by statistics that a bulk load leaves empty until autovacuum comes by
    (a search of a million copied backorders took 4.5 s instead of 1.3 s): gather them now.
    The copy is committed already, so a failure here only leaves that to autovacuum."""
    if engine.is_postgres(db):
        with suppress(peewee.PeeweeException):
            db.execute_sql("ANALYZE")


def _same(dest: str) -> str:
    return (
        f"--from and --to name the same database ({dest}): botui copies into another "
        "database; give a new file or an empty PostgreSQL database as --to"
    )


def _refuse_same_path(source: str, dest: str) -> None:
    if engine.is_postgres_url(source) or engine.is_postgres_url(dest):
        return
    if Path(source).resolve() == Path(dest).resolve() or (
        Path(dest).exists() and os.path.samefile(source, dest)
    ):
        raise validation(_same(dest), "to")


def _refuse_same_database(source_db: Any, dest_db: Any) -> None:
    """Two URLs may spell one PostgreSQL database differently: ask the servers."""
    if not (engine.is_postgres(source_db) and engine.is_postgres(dest_db)):
        return
    ask = "SELECT current_database(), pg_postmaster_start_time()::text, inet_server_port()"
    with source_db.connection_context(), dest_db.connection_context():
        if source_db.execute_sql(ask).fetchone() == dest_db.execute_sql(ask).fetchone():
            raise validation(_same(str(dest_db.botui_path)), "to")


def _copy(source: Any, dest: Any, name: str, progress: Progress | None) -> dict[str, int]:
    copied: dict[str, int] = {}
    at: list[str] = []  # the table being copied, for a failure's message
    with _failures(name, at), _snapshot(source), dest.atomic():
        _refuse_records(dest)
        totals = _totals(source) if progress is not None else {}
        rebuild = _set_aside(dest) if engine.is_postgres(dest) else []
        generators: dict[str, int] = {}
        for table in TABLES:
            at[:] = [table.label]
            columns = _columns(dest, table)
            done = 0
            last = None
            for rows in _pages(source, table, columns):
                _write(dest, table, columns, rows)
                done += len(rows)
                last = rows[-1][columns.index(table.key)]
                if progress is not None:
                    progress(table.label, done, totals.get(table.name, done))
            copied[table.label] = done
            if table.generated:
                generators[table.name] = max(_generator(source, table), last or 0)
        at[:] = ["indexes"]
        for number, statement in enumerate(rebuild, 1):
            _as_written(dest, statement)
            if progress is not None:
                progress("indexes", number, len(rebuild))
        at[:] = ["id generators"]
        for table in TABLES:
            if table.generated and generators[table.name] > 0:
                _advance(dest, table, generators[table.name])
    return copied


def _set_aside(db: Any) -> list[str]:
    """On PostgreSQL, set aside the secondary indexes and the search index's insert trigger of
    the tables being filled; the statements that bring them back, to run once every row is in.

    A row trigger costs a few hundred microseconds a backorder and an index kept row by row
    more than one built in a pass: a million backorders load several times faster. The search
    index is then filled in one statement with the text the trigger writes. All of it happens
    inside the copy's transaction, so a failure rolls the indexes and the trigger back too.
    Skipped (rows go in one by one, trigger and all) for a user who does not own the tables.
    """
    tables = [table.name for table in TABLES] + ["backorder_search"]
    owned = db.execute_sql(
        "SELECT bool_and(pg_has_role(relowner, 'USAGE')) FROM pg_class"
        " WHERE relname = ANY(%s) AND relkind = 'r'"
        " AND relnamespace = current_schema()::regnamespace",
        (tables,),
    ).fetchone()[0]
    if not owned:
        return []
    indexes = db.execute_sql(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i"
        " JOIN pg_class c ON c.oid = i.indrelid"
        " WHERE c.relname = ANY(%s) AND c.relnamespace = current_schema()::regnamespace"
        " AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)"
        " ORDER BY 1",
        (tables,),
    ).fetchall()
    for index, _ in indexes:
        _as_written(db, f"DROP INDEX {index}")
    db.execute_sql(f"ALTER TABLE backorder DISABLE TRIGGER {SEARCH_TRIGGER}")
    db.execute_sql("SET LOCAL maintenance_work_mem = '256MB'")
    return [
        _search_fill(),
        f"ALTER TABLE backorder ENABLE TRIGGER {SEARCH_TRIGGER}",
        *(definition for _, definition in indexes),
    ]


def _as_written(db: Any, statement: str) -> None:
    """Run `statement` without parameters, so the driver leaves it as written: an index's
    definition or name read back from the server may hold a `%` (`WHERE name LIKE 'A%'`),
    which psycopg would take for a placeholder if given parameters, even none."""
    db.cursor().execute(statement)


def _search_fill() -> str:
    """Every backorder's search text in one statement, as the insert trigger writes it
    (its text is the migration's own; tests compare the two)."""
    search = importlib.import_module(f"botui.store.migrations.{SEARCH_MIGRATION}")
    text = search.PG_SEARCH_TEXT.format(r="backorder")
    return f"INSERT INTO backorder_search (seq, body) SELECT seq, {text} FROM backorder"


@contextmanager
def _snapshot(db: Any) -> Iterator[None]:
    """One read transaction on the source, without botui's write lock: a consistent picture
    while others keep writing (SQLite's WAL snapshot, PostgreSQL's REPEATABLE READ)."""
    if engine.is_postgres(db):
        db.execute_sql("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
    else:
        db.execute_sql("BEGIN DEFERRED")
    try:
        yield
    finally:
        with suppress(Exception):
            db.execute_sql("ROLLBACK")


@contextmanager
def _failures(name: str, at: list[str]) -> Iterator[None]:
    """An engine's failure while copying, in plain words: nothing was written to `name`."""
    errors: tuple[type[Exception], ...] = (peewee.PeeweeException, sqlite3.Error, SQLITE.Error)
    try:
        import psycopg

        errors += (psycopg.Error,)
    except ImportError:  # pragma: no cover - psycopg is a dependency
        pass
    try:
        yield
    except BotuiError:
        raise
    except errors as exc:
        if _interrupted(exc):
            # Stopped mid-statement, the rollback failed too; the server drops the
            # transaction with the connection. Said as the interruption it is.
            raise KeyboardInterrupt from None
        known = storage_failure(name, exc)
        if known.code == "storage_error" and at:
            reason = " ".join(str(exc).split())
            known = storage_error(
                f"the copy stopped while copying the {at[0]} ({reason}); nothing was "
                f"copied: {name} holds no records"
            )
        raise known from exc


def _interrupted(exc: BaseException | None) -> bool:
    """Whether `exc` happened while handling a KeyboardInterrupt (Ctrl-C, or `kill`)."""
    while exc is not None:
        if isinstance(exc, KeyboardInterrupt):
            return True
        exc = exc.__context__
    return False


def _refuse_other_schema(db: Any) -> None:
    """Refuse a source whose schema is not exactly this botui's: an older one (or none) would
    have to be upgraded, which a copy does not do to its source, and a newer one may hold
    what this botui would not carry across."""
    name = database_name(db)
    missing, unknown = schema_gap(db)
    if missing and len(missing) == len(migration_names()):
        raise storage_error(
            f"{name} is not a botui database (it has no botui tables): check --from; "
            "nothing was copied and it was left as it was"
        )
    if missing:
        raise storage_error(
            f"{name} was made by an older botui: it lacks {len(missing)} of this botui's "
            f"schema upgrades ({', '.join(missing)}); botui copies only from an up-to-date "
            "database and changed nothing: open it once with this botui to upgrade it (for "
            f"example `botui api list --db {name}`), then copy again"
        )
    if unknown:
        raise storage_error(
            f"{name} was made by a newer botui (schema upgrades {', '.join(unknown)} are "
            "unknown to this one), so this botui cannot copy all of it; nothing was copied: "
            "copy it with that newer botui"
        )


def _refuse_records(dest: Any) -> None:
    """Refuse a destination holding records, on its schema as it is (an older one may lack
    some tables, which then hold nothing)."""
    name = database_name(dest)
    tables = set(_tables(dest))
    held = []
    for table in TABLES:
        if not table.record or table.name not in tables:
            continue
        count = dest.execute_sql(f"SELECT count(*) FROM {_quote(table.name)}").fetchone()[0]
        if count:
            held.append(_counted(count, table.label))
    if held:
        raise conflict(
            f"{name} already holds {', '.join(held)}: botui copies only into a database "
            "without records, so nothing was changed; give a new file or an empty database "
            "as --to",
            "to",
        )


def _tables(db: Any) -> list[str]:
    """The names of the tables `db` has (in its current schema on PostgreSQL)."""
    if engine.is_postgres(db):
        query = (
            "SELECT relname FROM pg_class WHERE relkind IN ('r', 'p')"
            " AND relnamespace = current_schema()::regnamespace"
        )
    else:
        query = "SELECT name FROM sqlite_master WHERE type = 'table'"
    return [name for (name,) in db.execute_sql(query).fetchall()]


def _totals(db: Any) -> dict[str, int]:
    return {
        t.name: db.execute_sql(f"SELECT count(*) FROM {_quote(t.name)}").fetchone()[0]
        for t in TABLES
    }


def _columns(db: Any, table: Table) -> list[str]:
    """The table's columns as the destination has them (both schemas are current)."""
    cursor = db.execute_sql(f"SELECT * FROM {_quote(table.name)} WHERE 1 = 0")
    return [column[0] for column in cursor.description]


def _pages(db: Any, table: Table, columns: Sequence[str]) -> Iterator[list[tuple[Any, ...]]]:
    """The source table's rows, BATCH at a time, in key order (keyset pages: each an index
    range from the last key read, so memory stays one page whatever the table's size)."""
    select = f"SELECT {', '.join(map(_quote, columns))} FROM {_quote(table.name)}"
    order = f" ORDER BY {_quote(table.key)} LIMIT {BATCH}"
    key = columns.index(table.key)
    rows = db.execute_sql(select + order).fetchall()
    while rows:
        yield rows
        if len(rows) < BATCH:
            return
        after = engine.sql(db, f"{select} WHERE {_quote(table.key)} > ?{order}")
        rows = db.execute_sql(after, (rows[-1][key],)).fetchall()


def _write(dest: Any, table: Table, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
    names = ", ".join(map(_quote, columns))
    cursor = dest.cursor()
    if engine.is_postgres(dest) and not table.merged:
        # COPY is several times faster than INSERT on PostgreSQL; row triggers still fire.
        with cursor.copy(f"COPY {_quote(table.name)} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    statement = (
        f"INSERT INTO {_quote(table.name)} ({names}) VALUES ({', '.join('?' * len(columns))})"
    )
    if table.merged:
        updates = ", ".join(
            f"{_quote(c)} = excluded.{_quote(c)}" for c in columns if c != table.key
        )
        statement += f" ON CONFLICT ({_quote(table.key)}) DO UPDATE SET {updates}"
    cursor.executemany(engine.sql(dest, statement), rows)


def _generator(db: Any, table: Table) -> int:
    """The last id the source's generator gave for `table` (0 if none): at least the largest
    key, more when newer rows were deleted or (PostgreSQL) an insert was rolled back."""
    if engine.is_postgres(db):
        sequence = db.execute_sql(
            "SELECT pg_get_serial_sequence(%s, %s)", (table.name, table.key)
        ).fetchone()[0]
        last, called = db.execute_sql(f"SELECT last_value, is_called FROM {sequence}").fetchone()
        return last if called else 0
    row = db.execute_sql("SELECT seq FROM sqlite_sequence WHERE name = ?", (table.name,))
    found = row.fetchone()
    return found[0] if found else 0


def _advance(db: Any, table: Table, last: int) -> None:
    """Make the destination's next generated key for `table` `last + 1`.

    On PostgreSQL `setval` is not undone by a rollback: it runs after every row is written,
    so only a failed commit could leave it moved (a gap, which ids may have).
    """
    if engine.is_postgres(db):
        db.execute_sql(
            "SELECT setval(pg_get_serial_sequence(%s, %s), %s)", (table.name, table.key, last)
        )
        return
    updated = db.execute_sql(
        "UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = ?", (last, table.name)
    )
    if updated.rowcount == 0:
        db.execute_sql("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", (table.name, last))
