"""Read-only look-ups the screens need beyond the contract's actions: records, queues, matches."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from peewee import Case, ColumnBase, Field, Tuple, fn

from botui.domain import convert, queue
from botui.domain.service import Service
from botui.lazy import lazy_module
from botui.store.db import translate_errors
from botui.store.engine import is_postgres
from botui.store.folding import fold
from botui.store.models import (
    Backorder,
    Business,
    Customer,
    Event,
    Notification,
    Order,
    Product,
    Refund,
)
from botui.store.peewee_types import tuples

if TYPE_CHECKING:
    from botui.domain import schemas

    # A kind of record suggest() searches: its model, the columns matched, the line of a row.
    # (Only for mypy: peewee's Field is generic in its stubs alone.)
    _Searched = tuple[
        type[Product | Customer | Business], tuple[Field[Any], ...], Callable[[Any], str]
    ]
else:  # pydantic loads when a schema is first used, not with the first screen (botui.lazy)
    schemas = lazy_module("botui.domain.schemas")

TIMELINE_LIMIT = 200
LIST_LIMIT = 100
SUGGESTIONS = 8


@dataclass(frozen=True)
class Context:
    """A backorder with the records it points to and what happened to it."""

    backorder: schemas.Backorder
    product: schemas.Product
    business: schemas.Business
    customer: schemas.Customer
    order: schemas.Order | None
    events: list[schemas.Event]
    notifications: list[schemas.OutboxEntry]
    refunds: list[schemas.Refund]
    last_event_id: int


def context(service: Service, backorder_id: str) -> Context:
    """Everything the detail screen shows about one backorder (raises not_found if it is gone)."""
    with translate_errors(service.path):  # read first: any later change has a higher id
        seen = queue.latest_event_id()
    backorder = service.get({"id": backorder_id})
    # An id can be reused after a delete: show only what happened to this backorder.
    earlier = deletion(service, backorder_id)
    after_event, since = (earlier.id, earlier.at) if earlier else (0, 0)
    with translate_errors(service.path):
        order = Order.get_or_none(Order.id == backorder.order) if backorder.order else None
        events = (
            Event.select()
            .where((Event.backorder == backorder_id) & (Event.id > after_event))
            .order_by(Event.id.desc())
            .limit(TIMELINE_LIMIT)
        )
        notifications = (
            Notification.select()
            .where((Notification.backorder == backorder_id) & (Notification.created_at >= since))
            .order_by(Notification.id.desc())
            .limit(LIST_LIMIT)
        )
        refunds = (
            Refund.select()
            .where((Refund.backorder == backorder_id) & (Refund.at >= since))
            .order_by(Refund.id.desc())
            .limit(LIST_LIMIT)
        )
        return Context(
            backorder=backorder,
            product=convert.product(Product.get(Product.id == backorder.product)),
            business=convert.business(Business.get(Business.id == backorder.business)),
            customer=convert.customer(Customer.get(Customer.id == backorder.customer)),
            order=convert.order(order) if order else None,
            events=[convert.event(row) for row in reversed(list(events))],
            notifications=[
                convert.outbox(row, service.database_id()) for row in reversed(list(notifications))
            ],
            refunds=[convert.refund(row) for row in reversed(list(refunds))],
            last_event_id=seen,
        )


def deletion(service: Service, backorder_id: str) -> schemas.Event | None:
    """The `deleted` event of a backorder that no longer exists, if there is one."""
    with translate_errors(service.path):
        row = (
            Event.select()
            .where((Event.backorder == backorder_id) & (Event.type == "deleted"))
            .order_by(Event.id.desc())
            .first()
        )
        return convert.event(row) if row else None


# The events that raise a backorder's version: who wrote the one last is who changed it.
VERSION_EVENTS = (
    "created",
    "updated",
    "confirmed",
    "fulfilled",
    "cancelled",
    "estimateUpdated",
    "deleted",
)


def last_change(service: Service, backorder_id: str) -> schemas.Event | None:
    """The last event that changed a backorder (raised its version), if there is one."""
    with translate_errors(service.path):
        row = (
            Event.select()
            .where((Event.backorder == backorder_id) & Event.type.in_(VERSION_EVENTS))
            .order_by(Event.id.desc())
            .first()
        )
        return convert.event(row) if row else None


def describe(service: Service, kind: str, record_id: str) -> str | None:
    """A one-line description of a business, customer, product or order, or None if unknown."""
    with translate_errors(service.path):
        if kind == "product":
            product = Product.get_or_none(Product.id == record_id)
            if product is None:
                return None
            return f"{product.name} (SKU {product.sku}), {product.stock_on_hand:,} free"
        if kind in ("customer", "business"):
            model = Customer if kind == "customer" else Business
            named = model.get_or_none(model.id == record_id)
            return named.name if named else None
        row = _order(record_id)
        if row is None:
            return None
        number = f"{row.number} " if row.number else ""
        customer = Customer.get_or_none(Customer.id == row.customer_id)
        business = Business.get_or_none(Business.id == row.business_id)
        who = customer.name if customer else row.customer_id
        where = business.name if business else row.business_id
        text = f"order {number}({row.id}) of {who} at {where}"
        return text if row.id == record_id else f"{text}; saved as its id {row.id}"


def names_of(service: Service, backorder: schemas.Backorder) -> tuple[str, str]:
    """The names of a backorder's product and customer (their ids when gone)."""
    with translate_errors(service.path):
        product = Product.get_or_none(Product.id == backorder.product)
        customer = Customer.get_or_none(Customer.id == backorder.customer)
        return (
            product.name if product else backorder.product,
            customer.name if customer else backorder.customer,
        )


