"""Read-only window queries for the triage queue: indexed keyset pages, cheap counts, no UI."""

from __future__ import annotations

import functools
import operator
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from peewee import SQL, ColumnBase, Expression, IntegerField, Tuple, fn

from botui.domain import search, statuses
from botui.domain.buckets import bucket_bounds
from botui.domain.queue_rows import MARGIN as MARGIN
from botui.domain.queue_rows import NARROWINGS as NARROWINGS
from botui.domain.queue_rows import SORT_LABELS as SORT_LABELS
from botui.domain.queue_rows import SORTS as SORTS
from botui.domain.queue_rows import STATUS_ORDER as STATUS_ORDER
from botui.domain.queue_rows import VIEWS as VIEWS
from botui.domain.queue_rows import QueueRow as QueueRow
from botui.domain.queue_rows import QueueSpec as QueueSpec
from botui.domain.queue_rows import Window as Window
from botui.domain.search import match_rowids
from botui.store.models import Backorder, Business, Customer, Event, Order, Product
from botui.store.peewee_types import tuples


@dataclass(frozen=True)
class _Part:
    """A stretch of the queue order that one index range reads, in the order of `columns`."""

    condition: Expression | None
    columns: tuple[Any, ...]
    key: slice  # the values of a row's sort key that `columns` hold


_ALL_KEY = slice(None)


_TRIAGE_COLUMNS = (Backorder.priority_rank, Backorder.created_at, Backorder.id)


def _parts(spec: QueueSpec) -> tuple[_Part, ...]:
    """The stretches of a spec's order, first to last, in either direction.

    Backorders without a ship date come after every dated one, whichever way the dates run:
    sorting by ship date is about the dated ones, and the undated would otherwise bury the
    latest at one end. The sort by status is one stretch per status in the order of a
    backorder's life (each an index range of (status, priority_rank, created_at, id)), only
    the statuses the view and narrowing allow; reversed, the whole order turns round.
    """
    ship = Backorder.estimated_ship_date
    if spec.sort == "status":
        status = _unindexed(Backorder.status) if _few(spec) else Backorder.status
        return tuple(
            _Part(status == value, _TRIAGE_COLUMNS, slice(1, None)) for value in _statuses_of(spec)
        )
    if spec.sort == "ship":
        return (
            _Part(ship.is_null(False), (ship, Backorder.id), _ALL_KEY),
            _Part(ship.is_null(), (Backorder.id,), slice(1, None)),
        )
    if spec.sort == "created":
        return (_Part(None, (Backorder.created_at, Backorder.id), _ALL_KEY),)
    return (_Part(None, _TRIAGE_COLUMNS, _ALL_KEY),)


# The views that hold open backorders alone (view_condition's `is_open = 1`).
OPEN_VIEWS = ("open", "pending", "late", "ready")

_VIEW_STATUSES = {
    "pending": ("pending",),
    "closed": statuses.CLOSED_STATUSES,
    "all": STATUS_ORDER,
}


def _statuses_of(spec: QueueSpec) -> tuple[str, ...]:
    """The statuses the spec's view and status narrowing leave, in the order the spec reads
    them (at least one: a status its view leaves out stands alone and finds nothing)."""
    allowed = _VIEW_STATUSES.get(spec.view, statuses.OPEN_STATUSES)
    if spec.status:
        allowed = tuple(s for s in allowed if s == spec.status) or (spec.status,)
    return allowed[::-1] if spec.descending else allowed


def _part_of(spec: QueueSpec, key: tuple[Any, ...]) -> int:
    """Which stretch of `_parts(spec)` holds the row with this sort key."""
    if spec.sort == "status":
        return _statuses_of(spec).index(STATUS_ORDER[key[0]])
    return 1 if spec.sort == "ship" and key[0] is None else 0


def view_condition(
    view: str, now: int, sort: str = "ship", *, few: bool = False
) -> Expression | None:
    """Which backorders a view of the queue holds (None: all); the export reads it too.

    `few`: the query is narrowed to a customer's or a product's backorders (a few hundred at
    most), so `+ 0` keeps every index of the view out of SQLite's choice, which would otherwise
    walk all open (or closed) rows in order looking for them.
    """
    is_open = Backorder.is_open + 0 if few else Backorder.is_open
    open_rows = is_open == SQL("1")  # a literal, so SQLite can match the partial indexes
    if view == "open":
        return open_rows
    if view == "pending":
        return open_rows & (Backorder.status == "pending")
    if view == "late":
        # Outside the ship-date order, `+ 0` keeps SQLite on the index of the order itself
        # instead of a range of ship dates followed by a sort of every late row.
        ship: ColumnBase = Backorder.estimated_ship_date
        if sort != "ship" or few:
            ship = ship + 0
        return open_rows & (ship < now) & Backorder.actual_ship_date.is_null()
    if view == "ready":
        # The shortage expression is the one indexed by migration 0003.
        return open_rows & ((Backorder.quantity - Backorder.allocated_quantity) == 0)
    if view == "closed":
        return is_open == SQL("0")
    return None


