"""Reads that another thread may stop, whatever the engine: a ReadHandle names the connection
of one read in flight, and `cancel()` stops it (SQLite: `interrupt()`; psycopg: `cancel()`)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import peewee

from botui.errors import BotuiError, ReadCancelled, read_cancelled
from botui.store.db import SQLITE_ERRORS, storage_failure

# What the engine raises (peewee wraps a server's driver errors in the same classes).
ENGINE_ERRORS = SQLITE_ERRORS


class ReadHandle:
    """One read in flight: any thread (the UI's event loop) may cancel it, before it starts,
    while it runs or after it ended; a cancelled read ends in ReadCancelled, never in rows."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._connection: Any = None
        self._cancelled = False

    @property
    def cancelled(self) -> bool:
        return self._cancelled

    def cancel(self) -> None:
        """Stop the read: its statement ends at once with an error the session turns into
        ReadCancelled; a read not started yet will not start.

        Never waits on a server: SQLite's `interrupt()` is a flag, but psycopg's `cancel()`
        opens a connection of its own and waits for the server to take the request (3-15 ms,
        more on a loaded machine or a distant server), which on the UI's event loop was a
        stall at every filter keystroke. It is sent from a thread of its own instead; the
        read ends as cancelled either way, its rows are never handed over.
        """
        with self._lock:
            self._cancelled = True
            connection = self._connection
            if connection is None:
                return
            interrupt = getattr(connection, "interrupt", None)
            if interrupt is not None:
                interrupt()
                return
        threading.Thread(target=self._stop_if_still_on, args=(connection,), daemon=True).start()

    def _stop_if_still_on(self, connection: Any) -> None:
        """Cancel `connection`'s statement if it still carries this read (once the read is
        over the connection may serve another, which must not be stopped)."""
        with self._lock:
            if self._connection is connection:
                _stop(connection)

    def _attach(self, connection: Any) -> None:
        with self._lock:
            if self._cancelled:
                raise read_cancelled()
            self._connection = connection

    def _detach(self) -> None:
        with self._lock:
            self._connection = None


def _stop(connection: Any) -> None:
    """Stop the statement running on a DB-API connection, from another thread."""
    stop = getattr(connection, "interrupt", None) or getattr(connection, "cancel", None)
    if stop is not None:
        stop()


def _interrupted(exc: BaseException | None) -> bool:
    """Whether the engine's error says a statement was stopped (by a cancel of ours)."""
    if isinstance(exc, BotuiError):
        exc = exc.__cause__
    text = str(exc).lower() if exc is not None else ""
    return "interrupt" in text or "canceling statement due to user request" in text


@contextmanager
def session(
    db: peewee.Database,
    path: Path | str,
    *,
    handle: ReadHandle | None = None,
    cache_kib: int | None = None,
) -> Iterator[None]:
    """This thread's connection for the block (nested blocks share it), failures in plain
    words (BotuiError), and a read stopped through `handle` as ReadCancelled.

    `cache_kib` gives a SQLite connection a page cache of that size for the block's reads.
    """
    try:
        with db.connection_context():
            if cache_kib is not None and isinstance(db, peewee.SqliteDatabase):
                db.execute_sql(f"PRAGMA cache_size = -{cache_kib}")
            if handle is None:
                yield
                return
            handle._attach(db.connection())
            try:
                yield
            finally:
                handle._detach()
    except ReadCancelled:
        raise
    except (BotuiError, *ENGINE_ERRORS) as exc:
        if (handle is not None and handle.cancelled) or _interrupted(exc):
            raise read_cancelled() from exc
        if isinstance(exc, BotuiError):
            raise
        raise storage_failure(path, exc) from exc
