"""PostgreSQL connections kept for the next read, instead of one new connection per read.

Every UI read is a session (store.reading) that opens this thread's connection and closes it
at the end. On PostgreSQL a new connection costs 5-7 ms and starts a server backend whose
catalog caches are cold (a first page in a new one 74 ms, in a used one 43 ms). Here the end
of a session hands the connection back to a small pool (peewee's `PooledDatabase`) and the
next session takes it again.

Reuse is safe because nothing botui sets outlives a transaction: the write lock is
transaction-level (pg_advisory_xact_lock) and `lock_timeout` is `SET LOCAL`. A connection is
checked when it is handed back (one left in a transaction or a failed one is rolled back, one
the server dropped is closed) and when it is taken (a round trip: the server may have gone
since). A cancelled read's connection is idle again once its statement ended in the cancel
(PostgreSQL ignores a cancel that reaches an idle connection), so it is reused too.

At most MAX_CONNECTIONS are open; when all are in use a session waits for one for the busy
limit (10 s), then fails with `busy`. A connection taken by a thread that ended without closing
it (a worker that called the service outside a session) is closed, not counted as in use
forever. Connections older than STALE_S are closed rather than reused.

Only a session's end (`connection_context()`) hands a connection back: an explicit `close()`
closes it and the idle ones, as before pooling (a test closing a database before a DROP or a
TEMPLATE copy). `release()` (store.db) also closes those other threads still use.
"""

from __future__ import annotations

import threading
from typing import Any

import peewee
from playhouse.pool import MaxConnectionsExceeded, PooledDatabase

from botui.errors import busy
from botui.store.postgres import BotuiPostgres

MAX_CONNECTIONS = 8
STALE_S = 300


# playhouse has no stubs (PooledDatabase is Any to mypy), so subclassing it needs the ignore.
class PooledBotuiPostgres(PooledDatabase, BotuiPostgres):  # type: ignore[misc]
    """BotuiPostgres whose connections are reused (see the module's text)."""

    def __init__(self, database: str, *, wait_s: float, **options: Any) -> None:
        super().__init__(
            database,
            max_connections=MAX_CONNECTIONS,
            stale_timeout=STALE_S,
            timeout=max(wait_s, 0.001),
            **options,
        )
        self._owners: dict[int, threading.Thread] = {}

    def connection_context(self) -> _Session:
        """This thread's connection for the block, taken from the pool and handed back."""
        return _Session(self)

    def hand_back(self) -> bool:
        """End this thread's connection, keeping it for the next session (the pool's close)."""
        return bool(super().close())

    def close(self) -> bool:
        """Close this thread's connection and every idle one, as a database without a pool
        would: whoever closes a database explicitly is done with it (a test's fixture before
        its DROP or TEMPLATE copy). Sessions hand theirs back instead (`hand_back`)."""
        was_open = self.hand_back()
        self.close_idle()
        return was_open

    def connect(self, reuse_if_open: bool = False) -> bool:
        try:
            return bool(super().connect(reuse_if_open))
        except MaxConnectionsExceeded as exc:
            name = getattr(self, "botui_path", "the database")
            raise busy(
                f"{name} is busy: botui's {MAX_CONNECTIONS} connections to it stayed in use "
                f"for {self._wait_timeout:g} s; nothing was saved, try again"
            ) from exc

    def _connect(self) -> Any:
        with self._pool_lock:
            self._reclaim_abandoned()
            connection = super()._connect()
            self._owners[self.conn_key(connection)] = threading.current_thread()
            return connection

    def _reclaim_abandoned(self) -> None:
        """Close the connections still taken by threads that ended (nobody can hand them back)."""
        for key, thread in list(self._owners.items()):
            if key not in self._in_use:
                del self._owners[key]
            elif not thread.is_alive():
                del self._owners[key]
                self._close_raw(self._in_use.pop(key).connection)

    def _is_closed(self, connection: Any) -> bool:
        """Whether a connection taken from the pool is dead (the server restarted, dropped it)."""
        return bool(connection.closed) or bool(self._adapter.is_connection_closed(connection))

    def _can_reuse(self, connection: Any) -> bool:
        """Whether a connection handed back may serve again: rolled back if it was left in a
        transaction (or a failed one), refused if the server is gone."""
        return bool(self._adapter.is_connection_reusable(connection))


class _Session(peewee.ConnectionContext):
    """peewee's connection_context, whose end hands the connection back to the pool."""

    def __exit__(self, *exc: object) -> None:
        self.db._state.ctx.pop()
        if not self.db._state.ctx:
            self.db.hand_back()