def _filtered(
    spec: QueueSpec, now: int, columns: list[Any], sort: str = "ship", walk: bool = False
) -> Any:
    """The spec's rows; `walk`: a short ordered read, which tests a common text row by row."""
    query = Backorder.select(*columns)
    condition = view_condition(spec.view, now, sort, few=_few(spec))
    if condition is not None:
        query = query.where(condition)
    query = _narrowed(query, spec)
    if spec.age:
        after, until = bucket_bounds(spec.age, now)
        if after is not None:
            query = query.where(Backorder.created_at > after)
        if until is not None:
            query = query.where(Backorder.created_at <= until)
    if spec.text:
        # The open views' texts have an index of their own on PostgreSQL (migration 0009).
        open_only = spec.view in OPEN_VIEWS
        if walk and not _rare(spec.text, open_only):
            query = query.where(search.row_matches(Backorder.seq, spec.text, open_only=open_only))
        else:
            query = query.where(Backorder.seq.in_(match_rowids(spec.text, open_only=open_only)))
    return query


def _few(spec: QueueSpec) -> bool:
    """Whether the spec keeps only a few backorders, best found by their own index (a
    customer's or a product's: a few hundred at most) or listed by the search index (a text
    in fewer than `search.COMMON`, such as a whole backorder id) and sorted, whatever else
    the query asks: SQLite would otherwise walk all open rows in order testing each."""
    if spec.customer or spec.product:
        return True
    return bool(spec.text) and _rare(spec.text, spec.view in OPEN_VIEWS)


# How long an answer of `_rare` is kept: a text typed key by key is asked once, and a text
# whose matches grow past search.COMMON gets its walking plan back within seconds.
RARE_SECONDS = 5.0
_rare_answers: dict[tuple[object, ...], tuple[float, bool]] = {}


def _rare(text: str, open_only: bool) -> bool:
    """Whether `text` is in fewer than `search.COMMON` backorders' texts of this database.

    The answer only chooses a plan (the rows are the same either way) and is kept RARE_SECONDS
    per database and text; the threshold and the counting function are part of the key, so a
    test that changes either is answered afresh.
    """
    db = Backorder._meta.database
    key = (id(getattr(db, "obj", db)), text, open_only, search.COMMON, search.is_common)
    now = time.monotonic()
    kept = _rare_answers.get(key)
    if kept is not None and now - kept[0] < RARE_SECONDS:
        return kept[1]
    answer = not search.is_common(db, text, open_only=open_only)
    if len(_rare_answers) >= 256:
        _rare_answers.clear()
    _rare_answers[key] = (now, answer)
    return answer


def _unindexed(column: Any) -> Any:
    """The column's value in a form no index matches (`+ 0`, `|| ''`), to steer SQLite."""
    return column + 0 if isinstance(column, IntegerField) else column.concat("")


def _narrowed(query: Any, spec: QueueSpec) -> Any:
    """The query kept to the spec's narrowings: equalities on indexed columns.

    Business, status and priority hold many rows each: under a customer or product narrowing
    their indexes (which also hold the triage order) must not be chosen over its own.
    """
    if spec.customer:
        query = query.where(Backorder.customer == spec.customer)
    if spec.product:
        query = query.where(Backorder.product == spec.product)
    plain = _unindexed if _few(spec) else (lambda column: column)
    if spec.business:
        query = query.where(plain(Backorder.business) == spec.business)
    if spec.status:
        query = query.where(plain(Backorder.status) == spec.status)
        if spec.status not in _VIEW_STATUSES.get(spec.view, statuses.OPEN_STATUSES):
            query = query.where(SQL("1 = 0"))  # a closed status in an open view: nothing
    if spec.priority:
        rank = statuses.PRIORITY_RANK.get(spec.priority, -1)
        query = query.where(plain(Backorder.priority_rank) == rank)
    return query


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
    Backorder.business,
    Backorder.order,
    Backorder.estimated_delivery_date,
    Backorder.supplier_order,
    Backorder.actual_ship_date,
]


def _part_query(spec: QueueSpec, now: int, part: _Part, ascending: bool, walk: bool = False) -> Any:
    """The spec's rows of one stretch, ordered along it (`ascending` or not)."""
    query = _filtered(spec, now, _ROW_COLUMNS, spec.sort, walk)
    if part.condition is not None:
        query = query.where(part.condition)
    return query.order_by(*[c.asc() if ascending else c.desc() for c in part.columns])


