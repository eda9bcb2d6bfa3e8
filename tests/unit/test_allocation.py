"""Allocation: strict priority then age then id, partial, release and re-allocation, receipts."""

from __future__ import annotations

import pytest

from botui.domain.service import Service, call

from .helpers import assert_refused, events_of, new_backorder, receive, snapshot_db, stock


def alloc(service: Service, backorder_id: str) -> int:
    return call(service, "get", {"id": backorder_id})["allocatedQuantity"]


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch):
    """Set BOTUI_NOW, so backorders get distinct createdAt values."""

    def set_now(value: int) -> None:
        monkeypatch.setenv("BOTUI_NOW", str(value))

    return set_now


def test_receipt_goes_by_priority_then_age_then_id(service: Service, refs: dict, clock) -> None:
    clock(100)
    old_standard = new_backorder(service, refs, id="S-OLD", quantity=2)
    clock(200)
    new_standard_b = new_backorder(service, refs, id="S-B", quantity=2)
    new_standard_a = new_backorder(service, refs, id="S-A", quantity=2)
    expedited = new_backorder(service, refs, id="E", quantity=2, priorityLevel="expedited")
    rush = new_backorder(service, refs, id="R", quantity=2, priorityLevel="rush")
    answer = receive(service, refs["product"], 9, receipt="RC-1")
    assert answer["allocations"] == [
        {"backorder": "R", "quantity": 2},
        {"backorder": "E", "quantity": 2},
        {"backorder": "S-OLD", "quantity": 2},
        {"backorder": "S-A", "quantity": 2},
        {"backorder": "S-B", "quantity": 1},
    ]
    assert answer["product"]["stockOnHand"] == 0
    assert [alloc(service, b["id"]) for b in (rush, expedited, old_standard)] == [2, 2, 2]
    assert alloc(service, new_standard_a["id"]) == 2
    assert alloc(service, new_standard_b["id"]) == 1
    arrived = events_of(service, "S-B", "inventoryArrived")
    assert [e["data"] for e in arrived] == [{"quantity": 1, "receipt": "RC-1"}]
    # Versions are not raised by allocation.
    assert call(service, "get", {"id": "S-B"})["version"] == 1


def test_create_takes_free_stock_at_once(service: Service, refs: dict) -> None:
    receive(service, refs["product"], 3)
    bo = new_backorder(service, refs, quantity=5)
    assert bo["allocatedQuantity"] == 3
    assert stock(service, refs["product"]) == 0
    [created] = events_of(service, bo["id"])
    assert created["data"]["allocated"] == 3
    assert events_of(service, bo["id"], "inventoryArrived") == []


def test_surplus_stays_free(service: Service, refs: dict) -> None:
    new_backorder(service, refs, quantity=2)
    answer = receive(service, refs["product"], 5)
    assert answer["product"]["stockOnHand"] == 3


def test_raising_quantity_allocates_and_records_it_in_updated(service: Service, refs: dict) -> None:
    receive(service, refs["product"], 5)
    bo = new_backorder(service, refs, quantity=2)
    after = call(service, "update", {"id": bo["id"], "quantity": 4})
    assert after["allocatedQuantity"] == 4
    assert events_of(service, bo["id"])[-1]["data"]["allocated"] == 2
    assert stock(service, refs["product"]) == 1


def test_cancel_releases_to_the_next_in_line(service: Service, refs: dict, clock) -> None:
    clock(100)
    first = new_backorder(service, refs, id="FIRST", quantity=3)
    clock(200)
    second = new_backorder(service, refs, id="SECOND", quantity=3)
    receive(service, refs["product"], 4)
    assert (alloc(service, "FIRST"), alloc(service, "SECOND")) == (3, 1)
    cancelled = call(service, "cancel", {"id": first["id"]})
    assert cancelled["allocatedQuantity"] == 0
    assert alloc(service, second["id"]) == 3
    assert stock(service, refs["product"]) == 1
    [arrived] = events_of(service, "SECOND", "inventoryArrived")[-1:]
    assert arrived["data"] == {"quantity": 2, "releasedBy": "FIRST"}
    assert events_of(service, "FIRST", "cancelled")[0]["data"]["released"] == 3


def test_delete_releases_and_keeps_the_last_state(service: Service, refs: dict, clock) -> None:
    clock(100)
    first = new_backorder(service, refs, id="FIRST", quantity=3)
    clock(200)
    new_backorder(service, refs, id="SECOND", quantity=3)
    receive(service, refs["product"], 3)
    gone = call(service, "delete", {"id": "FIRST", "version": 1})
    assert gone == first | {"allocatedQuantity": 3}
    assert_refused(service, "get", {"id": "FIRST"}, "not_found", "id")
    assert alloc(service, "SECOND") == 3
    [deleted] = events_of(service, "FIRST", "deleted")
    assert deleted["data"] == gone
    arrived = events_of(service, "SECOND", "inventoryArrived")[-1]
    assert arrived["data"] == {"quantity": 3, "releasedBy": "FIRST"}


def test_deleting_a_fulfilled_backorder_releases_nothing(service: Service, refs: dict) -> None:
    receive(service, refs["product"], 2)
    bo = new_backorder(service, refs, quantity=2)
    call(service, "confirm", {"id": bo["id"]})
    call(service, "fulfill", {"id": bo["id"]})
    waiting = new_backorder(service, refs, quantity=2)
    call(service, "delete", {"id": bo["id"]})
    assert stock(service, refs["product"]) == 0
    assert alloc(service, waiting["id"]) == 0


def test_deleting_any_status_is_allowed(service: Service, refs: dict) -> None:
    bo = new_backorder(service, refs)
    call(service, "cancel", {"id": bo["id"]})
    assert call(service, "delete", {"id": bo["id"]})["status"] == "cancelled"
    assert_refused(service, "delete", {"id": bo["id"]}, "not_found", "id")


