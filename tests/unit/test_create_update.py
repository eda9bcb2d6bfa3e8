"""create and update: references, uniqueness, dates, versions, closed backorders, no-op changes."""

from __future__ import annotations

from botui.domain.service import Service, call
from tests.conftest import NOW

from .helpers import assert_refused, events_of, new_backorder, receive, snapshot_db
from .test_status_table import in_status


def base(refs: dict, **fields) -> dict:
    payload = {
        "product": refs["product"],
        "business": refs["business"],
        "customer": refs["customer"],
        "quantity": 2,
        "price": 1500,
    }
    payload.update(fields)
    return payload


def test_create_answers_every_field_and_records_created(service: Service, refs: dict) -> None:
    bo = call(
        service,
        "create",
        base(
            refs,
            id="BO-A.1_x",
            order=refs["order"],
            priorityLevel="rush",
            estimatedShipDate=NOW + 10,
            estimatedDeliveryDate=NOW + 20,
            supplierOrder="PO-9",
            metadata={"gift": True, "note": "line\ttwo\nthree", "n": 1.5, "z": None},
        ),
    )
    assert bo == {
        "id": "BO-A.1_x",
        "product": "PRD-1",
        "business": "BIZ-1",
        "customer": "CUS-1",
        "order": "ORD-1",
        "quantity": 2,
        "status": "pending",
        "price": 1500,
        "estimatedShipDate": NOW + 10,
        "estimatedDeliveryDate": NOW + 20,
        "actualShipDate": None,
        "actualDeliveryDate": None,
        "priorityLevel": "rush",
        "supplierOrder": "PO-9",
        "createdAt": NOW,
        "cancelledAt": None,
        "metadata": {"gift": True, "note": "line\ttwo\nthree", "n": 1.5, "z": None},
        "allocatedQuantity": 0,
        "version": 1,
        "updatedAt": NOW,
    }
    assert call(service, "get", {"id": "BO-A.1_x"}) == bo
    [event] = events_of(service, "BO-A.1_x")
    assert event["type"] == "created"
    assert event["actor"] == "tester"
    assert event["at"] == NOW
    assert event["data"]["allocated"] == 0


def test_create_generates_distinct_ids_and_defaults(service: Service, refs: dict) -> None:
    first = new_backorder(service, refs)
    second = new_backorder(service, refs)
    assert first["id"] != second["id"]
    assert first["priorityLevel"] == "standard"
    assert first["metadata"] == {}
    assert first["order"] is None


def test_generated_id_skips_a_client_given_one(service: Service, refs: dict) -> None:
    new_backorder(service, refs, id="BO-1")
    assert new_backorder(service, refs)["id"] != "BO-1"


def test_create_refusals_change_nothing(service: Service, refs: dict) -> None:
    new_backorder(service, refs, id="BO-X")
    call(service, "customer.create", {"id": "CUS-2", "name": "Grace"})
    call(service, "business.create", {"id": "BIZ-2", "name": "Other"})
    call(service, "order.create", {"id": "ORD-2", "customer": "CUS-2", "business": "BIZ-1"})
    call(service, "order.create", {"id": "ORD-3", "customer": "CUS-1", "business": "BIZ-2"})
    cases = [
        (base(refs, id="BO-X"), "conflict", "id"),
        (base(refs, product="NOPE"), "not_found", "product"),
        (base(refs, business="NOPE"), "not_found", "business"),
        (base(refs, customer="NOPE"), "not_found", "customer"),
        (base(refs, order="NOPE"), "not_found", "order"),
        (base(refs, order="ORD-2"), "validation_error", "order"),
        (base(refs, order="ORD-3"), "validation_error", "order"),
        (base(refs, id="has space"), "validation_error", "id"),
        (base(refs, id="x" * 65), "validation_error", "id"),
        (base(refs, id=""), "validation_error", "id"),
        (base(refs, quantity=0), "validation_error", "quantity"),
        (base(refs, quantity=1_000_001), "validation_error", "quantity"),
        (base(refs, price=-1), "validation_error", "price"),
        (base(refs, price=1_000_000_001), "validation_error", "price"),
        (base(refs, priorityLevel="urgent"), "validation_error", "priorityLevel"),
        (base(refs, estimatedShipDate=-1), "validation_error", "estimatedShipDate"),
        (base(refs, estimatedShipDate=32_503_680_001), "validation_error", "estimatedShipDate"),
        (
            base(refs, estimatedShipDate=NOW + 10, estimatedDeliveryDate=NOW + 9),
            "validation_error",
            "estimatedDeliveryDate",
        ),
        (base(refs, supplierOrder="x" * 101), "validation_error", "supplierOrder"),
        (base(refs, status="pending"), "validation_error", "status"),
        (base(refs, allocatedQuantity=1), "validation_error", "allocatedQuantity"),
        (base(refs, createdAt=NOW), "validation_error", "createdAt"),
    ]
    for payload, code, field in cases:
        assert_refused(service, "create", payload, code, field)
    for missing in ("product", "business", "customer", "quantity", "price"):
        payload = base(refs)
        del payload[missing]
        error = assert_refused(service, "create", payload, "validation_error", missing)
        assert "required" in error.message


