"""The one-line status under the queue: view, position and count, marks, narrowing, filter, sort."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from botui.domain.queue_rows import NARROWINGS, SORT_LABELS
from botui.domain.text import safe_for_terminal
from botui.tui.styles import css
from botui.tui.widgets.cells import sort_arrow
from botui.tui.widgets.queue_table import QueueTable

# The view's name alone: its key and count are on the view bar above the queue.
VIEW_LABELS = {
    "open": "open",
    "pending": "pending",
    "late": "late",
    "ready": "ready to ship",
    "closed": "closed",
    "all": "all",
}


def narrowing_words(table: QueueTable) -> list[tuple[str, str]]:
    """What the queue is narrowed to, as (column, value in words): names, not ids, where the
    rows on screen (or the name given when narrowing) tell them."""
    spec, row = table.spec, table.current
    words = []
    for column in NARROWINGS:
        value = spec.narrowed(column)
        if not value:
            continue
        if column in ("customer", "product", "business"):
            shown = getattr(row, column) if row and row.narrowing(column) == value else None
            value = shown or table.scope_names.get(f"{column}:{value}", value)
        words.append((column, value))
    if spec.age:
        words.append(("age", f"{spec.age} days"))
    return words


def status_text(table: QueueTable, marks_shown: int | None = None) -> Text:
    """What the queue shows, in words: "open  row 12 of 40,113  3 marked  customer: Ada…";
    "3 marked (1 shown)" when a filter or narrowing hides some marks (`marks_shown`: how
    many of them the queue shows, None when not known or all)."""
    spec = table.spec
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(f" {VIEW_LABELS[spec.view]} ", style="reverse bold")
    if table.fetching or table.window.spec != spec:
        text.append("  loading…")
    elif not table.window.counted:
        text.append(f"  row {table.cursor + 1:,} of {table.total:,}+ (counting…)")
    elif table.total:
        text.append(f"  row {table.cursor + 1:,} of {table.total:,}")
    else:
        text.append("  no backorders here")
    if table.marks:
        text.append(f"  {len(table.marks):,} marked", style="bold")
        if marks_shown is not None and marks_shown < len(table.marks):
            text.append(f" ({marks_shown:,} shown)", style="bold")
    for column, value in narrowing_words(table):
        text.append(f"  {column}: ")
        text.append(safe_for_terminal(value), style="bold")
    if spec.text:
        text.append("  filter: ")
        text.append(safe_for_terminal(repr(spec.text)), style="bold")
    text.append(f"  sort: {SORT_LABELS[spec.sort]} {sort_arrow(spec)}")
    return text


class StatusLine(Static):
    """Redrawn from the queue table whenever it says something changed."""

    DEFAULT_CSS = css("widgets", "StatusLine")

    def show(self, table: QueueTable, marks_shown: int | None = None) -> None:
        """Draw the status of `table` (`marks_shown`: see status_text)."""
        self.update(status_text(table, marks_shown), layout=False)  # one line, whatever it says
