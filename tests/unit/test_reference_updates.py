"""customer.update, product.update, business.update and order.update through the service."""

from __future__ import annotations

import json

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


# -- an edit made on an outdated copy (the contract's "Several people at once") -----------


def test_an_edit_on_an_outdated_copy_is_refused_naming_what_changed(
    service: Service, refs: dict[str, str]
) -> None:
    # Desk A and desk B both read the phone; A saves first.
    read = {"phone": "+44 20 7946 0000"}
    call(service, "customer.update", {"id": "CUS-1", "phone": "+1 555 000 1111", "expected": read})
    error = assert_refused(
        service,
        "customer.update",
        {"id": "CUS-1", "phone": "+1 555 000 2222", "expected": read},
        "conflict",
        "phone",
    )
    assert '"+1 555 000 1111"' in error.message and "CUS-1" in error.message
    assert [(e.field, e.message) for e in error.errors] == [
        ("phone", 'phone is now "+1 555 000 1111" (you read "+44 20 7946 0000")')
    ]
    assert service.record("customer", "CUS-1").phone == "+1 555 000 1111"
    # B, having seen it, saves on purpose over it: the values B read now are A's.
    again = {"id": "CUS-1", "phone": "+1 555 000 2222", "expected": {"phone": "+1 555 000 1111"}}
    assert call(service, "customer.update", again)["phone"] == "+1 555 000 2222"


def test_edits_of_different_fields_both_keep_their_change(
    service: Service, refs: dict[str, str]
) -> None:
    call(
        service,
        "customer.update",
        {"id": "CUS-1", "email": "a@b.example", "expected": {"email": "ada@example.com"}},
    )
    answer = call(
        service,
        "customer.update",
        {"id": "CUS-1", "phone": None, "expected": {"phone": "+44 20 7946 0000"}},
    )
    assert (answer["email"], answer["phone"]) == ("a@b.example", None)


def test_the_same_change_made_twice_is_no_conflict(service: Service, refs: dict[str, str]) -> None:
    same = {"id": "BIZ-1", "name": "Northwind Ltd", "expected": {"name": "Northwind Outfitters"}}
    call(service, "business.update", same)
    assert call(service, "business.update", same)["name"] == "Northwind Ltd"


@pytest.mark.parametrize(
    ("action", "field", "read", "theirs", "mine"),
    [
        ("business.update", "name", "Northwind Outfitters", "NW", "Northwind Ltd"),
        ("product.update", "sku", "TENT-2P", "TENT-9", "TENT-3P"),
        ("order.update", "number", "SO-1001", None, "SO-7"),
        ("customer.update", "email", "ada@example.com", None, "ada@b.example"),
    ],
)
def test_every_record_kind_checks_what_was_read(
    service: Service, refs: dict[str, str], action: str, field: str, read, theirs, mine
) -> None:
    record_id = refs[action.split(".")[0]]
    call(service, action, {"id": record_id, field: theirs})
    payload = {"id": record_id, field: mine, "expected": {field: read}}
    error = assert_refused(service, action, payload, "conflict", field)
    assert f"{field} is now {json.dumps(theirs)}" in error.message


def test_an_order_checks_its_placed_date_and_customer(
    service: Service, refs: dict[str, str]
) -> None:
    placed = service.record("order", "ORD-1").placed_at
    call(service, "order.update", {"id": "ORD-1", "placedAt": placed + 86400})
    payload = {"id": "ORD-1", "number": "SO-7", "expected": {"placedAt": placed}}
    assert_refused(service, "order.update", payload, "conflict", "placedAt")
    payload["expected"] = {"placedAt": placed + 86400, "customer": "CUS-1", "business": "BIZ-1"}
    assert call(service, "order.update", payload)["number"] == "SO-7"


def test_expected_names_only_fields_of_the_record(service: Service, refs: dict[str, str]) -> None:
    payload = {"id": "PRD-1", "name": "X", "expected": {"stockOnHand": 0}}
    assert_refused(service, "product.update", payload, "validation_error", "expected")
    payload = {"id": "CUS-1", "name": "X", "expected": {"phone": 5}}
    assert_refused(service, "customer.update", payload, "validation_error", "expected")


def test_one_record_is_read_by_kind_and_id(service: Service, refs: dict[str, str]) -> None:
    assert service.record("order", "ORD-1").number == "SO-1001"
    assert service.record("customer", "CUS-9") is None
