"""A progress bar on standard error while a large file is read (or a database copied), only
when it is a terminal."""

from __future__ import annotations

from types import TracebackType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

# Smaller files are read before a bar would be worth drawing.
LARGE_FILE = 1_000_000


class ImportProgress:
    """Rich's progress bar, one bar per pass (the file's bytes while checking, the rows
    while writing); silent when off."""

    def __init__(self, size: int, enabled: bool, threshold: int = LARGE_FILE) -> None:
        self.size = max(size, 1)
        self.enabled = enabled and size >= threshold
        self._progress: Progress | None = None
        self._task: TaskID | None = None
        self._total = self.size

    def __enter__(self) -> ImportProgress:
        if self.enabled:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                Progress,
                TaskProgressColumn,
                TextColumn,
                TimeRemainingColumn,
            )

            self._progress = Progress(
                TextColumn("{task.description:>9}"),
                BarColumn(),
                TaskProgressColumn(),
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

    def start(self, phase: str, total: int | None = None) -> None:
        """A new bar for one pass: over the file's bytes (checking), or `total` rows."""
        if self._progress is not None:
            if self._task is not None:
                self._progress.update(self._task, completed=self._total)
            self._total = self.size if total is None else max(total, 1)
            self._task = self._progress.add_task(phase, total=self._total)

    def update(self, position: int) -> None:
        if self._progress is not None and self._task is not None:
            self._progress.update(self._task, completed=min(position, self._total))
