"""Reads that another thread may stop, whatever the engine: a ReadHandle names the connection
of one read in flight, and `cancel()` stops it (SQLite: `interrupt()`; psycopg: `cancel()`)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import peewee

from botui.errors import BotuiError, ReadCancelled, read_cancelled
from botui.store.db import SQLITE_ERRORS, storage_failure
from botui.store.read_handle import ReadHandle as ReadHandle

# What the engine raises (peewee wraps a server's driver errors in the same classes).
ENGINE_ERRORS = SQLITE_ERRORS


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
