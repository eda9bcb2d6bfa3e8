"""Read-only window queries for the triage queue: indexed keyset pages, cheap counts, no UI."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from peewee import SQL, Database, Expression, Tuple, fn

from botui.domain import search
from botui.domain.search import match_rowids
from botui.store.models import Backorder, Customer, Event, Product

VIEWS = ("open", "pending", "late", "ready", "closed", "all")
SORTS = ("triage", "ship", "created")
SORT_LABELS = {"triage": "triage", "ship": "ship date", "created": "created"}
MARGIN = 40
# The UI's workers each open a short-lived connection: a big page cache would only raise the
# peak memory (a count over a million rows fills it) and be thrown away at the end.
SMALL_CACHE_KIB = 2_000


@dataclass(frozen=True)
class QueueSpec:
    """What the queue shows: a view, a sort column, its direction and a text filter."""

    view: str = "open"
    sort: str = "triage"
    descending: bool = False
    text: str = ""


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

    def key(self, sort: str) -> tuple[Any, ...]:
        """The values of this row's sort key, as keyset pagination compares them."""
        if sort == "ship":
            return (self.estimated_ship_date, self.id)
        if sort == "created":
            return (self.created_at, self.id)
        return (self.priority_rank, self.created_at, self.id)


def _key_columns(sort: str) -> list[Any]:
    if sort == "ship":
        return [Backorder.estimated_ship_date, Backorder.id]
    if sort == "created":
        return [Backorder.created_at, Backorder.id]
    return [Backorder.priority_rank, Backorder.created_at, Backorder.id]


_OPEN = Backorder.is_open == SQL("1")  # a literal, so SQLite can match the partial indexes


def _view_condition(view: str, now: int, sort: str = "ship") -> Expression | None:
    if view == "open":
        return _OPEN
    if view == "pending":
        return _OPEN & (Backorder.status == "pending")
    if view == "late":
        # Outside the ship-date order, `+ 0` keeps SQLite on the index of the order itself
        # instead of a range of ship dates followed by a sort of every late row.
        ship = Backorder.estimated_ship_date
        if sort != "ship":
            ship = ship + 0
        return _OPEN & (ship < now) & Backorder.actual_ship_date.is_null()
    if view == "ready":
        # The shortage expression is the one indexed by migration 0003.
        return _OPEN & ((Backorder.quantity - Backorder.allocated_quantity) == 0)
    if view == "closed":
        return Backorder.is_open == SQL("0")
    return None


def _filtered(
    spec: QueueSpec, now: int, columns: list[Any], sort: str = "ship", walk: bool = False
) -> Any:
    """The spec's rows; `walk`: a short ordered read, which tests a common text row by row."""
    query = Backorder.select(*columns)
    condition = _view_condition(spec.view, now, sort)
    if condition is not None:
        query = query.where(condition)
    if spec.text:
        if walk and search.is_common(Backorder._meta.database, spec.text):
            query = query.where(search.row_matches(Backorder.seq, spec.text))
        else:
            query = query.where(Backorder.seq.in_(match_rowids(spec.text)))
    return query


def _beyond(
    columns: list[Any], key: tuple[Any, ...] | None, ascending: bool, inclusive: bool
) -> list[Expression | None]:
    """Conditions for the rows after `key`, in order, each one an index range.

    Every column runs `ascending`; only the first may be NULL, and NULLs sort first. A row
    value comparison never matches NULL, so the NULL rows get a range of their own.
    """
    if key is None:
        return [None]
    first, rest = columns[0], columns[1:]
    if ascending:
        whole = Tuple(*columns) >= Tuple(*key) if inclusive else Tuple(*columns) > Tuple(*key)
        tail = Tuple(*rest) >= Tuple(*key[1:]) if inclusive else Tuple(*rest) > Tuple(*key[1:])
    else:
        whole = Tuple(*columns) <= Tuple(*key) if inclusive else Tuple(*columns) < Tuple(*key)
        tail = Tuple(*rest) <= Tuple(*key[1:]) if inclusive else Tuple(*rest) < Tuple(*key[1:])
    if key[0] is not None:
        return [whole, first.is_null()] if not ascending and first.null else [whole]
    if ascending:
        return [first.is_null() & tail, first.is_null(False)]
    return [first.is_null() & tail]


