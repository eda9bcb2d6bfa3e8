"""The live event log pane: who did what, newest last, bounded to the last thousand lines."""

from __future__ import annotations

import time

from rich.text import Text
from textual.widgets import RichLog

from botui.domain import schemas
from botui.domain.text import safe_for_terminal
from botui.tui.screens._summary import summary
from botui.tui.widgets.cells import fit

MAX_LINES = 1000
ACTOR_WIDTH = 10
TYPE_WIDTH = 16  # "customerNotified", "inventoryArrived"
ID_WIDTH = 10
TYPE_STYLES = {
    "cancelled": "bold red",
    "deleted": "bold red",
    "delayNoticed": "bold yellow",
    "fulfilled": "bold green",
    "confirmed": "green",
    "inventoryArrived": "cyan",
}


def event_line(event: schemas.Event) -> Text:
    """One log line as literal text: time, actor, type, backorder id and a short summary."""
    clock = time.strftime("%H:%M:%S", time.localtime(event.at))
    line = Text(no_wrap=True, overflow="ellipsis")
    line.append(clock, style="dim")
    line.append(" ")
    line.append(fit(event.actor, ACTOR_WIDTH), style="bold")
    line.append(" ")
    line.append(fit(event.type, TYPE_WIDTH), style=TYPE_STYLES.get(event.type, ""))
    line.append(" ")
    line.append(fit(event.backorder, ID_WIDTH))
    line.append(" ")
    line.append(safe_for_terminal(summary(event)), style="dim")
    return line


class EventLog(RichLog, can_focus=False):
    """Events appended as they arrive; the newest stays in view."""

    DEFAULT_CSS = """
    EventLog {
        height: 8;
        border-top: solid $panel-lighten-2;
        scrollbar-size-vertical: 1;
        overflow-x: hidden;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(max_lines=MAX_LINES, wrap=False, markup=False, highlight=False, id=id)
        self.last_id = 0

    def add(self, events: list[schemas.Event]) -> None:
        """Append events not seen yet, oldest first."""
        # The pane's own width: measuring would cap a line at the console's width instead.
        width = self.scrollable_content_region.width or None
        for event in events:
            if event.id > self.last_id:
                self.write(event_line(event), width=width)
                self.last_id = event.id