def _order(typed: str) -> Order | None:
    """The order whose id is `typed`, else the one whose number is (people see the number)."""
    return Order.get_or_none(Order.id == typed) or Order.get_or_none(Order.number == typed)


def order_id(service: Service, typed: str) -> str | None:
    """The id of the order `typed` names by id or by number, None when it names none."""
    with translate_errors(service.path):
        row = _order(typed)
        return row.id if row else None


def products_of(service: Service, backorder_ids: list[str]) -> dict[str, schemas.Product]:
    """The product of each existing backorder among `backorder_ids` (missing ones left out)."""
    with translate_errors(service.path):
        rows = (
            Backorder.select(Backorder.id, Product)
            .join(Product)
            .where(Backorder.id.in_(backorder_ids))
        )
        return {row.id: convert.product(row.product) for row in rows}


@dataclass(frozen=True)
class Place:
    """Where one backorder stands in its product's allocation queue."""

    backorder: str
    is_open: bool
    lacks: int
    ahead: int  # units lacked by the open backorders before it
    short_in_all: int
    before: int = 0  # how many of the product's lacking backorders are before it

    @property
    def after(self) -> int:
        """Units lacked by the open backorders after it in line."""
        return max(self.short_in_all - self.ahead - self.lacks, 0)


def place_in_queue(service: Service, backorder_id: str) -> Place | None:
    """Units lacked by the open backorders before this one in allocation order, and in all."""
    short = Backorder.quantity - Backorder.allocated_quantity
    with translate_errors(service.path):
        row = Backorder.get_or_none(Backorder.id == backorder_id)
        if row is None:
            return None
        product_open = (Backorder.product == row.product_id) & (Backorder.is_open == 1)
        lacking = product_open & (Backorder.allocated_quantity < Backorder.quantity)
        total = Backorder.select(fn.COALESCE(fn.SUM(short), 0)).where(lacking)
        before = Tuple(Backorder.priority_rank, Backorder.created_at, Backorder.id) < Tuple(
            row.priority_rank, row.created_at, row.id
        )
        return Place(
            backorder=row.id,
            is_open=bool(row.is_open),
            lacks=row.quantity - row.allocated_quantity if row.is_open else 0,
            # int(): PostgreSQL sums 64-bit integers as numeric (Decimal).
            ahead=int(total.where(lacking & before).scalar()),
            short_in_all=int(total.scalar()),
            before=Backorder.select().where(lacking & before).count(),
        )


@dataclass(frozen=True)
class Suggestion:
    """A record that matches typed text: its id and a line describing it."""

    id: str
    text: str