_ROW_COLUMNS = [
    Backorder.seq,
    Backorder.id,
    Backorder.status,
    Backorder.priority_level,
    Backorder.priority_rank,
    Backorder.product,
    Backorder.customer,
    Backorder.allocated_quantity,
    Backorder.quantity,
    Backorder.price,
    Backorder.estimated_ship_date,
    Backorder.created_at,
    Backorder.version,
]


def _ordered(spec: QueueSpec, now: int, forward: bool, walk: bool = False) -> Any:
    ascending = forward != spec.descending
    columns = _key_columns(spec.sort)
    order = [c.asc() if ascending else c.desc() for c in columns]
    query = _filtered(spec, now, _ROW_COLUMNS, spec.sort, walk).order_by(*order)
    return query, columns, ascending


def _named(rows: list[Backorder]) -> list[QueueRow]:
    """Attach product and customer names with two primary-key lookups for the whole page."""
    if not rows:
        return []
    product_ids = {r.product_id for r in rows}
    customer_ids = {r.customer_id for r in rows}
    products = dict(
        Product.select(Product.id, Product.name).where(Product.id.in_(product_ids)).tuples()
    )
    customers = dict(
        Customer.select(Customer.id, Customer.name).where(Customer.id.in_(customer_ids)).tuples()
    )
    return [
        QueueRow(
            seq=r.seq,
            id=r.id,
            status=r.status,
            priority_level=r.priority_level,
            priority_rank=r.priority_rank,
            product=products.get(r.product_id, r.product_id),
            customer=customers.get(r.customer_id, r.customer_id),
            allocated=r.allocated_quantity,
            quantity=r.quantity,
            price=r.price,
            estimated_ship_date=r.estimated_ship_date,
            created_at=r.created_at,
            version=r.version,
        )
        for r in rows
    ]


def count(spec: QueueSpec, now: int) -> int:
    """How many backorders the spec matches, counted on an index."""
    return _filtered(spec, now, [fn.COUNT(SQL("*"))]).scalar() or 0


def page(
    spec: QueueSpec,
    now: int,
    limit: int,
    *,
    after: tuple[Any, ...] | None = None,
    before: tuple[Any, ...] | None = None,
    inclusive: bool = False,
) -> list[QueueRow]:
    """Up to `limit` rows in queue order after `after`, or the `limit` rows just before `before`."""
    forward = before is None
    query, columns, ascending = _ordered(spec, now, forward, walk=True)
    rows: list[Backorder] = []
    for condition in _beyond(columns, after if forward else before, ascending, inclusive):
        if len(rows) >= limit:
            break
        part = query if condition is None else query.where(condition)
        rows += list(part.limit(limit - len(rows)))
    if not forward:
        rows.reverse()
    return _named(rows)


def first_rows(spec: QueueSpec, now: int, height: int, *, margin: int = MARGIN) -> Window:
    """The top of the queue before it is counted: `total` is exact only if `counted` says so."""
    limit = height + margin
    rows = page(spec, now, limit)
    return Window(spec, len(rows), 0, tuple(rows), counted=len(rows) < limit)


def rows_at(spec: QueueSpec, now: int, offset: int, limit: int, total: int) -> list[QueueRow]:
    """Rows `offset` to `offset + limit`, skipping from whichever end of the order is nearer."""
    if offset <= total - offset - limit:
        query, _, _ = _ordered(spec, now, True)
        return _named(list(query.limit(limit).offset(offset)))
    query, _, _ = _ordered(spec, now, False)
    from_end = max(total - offset - limit, 0)
    rows = list(query.limit(limit).offset(from_end))
    rows.reverse()
    return _named(rows)


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


