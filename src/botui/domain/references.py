"""Businesses, customers, products and orders: the records a backorder points to."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

import peewee

from botui.domain import convert
from botui.domain.core import ServiceCore, camel
from botui.domain.errors import (
    BotuiError,
    FieldError,
    conflict,
    validation,
)
from botui.domain.search import reindex
from botui.domain.validation import parse
from botui.lazy import lazy_module
from botui.store.models import (
    Backorder,
    Business,
    Customer,
    Order,
    Product,
)

if TYPE_CHECKING:
    from botui.domain import schemas
    from botui.domain.core import Record
else:  # pydantic loads when a schema is first used, not with the first screen (botui.lazy)
    schemas = lazy_module("botui.domain.schemas")

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_PHONE = re.compile(r"\+?[0-9 ().\-]{3,100}")


# The fields of each update that may be sent as null to clear them.
_NULLABLE = {"customer": {"email", "phone"}, "order": {"number"}}


def valid_email(email: str) -> bool:
    """The customer e-mail rule of create, update and import: name@domain.tld, no spaces."""
    return _EMAIL.fullmatch(email) is not None


def valid_phone(phone: str) -> bool:
    """The customer phone rule of create, update and import: digits (at least 3) with
    optional + ( ) - . and spaces."""
    return _PHONE.fullmatch(phone) is not None and sum(c.isdigit() for c in phone) >= 3


def _check_contact(email: str | None, phone: str | None) -> None:
    if email is not None and not valid_email(email):
        raise validation("email must look like name@example.com", "email")
    if phone is not None and not valid_phone(phone):
        raise validation("phone must be digits, with optional + ( ) - . and spaces", "phone")


class References(ServiceCore):
    """Create and update actions of the records a backorder points to.

    Updates record no event: the contract's events are each about one backorder, of a closed
    list of types. An update to the values already there writes nothing.
    """

    def _new_reference_id(
        self, given: str | None, model: type[Record], counter: str, prefix: str
    ) -> str:
        if given is None:
            return self._next_id(counter, prefix, model, model.id)
        if model.select().where(model.id == given).exists():
            kind = model.__name__.lower()
            raise conflict(f"a {kind} {given} already exists; choose another id", "id")
        return given

    def create_business(self, payload: Any) -> schemas.Business:
        data = parse(schemas.CreateBusiness, payload, "business.create")
        self._who()
        with self._write():
            record_id = self._new_reference_id(data.id, Business, "business", "BIZ-")
            Business.insert(id=record_id, name=data.name).execute()
            return convert.business(Business.get(Business.id == record_id))

    def create_customer(self, payload: Any) -> schemas.Customer:
        data = parse(schemas.CreateCustomer, payload, "customer.create")
        self._who()
        _check_contact(data.email, data.phone)
        with self._write():
            record_id = self._new_reference_id(data.id, Customer, "customer", "CUS-")
            Customer.insert(
                id=record_id, name=data.name, email=data.email, phone=data.phone
            ).execute()
            return convert.customer(Customer.get(Customer.id == record_id))

    def create_product(self, payload: Any) -> schemas.Product:
        data = parse(schemas.CreateProduct, payload, "product.create")
        self._who()
        with self._write():
            record_id = self._new_reference_id(data.id, Product, "product", "PRD-")
            if Product.select().where(Product.sku == data.sku).exists():
                raise conflict(f"a product with SKU {data.sku} already exists", "sku")
            Product.insert(
                id=record_id, sku=data.sku, name=data.name, stock_on_hand=data.stock_on_hand
            ).execute()
            return convert.product(Product.get(Product.id == record_id))

    def create_order(self, payload: Any) -> schemas.Order:
        data = parse(schemas.CreateOrder, payload, "order.create")
        _, now = self._who()
        with self._write():
            self._require(Customer, data.customer, "customer")
            self._require(Business, data.business, "business")
            record_id = self._new_reference_id(data.id, Order, "order", "ORD-")
            if data.number is not None and (
                Order.select().where(Order.number == data.number).exists()
            ):
                raise conflict(f"an order numbered {data.number} already exists", "number")
            Order.insert(
                id=record_id,
                number=data.number,
                customer=data.customer,
                business=data.business,
                placed_at=data.placed_at if data.placed_at is not None else now,
            ).execute()
            return convert.order(Order.get(Order.id == record_id))

    # -- updates --------------------------------------------------------------------------

    @staticmethod
    def _wanted(data: schemas.Input, kind: str) -> dict[str, Any]:
        """The fields an update sent (Python names), refusing null where it may not clear."""
        wanted = {name: getattr(data, name) for name in data.given() - {"id", "expected"}}
        for name, value in wanted.items():
            if value is None and name not in _NULLABLE.get(kind, set()):
                raise validation(
                    f"{camel(name)} cannot be null; leave it out to keep it", camel(name)
                )
        return wanted

    @staticmethod
    def _changed(row: peewee.Model, wanted: dict[str, Any]) -> dict[str, Any]:
        """The wanted values that differ from the row's (foreign keys compared by id)."""
        return {
            name: value
            for name, value in wanted.items()
            if getattr(row, f"{name}_id" if name in ("customer", "business") else name) != value
        }

    @staticmethod
    def _check_expected(kind: str, row: peewee.Model, data: Any, wanted: dict[str, Any]) -> None:
        """Refuse with `conflict` an update made on an outdated copy: a field named in
        `expected` that holds another value now, unless it already holds the value wanted.

        Fields are compared one by one, not by a version of the whole record, so two people
        who change different fields of one record both keep their change."""
        expected = data.expected
        if expected is None:
            return
        stale: list[tuple[str, Any, Any]] = []
        for name in sorted(expected.given()):
            read = getattr(expected, name)
            now = getattr(row, f"{name}_id" if name in ("customer", "business") else name)
            if now == read or (name in wanted and wanted[name] == now):
                continue
            stale.append((camel(name), read, now))
        if not stale:
            return

        def shown(value: Any) -> str:
            return json.dumps(value, ensure_ascii=False)

        errors = [
            FieldError(name, f"{name} is now {shown(now)} (you read {shown(read)})")
            for name, read, now in stale
        ]
        message = (
            f"{kind} {row.get_id()} was changed since you read it: "
            f"{'; '.join(e.message for e in errors)}. Nothing was saved: read it again, or send "
            "the new values in expected to save yours over them"
        )
        raise BotuiError("conflict", message, stale[0][0], errors)

    def update_business(self, payload: Any) -> schemas.Business:
        data = parse(schemas.UpdateBusiness, payload, "business.update")
        self._who()
        wanted = self._wanted(data, "business")
        with self._write():
            row = self._require(Business, data.id, "id")
            self._check_expected("business", row, data, wanted)
            changes = self._changed(row, wanted)
            if changes:
                Business.update(**changes).where(Business.id == row.id).execute()
            return convert.business(Business.get(Business.id == row.id))

    def update_customer(self, payload: Any) -> schemas.Customer:
        data = parse(schemas.UpdateCustomer, payload, "customer.update")
        self._who()
        wanted = self._wanted(data, "customer")
        _check_contact(wanted.get("email"), wanted.get("phone"))
        with self._write():
            row = self._require(Customer, data.id, "id")
            self._check_expected("customer", row, data, wanted)
            changes = self._changed(row, wanted)
            if changes:
                Customer.update(**changes).where(Customer.id == row.id).execute()
                if "name" in changes:  # the queue's search holds each backorder's names
                    reindex(Backorder.customer == row.id)
            return convert.customer(Customer.get(Customer.id == row.id))

    def update_product(self, payload: Any) -> schemas.Product:
        if isinstance(payload, dict) and "stockOnHand" in payload:
            raise validation(
                "stockOnHand counts the free units in the warehouse and changes only as stock "
                "is received (receiveInventory) or shipped; leave it out",
                "stockOnHand",
            )
        data = parse(schemas.UpdateProduct, payload, "product.update")
        self._who()
        wanted = self._wanted(data, "product")
        with self._write():
            row = self._require(Product, data.id, "id")
            self._check_expected("product", row, data, wanted)
            changes = self._changed(row, wanted)
            if "sku" in changes and (
                Product.select()
                .where((Product.sku == changes["sku"]) & (Product.id != row.id))
                .exists()
            ):
                raise conflict(f"a product with SKU {changes['sku']} already exists", "sku")
            if changes:
                Product.update(**changes).where(Product.id == row.id).execute()
                reindex(Backorder.product == row.id)  # name and SKU are searched
            return convert.product(Product.get(Product.id == row.id))

    def update_order(self, payload: Any) -> schemas.Order:
        data = parse(schemas.UpdateOrder, payload, "order.update")
        self._who()
        wanted = self._wanted(data, "order")
        with self._write():
            row = self._require(Order, data.id, "id")
            self._check_expected("order", row, data, wanted)
            changes = self._changed(row, wanted)
            if "customer" in changes:
                self._require(Customer, changes["customer"], "customer")
            if "business" in changes:
                self._require(Business, changes["business"], "business")
            for field in ("customer", "business"):
                if field in changes and (
                    Backorder.select().where(Backorder.order == row.id).exists()
                ):
                    current = getattr(row, f"{field}_id")
                    raise validation(
                        f"order {row.id} has backorders of {field} {current}: its {field} "
                        "cannot change; create another order instead",
                        field,
                    )
            number = changes.get("number")
            if number is not None and (
                Order.select().where((Order.number == number) & (Order.id != row.id)).exists()
            ):
                raise conflict(f"an order numbered {number} already exists", "number")
            if changes:
                Order.update(**changes).where(Order.id == row.id).execute()
                if "number" in changes:  # the queue's search holds each backorder's order number
                    reindex(Backorder.order == row.id)
            return convert.order(Order.get(Order.id == row.id))
