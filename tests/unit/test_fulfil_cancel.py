"""fulfill (whole, partial split, stock top-up, insufficient stock), cancel and refunds."""

from __future__ import annotations

from botui.domain.service import Service, call
from botui.store.engine import sql
from tests.conftest import NOW

from .helpers import assert_refused, events_of, new_backorder, receive, stock


def confirmed(service: Service, refs: dict, **fields) -> dict:
    bo = new_backorder(service, refs, **fields)
    return call(service, "confirm", {"id": bo["id"]})


def refunds(service: Service) -> list[tuple]:
    return service.db.execute_sql(
        "SELECT backorder_id, amount, reason, actor FROM refund ORDER BY id"
    ).fetchall()


def test_fulfil_ships_the_allocation(service: Service, refs: dict) -> None:
    receive(service, refs["product"], 4)
    bo = confirmed(service, refs, quantity=3)
    done = call(service, "fulfill", {"id": bo["id"], "actualShipDate": NOW - 60})
    assert done["status"] == "fulfilled"
    assert done["allocatedQuantity"] == 3
    assert done["actualShipDate"] == NOW - 60
    assert done["version"] == bo["version"] + 1
    assert stock(service, refs["product"]) == 1
    event = events_of(service, bo["id"], "fulfilled")[0]
    assert event["data"]["quantity"] == 3
    assert event["data"]["splitInto"] is None


def test_insufficient_stock_says_how_many_units_are_missing(service: Service, refs: dict) -> None:
    receive(service, refs["product"], 2)
    bo = confirmed(service, refs, quantity=5)
    error = assert_refused(
        service, "fulfill", {"id": bo["id"]}, "insufficient_stock", "quantity", contains="3 more"
    )
    assert "receive" in error.message
    partial = assert_refused(
        service, "fulfill", {"id": bo["id"], "quantity": 4}, "insufficient_stock"
    )
    assert "2 more" in partial.message


def test_fulfil_tops_up_from_free_stock(service: Service, refs: dict) -> None:
    bo = confirmed(service, refs, quantity=3)
    # Stock that arrives outside the allocation rule (a product created with stock later on).
    service.db.execute_sql(
        sql(service.db, "UPDATE product SET stock_on_hand = 5 WHERE id = ?"), (refs["product"],)
    )
    done = call(service, "fulfill", {"id": bo["id"]})
    assert done["allocatedQuantity"] == 3
    assert stock(service, refs["product"]) == 2
    assert events_of(service, bo["id"], "fulfilled")[0]["data"]["toppedUp"] == 3


def test_partial_fulfil_splits_the_remainder(service: Service, refs: dict, monkeypatch) -> None:
    monkeypatch.setenv("BOTUI_NOW", str(NOW - 1000))
    receive(service, refs["product"], 4)
    bo = confirmed(
        service,
        refs,
        id="BO-SPLIT",
        quantity=10,
        price=250,
        order=refs["order"],
        priorityLevel="expedited",
        estimatedShipDate=NOW + 5,
        estimatedDeliveryDate=NOW + 9,
        supplierOrder="PO-77",
        metadata={"gift": True},
    )
    call(service, "update", {"id": bo["id"], "status": "in-transit"})
    monkeypatch.setenv("BOTUI_NOW", str(NOW))
    done = call(service, "fulfill", {"id": bo["id"], "quantity": 3})
    assert done["status"] == "fulfilled"
    assert done["quantity"] == 3
    assert done["allocatedQuantity"] == 3
    fulfilled = events_of(service, bo["id"], "fulfilled")[0]
    split_id = fulfilled["data"]["splitInto"]
    assert split_id not in (None, bo["id"])
    rest = call(service, "get", {"id": split_id})
    for field in (
        "product",
        "business",
        "customer",
        "order",
        "price",
        "priorityLevel",
        "estimatedShipDate",
        "estimatedDeliveryDate",
        "supplierOrder",
        "createdAt",
    ):
        assert rest[field] == bo[field], field
    assert rest["status"] == "in-transit"
    assert rest["quantity"] == 7
    assert rest["allocatedQuantity"] == 1  # 4 allocated, 3 shipped
    assert rest["metadata"] == {"gift": True, "splitFrom": "BO-SPLIT"}
    assert rest["version"] == 1
    assert rest["actualShipDate"] is None
    [created] = events_of(service, split_id, "created")
    assert created["data"]["splitFrom"] == "BO-SPLIT"
    assert created["data"]["quantity"] == 7
    assert stock(service, refs["product"]) == 0


