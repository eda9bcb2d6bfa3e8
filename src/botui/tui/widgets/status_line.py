"""The one-line status under the queue: view, position and count, marks, sort and filter."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from botui.domain.queue import SORT_LABELS
from botui.domain.text import safe_for_terminal
from botui.tui.widgets.cells import sort_arrow
from botui.tui.widgets.queue_table import QueueTable

VIEW_LABELS = {
    "open": "1 open",
    "pending": "2 pending",
    "late": "3 late",
    "ready": "4 ready to ship",
    "closed": "5 closed",
    "all": "0 all",
}


def status_text(table: QueueTable) -> Text:
    """What the queue shows, in words: "open  12 of 40,113  3 marked  sort: ship date ▲"."""
    spec = table.spec
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(f" {VIEW_LABELS[spec.view]} ", style="reverse bold")
    if table.fetching or table.window.spec != spec:
        text.append("  loading…")
    elif not table.window.counted:
        text.append(f"  {table.cursor + 1:,} of {table.total:,}+ (counting…)")
    elif table.total:
        text.append(f"  {table.cursor + 1:,} of {table.total:,}")
    else:
        text.append("  no backorders here")
    if table.marks:
        text.append(f"  {len(table.marks):,} marked", style="bold")
    text.append(f"  sort: {SORT_LABELS[spec.sort]} {sort_arrow(spec)}")
    if spec.text:
        text.append("  filter: ")
        text.append(safe_for_terminal(repr(spec.text)), style="bold")
    if spec.product:
        text.append("  product: ")
        text.append(safe_for_terminal(spec.product), style="bold")
    if spec.age:
        text.append("  age: ")
        text.append(f"{spec.age} days", style="bold")
    return text


class StatusLine(Static):
    """Redrawn from the queue table whenever it says something changed."""

    DEFAULT_CSS = """
    StatusLine { height: 1; background: $panel; }
    """

    def show(self, table: QueueTable) -> None:
        """Draw the status of `table`."""
        self.update(status_text(table), layout=False)  # one line, whatever it says