def test_dates_at_the_limits_are_accepted(service: Service, refs: dict) -> None:
    bo = call(
        service,
        "create",
        base(refs, estimatedShipDate=0, estimatedDeliveryDate=32_503_680_000, quantity=1_000_000),
    )
    assert bo["estimatedDeliveryDate"] == 32_503_680_000
    same_day = call(service, "create", base(refs, estimatedShipDate=5, estimatedDeliveryDate=5))
    assert same_day["estimatedDeliveryDate"] == 5


def test_update_changes_fields_raises_version_and_records_changes(
    service: Service, refs: dict
) -> None:
    bo = new_backorder(service, refs, estimatedShipDate=NOW + 100)
    after = call(
        service,
        "update",
        {
            "id": bo["id"],
            "version": 1,
            "priorityLevel": "expedited",
            "supplierOrder": "PO-1",
            "estimatedDeliveryDate": NOW + 500,
            "metadata": {"k": "v"},
        },
    )
    assert after["version"] == 2
    assert after["priorityLevel"] == "expedited"
    assert after["supplierOrder"] == "PO-1"
    assert after["metadata"] == {"k": "v"}
    assert after["price"] == bo["price"]
    event = events_of(service, bo["id"])[-1]
    assert event["type"] == "updated"
    assert event["data"]["changes"] == {
        "priorityLevel": ["standard", "expedited"],
        "supplierOrder": [None, "PO-1"],
        "estimatedDeliveryDate": [None, NOW + 500],
        "metadata": [{}, {"k": "v"}],
    }
    cleared = call(service, "update", {"id": bo["id"], "supplierOrder": None})
    assert cleared["supplierOrder"] is None


def test_a_change_that_changes_nothing_records_nothing(service: Service, refs: dict) -> None:
    bo = new_backorder(service, refs, supplierOrder="PO-1", metadata={"a": 1})
    before = snapshot_db(service.db)
    same = call(
        service,
        "update",
        {
            "id": bo["id"],
            "version": 1,
            "quantity": bo["quantity"],
            "priorityLevel": "standard",
            "supplierOrder": "PO-1",
            "metadata": {"a": 1},
            "status": "pending",
        },
    )
    assert same == bo
    assert snapshot_db(service.db) == before
    call(service, "update", {"id": bo["id"]})
    assert snapshot_db(service.db) == before


def test_update_refusals_change_nothing(service: Service, refs: dict) -> None:
    bo = new_backorder(service, refs, estimatedShipDate=NOW + 100)
    bid = bo["id"]
    cases = [
        ({"id": "NOPE", "quantity": 3}, "not_found", "id"),
        ({"id": bid, "price": 5}, "validation_error", "price"),
        ({"id": bid, "quantity": None}, "validation_error", "quantity"),
        ({"id": bid, "priorityLevel": None}, "validation_error", "priorityLevel"),
        ({"id": bid, "metadata": None}, "validation_error", "metadata"),
        ({"id": bid, "status": None}, "validation_error", "status"),
        ({"id": bid, "estimatedDeliveryDate": NOW}, "validation_error", "estimatedDeliveryDate"),
        ({"id": bid, "actualDeliveryDate": NOW}, "invalid_transition", "actualDeliveryDate"),
        ({"id": bid, "actualShipDate": NOW}, "validation_error", "actualShipDate"),
        ({"id": bid, "version": 2, "quantity": 3}, "conflict", "version"),
        ({"id": bid, "version": 0, "quantity": 3}, "validation_error", "version"),
        ({"id": bid, "metadata": {"splitFrom": "BO-9"}}, "validation_error", "metadata"),
        ({"id": bid, "cancelledAt": NOW}, "validation_error", "cancelledAt"),
    ]
    for payload, code, field in cases:
        assert_refused(service, "update", payload, code, field)


