"""The three reports of the contract (aging, products, service), each a few grouped queries.

Every figure is summed by the database (GROUP BY over the covering indexes of migration 0008);
Python only lays the groups out: every aging bucket, the twelve weeks, zeros where nothing
happened. Ages and weeks are cut by comparing stored times with bounds computed here from
"now", so the SQL is plain integer arithmetic that PostgreSQL runs unchanged.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from peewee import SQL, Case, fn

from botui.domain.buckets import BUCKETS, DAY
from botui.domain.core import ServiceCore
from botui.domain.errors import validation
from botui.domain.validation import parse
from botui.lazy import lazy_module
from botui.store.models import Backorder, Business, Event, Product, Refund

if TYPE_CHECKING:
    from botui.domain import report_schemas
    from botui.domain.report_schemas import Report
else:  # pydantic loads with the first report, not with the Service (botui.lazy)
    report_schemas = lazy_module("botui.domain.report_schemas")

WEEK = 7 * DAY
WEEKS = 12
REPORTS = ("aging", "products", "service")
# Literals, not parameters: SQLite matches a partial index only on the text of its WHERE.
_OPEN = Backorder.is_open == SQL("1")
_FULFILLED = Backorder.status == SQL("'fulfilled'")
_CANCELLED = Backorder.status == SQL("'cancelled'")


def _whole(total: Any) -> int:
    """A SUM as the contract's integer: 0 for no rows; PostgreSQL sums 64-bit integers as
    numeric (Python's Decimal), SQLite as an integer."""
    return 0 if total is None else int(total)


def week_label(start: int) -> str:
    """The ISO week (UTC) of a Unix time: "2027-W02"."""
    year, week, _ = datetime.fromtimestamp(start, UTC).isocalendar()
    return f"{year}-W{week:02d}"


def first_week_start(now: int) -> int:
    """The Monday 00:00 UTC that starts the oldest of the twelve weeks ending with now's."""
    today = datetime.fromtimestamp(now, UTC).date()
    monday = today - timedelta(days=today.weekday())
    this_week = int(datetime(monday.year, monday.month, monday.day, tzinfo=UTC).timestamp())
    return this_week - (WEEKS - 1) * WEEK


class Reports(ServiceCore):
    """`botui report` and the reports screen read through here."""

    def report(self, name: str, payload: Any = None) -> Report:
        """One report by its contract name."""
        if name not in REPORTS:
            raise validation(f"unknown report {name!r}; the reports are {', '.join(REPORTS)}")
        report: Report = getattr(self, f"report_{name}")(payload)
        return report

    def _report_input(self, payload: Any, name: str) -> report_schemas.ReportInput:
        data = parse(
            report_schemas.ReportInput, {} if payload is None else payload, f"report {name}"
        )
        if data.business is not None:
            self._require(Business, data.business, "business")
        return data

    def _scope(self, query: Any, data: report_schemas.ReportInput) -> Any:
        if data.business is None:
            return query
        return query.where(Backorder.business == data.business)

    def report_aging(self, payload: Any = None) -> report_schemas.AgingReport:
        """Open backorders by whole days since createdAt, every bucket youngest first."""
        now = self._clock()
        with self._read():
            data = self._report_input(payload, "aging")
            # Youngest first: the first bound a row is newer than names its bucket.
            cases = [
                (Backorder.created_at > now - DAY * (last + 1), index)
                for index, (_, _, last) in enumerate(BUCKETS)
                if last is not None
            ]
            bucket = Case(None, cases, len(BUCKETS) - 1)
            late = Case(
                None,
                [
                    (
                        (Backorder.estimated_ship_date < now)
                        & Backorder.actual_ship_date.is_null(),
                        1,
                    )
                ],
                0,
            )
            query = (
                Backorder.select(
                    bucket,
                    fn.COUNT(SQL("*")),
                    fn.SUM(Backorder.quantity),
                    fn.SUM(Backorder.allocated_quantity),
                    fn.SUM(Backorder.price * Backorder.quantity),
                    fn.SUM(late),
                )
                .where(_OPEN)
                # By position: PostgreSQL would not see the CASE (its parameters) as one.
                .group_by(SQL("1"))
            )
            found = {row[0]: row[1:] for row in self._scope(query, data).tuples()}
        rows = []
        for index, (name, _, _) in enumerate(BUCKETS):
            count, units, allocated, value, late_count = found.get(index, (0, 0, 0, 0, 0))
            rows.append(
                report_schemas.AgingRow(
                    bucket=name,
                    backorders=count,
                    units=_whole(units),
                    allocated=_whole(allocated),
                    value=_whole(value),
                    late=_whole(late_count),
                )
            )
        return report_schemas.AgingReport(as_of=now, rows=rows)

    def report_products(self, payload: Any = None) -> report_schemas.ProductsReport:
        """Open backorders by product, most value first (then product id)."""
        now = self._clock()
        with self._read():
            data = self._report_input(payload, "products")
            value = fn.SUM(Backorder.price * Backorder.quantity)
            grouped = self._scope(
                Backorder.select(
                    Backorder.product.alias("product_id"),
                    fn.COUNT(SQL("*")).alias("backorders"),
                    fn.SUM(Backorder.quantity).alias("units"),
                    fn.SUM(Backorder.allocated_quantity).alias("allocated"),
                    value.alias("value"),
                    fn.MIN(Backorder.created_at).alias("oldest"),
                ).where(_OPEN),
                data,
            ).group_by(Backorder.product)
            query = (
                Product.select(
                    Product.id,
                    Product.sku,
                    Product.name,
                    grouped.c.backorders,
                    grouped.c.units,
                    grouped.c.allocated,
                    Product.stock_on_hand,
                    grouped.c.value,
                    grouped.c.oldest,
                )
                .join(grouped, on=grouped.c.product_id == Product.id)
                .order_by(grouped.c.value.desc(), Product.id)
            )
            if data.limit is not None:
                query = query.limit(data.limit)
            # Plain tuples straight from the cursor; pydantic-core makes the whole answer in
            # one call (a shop may have 10,000 rows here: building each row's model from
            # Python took twice as long, ~30 us a row).
            rows = [
                {
                    "product": product,
                    "sku": sku,
                    "name": name,
                    "backorders": count,
                    "units": _whole(units),
                    "allocated": _whole(allocated),
                    "stock_on_hand": stock,
                    "value": _whole(total),
                    "oldest_created_at": oldest,
                }
                for product, sku, name, count, units, allocated, stock, total, oldest in (
                    self.db.execute(query).fetchall()
                )
            ]
        return report_schemas.ProductsReport.model_validate({"as_of": now, "rows": rows})

    def report_service(self, payload: Any = None) -> report_schemas.ServiceReport:
        """The last twelve ISO weeks, oldest first: shipped (by actualShipDate) and cancelled
        (by cancelledAt) backorders, with the refunds of those cancellations."""
        now = self._clock()
        start = first_week_start(now)
        end = start + WEEKS * WEEK
        with self._read():
            data = self._report_input(payload, "service")
            shipped_week = (Backorder.actual_ship_date - start) / WEEK
            delayed = Event.select(SQL("1")).where(
                (Event.backorder == Backorder.id) & (Event.type == SQL("'delayNoticed'"))
            )
            on_time = Case(None, [(fn.EXISTS(delayed), 0)], 1)
            shipped = self._scope(
                Backorder.select(
                    shipped_week, fn.COUNT(SQL("*")), fn.SUM(Backorder.quantity), fn.SUM(on_time)
                ).where(
                    _FULFILLED
                    & (Backorder.actual_ship_date >= start)
                    & (Backorder.actual_ship_date < end)
                ),
                data,
            ).group_by(SQL("1"))
            cancelled_week = (Backorder.cancelled_at - start) / WEEK
            refund = (
                Refund.select(fn.SUM(Refund.amount))
                .where(Refund.backorder == Backorder.id)
                .alias("refund")
            )
            cancelled = self._scope(
                Backorder.select(cancelled_week, fn.COUNT(SQL("*")), fn.SUM(refund)).where(
                    _CANCELLED & (Backorder.cancelled_at >= start) & (Backorder.cancelled_at < end)
                ),
                data,
            ).group_by(SQL("1"))
            shipments = {week: rest for week, *rest in shipped.tuples()}
            cancellations = {week: rest for week, *rest in cancelled.tuples()}
        rows = []
        for index in range(WEEKS):
            fulfilled, units, on_time_count = shipments.get(index, (0, 0, 0))
            cancelled_count, refunded = cancellations.get(index, (0, 0))
            rows.append(
                report_schemas.ServiceRow(
                    week=week_label(start + index * WEEK),
                    fulfilled=fulfilled,
                    cancelled=cancelled_count,
                    units_shipped=_whole(units),
                    on_time=_whole(on_time_count),
                    on_time_rate=_whole(on_time_count) / fulfilled if fulfilled else None,
                    refunded=_whole(refunded),
                )
            )
        return report_schemas.ServiceReport(as_of=now, rows=rows)
