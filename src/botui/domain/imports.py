"""Importing many backorders: every row checked before anything is written, then created in
large transactions with the rules, events and allocation of an ordinary `create`.

Rows name their records by id or by what a person knows (SKU, e-mail, business name, order
number); a name that finds no record plans one, created when the first row needing it is
written. What the checks learn (source keys, the records rows name and plan, the checked rows)
is kept in a scratch database (botui.store.staging), so memory holds one batch at a time.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Set
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated, Any, NamedTuple

import peewee
from pydantic import AfterValidator, Field

from botui.domain import convert, schemas, search, statuses
from botui.domain.allocation import allocate
from botui.domain.errors import BotuiError, not_found
from botui.domain.references import valid_email, valid_phone
from botui.domain.schemas import (
    Date,
    Input,
    Metadata,
    Name,
    Price,
    Priority,
    Quantity,
    RecordId,
    ShortText,
    Sku,
)
from botui.domain.service import Service
from botui.domain.validation import parse
from botui.store import engine
from botui.store.folding import fold
from botui.store.import_sources import ImportSource
from botui.store.models import Backorder, Business, Counter, Customer, Order, Product
from botui.store.peewee_types import EXCEPTION_WRAPPER, tuples
from botui.store.staging import Staging, larger_cache

# Keys and ids asked of the database at a time (SQLite allows far more; this keeps SQL small).
_LOOKUP_BATCH = 500
_AMBIGUOUS = object()

_BACKORDER_COLUMNS = (
    "id, product_id, business_id, customer_id, order_id, quantity, status, is_open, price,"
    " estimated_ship_date, estimated_delivery_date, priority_level, priority_rank,"
    " supplier_order, created_at, updated_at, updated_by, metadata, allocated_quantity, version"
)
_INSERT_BACKORDER = f"INSERT INTO backorder ({_BACKORDER_COLUMNS}) VALUES ({', '.join('?' * 20)})"
_INSERT_EVENT = "INSERT INTO event (type, backorder_id, at, actor, data) VALUES (?, ?, ?, ?, ?)"
_INSERT_SOURCE = "INSERT INTO import_source (key, backorder_id, imported_at) VALUES (?, ?, ?)"


def _order_number(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    return value


class ImportBackorder(Input):
    """One row of an import: `create`'s fields, each reference by id or by what a person knows."""

    id: RecordId | None = None
    product: RecordId | None = None
    business: RecordId | None = None
    customer: RecordId | None = None
    order: RecordId | None = None
    quantity: Quantity
    price: Price
    priority_level: Priority = "standard"
    estimated_ship_date: Date | None = None
    estimated_delivery_date: Date | None = None
    supplier_order: ShortText | None = None
    metadata: Metadata = Field(default_factory=dict)
    product_sku: Sku | None = None
    product_name: Name | None = None
    customer_email: ShortText | None = None
    customer_name: Name | None = None
    customer_phone: ShortText | None = None
    business_name: Name | None = None
    order_number: Annotated[ShortText, AfterValidator(_order_number)] | None = None
    order_placed_at: Date | None = None


@dataclass(frozen=True, slots=True)
class ImportRow:
    """One row as the file gave it: where it starts, its source key and its fields (camelCase)."""

    line: int
    key: str
    fields: dict[str, Any]


@dataclass(frozen=True, slots=True)
class RowProblem:
    """Why one row cannot be imported."""

    line: int
    field: str | None
    message: str

    def to_json(self) -> dict[str, Any]:
        return {"line": self.line, "field": self.field, "message": self.message}


SKIPPED = "skipped"
# A row whose key an earlier row of the same file has: skipped, and left out when writing.
DUPLICATE = "duplicate"


# A reference: an existing record's id (text), or the number of a record the import plans
# (an integer), created when the first row that needs it is written.
Ref = str | int


@dataclass(frozen=True, slots=True)
class _Resolved:
    """The records one row points to."""

    product: Ref
    business: Ref
    customer: Ref
    order: Ref | None


