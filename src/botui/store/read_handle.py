"""A read another thread may stop: a ReadHandle names the connection of one read in flight.

Apart from store.reading (which opens sessions through peewee) so that one can be made before
peewee is loaded: the UI's first frame asks for one before botui opens its Service (issue 12).
"""

from __future__ import annotations

import threading
from typing import Any

from botui.errors import read_cancelled


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
