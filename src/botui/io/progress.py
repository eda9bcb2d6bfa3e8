"""A progress bar on standard error while a large file is read, only when it is a terminal."""

from __future__ import annotations

from types import TracebackType

# Smaller files are read before a bar would be worth drawing.
LARGE_FILE = 1_000_000


class ImportProgress:
    """Rich's progress bar over the bytes of the file, one bar per pass; silent when off."""

    def __init__(self, size: int, enabled: bool) -> None:
        self.size = max(size, 1)
        self.enabled = enabled and size >= LARGE_FILE
        self._progress = None
        self._task = None

    def __enter__(self) -> ImportProgress:
        if self.enabled:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                DownloadColumn,
                Progress,
                TextColumn,
                TimeRemainingColumn,
            )

            self._progress = Progress(
                TextColumn("{task.description:>9}"),
                BarColumn(),
                DownloadColumn(),
                TimeRemainingColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self._progress.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._progress is not None:
            self._progress.stop()

    def start(self, phase: str) -> None:
        """A new bar for one pass over the file (checking, then importing)."""
        if self._progress is not None:
            if self._task is not None:
                self._progress.update(self._task, completed=self.size)
            self._task = self._progress.add_task(phase, total=self.size)

    def update(self, position: int) -> None:
        if self._progress is not None and self._task is not None:
            self._progress.update(self._task, completed=min(position, self.size))