class Staged(NamedTuple):
    """One checked row as the second pass writes it (the scratch database's ROW_COLUMNS)."""

    line: int
    key: str
    id: str | None
    product: Ref
    business: Ref
    customer: Ref
    order: Ref | None
    quantity: int
    price: int
    priority_level: str
    estimated_ship_date: int | None
    estimated_delivery_date: int | None
    supplier_order: str | None
    metadata: str


@dataclass
class ImportCounts:
    """What one batch written did: backorders created, rows skipped as imported before."""

    created: int = 0
    skipped: int = 0


def _existing(table: str, column: str, values: list[str]) -> Iterable[str]:
    """Which of `values` the column holds, asked a batch at a time (plain SQL: this runs for
    every row of a large import, where building queries would cost more than running them)."""
    for (found,) in _matching(table, column, values):
        yield found


def _matching(table: str, column: str, values: list[str], *more: str) -> Iterable[tuple[Any, ...]]:
    """Rows (the column, then the `more` columns) whose column holds one of `values`."""
    selected = ", ".join((column, *more))
    db = Backorder._meta.database
    if engine.is_postgres(db):
        # One array, planned with its values each time (prepare=False): a prepared statement's
        # generic plan compares every row with every value, 0.5 s a batch at 20,000 rows.
        cursor = db.cursor()
        sql = f"SELECT {selected} FROM {table} WHERE {column} = ANY(%s)"
        for batch in _batches(values):
            with EXCEPTION_WRAPPER:
                yield from cursor.execute(sql, (batch,), prepare=False).fetchall()
        return
    for batch in _batches(values):
        sql = f"SELECT {selected} FROM {table} WHERE {column} IN ({', '.join('?' * len(batch))})"
        yield from db.execute_sql(sql, batch).fetchall()


class _Cursor:
    """The database's cursor for statements written with `?` (as the engine takes them),
    its failures raised as peewee's error classes (IntegrityError...) on either engine."""

    def __init__(self, db: peewee.Database) -> None:
        self.db = db
        self.postgres = engine.is_postgres(db)
        self._cursor = db.cursor()

    def execute(self, sql: str, params: tuple[Any, ...] = ()) -> Any:
        with EXCEPTION_WRAPPER:
            return self._cursor.execute(engine.sql(self.db, sql), params)

    def executemany(self, sql: str, rows: Iterable[tuple[Any, ...]]) -> None:
        if not rows:
            return
        with EXCEPTION_WRAPPER:
            self._cursor.executemany(engine.sql(self.db, sql), rows)


def _batches(items: list[Any]) -> Iterable[list[Any]]:
    for start in range(0, len(items), _LOOKUP_BATCH):
        yield items[start : start + _LOOKUP_BATCH]


