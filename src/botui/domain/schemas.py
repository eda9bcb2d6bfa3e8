"""Pydantic models of every input and answer, named exactly as the contract spells them."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    model_validator,
)
from pydantic.alias_generators import to_camel

from botui.domain.buckets import names
from botui.domain.limits import MAX_DATE, MAX_INT64, MAX_QUANTITY, MIN_INT64
from botui.domain.limits import MAX_PRICE as MAX_PRICE  # the UI's price fields check it
from botui.domain.text import ID_PATTERN, check_text
from botui.domain.views import View as View

Status = Literal["pending", "confirmed", "in-production", "in-transit", "fulfilled", "cancelled"]
Priority = Literal["standard", "expedited", "rush"]
Channel = Literal["email", "sms"]
Template = Literal["status", "delay", "arrival", "cancellation"]
OutboxStatus = Literal["queued", "sent", "failed"]


def _checks_text(max_length: int, multiline: bool = False) -> Callable[[str], str]:
    """check_text with its limits, for an AfterValidator."""
    return lambda v: check_text(v, max_length, multiline)


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    return value


def _check_id(value: str) -> str:
    if not ID_PATTERN.fullmatch(value):
        raise ValueError("must be 1 to 64 of the characters A-Z a-z 0-9 _ . -")
    return value


RecordId = Annotated[StrictStr, AfterValidator(_check_id)]
Text200 = Annotated[StrictStr, AfterValidator(_checks_text(200))]
ShortText = Annotated[StrictStr, AfterValidator(_checks_text(100))]
Name = Annotated[Text200, AfterValidator(_not_blank)]
Sku = Annotated[ShortText, AfterValidator(_not_blank)]
Reason = Annotated[StrictStr, AfterValidator(_checks_text(500, multiline=True))]
Subject = Annotated[StrictStr, AfterValidator(_checks_text(500))]
Message = Annotated[StrictStr, AfterValidator(_checks_text(2000, multiline=True))]
Quantity = Annotated[StrictInt, Field(ge=1, le=MAX_QUANTITY)]
Price = Annotated[StrictInt, Field(ge=0, le=MAX_PRICE)]
Date = Annotated[StrictInt, Field(ge=0, le=MAX_DATE)]
Version = Annotated[StrictInt, Field(ge=1, le=MAX_INT64)]
Limit = Annotated[StrictInt, Field(ge=1, le=1000)]
Stock = Annotated[StrictInt, Field(ge=0, le=1_000_000_000)]
MetaValue = StrictStr | StrictBool | StrictInt | StrictFloat | None

SPLIT_FROM_KEY = "splitFrom"


def _check_metadata(value: dict[str, Any]) -> dict[str, Any]:
    counted = [key for key in value if key != SPLIT_FROM_KEY]
    if len(counted) > 50:
        raise ValueError(f"may hold at most 50 keys (it has {len(counted)})")
    for key, item in value.items():
        if not key:
            raise ValueError("keys must not be empty")
        try:
            check_text(key, 40)
        except ValueError as exc:
            raise ValueError(f"key {key[:40]!r} {exc}") from None
        if isinstance(item, str):
            try:
                check_text(item, 500, multiline=True)
            except ValueError as exc:
                raise ValueError(f"value of {key!r} {exc}") from None
        if isinstance(item, float) and not math.isfinite(item):
            raise ValueError(f"value of {key!r} must be a finite number")
        if isinstance(item, int) and not MIN_INT64 <= item <= MAX_INT64:
            raise ValueError(
                f"value of {key!r} must be a whole number from {MIN_INT64:,} to {MAX_INT64:,}"
                " (64 bits); send a larger number as text"
            )
    return value


Metadata = Annotated[dict[StrictStr, MetaValue], AfterValidator(_check_metadata)]


class Input(BaseModel):
    """Base of every input: camelCase names only, unknown fields refused, no type coercion."""

    # defer_build: a model's validator is built on its first use, not at import (the import
    # of every model cost ~50 ms of each start-up, mostly for models that start-up never uses).
    model_config = ConfigDict(
        extra="forbid", strict=True, alias_generator=to_camel, frozen=True, defer_build=True
    )

    def given(self) -> set[str]:
        """Python names of the fields the caller actually sent."""
        return set(self.model_fields_set)


def _dates_in_order(first: int | None, second: int | None) -> bool:
    return first is None or second is None or second >= first


class CreateBackorder(Input):
    id: RecordId | None = None
    product: RecordId
    business: RecordId
    customer: RecordId
    order: RecordId | None = None
    quantity: Quantity
    price: Price
    priority_level: Priority = "standard"
    estimated_ship_date: Date | None = None
    estimated_delivery_date: Date | None = None
    supplier_order: ShortText | None = None
    metadata: Metadata = Field(default_factory=dict)


class UpdateBackorder(Input):
    id: RecordId
    version: Version | None = None
    quantity: Quantity | None = None
    status: Status | None = None
    priority_level: Priority | None = None
    estimated_ship_date: Date | None = None
    estimated_delivery_date: Date | None = None
    actual_delivery_date: Date | None = None
    supplier_order: ShortText | None = None
    metadata: Metadata | None = None


class DeleteBackorder(Input):
    id: RecordId
    version: Version | None = None


class ConfirmBackorder(Input):
    id: RecordId
    version: Version | None = None
    supplier_order: ShortText | None = None
    estimated_ship_date: Date | None = None
    estimated_delivery_date: Date | None = None


class FulfillBackorder(Input):
    id: RecordId
    version: Version | None = None
    quantity: Quantity | None = None
    actual_ship_date: Date | None = None


class CancelBackorder(Input):
    id: RecordId
    version: Version | None = None
    reason: Reason | None = None


class UpdateEstimate(Input):
    """A BackorderEstimate: at least one of the two dates."""

    id: RecordId
    version: Version | None = None
    estimated_ship_date: Date | None = None
    estimated_delivery_date: Date | None = None
    reason: Reason | None = None

    @model_validator(mode="after")
    def _one_date(self) -> UpdateEstimate:
        if self.estimated_ship_date is None and self.estimated_delivery_date is None:
            raise ValueError("give estimatedShipDate or estimatedDeliveryDate (or both)")
        return self


class NotifyCustomer(Input):
    """A BackorderNotification: exactly one of `message` or `template`."""

    id: RecordId
    version: Version | None = None
    channel: Channel
    subject: Subject | None = None
    message: Message | None = None
    template: Template | None = None

    @model_validator(mode="after")
    def _message_or_template(self) -> NotifyCustomer:
        if (self.message is None) == (self.template is None):
            raise ValueError(
                "give exactly one of message (your own text) or template "
                "(status, delay, arrival or cancellation)"
            )
        return self


class GetBackorder(Input):
    id: RecordId


class ListBackorders(Input):
    status: Status | None = None
    priority_level: Priority | None = None
    product: RecordId | None = None
    customer: RecordId | None = None
    business: RecordId | None = None
    query: Text200 | None = None
    limit: Limit = 50
    after: Annotated[StrictStr, Field(max_length=500)] | None = None


class ReceiveInventory(Input):
    product: RecordId
    quantity: Quantity
    receipt: RecordId | None = None
    supplier_order: ShortText | None = None


class DetectDelays(Input):
    pass


class ListEvents(Input):
    since: Annotated[StrictInt, Field(ge=0, le=MAX_INT64)] = 0
    backorder: RecordId | None = None
    limit: Limit = 100


class ListOutbox(Input):
    status: OutboxStatus | None = None
    limit: Limit = 100


class MarkSent(Input):
    id: Annotated[StrictInt, Field(ge=1, le=MAX_INT64)]


class RetryOutbox(Input):
    id: Annotated[StrictInt, Field(ge=1, le=MAX_INT64)]


class CreateBusiness(Input):
    id: RecordId | None = None
    name: Name


class CreateCustomer(Input):
    id: RecordId | None = None
    name: Name
    email: ShortText | None = None
    phone: ShortText | None = None


class CreateProduct(Input):
    id: RecordId | None = None
    sku: Sku
    name: Name
    stock_on_hand: Stock = 0


class CreateOrder(Input):
    id: RecordId | None = None
    number: ShortText | None = None
    customer: RecordId
    business: RecordId
    placed_at: Date | None = None


class ExpectedBusiness(Input):
    """The values of a business as the editor read them (see ExpectedCustomer)."""

    name: StrictStr | None = None


class ExpectedCustomer(Input):
    """The values of a customer as the editor read them: an update that names one is refused
    with `conflict` if that field holds another value now (someone saved it meanwhile), so an
    edit made on an outdated copy loses nobody's work; fields it does not name still merge."""

    name: StrictStr | None = None
    email: StrictStr | None = None
    phone: StrictStr | None = None


