"""Importing many backorders: every row checked before anything is written, then created in
large transactions with the rules, events and allocation of an ordinary `create`.

Rows name their records by id or by what a person knows (SKU, e-mail, business name, order
number); a name that finds no record plans one, created when the first row needing it is
written. The checks keep only keys and references in memory, never the rows themselves.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated, Any

import peewee
from pydantic import AfterValidator, Field

from botui.domain import convert, schemas, statuses
from botui.domain.allocation import allocate
from botui.domain.errors import BotuiError, not_found, validation
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
from botui.store.folding import fold
from botui.store.import_sources import ImportSource
from botui.store.models import Backorder, Business, Counter, Customer, Order, Product

# The rules of `customer.create` (domain/references.py) for a customer an import creates.
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_PHONE = re.compile(r"\+?[0-9 ().\-]{3,100}")
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


@dataclass(eq=False, slots=True)
class _New:
    """A record the import will create when the first row that needs it is written."""

    kind: str
    values: dict[str, Any]
    id: str | None = None


@dataclass
class _Resolved:
    """The records one row points to: existing ids, or records the import will create."""

    product: str | _New
    business: str | _New
    customer: str | _New
    order: str | _New | None


@dataclass
class ImportCounts:
    """What one batch written did: backorders created, rows skipped as imported before."""

    created: int = 0
    skipped: int = 0


def _same(a: str | _New, b: str | _New) -> bool:
    return a is b if isinstance(a, _New) or isinstance(b, _New) else a == b


def _existing(table: str, column: str, values: list[str]) -> Iterable[str]:
    """Which of `values` the column holds, asked a batch at a time (plain SQL: this runs for
    every row of a large import, where building queries would cost more than running them)."""
    for (found,) in _matching(table, column, values):
        yield found


def _matching(table: str, column: str, values: list[str], *more: str) -> Iterable[tuple]:
    """Rows (the column, then the `more` columns) whose column holds one of `values`."""
    selected = ", ".join((column, *more))
    db = Backorder._meta.database
    for batch in _batches(values):
        sql = f"SELECT {selected} FROM {table} WHERE {column} IN ({', '.join('?' * len(batch))})"
        yield from db.execute_sql(sql, batch).fetchall()


def _batches(items: list[Any]) -> Iterable[list[Any]]:
    for start in range(0, len(items), _LOOKUP_BATCH):
        yield items[start : start + _LOOKUP_BATCH]


class Importer:
    """Checks rows (first pass) and writes them (second pass) for one import of one file."""

    def __init__(self, service: Service, source: str, business: str | None = None) -> None:
        self.service = service
        self.source = source
        self._seen: set[int] = set()
        # Keys (hashed) of rows the first pass skipped unchecked, as an earlier import took them.
        self._unchecked: set[int] = set()
        self._product_ids: dict[str, bool] = {}
        self._customer_ids: dict[str, bool] = {}
        self._order_ids: dict[str, tuple[str, str] | None] = {}
        self._products_by_sku: dict[str, str | _New] = {}
        self._orders_by_number: dict[str, tuple[str | _New, str | _New, str | _New]] = {}
        self._customers_by_email: dict[str, Any] | None = None
        self._businesses_by_name: dict[str, Any] | None = None
        self._business_ids: set[str] = set()
        with service._read():
            self.default_business = self._default_business(business)

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
        key is an earlier row's in this file) or its problem."""
        with self.service._read():
            fresh = []
            outcomes: list[RowProblem | str | None] = []
            for row in rows:
                digest = hash(row.key)
                if digest in self._seen:
                    outcomes.append(DUPLICATE)
                else:
                    self._seen.add(digest)
                    outcomes.append(None)
                    fresh.append(row)
            done = self._known_keys(fresh)
            parsed: dict[int, ImportBackorder] = {}
            for index, row in enumerate(rows):
                if outcomes[index] is not None:
                    continue
                if row.key in done:
                    outcomes[index] = SKIPPED
                    self._unchecked.add(hash(row.key))
                    continue
                model = self._parse(row)
                if isinstance(model, RowProblem):
                    outcomes[index] = model
                else:
                    parsed[index] = model
            self._prefetch(parsed.values())
            for index, model in parsed.items():
                resolved = self._resolve(rows[index].line, model)
                if isinstance(resolved, RowProblem):
                    outcomes[index] = resolved
            return outcomes

    def _known_keys(self, rows: list[ImportRow]) -> set[str]:
        """Keys of these rows that an earlier import took, and ids that already exist."""
        known = set(_existing(ImportSource._meta.table_name, "key", [row.key for row in rows]))
        by_id = {row.fields["id"]: row.key for row in rows if isinstance(row.fields.get("id"), str)}
        known.update(by_id[found] for found in _existing("backorder", "id", list(by_id)))
        return known

    def _parse_checked(self, row: ImportRow) -> ImportBackorder | RowProblem:
        """A row the first pass found valid, read again without checking it again (the file
        is the same: its size and time were compared); any other row is checked in full."""
        if hash(row.key) in self._unchecked:
            return self._parse(row)
        return ImportBackorder.model_construct(**row.fields)

    @staticmethod
    def _parse(row: ImportRow) -> ImportBackorder | RowProblem:
        try:
            return parse(ImportBackorder, row.fields, "import")
        except BotuiError as error:
            return RowProblem(row.line, error.field, error.message)

    def _prefetch(self, models: Iterable[ImportBackorder]) -> None:
        """Look up, a batch at a time, the records these rows name that are not known yet."""
        products, customers, orders, skus, numbers = set(), set(), set(), set(), set()
        for model in models:
            if model.product is not None and model.product not in self._product_ids:
                products.add(model.product)
            if model.product_sku not in self._products_by_sku:
                skus.add(model.product_sku)
            if model.customer is not None and model.customer not in self._customer_ids:
                customers.add(model.customer)
            if model.order is not None and model.order not in self._order_ids:
                orders.add(model.order)
            if model.order_number not in self._orders_by_number:
                numbers.add(model.order_number)
        skus.discard(None)
        numbers.discard(None)
        found = set(_existing("product", "id", sorted(products)))
        self._product_ids.update((pid, pid in found) for pid in products)
        found = set(_existing("customer", "id", sorted(customers)))
        self._customer_ids.update((cid, cid in found) for cid in customers)
        owners = {
            oid: (customer, business)
            for oid, customer, business in _matching(
                "orders", "id", sorted(orders), "customer_id", "business_id"
            )
        }
        self._order_ids.update((oid, owners.get(oid)) for oid in orders)
        for sku, product_id in _matching("product", "sku", sorted(skus), "id"):
            self._products_by_sku[sku] = product_id
        owned = ("id", "customer_id", "business_id")
        for number, *order in _matching("orders", "number", sorted(numbers), *owned):
            self._orders_by_number[number] = tuple(order)

    def _customers(self) -> dict[str, Any]:
        """Customers by e-mail, without regard to case (several with one e-mail: ambiguous)."""
        if self._customers_by_email is None:
            found: dict[str, Any] = {}
            query = Customer.select(Customer.id, Customer.email).where(
                Customer.email.is_null(False)
            )
            for row in query.tuples().iterator():
                email = row[1].casefold()
                found[email] = _AMBIGUOUS if email in found else row[0]
            self._customers_by_email = found
        return self._customers_by_email

    def _businesses(self) -> dict[str, Any]:
        if self._businesses_by_name is None:
            found: dict[str, Any] = {}
            for business_id, name in Business.select(Business.id, Business.name).tuples():
                self._business_ids.add(business_id)
                key = name.casefold()
                found[key] = _AMBIGUOUS if key in found else business_id
            self._businesses_by_name = found
        return self._businesses_by_name

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
            product: str | _New = m.product
        elif m.product_sku is not None:
            found = self._products_by_sku.get(m.product_sku)
            if found is None:
                found = _New(
                    "product", {"sku": m.product_sku, "name": m.product_name or m.product_sku}
                )
                self._products_by_sku[m.product_sku] = found
            product = found
        else:
            return problem("product", "product is required: give product (an id) or productSku")
        # Business: the id, else the name, else --business or the only business.
        if m.business is not None and (
            m.business_name is None or self._business_exists(m.business)
        ):
            business = m.business
            if not self._business_exists(business):
                return problem(
                    "business",
                    f"there is no business {business}; "
                    "check business, or give businessName instead",
                )
        elif m.business_name is not None:
            key = m.business_name.casefold()
            found = self._businesses().get(key)
            if found is _AMBIGUOUS:
                return problem(
                    "businessName",
                    f"several businesses are named {m.business_name!r}; "
                    "give business (the id) instead",
                )
            if found is None:
                found = _New("business", {"name": m.business_name})
                self._businesses()[key] = found
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
            customer: str | _New = m.customer
        elif m.customer_email is not None:
            if not _EMAIL.fullmatch(m.customer_email):
                return problem("customerEmail", "customerEmail must look like name@example.com")
            key = m.customer_email.casefold()
            found = self._customers().get(key)
            if found is _AMBIGUOUS:
                return problem(
                    "customerEmail",
                    f"several customers have the e-mail {m.customer_email}; "
                    "give customer (the id) instead",
                )
            if found is None:
                phone = m.customer_phone
                if phone is not None and (
                    not _PHONE.fullmatch(phone) or sum(c.isdigit() for c in phone) < 3
                ):
                    return problem(
                        "customerPhone",
                        "customerPhone must be digits, with optional + ( ) - . and spaces",
                    )
                found = _New(
                    "customer",
                    {
                        "name": m.customer_name or m.customer_email,
                        "email": m.customer_email,
                        "phone": phone,
                    },
                )
                self._customers()[key] = found
            customer = found
        else:
            return problem(
                "customer", "customer is required: give customer (an id) or customerEmail"
            )
        # Order: the id, else the number (a missing number plans an order of this customer).
        order: str | _New | None = None
        if m.order is not None and (m.order_number is None or self._order_ids.get(m.order)):
            owner = self._order_ids.get(m.order)
            if owner is None:
                return problem(
                    "order",
                    f"there is no order {m.order}; check order, or give orderNumber instead",
                )
            if not (_same(owner[0], customer) and _same(owner[1], business)):
                return problem(
                    "order",
                    f"order {m.order} belongs to another customer or business; "
                    "give an order of this row's customer and business",
                )
            order = m.order
        elif m.order_number is not None:
            known = self._orders_by_number.get(m.order_number)
            if known is None:
                planned = _New(
                    "order",
                    {
                        "number": m.order_number,
                        "placed_at": m.order_placed_at,
                        "customer": customer,
                        "business": business,
                    },
                )
                known = (planned, customer, business)
                self._orders_by_number[m.order_number] = known
            if not (_same(known[1], customer) and _same(known[2], business)):
                return problem(
                    "orderNumber",
                    f"order {m.order_number} belongs to another customer or business; "
                    "check orderNumber",
                )
            order = known[0]
        return _Resolved(product, business, customer, order)

    def _business_exists(self, business_id: str) -> bool:
        self._businesses()
        return business_id in self._business_ids

    # -- second pass: write ------------------------------------------------------------------

    def write(self, rows: list[ImportRow]) -> ImportCounts:
        """Create the rows' backorders in one transaction, as `create` would one by one.

        Rows whose key was taken meanwhile (or earlier in the file) are skipped; a row that is
        no longer valid (another user changed a record since the check) refuses the batch.
        """
        service = self.service
        actor, now = service._who()
        counts = ImportCounts()
        source = convert.dumps(self.source)
        with service._write():
            cursor = service.db.cursor()
            taken = self._known_keys(rows)
            parsed: list[tuple[ImportRow, ImportBackorder]] = []
            for row in rows:
                if row.key in taken:
                    counts.skipped += 1
                    continue
                taken.add(row.key)
                model = self._parse_checked(row)
                if isinstance(model, RowProblem):
                    raise _refusal(model)
                parsed.append((row, model))
            self._prefetch(model for _, model in parsed)
            plan: list[tuple[ImportRow, ImportBackorder, _Resolved]] = []
            for row, model in parsed:
                resolved = self._resolve(row.line, model)
                if isinstance(resolved, RowProblem):
                    raise _refusal(resolved)
                plan.append((row, model, resolved))
            self._create_references(plan, now)
            ids = self._backorder_ids([m.id for _, m, _ in plan])
            free = self._free_stock(plan)
            backorders: list[tuple[Any, ...]] = []
            events: list[tuple[Any, ...]] = []
            sources: list[tuple[Any, ...]] = []

            names = self._search_names(plan)
            trigger = cursor.execute(_SEARCH_TRIGGER).fetchone()
            if trigger is not None:
                # The search index is written below, a batch at a time: the per-row trigger
                # costs a hundred times more. Dropped inside this transaction only.
                cursor.execute("DROP TRIGGER backorder_search_insert")

            def flush() -> None:
                before = cursor.execute(_LAST_SEQ).fetchone()[0]
                cursor.executemany(_INSERT_BACKORDER, backorders)
                if trigger is not None:
                    after = cursor.execute(_LAST_SEQ).fetchone()[0]
                    seqs: Iterable[int] = range(before + 1, after + 1)
                    if after - before != len(backorders):
                        seqs = [self._seq_of(row[0]) for row in backorders]
                    cursor.executemany(
                        _INSERT_SEARCH,
                        zip(seqs, (_search_text(row, names) for row in backorders), strict=True),
                    )
                cursor.executemany(_INSERT_EVENT, events)
                backorders.clear()
                events.clear()

            for (row, m, resolved), backorder_id in zip(plan, ids, strict=True):
                product = _id_of(resolved.product)
                business = _id_of(resolved.business)
                customer = _id_of(resolved.customer)
                order = None if resolved.order is None else _id_of(resolved.order)
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
                        convert.dumps(m.metadata) if m.metadata else "{}",
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
                sources.append((row.key, backorder_id, now))
            flush()
            cursor.executemany(_INSERT_SOURCE, sources)
            if trigger is not None:
                cursor.execute(trigger[0])
            counts.created = len(plan)
        return counts

    def _backorder_ids(self, given: list[str | None]) -> list[str]:
        """Each row's id: the one given, else the next free BO-n, as `create` numbers them."""
        reserved = {g for g in given if g is not None}
        numbers = iter(self._new_ids("backorder", sum(1 for g in given if g is None), reserved))
        return [g if g is not None else next(numbers) for g in given]

    def _new_ids(self, kind: str, wanted: int, reserved: set[str] = frozenset()) -> list[str]:
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
        Counter.insert(name=counter, value=value).on_conflict_replace().execute()
        return generated

    def _create_references(
        self, plan: list[tuple[ImportRow, ImportBackorder, _Resolved]], now: int
    ) -> None:
        """Create, a table at a time, the planned records these rows are the first to need."""
        wanted: dict[str, dict[int, _New]] = {
            kind: {} for kind in _GENERATED if kind != "backorder"
        }
        for _, _, resolved in plan:
            for ref in (resolved.business, resolved.customer, resolved.product, resolved.order):
                if isinstance(ref, _New) and ref.id is None:
                    wanted[ref.kind][id(ref)] = ref
        cursor = self.service.db.cursor()
        for kind in ("business", "customer", "product", "order"):
            refs = list(wanted[kind].values())
            for ref, record_id in zip(refs, self._new_ids(kind, len(refs)), strict=True):
                ref.id = record_id
            rows = [_reference_row(ref, now) for ref in refs]
            if not rows:
                continue
            try:
                cursor.executemany(_INSERT_REFERENCE[kind], rows)
            except peewee.sqlite3.IntegrityError:
                raise BotuiError(
                    "conflict",
                    f"a {kind} that this import creates (the same SKU or order number) was "
                    "added by someone else meanwhile; run the import again (rows already "
                    "imported are skipped)",
                ) from None

    @staticmethod
    def _search_names(
        plan: list[tuple[ImportRow, ImportBackorder, _Resolved]],
    ) -> dict[str, dict[str, str]]:
        """The names the search index holds for these rows' customers, products and orders."""
        wanted: dict[str, set[str]] = {"customer": set(), "product": set(), "orders": set()}
        for _, _, r in plan:
            wanted["customer"].add(_id_of(r.customer))
            wanted["product"].add(_id_of(r.product))
            if r.order is not None:
                wanted["orders"].add(_id_of(r.order))
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
        return Backorder.select(Backorder.seq).where(Backorder.id == backorder_id).scalar()

    @staticmethod
    def _free_stock(plan: list[tuple[ImportRow, ImportBackorder, _Resolved]]) -> dict[str, int]:
        """Free units of the existing products these rows name, where there are any."""
        products = sorted({r.product for _, _, r in plan if isinstance(r.product, str)})
        free: dict[str, int] = {}
        for batch in _batches(products):
            query = Product.select(Product.id, Product.stock_on_hand).where(
                Product.id.in_(batch) & (Product.stock_on_hand > 0)
            )
            free.update(query.tuples())
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


def _id_of(ref: str | _New) -> str:
    if isinstance(ref, str):
        return ref
    assert ref.id is not None, "planned records are created before the rows naming them"
    return ref.id


def _reference_row(ref: _New, now: int) -> tuple[Any, ...]:
    v = ref.values
    if ref.kind == "business":
        return (ref.id, v["name"])
    if ref.kind == "customer":
        return (ref.id, v["name"], v["email"], v["phone"])
    if ref.kind == "product":
        return (ref.id, v["sku"], v["name"])
    placed = v["placed_at"] if v["placed_at"] is not None else now
    return (ref.id, v["number"], _id_of(v["customer"]), _id_of(v["business"]), placed)


def _refusal(problem: RowProblem) -> BotuiError:
    return validation(
        f"line {problem.line}: {problem.message} (the row changed or a record it names was "
        "changed since it was checked); run the import again",
        problem.field,
    )
