"""Plain-text cells of the queue: the columns that fit a width, each value cut to its column.

The values themselves (money, relative dates, ages) are formatted by botui.tui.formatting; its
functions the queue uses are named here too, as the queue's cells.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rich.cells import cell_len, set_cell_size

from botui.domain.queue_rows import QueueSpec
from botui.domain.text import safe_for_terminal
from botui.tui.formatting import age as age
from botui.tui.formatting import delivery_relative as delivery_relative
from botui.tui.formatting import money as money
from botui.tui.formatting import ship_relative as ship_relative
from botui.tui.formatting import short_money as short_money

PRIORITY_LABELS = {"rush": "rush", "expedited": "exp", "standard": "std"}
STATUS_LABELS = {"in-production": "in-prod"}


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
    if text.isascii() and text.isprintable():
        # Most cells (ids, numbers, dates, plain names): safe as they are, a cell a character.
        if len(text) > width:
            text = text[: max(width - 1, 0)] + ("…" if width else "")
        pad = width - len(text)
        return " " * pad + text if align == "right" else text + " " * pad
    text = safe_for_terminal(text)
    if cell_len(text) > width:
        text = set_cell_size(text, max(width - 1, 0)) + ("…" if width else "")
    pad = width - cell_len(text)
    return " " * pad + text if align == "right" else text + " " * pad


@dataclass(frozen=True)
class Flex:
    """How a name column grows: never below `least`, wanted at `ease` before extra columns
    are added, never beyond `most` (a wide terminal must not stretch a name to 70 blanks);
    spare room is shared by `weight`."""

    least: int
    ease: int
    most: int
    weight: int


@dataclass(frozen=True)
class Column:
    """One column of the queue: its key, title, width (a flexible one's size is given by
    `layout`) and alignment."""

    key: str
    title: str
    width: int
    align: str = "left"
    flex: Flex | None = None


# Every column, in the order shown. The first nine are the queue's core; the others appear
# when the terminal has room once the names are comfortably wide.
ALL_COLUMNS = (
    Column("id", "ID", 10),
    Column("status", "STATUS", 10),
    Column("priority", "PRI", 4),
    Column("product", "PRODUCT", 0, flex=Flex(14, 24, 40, 3)),
    Column("customer", "CUSTOMER", 0, flex=Flex(12, 18, 28, 2)),
    Column("business", "BUSINESS", 0, flex=Flex(10, 14, 24, 1)),
    Column("order", "ORDER", 10),
    Column("allocation", "ALLOC", 7, "right"),
    Column("price", "PRICE", 8, "right"),
    Column("ship", "SHIP", 8, "right"),
    Column("delivery", "DELIVERY", 8, "right"),
    Column("supplier", "SUPPLIER", 14),
    Column("age", "AGE", 4, "right"),
)
CORE = ("id", "status", "priority", "product", "customer", "allocation", "price", "ship", "age")
# Dropped in this order when the terminal is too narrow; a decision needs the rest.
DROP_ORDER = ("price", "age", "customer")
# Brought back, then added, in this order while there is room.
ADD_ORDER = ("customer", "age", "price", "order", "delivery", "business", "supplier")
MIN_FLEX = 8
MARK_WIDTH = 1


def _needed(columns: list[Column], size: str) -> int:
    """Cells `columns` take with each flexible one at its `least` or `ease` size (or MIN_FLEX)."""
    widths = [
        c.width if c.flex is None else MIN_FLEX if size == "floor" else getattr(c.flex, size)
        for c in columns
    ]
    return MARK_WIDTH + sum(widths) + len(columns) - 1


def layout(width: int) -> list[Column]:
    """The columns that fit `width` cells, the flexible ones sized to share the spare room.

    Narrow: the least needed columns go first (price, age, customer) so that product and
    customer keep readable names; wide: order number, delivery estimate, business and
    supplier order join once the names are comfortably wide, and names stop growing at a
    sensible width, leaving the rest blank.
    """
    chosen = [c for c in ALL_COLUMNS if c.key in CORE]
    for key in DROP_ORDER:
        if _needed(chosen, "least") <= width:
            break
        chosen = [c for c in chosen if c.key != key]
    floor = "least" if _needed(chosen, "least") <= width else "floor"
    for key in ADD_ORDER:
        if any(c.key == key for c in chosen):
            continue
        keys = {c.key for c in chosen} | {key}
        candidate = [c for c in ALL_COLUMNS if c.key in keys]
        brought_back = key in CORE
        if _needed(candidate, "least" if brought_back else "ease") <= width:
            chosen = candidate
    sizes = {c.key: (MIN_FLEX if floor == "floor" else c.flex.least) for c in chosen if c.flex}
    spare = width - _needed(chosen, floor)
    growing = [c for c in chosen if c.flex is not None]
    while spare > 0 and growing:
        total = sum(c.flex.weight for c in growing if c.flex)
        given = 0
        for column in growing:
            assert column.flex is not None
            share = max(spare * column.flex.weight // total, 1)
            grow = min(share, column.flex.most - sizes[column.key], spare - given)
            sizes[column.key] += grow
            given += grow
        spare -= given
        growing = [c for c in growing if c.flex and sizes[c.key] < c.flex.most]
        if given == 0:
            break
    return [Column(c.key, c.title, sizes[c.key], c.align) if c.flex else c for c in chosen]


def capped_widths(natural: list[int], least: list[int], room: int) -> list[int]:
    """Column widths that fit `room` cells: each column its natural width when all fit, else
    the widest ones cut to one common cap (each never below its `least`), so the longest text
    ends in `…` and the short columns (ids, phones, dates) stay whole at the screen's edge."""
    if sum(natural) <= room:
        return list(natural)

    def widths(cap: int) -> list[int]:
        return [max(min(n, cap), min(low, n)) for n, low in zip(natural, least, strict=True)]

    low, high = 0, max(natural)
    while low < high:  # the largest cap that fits
        cap = (low + high + 1) // 2
        low, high = (cap, high) if sum(widths(cap)) <= room else (low, cap - 1)
    return widths(low)
