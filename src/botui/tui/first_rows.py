"""The queue's first rows, read while the terminal UI loads (issue 12).

`botui` starts this read as soon as the database is open, before Textual is imported, so the
queue has rows to draw in its very first frame instead of asking for them once it is mounted.
Nothing Textual is imported here. The read is in a thread of its own, but `botui` waits for it
a moment (`settle`) before importing Textual: on a warm database it is over in ~10 ms, and
beside the imports it was not cheaper but dearer. Each row it takes crosses the GIL twice, so
the two threads handed it back and forth some 300 times: the read took twice its CPU and the
imports ~40 ms longer (measured, issue 12). Only a read slower than that (a cold disk) goes on
beside the imports, where its waiting on the disk is worth overlapping.
It reads just the rows a terminal this high can show, without the margin the queue's own
reads add for scrolling (half the rows, half the work): the queue reads those itself.

These rows are never kept: the queue still makes its own first read when it mounts (rows and
count, as without them), which replaces them a moment later, so what stays on screen is as
fresh as ever. A read that fails or is not done when the queue mounts is simply not used.
"""

from __future__ import annotations

import shutil
import threading
from typing import TYPE_CHECKING

from botui import config
from botui.domain.queue import QueueSpec, Window

if TYPE_CHECKING:
    from botui.domain.service import Service

HEADER_LINES = 1  # the queue's column titles (QueueTable.HEADER_LINES)
# How long `botui` waits for the read before importing Textual: several times a warm read of
# the first screen at a million backorders; a read still going then is waiting on the disk.
SETTLE_SECONDS = 0.05


class FirstRows:
    """One read of the default view's first screen, started in a thread at once."""

    def __init__(self, service: Service, height: int | None = None) -> None:
        self.service = service
        self.spec = QueueSpec()
        # The terminal's height, as Textual will find it: the table is never taller.
        lines = height if height is not None else shutil.get_terminal_size().lines
        self.height = max(lines - HEADER_LINES, 1)
        self._window: Window | None = None
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._read, name="botui-first-rows", daemon=True)
        self._thread.start()

    def _read(self) -> None:
        try:
            with self.service.session(small_cache=True):
                self._window = self.service.queue_first_rows(
                    self.spec, config.now(), self.height, margin=0
                )
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