def holds(column: Field[Any], folded: str) -> ColumnBase:
    """`column`, folded as search folds text (store.folding), holds the folded query `folded`.

    An ASCII value is tested by LIKE, which folds ASCII case and compares every other
    character exactly, so it answers the same as folding without calling into Python (the
    tables of customers and products hold some 250,000 rows at a million backorders); any
    other value is folded by `botui_fold` first and searched exactly by `instr`.
    """
    if is_postgres(column.model._meta.database):
        return fn.strpos(fn.botui_fold(column), folded) > 0  # botui_fold lowers ASCII itself
    # octet_length() needs SQLite 3.43; a cast to BLOB counts the UTF-8 bytes on any version.
    is_ascii = fn.length(column) == fn.length(column.cast("BLOB"))
    return Case(
        None, [(is_ascii, column.contains(folded))], fn.instr(fn.botui_fold(column), folded) > 0
    )


def suggest(
    service: Service,
    kind: str,
    text: str,
    customer: str | None = None,
    business: str | None = None,
) -> list[Suggestion]:
    """Up to SUGGESTIONS products, customers, businesses or orders whose id or name holds
    `text`; orders by id or number, only the `customer`'s when one is given (then an empty
    `text` lists that customer's orders, the latest first), and only the `business`'s when
    one is given (a backorder's order must be of its customer and business: CONTRACT).

    Names, SKUs and e-mails match as the queue's search does: folded (normal form and case
    in any script ignored), so `zoë` finds `ZOE` + U+0308.

    The exact id comes first (a primary-key look-up); the rest are the first matches in table
    order, so a common word stops the scan early and a rare one reads the table once.
    """
    text = text.strip()
    if kind == "order":
        return _suggest_orders(service, text, customer, business)
    if not text:
        return []
    searched: dict[str, _Searched] = {
        "product": (Product, (Product.id, Product.sku, Product.name), _product_line),
        "customer": (Customer, (Customer.id, Customer.name, Customer.email), _customer_line),
        "business": (Business, (Business.id, Business.name), _business_line),
    }
    model, columns, describe_row = searched[kind]
    folded = fold(text)
    condition = holds(columns[0], folded)
    for column in columns[1:]:
        condition |= holds(column, folded)
    with translate_errors(service.path):
        exact = model.get_or_none(model.id == text)
        rows = [exact] if exact else []
        query = (
            model.select()
            .where(condition & (model.id != text))
            .order_by(model.id)  # the same suggestions on every engine
            .limit(SUGGESTIONS - len(rows))
        )
        rows.extend(query)
        return [Suggestion(row.id, describe_row(row)) for row in rows]


def _suggest_orders(
    service: Service, text: str, customer: str | None, business: str | None
) -> list[Suggestion]:
    with translate_errors(service.path):
        query = Order.select()
        if business:
            query = query.where(Order.business == business)
        if customer:
            query = query.where(Order.customer == customer)
        elif not text:
            return []
        if text:
            folded = fold(text)
            query = query.where(holds(Order.id, folded) | holds(Order.number, folded))
        rows = query.order_by(Order.placed_at.desc(), Order.id).limit(SUGGESTIONS)
        names: dict[str, str] = dict(
            tuples(
                Business.select(Business.id, Business.name).where(
                    Business.id.in_({row.business_id for row in rows})
                )
            )
        )
        return [
            Suggestion(
                row.id,
                f"{row.id}  {row.number or 'no number'}"
                f" at {names.get(row.business_id, row.business_id)}",
            )
            for row in rows
        ]


def _product_line(row: Product) -> str:
    return f"{row.id}  {row.name} (SKU {row.sku}), {row.stock_on_hand:,} free"


def _customer_line(row: Customer) -> str:
    contact = row.email or row.phone or "no contact"
    return f"{row.id}  {row.name} <{contact}>"


def _business_line(row: Business) -> str:
    return f"{row.id}  {row.name}"


def customer_of(service: Service, backorder_id: str) -> schemas.Customer | None:
    """The customer of a backorder, or None when the backorder does not exist."""
    with translate_errors(service.path):
        row = (
            Customer.select()
            .join(Backorder, on=Backorder.customer == Customer.id)
            .where(Backorder.id == backorder_id)
            .first()
        )
        return convert.customer(row) if row else None
