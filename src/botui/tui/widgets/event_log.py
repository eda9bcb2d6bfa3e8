"""The live event log pane: who did what, newest last, bounded to the last thousand lines."""

from __future__ import annotations

from collections import deque

from rich.text import Text
from textual.events import Resize
from textual.timer import Timer
from textual.widgets import RichLog

from botui.domain import schemas
from botui.domain.text import safe_for_terminal
from botui.tui import times
from botui.tui.screens._summary import event_word, summary
from botui.tui.widgets.cells import fit

MAX_LINES = 1000
REDRAW_DELAY = 0.15  # seconds after the last resize
ACTOR_WIDTH = 10
TYPE_WIDTH = 13  # "stock arrived", "customer told", "delay noticed"
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
    """One log line as literal text: time (the zone the border names), actor, type, backorder id
    and a short summary."""
    clock = times.clock(event.at)
    line = Text(no_wrap=True, overflow="ellipsis")
    line.append(clock, style="dim")
    line.append(" ")
    line.append(fit(event.actor, ACTOR_WIDTH), style="bold")
    line.append(" ")
    line.append(fit(event_word(event.type), TYPE_WIDTH), style=TYPE_STYLES.get(event.type, ""))
    line.append(" ")
    line.append(fit(event.backorder, ID_WIDTH))
    line.append(" ")
    # One event, one line: a reason or message of several lines is joined with a mark.
    text = " ⏎ ".join(part for part in summary(event).splitlines() if part.strip())
    line.append(safe_for_terminal(text), style="dim")
    return line


class EventLog(RichLog, can_focus=False):
    """Events appended as they arrive; the newest stays in view; redrawn when its width changes.

    Each line is cut to the pane's width when written, so a wider terminal draws them again.
    """

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
        self._events: deque[schemas.Event] = deque(maxlen=MAX_LINES)
        self._drawn_width = 0
        self._redraw: Timer | None = None
        self.border_title = f"Log, times in {times.zone_name()}"

    def add(self, events: list[schemas.Event]) -> None:
        """Append events not seen yet, oldest first."""
        fresh = [event for event in events if event.id > self.last_id]
        if fresh:
            self._events.extend(fresh)
            self.last_id = fresh[-1].id
            self._write(fresh)

    def _write(self, events: list[schemas.Event] | deque[schemas.Event]) -> None:
        # The pane's own width: measuring would cap a line at the console's width instead.
        width = self.scrollable_content_region.width or None
        self._drawn_width = width or 0
        for event in events:
            self.write(event_line(event), width=width)

    def on_resize(self, event: Resize) -> None:
        # RichLog's own handler (called after this one) writes what came before any size.
        if self._size_known and self._events:
            if self._redraw is not None:
                self._redraw.stop()
            # Once the terminal stops changing size: a thousand lines take ~0.14 s to draw.
            self._redraw = self.set_timer(REDRAW_DELAY, self._redraw_at_width)

    def _redraw_at_width(self) -> None:
        self._redraw = None
        if self.scrollable_content_region.width != self._drawn_width:
            self.clear()
            self._write(self._events)
