"""What the queue shows and holds, without a query: its spec, its rows and a window of them.

domain.queue reads them with peewee; these types are apart from it so the UI's first frame and
the quick first read (domain.quick) load neither peewee nor the Service (issue 12).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, get_args

from botui.domain import statuses
from botui.domain.views import View

VIEWS = get_args(View)
SORTS = ("triage", "ship", "created", "status")
# As the queue names them; "created" shows as the age column, oldest first.
SORT_LABELS = {"triage": "triage", "ship": "ship date", "created": "age", "status": "status"}
# The sort by status follows a backorder's life, not the alphabet; triage order within each.
STATUS_ORDER = statuses.OPEN_STATUSES + statuses.CLOSED_STATUSES
# The columns a row can narrow the queue to: each an equality on an indexed column.
NARROWINGS = ("customer", "product", "business", "status", "priority")
MARGIN = 40


@dataclass(frozen=True)
class QueueSpec:
    """What the queue shows: a view, a sort column, its direction and a text filter, and
    optionally narrowed to one value of a column (a customer's backorders, one product's, one
    status...) or to one aging bucket (a report row opened)."""

    view: str = "open"
    sort: str = "triage"
    descending: bool = False
    text: str = ""
    product: str = ""
    age: str = ""  # an aging bucket of the reports ("4-7"), in whole days since createdAt
    customer: str = ""
    business: str = ""
    status: str = ""
    priority: str = ""  # a priority level: rush, expedited, standard

    @property
    def scoped(self) -> bool:
        """Whether the queue is narrowed to a column's value or an age."""
        return bool(self.age) or any(self.narrowed(column) for column in NARROWINGS)

    def narrowed(self, column: str) -> str:
        """The value the queue is narrowed to in `column` (an id, status or level), or ""."""
        return str(getattr(self, column))

    def unscoped(self) -> QueueSpec:
        """The same view, sort and filter with every narrowing cleared."""
        cleared: dict[str, Any] = dict.fromkeys(NARROWINGS, "")
        return replace(self, age="", **cleared)

    def export_input(self) -> dict[str, Any]:
        """The Service's export input for exactly these rows in this order (`export_pages`):
        the view, then only what differs from `botui export`'s reading (triage order, no
        narrowing), so the open queue unnarrowed asks what `botui export --view open` asks."""
        given: dict[str, Any] = {"view": self.view}
        if self.sort != "triage":
            given["sort"] = self.sort
        if self.descending:
            given["descending"] = True
        if self.text:
            given["query"] = self.text
        for column in (*NARROWINGS, "age"):
            if getattr(self, column):
                given[column] = getattr(self, column)
        return given


@dataclass(frozen=True)
class QueueRow:
    """One backorder as the queue shows it, with the names of its product and customer."""

    seq: int
    id: str
    status: str
    priority_level: str
    priority_rank: int
    product: str
    customer: str
    allocated: int
    quantity: int
    price: int
    estimated_ship_date: int | None
    created_at: int
    version: int
    # Shown when the terminal is wide enough (and the ship date of a fulfilled row).
    business: str = ""
    order_number: str | None = None
    estimated_delivery_date: int | None = None
    supplier_order: str | None = None
    actual_ship_date: int | None = None
    # The ids behind the names, so a row can narrow the queue to its customer, product...
    product_id: str = ""
    customer_id: str = ""
    business_id: str = ""

    def narrowing(self, column: str) -> str:
        """This row's value in a column of NARROWINGS, as QueueSpec holds it."""
        if column == "priority":
            return self.priority_level
        if column == "status":
            return self.status
        return str(getattr(self, f"{column}_id"))

    def key(self, sort: str) -> tuple[Any, ...]:
        """The values of this row's sort key, as keyset pagination compares them."""
        if sort == "status":
            return (STATUS_ORDER.index(self.status), self.priority_rank, self.created_at, self.id)
        if sort == "ship":
            return (self.estimated_ship_date, self.id)
        if sort == "created":
            return (self.created_at, self.id)
        return (self.priority_rank, self.created_at, self.id)


@dataclass(frozen=True)
class Window:
    """A contiguous slice of the queue: `rows` sit at offsets `start`, `start + 1`, ..."""

    spec: QueueSpec
    total: int = 0
    start: int = 0
    rows: tuple[QueueRow, ...] = field(default=())
    counted: bool = True

    @property
    def end(self) -> int:
        return self.start + len(self.rows)

    def row(self, index: int) -> QueueRow | None:
        """The row at queue offset `index`, or None when it is outside the window."""
        if self.start <= index < self.end:
            return self.rows[index - self.start]
        return None

    def index_of(self, backorder_id: str) -> int | None:
        """The queue offset of a backorder in this window, or None."""
        for position, row in enumerate(self.rows):
            if row.id == backorder_id:
                return self.start + position
        return None

    def covers(self, top: int, height: int) -> bool:
        """Whether every row from `top` for `height` rows (clamped to the total) is loaded."""
        low, high = top, min(top + height, self.total)
        return high <= low or (self.start <= low and high <= self.end)
