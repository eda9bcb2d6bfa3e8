"""customer.update, product.update, business.update and order.update through the service."""

from __future__ import annotations

import pytest

from botui.domain import records
from botui.domain.service import Service, call

from .helpers import assert_refused, new_backorder, snapshot_db


def test_each_update_changes_the_fields_given_and_answers_the_record(
    service: Service, refs: dict[str, str]
) -> None:
    assert call(service, "business.update", {"id": "BIZ-1", "name": "Northwind Ltd"}) == {
        "id": "BIZ-1",
        "name": "Northwind Ltd",
    }
    customer = call(service, "customer.update", {"id": "CUS-1", "phone": None, "name": "Ada K"})
    assert customer == {"id": "CUS-1", "name": "Ada K", "email": "ada@example.com", "phone": None}
    product = call(service, "product.update", {"id": "PRD-1", "sku": "TENT-3P"})
    assert product == {"id": "PRD-1", "sku": "TENT-3P", "name": "Two-person tent", "stockOnHand": 0}
    service.create_customer({"id": "CUS-2", "name": "Grace"})
    order = call(service, "order.update", {"id": "ORD-1", "number": None, "customer": "CUS-2"})
    assert (order["number"], order["customer"]) == (None, "CUS-2")


def test_an_update_to_the_values_already_there_writes_nothing(
    service: Service, refs: dict[str, str]
) -> None:
    before = snapshot_db(service.db)
    call(service, "customer.update", {"id": "CUS-1", "name": "Ada Lovelace"})
    call(service, "product.update", {"id": "PRD-1", "sku": "TENT-2P", "name": "Two-person tent"})
    call(service, "order.update", {"id": "ORD-1", "number": "SO-1001", "business": "BIZ-1"})
    call(service, "business.update", {"id": "BIZ-1"})
    assert snapshot_db(service.db) == before


@pytest.mark.parametrize(
    ("action", "payload", "code", "field"),
    [
        ("customer.update", {"id": "CUS-9", "name": "X"}, "not_found", "id"),
        ("product.update", {"id": "PRD-9", "name": "X"}, "not_found", "id"),
        ("business.update", {"id": "BIZ-9", "name": "X"}, "not_found", "id"),
        ("order.update", {"id": "ORD-9", "number": "X"}, "not_found", "id"),
        ("product.update", {"id": "PRD-1", "sku": "LAMP-1"}, "conflict", "sku"),
        ("product.update", {"id": "PRD-1", "stockOnHand": 5}, "validation_error", "stockOnHand"),
        ("product.update", {"id": "PRD-1", "sku": ""}, "validation_error", "sku"),
        ("product.update", {"id": "PRD-1", "name": None}, "validation_error", "name"),
        ("customer.update", {"id": "CUS-1", "email": "not-mail"}, "validation_error", "email"),
        ("customer.update", {"id": "CUS-1", "name": "a\x1b[31m"}, "validation_error", "name"),
        ("customer.update", {"id": "CUS-1", "nickname": "A"}, "validation_error", "nickname"),
        ("business.update", {"id": "BIZ-1", "name": "x" * 201}, "validation_error", "name"),
        ("order.update", {"id": "ORD-1", "number": "SO-2"}, "conflict", "number"),
        ("order.update", {"id": "ORD-1", "customer": "CUS-9"}, "not_found", "customer"),
        ("order.update", {"id": "ORD-1", "business": "BIZ-9"}, "not_found", "business"),
        ("order.update", {"id": "ORD-1", "placedAt": "2027"}, "validation_error", "placedAt"),
    ],
)
def test_refusals_change_nothing(
    service: Service,
    refs: dict[str, str],
    action: str,
    payload: dict,
    code: str,
    field: str,
) -> None:
    service.create_product({"id": "PRD-2", "sku": "LAMP-1", "name": "Lamp"})
    service.create_order(
        {"id": "ORD-2", "number": "SO-2", "customer": "CUS-1", "business": "BIZ-1"}
    )
    assert_refused(service, action, payload, code, field)


def test_an_order_with_backorders_keeps_its_customer_and_business(
    service: Service, refs: dict[str, str]
) -> None:
    new_backorder(service, refs, order="ORD-1")
    service.create_customer({"id": "CUS-2", "name": "Grace"})
    error = assert_refused(
        service, "order.update", {"id": "ORD-1", "customer": "CUS-2"}, "validation_error"
    )
    assert error.field == "customer" and "create another order" in error.message
    assert call(service, "order.update", {"id": "ORD-1", "number": "SO-9"})["number"] == "SO-9"


def test_renamed_records_are_found_by_their_new_names_in_the_queue_search(
    service: Service, refs: dict[str, str]
) -> None:
    backorder = new_backorder(service, refs, order="ORD-1")["id"]
    service.update_customer({"id": "CUS-1", "name": "Grace Hopper"})
    service.update_product({"id": "PRD-1", "sku": "COT-9", "name": "Camp cot"})
    service.update_order({"id": "ORD-1", "number": "SO-77"})
    for query in ("grace hopper", "cot-9", "camp cot", "so-77"):
        assert [b.id for b in service.list({"query": query}).data] == [backorder], query
    for query in ("lovelace", "tent-2p", "so-1001"):
        assert service.list({"query": query}).data == [], query


def test_records_pages_walk_forward_and_back_and_filter(service: Service) -> None:
    for number in range(1, 8):
        service.create_customer({"id": f"C-{number}", "name": f"Person {number}"})
    first = records.page(service, "customer", limit=3)
    assert [r.id for r in first.rows] == ["C-1", "C-2", "C-3"] and first.has_more
    second = records.page(service, "customer", after="C-3", limit=3)
    assert [r.id for r in second.rows] == ["C-4", "C-5", "C-6"]
    back = records.page(service, "customer", before="C-4", limit=3)
    assert [r.id for r in back.rows] == ["C-1", "C-2", "C-3"]
    found = records.page(service, "customer", text="PERSON 5")
    assert [r.id for r in found.rows] == ["C-5"] and not found.has_more
    assert records.count(service, "customer") == 7