def _past(part: _Part, key: tuple[Any, ...], ascending: bool, inclusive: bool) -> Expression:
    """The rows of `part` after `key` when read `ascending` (or not): one index range."""
    return _beyond(part, key[part.key], ascending, inclusive)


def _beyond(part: _Part, values: tuple[Any, ...], ascending: bool, inclusive: bool) -> Expression:
    """The rows of `part` whose values of its columns come after `values` along it."""
    columns: ColumnBase = Tuple(*part.columns)
    bound: ColumnBase = Tuple(*values)
    if ascending:
        return columns >= bound if inclusive else columns > bound
    return columns <= bound if inclusive else columns < bound


def _named(rows: list[Backorder]) -> list[QueueRow]:
    """Attach the names of the page's products, customers, businesses and orders, read by
    primary key in one statement for the whole page (one round trip to a server, not four)."""
    if not rows:
        return []
    wanted: tuple[tuple[Any, Any, Any, set[str]], ...] = (
        (Product, Product.id, Product.name, {r.product_id for r in rows}),
        (Customer, Customer.id, Customer.name, {r.customer_id for r in rows}),
        (Business, Business.id, Business.name, {r.business_id for r in rows}),
        (Order, Order.id, Order.number, {r.order_id for r in rows if r.order_id is not None}),
    )
    parts = [
        model.select(SQL(str(kind)), key, name).where(key.in_(sorted(ids)))
        for kind, (model, key, name, ids) in enumerate(wanted)
        if ids
    ]
    names: list[dict[str, str]] = [{} for _ in wanted]
    for kind, record_id, name in tuples(functools.reduce(operator.add, parts)):
        names[kind][record_id] = name
    products, customers, businesses, orders = names
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
            business=businesses.get(r.business_id, r.business_id),
            order_number=(orders.get(r.order_id) or r.order_id) if r.order_id else None,
            estimated_delivery_date=r.estimated_delivery_date,
            supplier_order=r.supplier_order,
            actual_ship_date=r.actual_ship_date,
            product_id=r.product_id,
            customer_id=r.customer_id,
            business_id=r.business_id,
        )
        for r in rows
    ]


def count(spec: QueueSpec, now: int) -> int:
    """How many backorders the spec matches, counted on an index."""
    return _filtered(spec, now, [fn.COUNT(SQL("*"))]).scalar() or 0


def view_counts(spec: QueueSpec, now: int) -> dict[str, int]:
    """How many backorders each view holds under the spec's narrowings (its view, sort and
    text filter aside), each counted on an index: the queue's view bar."""
    narrowings: dict[str, Any] = {column: spec.narrowed(column) for column in NARROWINGS}
    base = QueueSpec(**narrowings, age=spec.age)
    return {view: count(replace(base, view=view), now) for view in VIEWS}


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
    if before is not None:
        return _read(spec, now, limit, before, forward=False, inclusive=inclusive)
    return _read(spec, now, limit, after, forward=True, inclusive=inclusive)


def _read(
    spec: QueueSpec,
    now: int,
    limit: int,
    key: tuple[Any, ...] | None,
    *,
    forward: bool,
    inclusive: bool = False,
) -> list[QueueRow]:
    """Up to `limit` rows from `key` (None: from the start, or the end) on, in queue order."""
    ascending = forward != spec.descending
    parts = _parts(spec)
    order = list(range(len(parts))) if forward else list(reversed(range(len(parts))))
    if key is not None:
        order = order[order.index(_part_of(spec, key)) :]
    rows: list[Backorder] = []
    for position, index in enumerate(order):
        if len(rows) >= limit:
            break
        part = parts[index]
        query = _part_query(spec, now, part, ascending, walk=True)
        if key is not None and position == 0:
            query = query.where(_past(part, key, ascending, inclusive))
        rows += list(query.limit(limit - len(rows)))
    if not forward:
        rows.reverse()
    return _named(rows)


def ordered_pages(
    spec: QueueSpec,
    now: int,
    columns: list[Any],
    page_size: int,
    *,
    joined: Callable[[Any], Any] | None = None,
) -> Iterator[list[tuple[Any, ...]]]:
    """Every row the spec shows, in the queue's order, as pages of plain tuples: `columns`,
    then the sort key of the row's stretch (of varying length: leave it off the end).

    Keyset pages along each stretch, so memory stays flat however many rows match and each
    page is its own statement; `joined` adds the joins `columns` need. The export reads
    through here, so its file holds what the queue shows, in the queue's order.
    """
    ascending = not spec.descending
    database = Backorder._meta.database
    for part in _parts(spec):
        width, last = len(part.columns), None
        while True:
            query = _filtered(spec, now, [*columns, *part.columns], spec.sort, walk=True)
            if joined is not None:
                query = joined(query)
            if part.condition is not None:
                query = query.where(part.condition)
            if last is not None:
                query = query.where(_beyond(part, last, ascending, inclusive=False))
            order = [c.asc() if ascending else c.desc() for c in part.columns]
            # Plain tuples straight from the cursor: every column is a text or an integer,
            # so peewee's per-value conversion would only cost time.
            rows = database.execute(query.order_by(*order).limit(page_size)).fetchall()
            if rows:
                yield rows
            if len(rows) < page_size:
                break
            last = rows[-1][-width:]