class Importer:
    """Checks rows (first pass) and writes them (second pass) for one import of one file.

    What the first pass learns is kept in a scratch database (botui.store.staging), not in
    memory: the process holds one batch of rows, whatever the size of the file. Close it
    (or use it as a context manager) to remove the scratch database.
    """

    def __init__(self, service: Service, source: str, business: str | None = None) -> None:
        self.service = service
        self.source = source
        with service._read():
            self.default_business = self._default_business(business)
        self.stage = Staging()
        self._plans = 0
        self._written = 0  # the scratch database's position of the last row handed to write
        self._copied: set[str] = set()
        # What the rows of the batch at hand name (filled by _prefetch, for one batch only).
        self._product_ids: dict[str, bool] = {}
        self._customer_ids: dict[str, bool] = {}
        self._business_ids: dict[str, bool] = {}
        self._order_ids: dict[str, tuple[str, str] | None] = {}
        self._products_by_sku: dict[str, Ref] = {}
        self._orders_by_number: dict[str, tuple[Ref, Ref, Ref]] = {}
        self._customers_by_email: dict[str, Any] = {}
        self._businesses_by_name: dict[str, Any] = {}
        # Records and names this batch planned, kept in the scratch database after it.
        self._new_plans: list[tuple[Any, ...]] = []
        self._new_names: list[tuple[Any, ...]] = []

    def __enter__(self) -> Importer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.stage.close()

    # -- the business rows fall back on ----------------------------------------------------

    @staticmethod
    def _default_business(given: str | None) -> str | None:
        if given is not None:
            if not Business.select().where(Business.id == given).exists():
                raise not_found(
                    f"there is no business {given}; give --business the id of an existing "
                    "business (as in a backorder's business field), or leave it out",
                    "business",
                )
            return given
        ids = [row.id for row in Business.select(Business.id).limit(2)]
        return ids[0] if len(ids) == 1 else None

    # -- first pass: check --------------------------------------------------------------------

    def check(self, rows: list[ImportRow]) -> list[RowProblem | str | None]:
        """For each row: None (it will be created), SKIPPED (imported before), DUPLICATE (its
        key is an earlier row's in this file) or its problem. The good rows are staged for
        `write`, in file order."""
        with self.service._read():
            earlier = self.stage.seen_among([row.key for row in rows])
            keys: dict[str, None] = {}
            outcomes: list[RowProblem | str | None] = []
            for row in rows:
                if row.key in earlier or row.key in keys:
                    outcomes.append(DUPLICATE)
                else:
                    keys[row.key] = None
                    outcomes.append(None)
            self.stage.add_seen(keys)
            done = self._known_keys(
                (row.key, row.fields.get("id")) for row in rows if row.key in keys
            )
            parsed: dict[int, ImportBackorder] = {}
            for index, row in enumerate(rows):
                if outcomes[index] is not None:
                    continue
                if row.key in done:
                    outcomes[index] = SKIPPED
                    continue
                model = self._parse(row)
                if isinstance(model, RowProblem):
                    outcomes[index] = model
                else:
                    parsed[index] = model
            self._prefetch(parsed.values())
            staged: list[tuple[Any, ...]] = []
            for index, model in parsed.items():
                row = rows[index]
                resolved = self._resolve(row.line, model)
                if isinstance(resolved, RowProblem):
                    outcomes[index] = resolved
                else:
                    staged.append(_staged(row, model, resolved))
            self.stage.add_plans(self._new_plans)
            self.stage.add_names(self._new_names)
            self.stage.add_rows(staged)
            self._new_plans.clear()
            self._new_names.clear()
            return outcomes

    def staged(self, size: int) -> list[Staged]:
        """The next `size` rows `check` found good, in file order, for `write` ([] at the
        end); see `writing`."""
        batch = self.stage.rows(self._written, size)
        if batch:
            self._written = batch[-1][0]
        return [Staged._make(row[1:]) for row in batch]

    @contextmanager
    def writing(self) -> Iterator[None]:
        """While the second pass writes: the database's page cache larger (a fixed size),
        as its indexes' pages are read again batch after batch."""
        with larger_cache(self.service.db):
            yield

    @staticmethod
    def _known_keys(rows: Iterable[tuple[str, Any]]) -> set[str]:
        """Of these (source key, id given) pairs, the keys an earlier import took, and those
        whose id already exists."""
        keys: list[str] = []
        by_id: dict[str, str] = {}
        for key, given in rows:
            keys.append(key)
            if isinstance(given, str):
                by_id[given] = key
        known = set(_existing(ImportSource._meta.table_name, "key", keys))
        known.update(by_id[found] for found in _existing("backorder", "id", list(by_id)))
        return known

    @staticmethod
    def _parse(row: ImportRow) -> ImportBackorder | RowProblem:
        try:
            return parse(ImportBackorder, row.fields, "import")
        except BotuiError as error:
            return RowProblem(row.line, error.field, error.message)

    def _prefetch(self, models: Iterable[ImportBackorder]) -> None:
        """Look up, a batch at a time, the records these rows name: in the database, and
        among the records earlier batches planned. Forgets the previous batch's."""
        products: set[str] = set()
        customers: set[str] = set()
        businesses: set[str] = set()
        orders: set[str] = set()
        skus: set[str] = set()
        numbers: set[str] = set()
        emails: set[str] = set()
        names: set[str] = set()
        for model in models:
            for wanted, value in (
                (products, model.product),
                (customers, model.customer),
                (businesses, model.business),
                (orders, model.order),
                (skus, model.product_sku),
                (numbers, model.order_number),
            ):
                if value is not None:
                    wanted.add(value)
            if model.customer_email is not None:
                emails.add(model.customer_email.casefold())
            if model.business_name is not None:
                names.add(model.business_name.casefold())
        found = set(_existing("product", "id", sorted(products)))
        self._product_ids = {pid: pid in found for pid in products}
        found = set(_existing("customer", "id", sorted(customers)))
        self._customer_ids = {cid: cid in found for cid in customers}
        found = set(_existing("business", "id", sorted(businesses)))
        self._business_ids = {bid: bid in found for bid in businesses}
        owners = {
            oid: (customer, business)
            for oid, customer, business in _matching(
                "orders", "id", sorted(orders), "customer_id", "business_id"
            )
        }
        self._order_ids = {oid: owners.get(oid) for oid in orders}
        self._products_by_sku = dict(_matching("product", "sku", sorted(skus), "id"))
        missing = sorted(skus - self._products_by_sku.keys())
        for sku, plan, *_ in self.stage.names("sku", missing):
            self._products_by_sku[sku] = plan
        owned = ("id", "customer_id", "business_id")
        self._orders_by_number = {
            number: tuple(order)
            for number, *order in _matching("orders", "number", sorted(numbers), *owned)
        }
        missing = sorted(numbers - self._orders_by_number.keys())
        for number, *order, _ in self.stage.names("number", missing):
            self._orders_by_number[number] = tuple(order)
        self._customers_by_email = self._names("email", sorted(emails))
        self._businesses_by_name = self._names("business", sorted(names))

    def _names(self, kind: str, keys: list[str]) -> dict[str, Any]:
        """Customers by e-mail, or businesses by name, without regard to case (two records of
        one name: ambiguous). The database's are copied into the scratch database once."""
        if not keys:
            return {}
        if kind not in self._copied:
            query = (
                Customer.select(Customer.id, Customer.email).where(Customer.email.is_null(False))
                if kind == "email"
                else Business.select(Business.id, Business.name).where(Business.name.is_null(False))
            )
            self.stage.add_names(
                (kind, text.casefold(), record_id, None, None)
                for record_id, text in query.tuples().iterator()
            )
            self._copied.add(kind)
        return {
            key: _AMBIGUOUS if ambiguous else value
            for key, value, _, _, ambiguous in self.stage.names(kind, keys)
        }

    def _plan(self, kind: str, *values: Any) -> int:
        """Plan a record (created when the first row that needs it is written): its number."""
        self._plans += 1
        self._new_plans.append((self._plans, kind, *values, *(None,) * (4 - len(values))))
        return self._plans

    def _name(
        self, kind: str, key: str, a: Ref, b: Ref | None = None, c: Ref | None = None
    ) -> None:
        self._new_names.append((kind, key, a, b, c))

    def _resolve(self, line: int, m: ImportBackorder) -> _Resolved | RowProblem:
        """The records a checked row points to (existing ids or planned ones), or its problem."""

        def problem(field_name: str | None, message: str) -> RowProblem:
            return RowProblem(line, field_name, message)

        if schemas.SPLIT_FROM_KEY in m.metadata:
            return problem(
                "metadata",
                "metadata.splitFrom is set by botui when a backorder is split; leave it out",
            )
        if (
            m.estimated_ship_date is not None
            and m.estimated_delivery_date is not None
            and m.estimated_delivery_date < m.estimated_ship_date
        ):
            return problem(
                "estimatedDeliveryDate",
                "estimatedDeliveryDate must not be before estimatedShipDate",
            )
        # Product: the id, else (no id, or one this database does not know) the SKU, which
        # plans a product when it finds none. The other references follow the same rule.
        if m.product is not None and (m.product_sku is None or self._product_ids.get(m.product)):
            if not self._product_ids.get(m.product):
                return problem(
                    "product",
                    f"there is no product {m.product}; check product, or give productSku instead",
                )
            product: Ref = m.product
        elif m.product_sku is not None:
            found = self._products_by_sku.get(m.product_sku)
            if found is None:
                found = self._plan("product", m.product_sku, m.product_name or m.product_sku)
                self._products_by_sku[m.product_sku] = found
                self._name("sku", m.product_sku, found)
            product = found
        else:
            return problem("product", "product is required: give product (an id) or productSku")
        # Business: the id, else the name, else --business or the only business.
        if m.business is not None and (
            m.business_name is None or self._business_ids.get(m.business)
        ):
            business: Ref = m.business
            if not self._business_ids.get(m.business):
                return problem(
                    "business",
                    f"there is no business {business}; "
                    "check business, or give businessName instead",
                )
        elif m.business_name is not None:
            key = m.business_name.casefold()
            found = self._businesses_by_name.get(key)
            if found is _AMBIGUOUS:
                return problem(
                    "businessName",
                    f"several businesses are named {m.business_name!r}; "
                    "give business (the id) instead",
                )
            if found is None:
                found = self._plan("business", m.business_name)
                self._businesses_by_name[key] = found
                self._name("business", key, found)
            business = found
        elif self.default_business is not None:
            business = self.default_business
        else:
            return problem(
                "business",
                "business is required: give business (an id) or businessName, "
                "or --business ID for every row",
            )
        # Customer: the id, else the e-mail (a missing e-mail plans a customer).
        if m.customer is not None and (
            m.customer_email is None or self._customer_ids.get(m.customer)
        ):
            if not self._customer_ids.get(m.customer):
                return problem(
                    "customer",
                    f"there is no customer {m.customer}; "
                    "check customer, or give customerEmail instead",
                )
            customer: Ref = m.customer
        elif m.customer_email is not None:
            if not valid_email(m.customer_email):  # the rules of customer.create
                return problem("customerEmail", "customerEmail must look like name@example.com")
            key = m.customer_email.casefold()
            found = self._customers_by_email.get(key)
            if found is _AMBIGUOUS:
                return problem(
                    "customerEmail",
                    f"several customers have the e-mail {m.customer_email}; "
                    "give customer (the id) instead",
                )
            if found is None:
                phone = m.customer_phone
                if phone is not None and not valid_phone(phone):
                    return problem(
                        "customerPhone",
                        "customerPhone must be digits, with optional + ( ) - . and spaces",
                    )
                found = self._plan(
                    "customer", m.customer_name or m.customer_email, m.customer_email, phone
                )
                self._customers_by_email[key] = found
                self._name("email", key, found)
            customer = found
        else:
            return problem(
                "customer", "customer is required: give customer (an id) or customerEmail"
            )
        # Order: the id, else the number (a missing number plans an order of this customer).
        order: Ref | None = None
        if m.order is not None and (m.order_number is None or self._order_ids.get(m.order)):
            owner = self._order_ids.get(m.order)
            if owner is None:
                return problem(
                    "order",
                    f"there is no order {m.order}; check order, or give orderNumber instead",
                )
            if owner != (customer, business):
                return problem(
                    "order",
                    f"order {m.order} belongs to another customer or business; "
                    "give an order of this row's customer and business",
                )
            order = m.order
        elif m.order_number is not None:
            known = self._orders_by_number.get(m.order_number)
            if known is None:
                planned = self._plan("order", m.order_number, m.order_placed_at, customer, business)
                known = (planned, customer, business)
                self._orders_by_number[m.order_number] = known
                self._name("number", m.order_number, *known)
            if known[1:] != (customer, business):
                return problem(
                    "orderNumber",
                    f"order {m.order_number} belongs to another customer or business; "
                    "check orderNumber",
                )
            order = known[0]
        return _Resolved(product, business, customer, order)

    # -- second pass: write ------------------------------------------------------------------

    def write(self, rows: list[Staged]) -> ImportCounts:
        """Create the staged rows' backorders in one transaction, as `create` would one by one.

        Rows whose key another import took meanwhile are skipped; a record this import plans
        that someone else created meanwhile (the same SKU or order number) refuses the batch.
        """
        service = self.service
        actor, now = service._who()
        counts = ImportCounts()
        source = convert.dumps(self.source)
        with service._write():
            cursor = _Cursor(service.db)
            taken = self._known_keys((row.key, row.id) for row in rows)
            plan = [row for row in rows if row.key not in taken]
            counts.skipped = len(rows) - len(plan)
            made = self._create_references(plan, now)
            refs = {n: record_id for n, (record_id, _) in made.items()}

            def id_of(ref: Ref) -> str:
                return ref if isinstance(ref, str) else refs[ref]

            ids = self._backorder_ids([row.id for row in plan])
            resolved = [
                (
                    id_of(row.product),
                    id_of(row.business),
                    id_of(row.customer),
                    None if row.order is None else id_of(row.order),
                )
                for row in plan
            ]
            free = self._free_stock({r[0] for r in resolved})
            backorders: list[tuple[Any, ...]] = []
            events: list[tuple[Any, ...]] = []
            sources: list[tuple[Any, ...]] = []

            # The search index is written a batch at a time, not by its per-row insert trigger:
            # SQLite's costs a hundred times more (dropped inside this transaction only);
            # PostgreSQL's, ~1.2 ms a backorder, stands aside for this transaction (migration
            # 0011) and each batch's texts go in with one statement after its rows.
            trigger = None if cursor.postgres else cursor.execute(_SEARCH_TRIGGER).fetchone()
            if trigger is not None:
                names = self._search_names(resolved)
                cursor.execute("DROP TRIGGER backorder_search_insert")
            if cursor.postgres:
                search.index_later(service.db)

            def flush() -> None:
                if trigger is not None:
                    before = cursor.execute(_LAST_SEQ).fetchone()[0]
                cursor.executemany(_INSERT_BACKORDER, backorders)
                if cursor.postgres:
                    search.index_added(service.db, [row[0] for row in backorders])
                if trigger is not None:
                    after = cursor.execute(_LAST_SEQ).fetchone()[0]
                    seqs: Iterable[int] = range(before + 1, after + 1)
                    if after - before != len(backorders):
                        seqs = [self._seq_of(row[0]) for row in backorders]
                    cursor.executemany(
                        _INSERT_SEARCH,
                        zip(seqs, (_search_text(row, names) for row in backorders), strict=True),
                    )
                if events:
                    service._events_appended()  # the live log wakes at commit (PostgreSQL)
                cursor.executemany(_INSERT_EVENT, events)
                backorders.clear()
                events.clear()

            for m, (product, business, customer, order), backorder_id in zip(
                plan, resolved, ids, strict=True
            ):
                backorders.append(
                    (
                        backorder_id,
                        product,
                        business,
                        customer,
                        order,
                        m.quantity,
                        "pending",
                        1,
                        m.price,
                        m.estimated_ship_date,
                        m.estimated_delivery_date,
                        m.priority_level,
                        statuses.PRIORITY_RANK[m.priority_level],
                        m.supplier_order,
                        now,
                        now,
                        actor,
                        m.metadata,
                        0,
                        1,
                    )
                )
                allocated = 0
                others: list[Any] = []
                if free.get(product, 0) > 0:
                    flush()
                    grants = allocate(product)
                    allocated = sum(g.quantity for g in grants if g.backorder == backorder_id)
                    others = [g for g in grants if g.backorder != backorder_id]
                    free[product] = (
                        Product.select(Product.stock_on_hand).where(Product.id == product).scalar()
                    )
                events.append(
                    (
                        "created",
                        backorder_id,
                        now,
                        actor,
                        # convert.dumps of create's data and `import`, written out for speed.
                        f'{{"allocated":{allocated},"import":{source},"price":{m.price},'
                        f'"priorityLevel":"{m.priority_level}","quantity":{m.quantity}}}',
                    )
                )
                if others:
                    flush()
                    service._announce(others, actor, now, receipt=None)
                sources.append((m.key, backorder_id, now))
            flush()
            cursor.executemany(_INSERT_SOURCE, sources)
            if trigger is not None:
                cursor.execute(trigger[0])
            counts.created = len(plan)
        # Only once the batch is committed: a refused batch leaves its plans to be made again.
        self.stage.set_plan_ids((record_id, n) for n, (record_id, new) in made.items() if new)
        return counts

    def _backorder_ids(self, given: list[str | None]) -> list[str]:
        """Each row's id: the one given, else the next free BO-n, as `create` numbers them."""
        reserved = {g for g in given if g is not None}
        numbers = iter(self._new_ids("backorder", sum(1 for g in given if g is None), reserved))
        return [g if g is not None else next(numbers) for g in given]

    def _new_ids(self, kind: str, wanted: int, reserved: Set[str] = frozenset()) -> list[str]:
        """The next `wanted` free generated ids of a kind (BO-n, CUS-n...), counter advanced."""
        if not wanted:
            return []
        counter, prefix, model = _GENERATED[kind]
        row = Counter.get_or_none(Counter.name == counter)
        value = row.value if row else 0
        generated: list[str] = []
        while len(generated) < wanted:
            candidates = [f"{prefix}{value + i}" for i in range(1, wanted - len(generated) + 1)]
            value += len(candidates)
            existing = set(_existing(model._meta.table_name, "id", candidates))
            generated += [c for c in candidates if c not in existing and c not in reserved]
        Counter.insert(name=counter, value=value).on_conflict(
            conflict_target=[Counter.name], update={Counter.value: value}
        ).execute()
        return generated

    def _create_references(self, plan: list[Staged], now: int) -> dict[int, tuple[str, bool]]:
        """Create, a table at a time, the planned records these rows are the first to need
        (in the order the file first needed them). n -> (id, whether created now) of every
        planned record the rows name."""
        numbers = sorted(
            {
                ref
                for row in plan
                for ref in (row.business, row.customer, row.product, row.order)
                if isinstance(ref, int)
            }
        )
        plans = self.stage.plans(numbers)
        made = {n: (p[5], False) for n, p in plans.items() if p[5] is not None}
        cursor = _Cursor(self.service.db)
        for kind in ("business", "customer", "product", "order"):
            wanted = [n for n in numbers if plans[n][0] == kind and plans[n][5] is None]
            for n, record_id in zip(wanted, self._new_ids(kind, len(wanted)), strict=True):
                made[n] = (record_id, True)
            rows = [_reference_row(kind, made[n][0], plans[n][1:5], made, now) for n in wanted]
            if not rows:
                continue
            try:
                cursor.executemany(_INSERT_REFERENCE[kind], rows)
            except peewee.IntegrityError:
                raise BotuiError(
                    "conflict",
                    f"a {kind} that this import creates (the same SKU or order number) was "
                    "added by someone else meanwhile; run the import again (rows already "
                    "imported are skipped)",
                ) from None
        return made

    @staticmethod
    def _search_names(
        resolved: list[tuple[str, str, str, str | None]],
    ) -> dict[str, dict[str, str]]:
        """The names the search index holds for these rows' customers, products and orders."""
        wanted: dict[str, set[str]] = {"customer": set(), "product": set(), "orders": set()}
        for product, _, customer, order in resolved:
            wanted["customer"].add(customer)
            wanted["product"].add(product)
            if order is not None:
                wanted["orders"].add(order)
        columns = {"customer": "name", "product": "name || char(10) || sku", "orders": "number"}
        names: dict[str, dict[str, str]] = {}
        for table, ids in wanted.items():
            found: dict[str, str] = {}
            for batch in _batches(sorted(ids)):
                sql = (
                    f"SELECT id, {columns[table]} FROM {table}"
                    f" WHERE id IN ({', '.join('?' * len(batch))})"
                )
                found.update(Backorder._meta.database.execute_sql(sql, batch).fetchall())
            names[table] = found
        return names

    @staticmethod
    def _seq_of(backorder_id: str) -> int:
        seq: int = Backorder.select(Backorder.seq).where(Backorder.id == backorder_id).scalar()
        return seq

    @staticmethod
    def _free_stock(products: set[str]) -> dict[str, int]:
        """Free units of these products, where there are any."""
        free: dict[str, int] = {}
        for batch in _batches(sorted(products)):
            query = Product.select(Product.id, Product.stock_on_hand).where(
                Product.id.in_(batch) & (Product.stock_on_hand > 0)
            )
            free.update(tuples(query))
        return free