def test_conflict_names_who_changed_it(service: Service, refs: dict, monkeypatch) -> None:
    bo = new_backorder(service, refs)
    monkeypatch.setenv("BOTUI_ACTOR", "bob")
    call(service, "update", {"id": bo["id"], "supplierOrder": "PO-2"})
    monkeypatch.setenv("BOTUI_ACTOR", "tester")
    error = assert_refused(
        service, "update", {"id": bo["id"], "version": 1, "quantity": 5}, "conflict", "version"
    )
    assert "bob" in error.message


def test_version_is_checked_by_every_backorder_action(service: Service, refs: dict) -> None:
    receive(service, refs["product"], 5)
    bo = new_backorder(service, refs)
    call(service, "update", {"id": bo["id"], "supplierOrder": "PO-1"})
    stale = {"id": bo["id"], "version": 1}
    assert_refused(service, "update", {**stale, "quantity": 2}, "conflict", "version")
    assert_refused(service, "confirm", stale, "conflict", "version")
    assert_refused(service, "cancel", stale, "conflict", "version")
    assert_refused(service, "delete", stale, "conflict", "version")
    assert_refused(
        service, "updateEstimate", {**stale, "estimatedShipDate": NOW}, "conflict", "version"
    )
    assert_refused(
        service,
        "notifyCustomer",
        {**stale, "channel": "email", "message": "hi"},
        "conflict",
        "version",
    )
    call(service, "confirm", {"id": bo["id"], "version": 2})
    assert_refused(service, "fulfill", {"id": bo["id"], "version": 2}, "conflict", "version")
    assert call(service, "fulfill", {"id": bo["id"], "version": 3})["version"] == 4


def test_closed_backorders_change_only_metadata(service: Service, refs: dict) -> None:
    cancelled = in_status(service, refs, "cancelled")
    for field, value in [
        ("quantity", 3),
        ("priorityLevel", "rush"),
        ("supplierOrder", "PO-1"),
        ("estimatedShipDate", NOW),
        ("estimatedDeliveryDate", NOW),
        ("actualDeliveryDate", NOW),
    ]:
        assert_refused(
            service, "update", {"id": cancelled["id"], field: value}, "invalid_transition", field
        )
    assert_refused(
        service,
        "updateEstimate",
        {"id": cancelled["id"], "estimatedShipDate": NOW},
        "invalid_transition",
    )
    after = call(service, "update", {"id": cancelled["id"], "metadata": {"why": "customer"}})
    assert after["metadata"] == {"why": "customer"}
    assert after["version"] == cancelled["version"] + 1


def test_fulfilled_backorder_takes_a_delivery_date(service: Service, refs: dict) -> None:
    done = in_status(service, refs, "fulfilled")
    assert done["actualShipDate"] == NOW
    assert_refused(
        service, "update", {"id": done["id"], "quantity": 2}, "invalid_transition", "quantity"
    )
    assert_refused(
        service,
        "update",
        {"id": done["id"], "actualDeliveryDate": NOW - 1},
        "validation_error",
        "actualDeliveryDate",
    )
    after = call(
        service,
        "update",
        {"id": done["id"], "actualDeliveryDate": NOW + 86_400, "metadata": {"signed": "yes"}},
    )
    assert after["actualDeliveryDate"] == NOW + 86_400
    assert after["status"] == "fulfilled"


def test_get_refusals(service: Service, refs: dict) -> None:
    assert_refused(service, "get", {"id": "NOPE"}, "not_found", "id")
    assert_refused(service, "get", {}, "validation_error", "id")
    assert_refused(service, "get", {"id": 5}, "validation_error", "id")


def test_the_date_sent_is_the_one_blamed(service: Service, refs: dict) -> None:
    bo = new_backorder(service, refs, estimatedShipDate=NOW, estimatedDeliveryDate=NOW + 10)
    later_ship = {"id": bo["id"], "estimatedShipDate": NOW + 11}
    for action in ("update", "updateEstimate", "confirm"):
        assert_refused(service, action, later_ship, "validation_error", "estimatedShipDate")
        # Repeating the delivery date already there does not make it the one at fault.
        assert_refused(
            service,
            action,
            later_ship | {"estimatedDeliveryDate": NOW + 10},
            "validation_error",
            "estimatedShipDate",
        )
        assert_refused(
            service,
            action,
            {"id": bo["id"], "estimatedDeliveryDate": NOW - 1},
            "validation_error",
            "estimatedDeliveryDate",
        )