def load(
    spec: QueueSpec,
    now: int,
    top: int,
    height: int,
    previous: Window | None = None,
    *,
    margin: int = MARGIN,
) -> Window:
    """The window for rows `top` to `top + height` plus a margin, reusing `previous` if it can."""
    same = previous is not None and previous.spec == spec and previous.counted
    total = previous.total if same else count(spec, now)
    if top >= total - height:
        top = max(total - height, 0)
    low, high = max(top - margin, 0), min(top + height + margin, total)
    if high <= low:
        return Window(spec, total, 0, ())
    if same and previous.rows and previous.start <= low and high <= previous.end:
        return previous
    if same and previous.rows and previous.start <= high and low <= previous.end:
        return _extend(previous, now, low, high)
    if low == 0:
        return Window(spec, total, 0, tuple(page(spec, now, high)))
    if high == total:
        rows = _last(spec, now, high - low)
        return Window(spec, total, total - len(rows), tuple(rows))
    return Window(spec, total, low, tuple(rows_at(spec, now, low, high - low, total)))


def _last(spec: QueueSpec, now: int, limit: int) -> list[QueueRow]:
    """The last `limit` rows: the order reversed, read from its start, then turned around."""
    query, _, _ = _ordered(spec, now, False, walk=True)
    rows = list(query.limit(limit))
    rows.reverse()
    return _named(rows)


def ends(window: Window, now: int, height: int, *, margin: int = MARGIN) -> tuple[Window, ...]:
    """The first and last screens of the queue, when `window` holds neither, for g and G.

    Read with the window itself, so jumping to either end shows rows at once.
    """
    spec, found = window.spec, []
    if window.start > 0:
        found.append(Window(spec, window.total, 0, tuple(page(spec, now, height + margin))))
    if window.end < window.total:
        rows = _last(spec, now, height + margin)
        found.append(Window(spec, window.total, window.total - len(rows), tuple(rows)))
    return tuple(found)


def _extend(window: Window, now: int, low: int, high: int) -> Window:
    """Grow a window by keyset pages at either edge, then drop the rows outside `low..high`."""
    spec, rows, start = window.spec, list(window.rows), window.start
    if high > window.end:
        rows += page(spec, now, high - window.end, after=rows[-1].key(spec.sort))
    if low < start:
        earlier = page(spec, now, start - low, before=rows[0].key(spec.sort))
        rows = earlier + rows
        start = max(start - len(earlier), 0)
    keep_from = max(low - start, 0)
    return Window(spec, window.total, start + keep_from, tuple(rows[keep_from : high - start]))


def refresh(window: Window, now: int, top: int, height: int, *, margin: int = MARGIN) -> Window:
    """The same stretch of the queue read again after changes: new count, rows re-read in place."""
    total = count(window.spec, now)
    fresh = Window(window.spec, total, 0, ())
    if not window.rows or window.start == 0:
        return load(window.spec, now, top, height, fresh, margin=margin)
    size = max(len(window.rows), height + 2 * margin)
    rows = page(window.spec, now, size, after=window.rows[0].key(window.spec.sort), inclusive=True)
    start = min(window.start, max(total - len(rows), 0))
    return load(window.spec, now, top, height, replace(fresh, start=start, rows=tuple(rows)))


def rows_by_id(ids: list[str]) -> dict[str, QueueRow]:
    """The queue rows of the given backorders (those that still exist), by id."""
    found = Backorder.select(*_ROW_COLUMNS).where(Backorder.id.in_(ids))
    return {row.id: row for row in _named(list(found))}


def use_small_cache(db: Database) -> None:
    """Give this thread's connection a small page cache (see SMALL_CACHE_KIB)."""
    db.execute_sql(f"PRAGMA cache_size = -{SMALL_CACHE_KIB}")


def latest_event_id() -> int:
    """The id of the newest event, 0 when the log is empty."""
    return Event.select(fn.MAX(Event.id)).scalar() or 0