def test_the_remainder_keeps_its_place_and_gets_later_stock(service: Service, refs: dict) -> None:
    receive(service, refs["product"], 2)
    bo = confirmed(service, refs, quantity=5)
    call(service, "fulfill", {"id": bo["id"], "quantity": 2})
    rest_id = events_of(service, bo["id"], "fulfilled")[0]["data"]["splitInto"]
    later = new_backorder(service, refs, quantity=5)
    receive(service, refs["product"], 3)
    assert call(service, "get", {"id": rest_id})["allocatedQuantity"] == 3
    assert call(service, "get", {"id": later["id"]})["allocatedQuantity"] == 0


def test_fulfil_refusals(service: Service, refs: dict) -> None:
    receive(service, refs["product"], 5)
    bo = confirmed(service, refs, quantity=2)
    cases = [
        ({"id": bo["id"], "quantity": 3}, "validation_error", "quantity"),
        ({"id": bo["id"], "quantity": 0}, "validation_error", "quantity"),
        ({"id": bo["id"], "actualShipDate": -5}, "validation_error", "actualShipDate"),
        ({"id": "NOPE"}, "not_found", "id"),
        ({"id": bo["id"], "status": "fulfilled"}, "validation_error", "status"),
    ]
    for payload, code, field in cases:
        assert_refused(service, "fulfill", payload, code, field)


def test_a_second_fulfil_is_refused(service: Service, refs: dict) -> None:
    receive(service, refs["product"], 5)
    bo = confirmed(service, refs, quantity=2)
    call(service, "fulfill", {"id": bo["id"]})
    assert_refused(service, "fulfill", {"id": bo["id"]}, "invalid_transition", "status")
    assert len(events_of(service, bo["id"], "fulfilled")) == 1


def test_cancel_refunds_price_times_quantity(service: Service, refs: dict) -> None:
    bo = new_backorder(service, refs, quantity=3, price=1999)
    done = call(service, "cancel", {"id": bo["id"], "reason": "customer asked\nby phone"})
    assert done["status"] == "cancelled"
    assert done["cancelledAt"] == NOW
    [event] = events_of(service, bo["id"], "cancelled")
    assert event["data"]["refund"] == 5997
    assert event["data"]["reason"] == "customer asked\nby phone"
    assert refunds(service) == [(bo["id"], 5997, "customer asked\nby phone", "tester")]


def test_cancel_of_a_free_backorder_refunds_nothing(service: Service, refs: dict) -> None:
    bo = new_backorder(service, refs, quantity=3, price=0)
    call(service, "cancel", {"id": bo["id"]})
    assert events_of(service, bo["id"], "cancelled")[0]["data"]["refund"] == 0
    assert refunds(service) == []


def test_cancel_refusals(service: Service, refs: dict) -> None:
    bo = new_backorder(service, refs)
    assert_refused(service, "cancel", {"id": "NOPE"}, "not_found", "id")
    assert_refused(service, "cancel", {"id": bo["id"], "reason": "x" * 501}, "validation_error")
    assert_refused(
        service, "cancel", {"id": bo["id"], "reason": "bad \x1b[31m"}, "validation_error", "reason"
    )
    call(service, "cancel", {"id": bo["id"], "reason": "r" * 500})
    assert_refused(service, "cancel", {"id": bo["id"]}, "invalid_transition", "status")
    assert len(refunds(service)) == 1


def test_confirm_sets_supplier_order_and_estimates(service: Service, refs: dict) -> None:
    bo = new_backorder(service, refs)
    after = call(
        service,
        "confirm",
        {
            "id": bo["id"],
            "supplierOrder": "PO-5",
            "estimatedShipDate": NOW + 10,
            "estimatedDeliveryDate": NOW + 20,
        },
    )
    assert (after["supplierOrder"], after["estimatedShipDate"]) == ("PO-5", NOW + 10)
    event = events_of(service, bo["id"], "confirmed")[0]
    assert event["data"]["changes"]["supplierOrder"] == [None, "PO-5"]


def test_confirm_refusals(service: Service, refs: dict) -> None:
    bo = new_backorder(service, refs, estimatedShipDate=NOW + 10)
    cases = [
        ({"id": bo["id"], "estimatedDeliveryDate": NOW}, "validation_error"),
        ({"id": bo["id"], "quantity": 2}, "validation_error"),
        ({"id": "NOPE"}, "not_found"),
        ({"id": bo["id"], "supplierOrder": "x" * 101}, "validation_error"),
    ]
    for payload, code in cases:
        assert_refused(service, "confirm", payload, code)


def test_the_refund_rule_is_price_times_quantity_and_nothing_at_price_zero() -> None:
    """One rule (domain.refunds) for the service, the cancel question and the template."""
    from botui.domain.refunds import refund

    assert refund(1250, 3) == 3750
    assert refund(0, 5) == 0
