"""PostgreSQL for the tests: the private server of scripts/pg_server.py, one fresh database
per test, cloned from a template that holds the current schema (about 30 ms a test).

`BOTUI_TEST_PG` (a server URL) uses another server; `BOTUI_TEST_ENGINES=sqlite` runs the
parametrised tests on SQLite alone (a quick local run; `make test` and CI run both).
"""

from __future__ import annotations

import importlib.util
import itertools
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import peewee
import psycopg

_SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "pg_server.py"
ENGINES = tuple(os.environ.get("BOTUI_TEST_ENGINES", "sqlite,postgres").split(","))
_numbers = itertools.count(1)
_state: dict[str, str] = {}


def _server_module():
    spec = importlib.util.spec_from_file_location("pg_server", _SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def server_url() -> str:
    """The URL of the server's maintenance database (`postgres`), starting the server once."""
    if "server" not in _state:
        _state["server"] = os.environ.get("BOTUI_TEST_PG") or _server_module().ensure()
    return _state["server"]


def database_url(name: str) -> str:
    """The URL of database `name` on the test server."""
    server = server_url()
    head, _, query = server.partition("?")
    base = head.rsplit("/", 1)[0]
    return f"{base}/{name}" + (f"?{query}" if query else "")


def _admin() -> psycopg.Connection:
    return psycopg.connect(server_url(), autocommit=True)


def _template() -> str:
    """A database holding the current schema, made once per test process."""
    if "template" not in _state:
        from botui.store.db import open_database, release

        name = f"botui_template_{os.getpid()}"
        _drop_left_behind()
        with _admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}"')
        release(open_database(database_url(name)))  # no connection left: it is copied
        _state["template"] = name
    return _state["template"]


def collated_template() -> str | None:
    """A template like `_template`'s whose own collation is not C: ICU's en-US (or libc's
    en_US.UTF-8 when the server has no ICU), where 'a' sorts before 'B' and '-' is all but
    ignored; None (a test skips) when the server offers neither. botui must sort ids there
    as on SQLite (code points): its migrations give every text column COLLATE "C"."""
    if "collated" not in _state:
        from botui.store.db import open_database, release

        name = f"botui_template_{os.getpid()}_collated"
        ways = (
            "LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'",
            "LC_COLLATE 'en_US.UTF-8' LC_CTYPE 'en_US.UTF-8'",
        )
        _state["collated"] = ""
        with _admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            for way in ways:
                try:
                    admin.execute(
                        f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8' {way}"
                    )
                except psycopg.Error:
                    continue
                _state["collated"] = name
                break
        if _state["collated"]:
            release(open_database(database_url(name)))  # no connection left: it is copied
    return _state["collated"] or None


_OURS = re.compile(r"botui_(?:t|template_)(\d+)(?:_[0-9a-z]+)?")


def _drop_left_behind() -> None:
    """Drop the databases of earlier test processes that ended without dropping them (killed,
    or stopped at a failure), so the server does not fill up run after run."""
    with _admin() as admin:
        names = [name for (name,) in admin.execute("SELECT datname FROM pg_database")]
        for name in names:
            found = _OURS.fullmatch(name)
            if found and not _alive(int(found.group(1))):
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def create_database(template: str | None = None) -> str:
    """A new database (a copy of `template`, or of the schema template); its name."""
    source = template or _template()
    name = f"botui_t{os.getpid()}_{next(_numbers)}"
    with _admin() as admin:
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}"')
    return name


def drop_database(name: str) -> None:
    with _admin() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def fresh_database(template: str | None = None) -> Iterator[str]:
    """The URL of a new database with the current schema, dropped afterwards."""
    name = create_database(template)
    try:
        yield database_url(name)
    finally:
        drop_database(name)


@contextmanager
def database(engine: str, folder: Path, name: str = "botui.db") -> Iterator[Path | str]:
    """Where a new database of `engine` is: a file `name` in `folder` on SQLite (made when
    first opened), a fresh database's URL on PostgreSQL (dropped afterwards)."""
    if engine == "sqlite":
        yield folder / name
        return
    with fresh_database() as url:
        yield url


def name_of(url: str) -> str:
    """The database name in one of these URLs."""
    return url.partition("?")[0].rsplit("/", 1)[1]


@contextmanager
def connect(db: Path | str) -> Iterator[peewee.Database]:
    """A plain connection to a test database, a SQLite file or a PostgreSQL URL (no migration,
    no pragma), for the tests' own reads and tamperings; write SQL with `?` and run it through
    `query`, which gives each engine its placeholders (botui.store.engine.sql)."""
    from botui.store import postgres as store

    if str(db).startswith(("postgresql://", "postgres://")):
        conn: peewee.Database = store.connect(str(db), 10_000, pooled=False)
    else:
        conn = peewee.SqliteDatabase(str(db))
    conn.connect()
    try:
        yield conn
    finally:
        conn.close()


def query(conn: peewee.Database, text: str, *args: object) -> list[tuple]:
    """The rows of one statement written with `?` placeholders, on either engine (none for a
    change, which is committed at once: peewee's connections are in autocommit)."""
    from botui.store.engine import sql

    cursor = conn.execute_sql(sql(conn, text), args)
    return [] if cursor.description is None else [tuple(row) for row in cursor.fetchall()]


def schema_of(db: Path | str) -> dict[str, Any]:
    """The schema of a test database as it is, on either engine: each table's columns and
    types, the indexes, the applied migrations (an empty database has none of them)."""
    with connect(db) as conn:
        tables = sorted(conn.get_tables())
        found: dict[str, Any] = {
            table: sorted((c.name, c.data_type) for c in conn.get_columns(table))
            for table in tables
        }
        found["indexes"] = sorted(
            (i.name, i.sql) for table in tables for i in conn.get_indexes(table)
        )
        if "schema_migration" in tables:
            found["applied"] = sorted(
                r[0] for r in query(conn, "SELECT name FROM schema_migration")
            )
    return found
