"""Businesses, customers, products and orders: the records a backorder points to."""

from __future__ import annotations

import re
from typing import Any

import peewee

from botui.domain import convert, schemas
from botui.domain.core import ServiceCore
from botui.domain.errors import (
    conflict,
    validation,
)
from botui.domain.validation import parse
from botui.store.models import (
    Business,
    Customer,
    Order,
    Product,
)

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_PHONE = re.compile(r"\+?[0-9 ().\-]{3,100}")


class References(ServiceCore):
    """Create actions of the records a backorder points to."""

    def _new_reference_id(
        self, given: str | None, model: type[peewee.Model], counter: str, prefix: str
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
        if data.email is not None and not _EMAIL.fullmatch(data.email):
            raise validation("email must look like name@example.com", "email")
        if data.phone is not None and (
            not _PHONE.fullmatch(data.phone) or sum(c.isdigit() for c in data.phone) < 3
        ):
            raise validation("phone must be digits, with optional + ( ) - . and spaces", "phone")
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