class ExpectedProduct(Input):
    """The values of a product as the editor read them (see ExpectedCustomer)."""

    sku: StrictStr | None = None
    name: StrictStr | None = None


class ExpectedOrder(Input):
    """The values of an order as the editor read them (see ExpectedCustomer)."""

    number: StrictStr | None = None
    customer: StrictStr | None = None
    business: StrictStr | None = None
    placed_at: StrictInt | None = None


class UpdateBusiness(Input):
    """`business.update`: the fields given change; the id names the record. `expected` (the
    values you read) asks for the outdated-copy check: refused with `conflict` if one changed."""

    id: RecordId
    name: Name | None = None
    expected: ExpectedBusiness | None = None


class UpdateCustomer(Input):
    """`customer.update`: `email` or `phone` given as null clears it. `expected` (the values
    you read) asks for the outdated-copy check: refused with `conflict` if one changed."""

    id: RecordId
    name: Name | None = None
    email: ShortText | None = None
    phone: ShortText | None = None
    expected: ExpectedCustomer | None = None


class UpdateProduct(Input):
    """`product.update`: SKU and name only; stock arrives through `receiveInventory`.
    `expected` (the values you read) asks for the outdated-copy check: refused with
    `conflict` if one changed."""

    id: RecordId
    sku: Sku | None = None
    name: Name | None = None
    expected: ExpectedProduct | None = None


