"""Plain-text cells of the queue: money, relative dates, ages, and the columns that fit a width."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rich.cells import cell_len, set_cell_size

from botui.domain.queue import QueueSpec
from botui.domain.templates import money as amount
from botui.domain.text import safe_for_terminal

HOUR = 3_600
DAY = 86_400
PRIORITY_LABELS = {"rush": "rush", "expedited": "exp", "standard": "std"}
STATUS_LABELS = {"in-production": "in-prod"}
CLOSED = ("fulfilled", "cancelled")


def money(cents: int) -> str:
    """Cents as dollars with thousands separators: 123456 -> "$1,234.56"."""
    return "$" + amount(cents)


def short_money(cents: int) -> str:
    """Money in at most 8 characters: cents below $10,000, whole dollars or thousands above."""
    if cents < 1_000_000:
        return f"{cents / 100:,.2f}"
    if cents < 100_000_000:
        return f"{cents // 100:,}"
    return f"{cents / 100_000:,.0f}k"


def _span(seconds: int) -> str:
    if seconds < HOUR:
        return f"{max(seconds // 60, 0)}m"
    if seconds < DAY:
        return f"{seconds // HOUR}h"
    if seconds < 100 * DAY:
        return f"{seconds // DAY}d"
    if seconds < 300 * DAY:
        return f"{seconds // (30 * DAY)}mo"
    return f"{max(round(seconds / (365 * DAY)), 1)}y"


def ship_relative(estimated: int | None, status: str, now: int) -> tuple[str, bool]:
    """The estimated ship date next to now ("in 3d", "2d late") and whether it is late."""
    if status in CLOSED:
        return "-", False
    if estimated is None:
        return "no date", False
    if estimated < now:
        return f"{_span(now - estimated)} late", True
    return f"in {_span(estimated - now)}", False


def age(created_at: int, now: int) -> str:
    """How long ago a backorder was created, in one short unit."""
    return _span(max(now - created_at, 0))


def natural_key(backorder_id: str) -> tuple[tuple[int, int | str], ...]:
    """A sort key that puts numbers in number order: BO-202 before BO-1036."""
    parts = re.split(r"(\d+)", backorder_id)
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in parts if p)


def sort_arrow(spec: QueueSpec) -> str:
    """▲ or ▼ for the direction of the sorted column as shown: ages run against creation dates."""
    descending = spec.descending != (spec.sort == "created")
    return "▼" if descending else "▲"


def fit(text: str, width: int, align: str = "left") -> str:
    """`text` made safe for a terminal and cut or padded to exactly `width` cells."""
    text = safe_for_terminal(text)
    if cell_len(text) > width:
        text = set_cell_size(text, max(width - 1, 0)) + ("…" if width else "")
    pad = width - cell_len(text)
    return " " * pad + text if align == "right" else text + " " * pad


@dataclass(frozen=True)
class Column:
    """One column of the queue: its key, title, width (0 = shares the spare room) and alignment."""

    key: str
    title: str
    width: int
    align: str = "left"


ALL_COLUMNS = (
    Column("id", "ID", 10),
    Column("status", "STATUS", 10),
    Column("priority", "PRI", 4),
    Column("product", "PRODUCT", 0),
    Column("customer", "CUSTOMER", 0),
    Column("allocation", "ALLOC", 7, "right"),
    Column("price", "PRICE", 8, "right"),
    Column("ship", "SHIP", 8, "right"),
    Column("age", "AGE", 4, "right"),
)
# Dropped in this order when the terminal is too narrow; a decision needs the rest.
DROP_ORDER = ("age", "price", "customer")
MIN_FLEX = 8
MARK_WIDTH = 1


def layout(width: int) -> list[Column]:
    """The columns that fit `width` cells, the flexible ones sized to share the spare room."""
    columns = list(ALL_COLUMNS)

    def needed(cols: list[Column]) -> int:
        fixed = sum(c.width for c in cols) + sum(MIN_FLEX for c in cols if c.width == 0)
        return MARK_WIDTH + fixed + len(cols) - 1

    for key in DROP_ORDER:
        if needed(columns) <= width:
            break
        columns = [c for c in columns if c.key != key]
    flexible = [c for c in columns if c.width == 0]
    spare = width - MARK_WIDTH - sum(c.width for c in columns) - (len(columns) - 1)
    share, extra = divmod(max(spare, len(flexible) * 3), max(len(flexible), 1))
    sized = []
    for column in columns:
        if column.width == 0:
            grow = 1 if extra > 0 else 0
            extra -= grow
            sized.append(Column(column.key, column.title, share + grow, column.align))
        else:
            sized.append(column)
    return sized
