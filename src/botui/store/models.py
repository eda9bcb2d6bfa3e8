"""Peewee models of the current schema; the tables themselves are made by migrations/."""

from __future__ import annotations

from typing import TYPE_CHECKING

from peewee import (
    AutoField,
    CharField,
    DatabaseProxy,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

database_proxy = DatabaseProxy()


class BaseModel(Model):
    class Meta:
        database = database_proxy
        legacy_table_names = False


class Business(BaseModel):
    id = CharField(primary_key=True)
    name = CharField()


class Customer(BaseModel):
    id = CharField(primary_key=True)
    name = CharField()
    email = CharField(null=True)
    phone = CharField(null=True)


class Product(BaseModel):
    id = CharField(primary_key=True)
    sku = CharField(unique=True)
    name = CharField()
    stock_on_hand = IntegerField(default=0)


class Order(BaseModel):
    id = CharField(primary_key=True)
    number = CharField(null=True, unique=True)
    customer = ForeignKeyField(Customer, column_name="customer_id")
    business = ForeignKeyField(Business, column_name="business_id")
    placed_at = IntegerField()

    if TYPE_CHECKING:
        # Each ForeignKeyField also makes `<name>_id`, the key itself (for mypy; peewee adds it).
        customer_id: CharField[str]
        business_id: CharField[str]

    class Meta:
        table_name = "orders"


class Backorder(BaseModel):
    """One row per backorder; `seq` is a stable integer key that the search index points at."""

    seq = AutoField()
    id = CharField(unique=True)
    product = ForeignKeyField(Product, column_name="product_id")
    business = ForeignKeyField(Business, column_name="business_id")
    customer = ForeignKeyField(Customer, column_name="customer_id")
    order = ForeignKeyField(Order, column_name="order_id", null=True)
    quantity = IntegerField()
    status = CharField()
    is_open = IntegerField()
    price = IntegerField()
    estimated_ship_date = IntegerField(null=True)
    estimated_delivery_date = IntegerField(null=True)
    actual_ship_date = IntegerField(null=True)
    actual_delivery_date = IntegerField(null=True)
    priority_level = CharField()
    priority_rank = IntegerField()
    supplier_order = CharField(null=True)
    created_at = IntegerField()
    cancelled_at = IntegerField(null=True)
    updated_at = IntegerField()
    updated_by = CharField(null=True)
    metadata = TextField()
    allocated_quantity = IntegerField(default=0)
    version = IntegerField(default=1)
    noticed_ship_date = IntegerField(null=True)

    if TYPE_CHECKING:
        # The keys behind the ForeignKeyFields above (peewee adds them; declared for mypy).
        product_id: CharField[str]
        business_id: CharField[str]
        customer_id: CharField[str]
        order_id: CharField[str | None]


class Event(BaseModel):
    """The append-only log: triggers refuse UPDATE and DELETE."""

    id = AutoField()
    type = CharField()
    backorder = CharField(column_name="backorder_id")
    at = IntegerField()
    actor = CharField()
    data = TextField()


class Notification(BaseModel):
    """The outbox: messages queued for a customer until sent (or failed after 8 attempts)."""

    id = AutoField()
    backorder = CharField(column_name="backorder_id")
    channel = CharField()
    recipient = CharField()
    subject = CharField(null=True)
    body = TextField()
    status = CharField()
    created_at = IntegerField()
    sent_at = IntegerField(null=True)
    actor = CharField()
    attempts = IntegerField(default=0)
    last_error = TextField(null=True)
    next_attempt_at = IntegerField(null=True)
    claimed_until = IntegerField(null=True)


class Refund(BaseModel):
    id = AutoField()
    backorder = CharField(column_name="backorder_id")
    amount = IntegerField()
    reason = TextField(null=True)
    at = IntegerField()
    actor = CharField()


class Receipt(BaseModel):
    """One stock receipt; `receipt` is the client's receipt id, taken once."""

    id = AutoField()
    receipt = CharField(null=True, unique=True)
    product = ForeignKeyField(Product, column_name="product_id")
    quantity = IntegerField()
    supplier_order = CharField(null=True)
    at = IntegerField()
    actor = CharField()

    if TYPE_CHECKING:
        product_id: CharField[str]  # the key behind `product` (peewee adds it)


class Counter(BaseModel):
    """Next number for generated ids (BO-1, CUS-1, ...), advanced inside each write."""

    name = CharField(primary_key=True)
    value = IntegerField()


class DatabaseFact(BaseModel):
    """Facts about the database itself, such as its `database_id` (migration 0007)."""

    key = CharField(primary_key=True)
    value = TextField()

    class Meta:
        table_name = "meta"


ALL_MODELS = [
    Business,
    Customer,
    Product,
    Order,
    Backorder,
    Event,
    Notification,
    Refund,
    Receipt,
    Counter,
    DatabaseFact,
]