_GENERATED = {
    "backorder": ("backorder", "BO-", Backorder),
    "business": ("business", "BIZ-", Business),
    "customer": ("customer", "CUS-", Customer),
    "product": ("product", "PRD-", Product),
    "order": ("order", "ORD-", Order),
}
_INSERT_REFERENCE = {
    "business": "INSERT INTO business (id, name) VALUES (?, ?)",
    "customer": "INSERT INTO customer (id, name, email, phone) VALUES (?, ?, ?, ?)",
    "product": "INSERT INTO product (id, sku, name, stock_on_hand) VALUES (?, ?, ?, 0)",
    "order": "INSERT INTO orders (id, number, customer_id, business_id, placed_at)"
    " VALUES (?, ?, ?, ?, ?)",
}


# JSON's quoted string, as json.dumps(..., ensure_ascii=False) writes it.
_json_text = json.encoder.encode_basestring

_SEARCH_TRIGGER = (
    "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'backorder_search_insert'"
)
_LAST_SEQ = "SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'backorder'), 0)"
_INSERT_SEARCH = "INSERT INTO backorder_search (rowid, body) VALUES (?, ?)"


def _search_text(row: tuple[Any, ...], names: dict[str, dict[str, str]]) -> str:
    """A backorder's search text, folded, exactly as migration 0005's insert trigger makes it."""
    backorder_id, product, _, customer, order = row[:5]
    number = names["orders"].get(order) if order is not None else None
    return fold(
        f"{backorder_id}\n{names['customer'][customer]}\n{names['product'][product]}\n"
        f"{number or ''}\n{row[13] or ''}"
    )