def first_rows(spec: QueueSpec, now: int, height: int, *, margin: int = MARGIN) -> Window:
    """The top of the queue before it is counted: `total` is exact only if `counted` says so."""
    limit = height + margin
    rows = page(spec, now, limit)
    return Window(spec, len(rows), 0, tuple(rows), counted=len(rows) < limit)


def _part_sizes(spec: QueueSpec, now: int, total: int) -> list[int]:
    """How many of the spec's `total` rows each stretch of its order holds."""
    parts = _parts(spec)
    if len(parts) == 1:
        return [total]
    sizes = [_filtered(spec, now, [fn.COUNT(SQL("*"))]).where(p.condition) for p in parts[:-1]]
    counted = [query.scalar() or 0 for query in sizes]
    return [*counted, total - sum(counted)]


def rows_at(spec: QueueSpec, now: int, offset: int, limit: int, total: int) -> list[QueueRow]:
    """Rows `offset` to `offset + limit`, each stretch skipped from whichever end is nearer."""
    rows: list[Backorder] = []
    start = 0
    for part, size in zip(_parts(spec), _part_sizes(spec, now, total), strict=True):
        low, high = max(offset, start), min(offset + limit, start + size)
        if low < high:
            rows += _slice(spec, now, part, low - start, high - low, size)
        start += size
    return _named(rows)


def _slice(
    spec: QueueSpec, now: int, part: _Part, offset: int, limit: int, size: int
) -> list[Backorder]:
    """Rows `offset` to `offset + limit` of one stretch of `size` rows, read by OFFSET."""
    ascending = not spec.descending
    if offset <= size - offset - limit:
        return list(_part_query(spec, now, part, ascending).limit(limit).offset(offset))
    from_end = max(size - offset - limit, 0)
    rows = list(_part_query(spec, now, part, not ascending).limit(limit).offset(from_end))
    rows.reverse()
    return rows


def offset_of(spec: QueueSpec, now: int, backorder_id: str) -> int | None:
    """Where a backorder stands in the spec's order, or None when the spec leaves it out."""
    found = _filtered(spec, now, _ROW_COLUMNS).where(Backorder.id == backorder_id)
    rows = _named(list(found))
    if not rows:
        return None
    key = rows[0].key(spec.sort)
    parts = _parts(spec)
    own = _part_of(spec, key)
    ahead = 0
    for index, part in enumerate(parts[: own + 1]):
        query = _filtered(spec, now, [fn.COUNT(SQL("*"))])
        if part.condition is not None:
            query = query.where(part.condition)
        if index == own:
            # The rows ahead are those past the key when the order is read backwards.
            query = query.where(_past(part, key, spec.descending, inclusive=False))
        ahead += query.scalar() or 0
    return ahead


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
    same = previous if previous is not None and previous.spec == spec and previous.counted else None
    total = same.total if same is not None else count(spec, now)
    if top >= total - height:
        top = max(total - height, 0)
    low, high = max(top - margin, 0), min(top + height + margin, total)
    if high <= low:
        return Window(spec, total, 0, ())
    if same is not None and same.rows and same.start <= low and high <= same.end:
        return same
    if same is not None and same.rows and same.start <= high and low <= same.end:
        return _extend(same, now, low, high)
    if low == 0:
        return Window(spec, total, 0, tuple(page(spec, now, high)))
    if high == total:
        rows = _last(spec, now, high - low)
        return Window(spec, total, total - len(rows), tuple(rows))
    return Window(spec, total, low, tuple(rows_at(spec, now, low, high - low, total)))


def _last(spec: QueueSpec, now: int, limit: int) -> list[QueueRow]:
    """The last `limit` rows: the order read backwards from its end, then turned around."""
    return _read(spec, now, limit, None, forward=False)


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


def shown_of(spec: QueueSpec, now: int, ids: list[str]) -> set[str]:
    """Those of `ids` the spec shows (its view, narrowings, age and filter): the marks a
    filter or a narrowing hides are the others."""
    shown: set[str] = set()
    for start in range(0, len(ids), 500):  # SQLite's bound parameters, with room to spare
        chunk = ids[start : start + 500]
        query = _filtered(spec, now, [Backorder.id]).where(Backorder.id.in_(chunk))
        shown.update(row.id for row in query)
    return shown


def latest_event_id() -> int:
    """The id of the newest event, 0 when the log is empty."""
    return Event.select(fn.MAX(Event.id)).scalar() or 0