class UpdateOrder(Input):
    """`order.update`: `number` given as null clears it. `expected` (the values you read)
    asks for the outdated-copy check: refused with `conflict` if one changed."""

    id: RecordId
    number: ShortText | None = None
    customer: RecordId | None = None
    business: RecordId | None = None
    placed_at: Date | None = None
    expected: ExpectedOrder | None = None


class Answer(BaseModel):
    """Base of every answer: dumped with the contract's camelCase names."""

    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, frozen=True, defer_build=True
    )

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(by_alias=True, mode="json")


class Backorder(Answer):
    id: str
    product: str
    business: str
    customer: str
    order: str | None
    quantity: int
    status: Status
    price: int
    estimated_ship_date: int | None
    estimated_delivery_date: int | None
    actual_ship_date: int | None
    actual_delivery_date: int | None
    priority_level: Priority
    supplier_order: str | None
    created_at: int
    cancelled_at: int | None
    metadata: dict[str, Any]
    allocated_quantity: int
    version: int
    updated_at: int


class Business(Answer):
    id: str
    name: str


class Customer(Answer):
    id: str
    name: str
    email: str | None
    phone: str | None


class Product(Answer):
    id: str
    sku: str
    name: str
    stock_on_hand: int


class Order(Answer):
    id: str
    number: str | None
    customer: str
    business: str
    placed_at: int


class Event(Answer):
    id: int
    type: str
    backorder: str
    at: int
    actor: str
    data: dict[str, Any]


class OutboxEntry(Answer):
    id: int
    backorder: str
    channel: Channel
    to: str
    subject: str | None
    body: str
    status: OutboxStatus
    created_at: int
    sent_at: int | None
    actor: str
    attempts: int
    last_error: str | None
    message_id: str


class Refund(Answer):
    id: int
    backorder: str
    amount: int
    reason: str | None
    at: int
    actor: str


class BackorderPage(Answer):
    data: list[Backorder]
    has_more: bool
    next: str | None


class Allocation(Answer):
    backorder: str
    quantity: int


class ReceiveResult(Answer):
    product: Product
    allocations: list[Allocation]


class DelayResult(Answer):
    delayed: list[str]


class EventPage(Answer):
    data: list[Event]


class OutboxPage(Answer):
    data: list[OutboxEntry]


class DeliveryResult(Answer):
    """What one `botui outbox send` run did: sent, refused this run, still queued untried."""

    sent: int
    failed: int
    waiting: int


class QueueRow(Answer):
    """One row of the UI's queue: the backorder with the names the screen shows."""

    backorder: Backorder
    product_name: str
    product_sku: str
    customer_name: str


def _check_bucket(value: str) -> str:
    if value not in names():
        raise ValueError(f"must be one of the aging buckets {', '.join(names())}")
    return value


AgingBucket = Annotated[StrictStr, AfterValidator(_check_bucket)]
QueueSort = Literal["triage", "ship", "created", "status"]


class ExportBackorders(Input):
    """What `botui export` writes (a view, a status, a text query, in triage order) and the
    queue's export key writes: the queue's whole spec, so the file holds the screen's rows in
    the screen's order (its sort, direction, narrowings and aging bucket as well)."""

    view: View = "all"
    status: Status | None = None
    query: Text200 | None = None
    # The queue's spec beyond the command's options (QueueSpec.export_input):
    sort: QueueSort = "triage"
    descending: StrictBool = False
    customer: RecordId | None = None
    product: RecordId | None = None
    business: RecordId | None = None
    priority: Priority | None = None
    age: AgingBucket | None = None


class ExportRow(Backorder):
    """A Backorder with the names a person knows it by, as an export writes it."""

    customer_name: str
    customer_email: str | None
    product_sku: str
    product_name: str
    order_number: str | None
