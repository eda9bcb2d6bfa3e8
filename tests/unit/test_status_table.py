"""Every cell of the contract's status table, for confirm, fulfill, cancel and update."""

from __future__ import annotations

import pytest

from botui.domain.errors import BotuiError
from botui.domain.service import Service, call
from botui.domain.statuses import offered

from .helpers import assert_refused, events_of, new_backorder, receive

STATUSES = ["pending", "confirmed", "in-production", "in-transit", "fulfilled", "cancelled"]
OPEN = {"pending", "confirmed", "in-production", "in-transit"}
# The contract's table: what `update` may set from each status.
UPDATE_MOVES = {
    "pending": set(),
    "confirmed": {"in-production", "in-transit"},
    "in-production": {"in-transit"},
    "in-transit": set(),
    "fulfilled": set(),
    "cancelled": set(),
}


def in_status(service: Service, refs: dict[str, str], status: str) -> dict:
    """A backorder of one unit, fully allocated, brought to `status` by the real actions."""
    receive(service, refs["product"], 1)
    bo = new_backorder(service, refs)
    assert bo["allocatedQuantity"] == 1
    if status == "cancelled":
        return call(service, "cancel", {"id": bo["id"]})
    if status == "pending":
        return bo
    bo = call(service, "confirm", {"id": bo["id"]})
    if status in ("in-production", "in-transit"):
        bo = call(service, "update", {"id": bo["id"], "status": status})
    if status == "fulfilled":
        bo = call(service, "fulfill", {"id": bo["id"]})
    assert bo["status"] == status
    return bo


@pytest.mark.parametrize("status", STATUSES)
def test_confirm_cell(service: Service, refs: dict, status: str) -> None:
    bo = in_status(service, refs, status)
    if status == "pending":
        after = call(service, "confirm", {"id": bo["id"]})
        assert after["status"] == "confirmed"
        assert after["version"] == bo["version"] + 1
        assert [e["type"] for e in events_of(service, bo["id"])][-1] == "confirmed"
    else:
        assert_refused(service, "confirm", {"id": bo["id"]}, "invalid_transition", "status")


@pytest.mark.parametrize("status", STATUSES)
def test_fulfill_cell(service: Service, refs: dict, status: str) -> None:
    bo = in_status(service, refs, status)
    if status == "pending":
        error = assert_refused(service, "fulfill", {"id": bo["id"]}, "invalid_transition")
        assert "confirm" in error.message
    elif status in OPEN:
        after = call(service, "fulfill", {"id": bo["id"]})
        assert after["status"] == "fulfilled"
        assert [e["type"] for e in events_of(service, bo["id"])][-1] == "fulfilled"
    else:
        assert_refused(service, "fulfill", {"id": bo["id"]}, "invalid_transition", "status")


@pytest.mark.parametrize("status", STATUSES)
def test_cancel_cell(service: Service, refs: dict, status: str) -> None:
    bo = in_status(service, refs, status)
    if status in OPEN:
        after = call(service, "cancel", {"id": bo["id"]})
        assert after["status"] == "cancelled"
        assert after["cancelledAt"] is not None
        assert [e["type"] for e in events_of(service, bo["id"])][-1] == "cancelled"
    else:
        assert_refused(service, "cancel", {"id": bo["id"]}, "invalid_transition", "status")


@pytest.mark.parametrize("wanted", STATUSES)
@pytest.mark.parametrize("status", STATUSES)
def test_update_status_cell(service: Service, refs: dict, status: str, wanted: str) -> None:
    bo = in_status(service, refs, status)
    count = len(events_of(service))
    if wanted == status:
        # A change that changes nothing records nothing (not even for a closed backorder).
        after = call(service, "update", {"id": bo["id"], "status": wanted})
        assert after == bo
        assert len(events_of(service)) == count
    elif wanted in UPDATE_MOVES[status]:
        after = call(service, "update", {"id": bo["id"], "status": wanted})
        assert after["status"] == wanted
        assert after["version"] == bo["version"] + 1
        event = events_of(service, bo["id"])[-1]
        assert event["type"] == "updated"
        assert event["data"]["changes"] == {"status": [status, wanted]}
    else:
        assert_refused(
            service, "update", {"id": bo["id"], "status": wanted}, "invalid_transition", "status"
        )


@pytest.mark.parametrize("wanted", ["confirmed", "fulfilled", "cancelled"])
def test_update_never_sets_an_action_status(service: Service, refs: dict, wanted: str) -> None:
    bo = in_status(service, refs, "confirmed" if wanted != "confirmed" else "pending")
    error = assert_refused(
        service, "update", {"id": bo["id"], "status": wanted}, "invalid_transition", "status"
    )
    action = {"confirmed": "confirm", "fulfilled": "fulfill", "cancelled": "cancel"}[wanted]
    assert action in error.message


def test_create_starts_pending_and_refuses_a_status(service: Service, refs: dict) -> None:
    assert new_backorder(service, refs)["status"] == "pending"
    payload = {
        "product": refs["product"],
        "business": refs["business"],
        "customer": refs["customer"],
        "quantity": 1,
        "price": 0,
        "status": "pending",
    }
    assert_refused(service, "create", payload, "validation_error", "status")


# What a screen offers must be what the service accepts: each action tried on a backorder in
# each status succeeds exactly when `statuses.offered` lists it.
OFFER_INPUTS = {
    "confirm": {},
    "fulfill": {},
    "cancel": {},
    "updateEstimate": {"estimatedShipDate": 1_900_000_000},
    "notifyCustomer": {"channel": "email", "message": "hello"},
}


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("action", sorted(OFFER_INPUTS))
def test_offered_is_what_the_service_accepts(
    service: Service, refs: dict, status: str, action: str
) -> None:
    bo = in_status(service, refs, status)
    try:
        call(service, action, {"id": bo["id"], **OFFER_INPUTS[action]})
        accepted = True
    except BotuiError as error:
        assert error.code == "invalid_transition", error.message
        accepted = False
    assert accepted == (action in offered(status))