def test_lowering_quantity_releases_the_excess(service: Service, refs: dict, clock) -> None:
    clock(100)
    new_backorder(service, refs, id="FIRST", quantity=5)
    clock(200)
    new_backorder(service, refs, id="SECOND", quantity=5)
    receive(service, refs["product"], 5)
    after = call(service, "update", {"id": "FIRST", "quantity": 2})
    assert after["allocatedQuantity"] == 2
    assert alloc(service, "SECOND") == 3
    assert events_of(service, "FIRST", "updated")[-1]["data"]["released"] == 3
    arrived = events_of(service, "SECOND", "inventoryArrived")[-1]
    assert arrived["data"] == {"quantity": 3, "releasedBy": "FIRST"}


def test_lowering_quantity_above_the_allocation_releases_nothing(
    service: Service, refs: dict
) -> None:
    receive(service, refs["product"], 2)
    bo = new_backorder(service, refs, quantity=5)
    after = call(service, "update", {"id": bo["id"], "quantity": 3})
    assert after["allocatedQuantity"] == 2
    assert stock(service, refs["product"]) == 0


def test_raising_a_priority_takes_no_units_back(service: Service, refs: dict, clock) -> None:
    clock(100)
    new_backorder(service, refs, id="OLD", quantity=2)
    clock(200)
    new_backorder(service, refs, id="NEW", quantity=2)
    receive(service, refs["product"], 2)
    call(service, "update", {"id": "NEW", "priorityLevel": "rush"})
    assert (alloc(service, "OLD"), alloc(service, "NEW")) == (2, 0)
    receive(service, refs["product"], 1)
    assert alloc(service, "NEW") == 1  # later allocations follow the new priority


def test_a_receipt_id_is_taken_once(service: Service, refs: dict) -> None:
    receive(service, refs["product"], 2, receipt="RC-7", supplierOrder="PO-3")
    error = assert_refused(
        service,
        "receiveInventory",
        {"product": refs["product"], "quantity": 2, "receipt": "RC-7"},
        "conflict",
        "receipt",
    )
    assert "RC-7" in error.message
    assert stock(service, refs["product"]) == 2


def test_receive_refusals(service: Service, refs: dict) -> None:
    product = refs["product"]
    cases = [
        ({"product": "NOPE", "quantity": 1}, "not_found", "product"),
        ({"product": product, "quantity": 0}, "validation_error", "quantity"),
        ({"product": product, "quantity": 1_000_001}, "validation_error", "quantity"),
        ({"product": product}, "validation_error", "quantity"),
        ({"quantity": 1}, "validation_error", "product"),
        ({"product": product, "quantity": 1, "receipt": "a b"}, "validation_error", "receipt"),
        ({"product": product, "quantity": 1, "lot": "x"}, "validation_error", "lot"),
    ]
    for payload, code, field in cases:
        assert_refused(service, "receiveInventory", payload, code, field)
    assert receive(service, product, 1_000_000)["product"]["stockOnHand"] == 1_000_000


def test_products_do_not_share_stock(service: Service, refs: dict) -> None:
    call(service, "product.create", {"id": "PRD-2", "sku": "STOVE", "name": "Stove"})
    other = new_backorder(service, refs, product="PRD-2")
    receive(service, refs["product"], 5)
    assert alloc(service, other["id"]) == 0


@pytest.mark.parametrize("units", [1, 3, 4, 9, 50])
def test_a_receipts_preview_is_what_the_receipt_then_does(
    service: Service, refs: dict, clock, units: int
) -> None:
    """The receive dialog's preview comes from the same rule: same grants, same order, same
    stock left; and a preview writes nothing."""
    clock(100)
    new_backorder(service, refs, id="A", quantity=3)
    clock(200)
    new_backorder(service, refs, id="B", quantity=2, priorityLevel="rush")
    clock(300)
    new_backorder(service, refs, id="C", quantity=4)
    receive(service, refs["product"], 1)  # B is partly allocated already
    before = snapshot_db(service.db)
    preview = service.preview_receipt({"product": refs["product"], "quantity": units})
    assert snapshot_db(service.db) == before
    done = service.receive_inventory({"product": refs["product"], "quantity": units})
    assert preview.allocations == done.allocations
    assert preview.product.stock_on_hand == done.product.stock_on_hand
    assert [a.backorder for a in preview.allocations] == ["B", "A", "C"][: len(preview.allocations)]


def test_a_preview_of_an_unknown_product_is_refused(service: Service) -> None:
    error = assert_refused(
        service, "receiveInventory", {"product": "PRD-NONE", "quantity": 1}, "not_found"
    )
    assert error.field == "product"
    with pytest.raises(Exception, match="PRD-NONE"):
        service.preview_receipt({"product": "PRD-NONE", "quantity": 1})


def test_a_place_in_queue_counts_the_units_lacked_ahead(service: Service, refs: dict) -> None:
    receive(service, refs["product"], 1)
    new_backorder(service, refs, id="FIRST", quantity=3, priorityLevel="rush")  # holds 1
    new_backorder(service, refs, id="SECOND", quantity=4)
    new_backorder(service, refs, id="THIRD", quantity=5)
    place = service.place_in_queue("SECOND")
    assert (place.lacks, place.ahead, place.short_in_all, place.before, place.after) == (
        4, 2, 11, 1, 5,
    )  # fmt: skip
    # Plain integers on both engines (PostgreSQL sums 64-bit integers as numeric).
    assert {type(v) for v in (place.ahead, place.short_in_all, place.after)} == {int}
    assert service.place_in_queue("NOPE") is None
