"""The Service of a database botui has checked but not opened yet (issue 12: start-up).

Loading the Service (peewee's models, the domain's modules) and opening the database through it
costs ~40 ms of CPU, about a sixth of the UI's start-up. When domain.quick found the database
current and writable and read the queue's first rows without it, `botui` starts the UI with a
LateService instead: the first frame draws those rows, and the Service is opened at its first
real use, which is the queue's own read right after that frame (in its worker thread).

Whoever asks for anything else of the Service meanwhile waits for it to be open: a worker
thread on the lock, the event loop too (a key pressed in the first moments waits a few ms, it
never fails). What the first frame needs is known without opening it: the path, that the file
is writable (domain.quick checked), that no NOTIFY wakes the log (a SQLite file), and read
handles (store.read_handle, no peewee).

Opening can still fail (the file was replaced, locked or changed meanwhile): the error is kept,
`when_failed` is told (the app then ends at once) and every later use raises the same error, so
`botui` prints it and exits with its status as if the Service had been opened first.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from botui.errors import BotuiError
from botui.store.read_handle import ReadHandle

if TYPE_CHECKING:
    from botui.domain.service import Service


class LateService:
    """Stands for the Service of a SQLite file until it is opened; then forwards to it."""

    def __init__(self, path: Path | str, opener: Callable[[], Service]) -> None:
        self._path = str(Path(path))  # as the Service says it (store.db remembers a Path)
        self._opener = opener
        self._lock = threading.Lock()
        self._service: Service | None = None
        self.error: BotuiError | None = None
        self.when_failed: Callable[[BotuiError], object] | None = None

    # -- known before opening ---------------------------------------------------------------

    @property
    def path(self) -> str:
        return self._path

    @property
    def readonly(self) -> bool:
        """False until open (domain.quick found the file writable), then the Service's."""
        return self._service.readonly if self._service is not None else False

    @property
    def events_wake(self) -> bool:
        return False  # a SQLite file: a follower asks for new events every second

    def read_handle(self) -> ReadHandle:
        return ReadHandle()

    @property
    def opened(self) -> bool:
        return self._service is not None

    # -- the Service itself -----------------------------------------------------------------

    def open(self) -> Service:
        """The Service, opened now by the first caller (the others wait for it); raises the
        opening's BotuiError, the same one each time."""
        with self._lock:
            if self._service is None:
                if self.error is not None:
                    raise self.error
                try:
                    self._service = self._opener()
                except BotuiError as error:
                    self.error = error
                    if self.when_failed is not None:
                        self.when_failed(error)
                    raise
            return self._service

    def __getattr__(self, name: str) -> Any:
        # Only names not found above (and never the private ones, so a half-made instance
        # or copy/pickle probing does not open the database).
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.open(), name)
