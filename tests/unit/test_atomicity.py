"""A change and its events are one transaction: when an event cannot be written, nothing is."""

from __future__ import annotations

import peewee
import pytest

from botui.domain.service import Service, call
from tests.conftest import NOW

from .helpers import assert_refused, new_backorder, receive


@pytest.fixture
def broken_log(service: Service, monkeypatch: pytest.MonkeyPatch):
    """After the call, every event write fails as a full disk would."""

    def arm() -> None:
        def fail(*args, **kwargs) -> None:
            raise peewee.OperationalError("database or disk is full")

        monkeypatch.setattr(Service, "_event", fail)

    return arm


def test_no_change_survives_without_its_event(service: Service, refs: dict, broken_log) -> None:
    receive(service, refs["product"], 2)
    confirmed = new_backorder(service, refs, id="C", quantity=2, estimatedShipDate=NOW - 5)
    call(service, "confirm", {"id": "C"})
    new_backorder(service, refs, id="P", quantity=3, price=700)
    waiting = new_backorder(service, refs, id="W", quantity=1)
    assert (confirmed["allocatedQuantity"], waiting["allocatedQuantity"]) == (2, 0)
    broken_log()
    attempts = [
        ("create", {"product": refs["product"], "business": refs["business"],
                    "customer": refs["customer"], "quantity": 1, "price": 1}),
        ("update", {"id": "P", "quantity": 1}),
        ("update", {"id": "C", "estimatedShipDate": NOW + 99}),
        ("confirm", {"id": "P"}),
        ("fulfill", {"id": "C", "quantity": 1}),
        ("cancel", {"id": "C", "reason": "gone"}),
        ("cancel", {"id": "P"}),
        ("delete", {"id": "C"}),
        ("updateEstimate", {"id": "P", "estimatedShipDate": NOW}),
        ("notifyCustomer", {"id": "P", "channel": "email", "message": "hello"}),
        ("receiveInventory", {"product": refs["product"], "quantity": 1, "receipt": "R"}),
        ("detectDelays", {}),
    ]  # fmt: skip
    for action, payload in attempts:
        error = assert_refused(service, action, payload, "storage_error")
        assert "full" in error.message
