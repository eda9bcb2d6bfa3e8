"""Opening a PostgreSQL database: one writer at a time, ids in commit order, errors in words.

Every write transaction (peewee's `atomic()`, which the service's actions use) first takes one
transaction-level advisory lock, held until it commits or rolls back. Writers therefore run one
after another, as on SQLite (BEGIN IMMEDIATE), so every check-then-write of the domain holds,
and, above all, event ids are drawn from their sequence in commit order: the next writer can
draw an id only after the previous one's commit is visible. A follower reading "events after
the last id seen" never misses one committed late with a smaller id (there is none); ids may
have gaps (a rolled-back write used a number), never appear out of order.

Waiting for the lock ends after the same 10 s busy limit (`lock_timeout`) with `busy`.

A transaction that appends events also sends `NOTIFY botui_events` (`notify_events`), which
PostgreSQL delivers at its commit; an `EventListener` (a connection of its own, LISTENing)
wakes the live log at once instead of its polling every second.

`connect` gives botui a pooled database (store.pg_pool): a session's connection is handed back
at its end and reused by the next, instead of one new connection (and server backend) a read.
"""

from __future__ import annotations

import time
from contextlib import suppress
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import peewee

from botui.errors import BotuiError, busy, storage_error
from botui.store.drivers import give_peewee_psycopg
from botui.store.peewee_types import EXCEPTION_WRAPPER
from botui.store.sqlite import MIGRATIONS_TABLE, migration_names

if TYPE_CHECKING:
    import psycopg  # imported when a PostgreSQL database is opened (store.drivers)

# pg_advisory_xact_lock's key for "the botui write lock" (any number; botui takes no other).
WRITE_LOCK = 0x626F747569  # "botui"
# Where the live log's followers are woken (LISTEN/NOTIFY); the payload is empty.
EVENTS_CHANNEL = "botui_events"
CONNECT_TIMEOUT_S = 10


class BotuiPostgres(peewee.PostgresqlDatabase):
    """PostgreSQL whose transactions take botui's write lock first (see the module's text)."""

    botui_timeout_ms = 10_000

    def _connect(self) -> psycopg.Connection[Any]:
        """A new connection (peewee's), planning every statement with its own values.

        psycopg prepares a statement run five times on one connection, and PostgreSQL may then
        plan it once for any values (a search for 'a' planned like one for 'Garcia'). A
        connection kept for reuse (store.pg_pool) runs the same reads again and again: keep
        the plan of each one's values, as a new connection always had (PostgreSQL 12+).
        """
        # peewee-stubs leave out Database._connect, which peewee has and calls.
        connection: psycopg.Connection[Any] = super()._connect()  # type: ignore[misc]
        if connection.info.server_version >= 120000:
            connection.execute("SET plan_cache_mode = force_custom_plan")
        return connection

    def connect_apart(self) -> psycopg.Connection[Any]:
        """A new connection of the caller's own (autocommit), outside any pool: it closes it."""
        return BotuiPostgres._connect(self)

    def begin(self, isolation_level: str | None = None) -> None:
        super().begin(isolation_level)
        try:
            with EXCEPTION_WRAPPER:
                cursor = self.cursor()
                cursor.execute(f"SET LOCAL lock_timeout = {int(self.botui_timeout_ms)}")
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
        except BaseException:
            # peewee rolls back only a transaction that began: end this one here, or the
            # connection stays aborted and refuses every later statement (after one `busy`).
            with suppress(Exception):
                self.rollback()
            raise


def notify_events(db: peewee.Database) -> None:
    """Wake the live log's listeners when this transaction commits (nothing if it rolls back).

    PostgreSQL folds the same notification sent twice in one transaction, so once is enough.
    """
    db.execute_sql("SELECT pg_notify(%s, '')", (EVENTS_CHANNEL,))


class EventListener:
    """A connection of its own (autocommit) that LISTENs on EVENTS_CHANNEL, made on first use.

    One thread waits at a time. A dropped connection is made again quietly at the next wait,
    which then answers True: a notification may have been missed while it was down.
    """

    def __init__(self, db: BotuiPostgres) -> None:
        self._db = db
        self._connection: psycopg.Connection[Any] | None = None

    def wait(self, timeout: float) -> bool:
        """Whether events were committed (a notification came) within `timeout` seconds."""
        deadline = time.monotonic() + timeout
        try:
            if self._connection is None or self._connection.closed:
                self._connection = self._db.connect_apart()  # same server, options; autocommit
                self._connection.execute(f"LISTEN {EVENTS_CHANNEL}")
                return True
            woken = False
            for _ in self._connection.notifies(timeout=timeout, stop_after=1):
                woken = True
            if woken:  # the rest of a burst, already received, is the same news
                for _ in self._connection.notifies(timeout=0):
                    pass
            return woken
        except Exception:  # the server went away: wait out the time, reconnect next time
            self.close()
            time.sleep(max(0.0, deadline - time.monotonic()))
            return False

    def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            with suppress(Exception):  # already gone
                connection.close()