def _reference_row(
    kind: str, record_id: str, values: tuple[Any, ...], made: dict[int, tuple[str, bool]], now: int
) -> tuple[Any, ...]:
    if kind == "business":
        return (record_id, values[0])
    if kind == "customer":
        return (record_id, *values[:3])
    if kind == "product":
        return (record_id, *values[:2])
    number, placed, customer, business = values
    customer = customer if isinstance(customer, str) else made[customer][0]
    business = business if isinstance(business, str) else made[business][0]
    return (record_id, number, customer, business, placed if placed is not None else now)


def _staged(row: ImportRow, m: ImportBackorder, r: _Resolved) -> tuple[Any, ...]:
    """A checked row as the scratch database keeps it (Staged's fields)."""
    return (
        row.line,
        row.key,
        m.id,
        r.product,
        r.business,
        r.customer,
        r.order,
        m.quantity,
        m.price,
        m.priority_level,
        m.estimated_ship_date,
        m.estimated_delivery_date,
        m.supplier_order,
        _metadata_json(m.metadata),
    )


def _metadata_json(metadata: dict[str, Any]) -> str:
    """convert.dumps(metadata), written out for the usual metadata (text, whole numbers, true
    and false): json.dumps costs more in setting itself up than in writing a small object."""
    parts = []
    for key in sorted(metadata):
        value = metadata[key]
        kind = type(value)
        if kind is str:
            parts.append(f"{_json_text(key)}:{_json_text(value)}")
        elif kind is bool:
            parts.append(f"{_json_text(key)}:{'true' if value else 'false'}")
        elif kind is int:
            parts.append(f"{_json_text(key)}:{value}")
        else:
            return convert.dumps(metadata)
    return "{" + ",".join(parts) + "}"
