"""The queue's first rows, read while the terminal UI loads (issue 12).

On a current SQLite file botui may write, `botui` reads them first of all with domain.quick
(`FirstRows.from_file`: plain sqlite3, ~3 ms at a million backorders), which answers only with
the very rows the Service would; the Service itself (peewee, the domain) is then opened after
the first frame (domain.late), so nothing of it is on the way to the first row. Anywhere else
(PostgreSQL, --demo, a read-only, new, old or odd file) the Service is opened first and the
rows are read through it in a thread, as soon as the database is open, before Textual is
imported. Nothing Textual is imported here.

Through the Service, `botui` waits for the read a moment (`settle`) before importing Textual:
on a warm database it is over in ~10 ms, and beside the imports it was not cheaper but dearer.
Each row it takes crosses the GIL twice, so the two threads handed it back and forth some 300
times: the read took twice its CPU and the imports ~40 ms longer (measured, issue 12). Only a
read slower than that (a cold disk) goes on beside the imports, where its waiting on the disk
is worth overlapping.
Either way it reads just the rows a terminal this high can show, without the margin the
queue's own reads add for scrolling (half the rows, half the work): the queue reads those.

These rows are never kept: the queue still makes its own first read when it mounts (rows and
count, as without them), which replaces them a moment later, so what stays on screen is as
fresh as ever. A read that fails or is not done when the queue mounts is simply not used.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from botui import config
from botui.domain import quick
from botui.domain.queue_rows import QueueSpec, Window

if TYPE_CHECKING:
    from botui.domain.service import Service

HEADER_LINES = 1  # the queue's column titles (QueueTable.HEADER_LINES)
# How long `botui` waits for the read before importing Textual: several times a warm read of
# the first screen at a million backorders; a read still going then is waiting on the disk.
SETTLE_SECONDS = 0.05


class FirstRows:
    """One read of the default view's first screen: through the Service in a thread started
    at once, or (`from_file`) straight from a SQLite file before the Service is loaded."""

    def __init__(
        self,
        service: Service | None,
        height: int | None = None,
        *,
        read: Callable[[int], Window | None] | None = None,
    ) -> None:
        """`read(rows)`, if given, reads in this thread before returning (see from_file)."""
        self.service = service
        self.spec = QueueSpec()
        # The terminal's height, as Textual will find it: the table is never taller.
        lines = height if height is not None else shutil.get_terminal_size().lines
        self.height = max(lines - HEADER_LINES, 1)
        self._window: Window | None = None
        self._done = threading.Event()
        if read is not None:
            self._read(read)
            return
        self._thread = threading.Thread(
            target=self._read, args=(self._through_the_service,), name="botui-first-rows",
            daemon=True,
        )  # fmt: skip
        self._thread.start()

    @classmethod
    def from_file(cls, path: Path | str, height: int | None = None) -> FirstRows | None:
        """The first screen read by domain.quick without peewee or the Service, here and now
        (~3 ms at a million backorders: no thread, nothing to overlap yet); None when quick
        leaves it to the Service (it answers only with the Service's very rows): then `botui`
        opens the Service first, as ever."""
        found = cls(None, height, read=lambda rows: quick.first_rows(path, rows))
        return found if found._window is not None else None

    def _through_the_service(self, height: int) -> Window | None:
        assert self.service is not None
        with self.service.session(small_cache=True):
            return self.service.queue_first_rows(self.spec, config.now(), height, margin=0)

    def _read(self, reader: Callable[[int], Window | None]) -> None:
        try:
            self._window = reader(self.height)
        except Exception:  # the queue reads its rows itself, and says what failed then
            self._window = None
        finally:
            self._done.set()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until the read is over (rows or failure); whether it is."""
        return self._done.wait(timeout)

    def settle(self) -> None:
        """Wait for the read unless it is slow (the disk): then it goes on beside what the
        caller does next (see the module's docstring)."""
        self.wait(SETTLE_SECONDS)

    def take(self, spec: QueueSpec, height: int) -> Window | None:
        """The rows read, if they are in now and show `spec` for a table `height` rows high;
        None otherwise (never waits: the queue's own read is on its way)."""
        window = self._window if self._done.is_set() else None
        self._window = None  # handed over once
        if window is None or window.spec != spec or not window.covers(0, height):
            return None
        return window