def display_name(url: str) -> str:
    """The URL as messages show it: without a password, in its user part or its query
    (`?password=`); the rest as written (a host's case, `[::1]`, several `host:port`s)."""
    parts = urlsplit(url)
    user, at, hosts = parts.netloc.rpartition("@")
    netloc = f"{user.partition(':')[0]}@{hosts}" if at else hosts
    query = "&".join(
        item for item in parts.query.split("&") if item.partition("=")[0].lower() != "password"
    )
    if (netloc, query) == (parts.netloc, parts.query):
        return url
    return f"{parts.scheme}://{netloc}{parts.path}" + (f"?{query}" if query else "")


def connect(url: str, timeout_ms: int, *, pooled: bool = True) -> BotuiPostgres:
    """A (not yet connected) database for `url`; `postgres://` is taken as `postgresql://`.

    `pooled`: its connections are kept for reuse (store.pg_pool), what botui's reads need;
    without, `close()` really closes (a test's own connection).
    """
    give_peewee_psycopg()  # the UI on a SQLite file imports peewee without it (store.drivers)
    url = "postgresql://" + url.split("://", 1)[1]  # postgres://, POSTGRESQL://: libpq's own
    options: dict[str, Any] = {
        "connect_timeout": CONNECT_TIMEOUT_S,
        "application_name": "botui",
        "autoconnect": True,
    }
    if pooled:
        from botui.store.pg_pool import PooledBotuiPostgres  # playhouse: not at start-up

        db: BotuiPostgres = PooledBotuiPostgres(url, wait_s=timeout_ms / 1000, **options)
    else:
        db = BotuiPostgres(url, **options)
    db.botui_timeout_ms = timeout_ms
    return db


def check_server(db: BotuiPostgres, name: str) -> None:
    """Refuse a server botui cannot keep its promises on (text must be UTF-8)."""
    encoding = db.execute_sql("SHOW server_encoding").fetchone()[0]
    if encoding.upper() not in ("UTF8", "UTF-8"):
        raise storage_error(
            f"{name} stores text as {encoding}: botui needs a UTF8 database "
            "(CREATE DATABASE ... ENCODING 'UTF8')"
        )


def schema_is_current(db: BotuiPostgres) -> bool:
    """Whether every migration is applied: two small queries, the second only if the table is."""
    if db.execute_sql("SELECT to_regclass(%s)", (MIGRATIONS_TABLE,)).fetchone()[0] is None:
        return False
    rows = db.execute_sql(f"SELECT name FROM {MIGRATIONS_TABLE}").fetchall()
    return migration_names() <= {name for (name,) in rows}


def failure(name: str, exc: Exception) -> BotuiError | None:
    """The plain-words failure for a PostgreSQL error, or None if it is not one of these."""
    text = str(exc).lower()
    if "lock timeout" in text or "deadlock detected" in text or "could not serialize" in text:
        return busy(
            f"{name} is busy: another botui kept the write lock for too long; "
            "nothing was saved, try again"
        )
    if "password authentication failed" in text or "no password supplied" in text:
        return storage_error(
            f"cannot open {name}: the server refused the password; set PGPASSWORD or "
            "~/.pgpass for this user"
        )
    if "role" in text and "does not exist" in text:
        return storage_error(
            f"cannot open {name}: the server has no such user; give the user in the URL "
            "(postgresql://USER@host/dbname) or ask the server's administrator for one"
        )
    if "does not exist" in text and "database" in text:
        return storage_error(
            f"cannot open {name}: that database does not exist on the server; botui makes "
            "the schema, not the database: create it first (createdb NAME)"
        )
    if (
        "connection refused" in text
        or "could not connect" in text
        or "no such file or directory" in text
        or "could not translate host name" in text
        or "timeout expired" in text
        or "connection failed" in text
    ):
        return storage_error(
            f"cannot reach the PostgreSQL server of {name}: check that it runs and that "
            "the host and port are right"
        )
    if "permission denied" in text or "must be owner" in text:
        return storage_error(
            f"{name}: the server refused ({str(exc).strip()}); nothing was saved; the user "
            "needs the right to create tables in this database"
        )
    if "server closed the connection" in text or "terminating connection" in text:
        return storage_error(
            f"{name}: the server closed the connection; nothing was saved; try again"
        )
    return None
