"""The live event log pane: who did what, newest last, bounded to the last thousand lines."""

from __future__ import annotations

import time

from rich.text import Text
from textual.widgets import RichLog

from botui.domain import schemas
from botui.domain.text import safe_for_terminal
from botui.tui.screens._summary import summary

MAX_LINES = 1000
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
    line.append(safe_for_terminal(event.actor), style="bold")
    line.append(" ")
    line.append(event.type, style=TYPE_STYLES.get(event.type, ""))
    line.append(" ")
    line.append(safe_for_terminal(event.backorder))
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
        for event in events:
            if event.id > self.last_id:
                self.write(event_line(event), shrink=False)
                self.last_id = event.id
