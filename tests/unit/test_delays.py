"""Delays: one delayNoticed per backorder and estimate; moving an estimate later records at once."""

from __future__ import annotations

import pytest

from botui.domain.service import Service, call
from tests.conftest import NOW

from .helpers import assert_refused, events_of, new_backorder, receive


def delays(service: Service, backorder: str | None = None) -> list[dict]:
    return [e["data"] for e in events_of(service, backorder, "delayNoticed")]


def test_detect_notices_each_late_backorder_once(service: Service, refs: dict) -> None:
    late = new_backorder(service, refs, id="LATE", estimatedShipDate=NOW - 1)
    new_backorder(service, refs, id="ON-TIME", estimatedShipDate=NOW + 1)
    new_backorder(service, refs, id="TODAY", estimatedShipDate=NOW)
    new_backorder(service, refs, id="NO-DATE")
    assert call(service, "detectDelays", {}) == {"delayed": ["LATE"]}
    assert call(service, "detectDelays", {}) == {"delayed": []}
    assert delays(service) == [{"estimatedShipDate": NOW - 1}]
    assert call(service, "get", {"id": late["id"]})["version"] == late["version"]


def test_closed_and_shipped_backorders_are_not_late(service: Service, refs: dict) -> None:
    receive(service, refs["product"], 1)
    done = new_backorder(service, refs, id="DONE", estimatedShipDate=NOW - 10)
    call(service, "confirm", {"id": done["id"]})
    call(service, "fulfill", {"id": done["id"]})
    gone = new_backorder(service, refs, id="GONE", estimatedShipDate=NOW - 10)
    call(service, "cancel", {"id": gone["id"]})
    assert call(service, "detectDelays", {})["delayed"] == []


def test_a_new_estimate_is_noticed_again_once_it_passes(
    service: Service, refs: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    bo = new_backorder(service, refs, estimatedShipDate=NOW - 100)
    assert call(service, "detectDelays", {})["delayed"] == [bo["id"]]
    call(service, "updateEstimate", {"id": bo["id"], "estimatedShipDate": NOW + 100})
    # Moving it later records one delayNoticed at once ...
    assert delays(service, bo["id"])[-1] == {
        "estimatedShipDate": NOW - 100,
        "newEstimatedShipDate": NOW + 100,
    }
    assert call(service, "detectDelays", {})["delayed"] == []
    monkeypatch.setenv("BOTUI_NOW", str(NOW + 101))
    # ... and detectDelays notices the new date once it passes, and only once.
    assert call(service, "detectDelays", {})["delayed"] == [bo["id"]]
    assert call(service, "detectDelays", {})["delayed"] == []
    assert len(delays(service, bo["id"])) == 3


def test_moving_later_records_even_if_never_noticed(service: Service, refs: dict) -> None:
    bo = new_backorder(service, refs, estimatedShipDate=NOW + 10)
    call(service, "update", {"id": bo["id"], "estimatedShipDate": NOW + 20})
    assert delays(service, bo["id"]) == [
        {"estimatedShipDate": NOW + 10, "newEstimatedShipDate": NOW + 20}
    ]


def test_confirm_that_moves_the_estimate_later_records_a_delay(
    service: Service, refs: dict
) -> None:
    bo = new_backorder(service, refs, estimatedShipDate=NOW + 10)
    call(service, "confirm", {"id": bo["id"], "estimatedShipDate": NOW + 30})
    types = [e["type"] for e in events_of(service, bo["id"])]
    assert types == ["created", "confirmed", "delayNoticed"]


@pytest.mark.parametrize("new_date", [NOW + 5, None])
def test_moving_earlier_or_clearing_records_no_delay(
    service: Service, refs: dict, new_date: int | None
) -> None:
    bo = new_backorder(service, refs, estimatedShipDate=NOW + 10)
    call(service, "update", {"id": bo["id"], "estimatedShipDate": new_date})
    assert delays(service, bo["id"]) == []


def test_setting_a_first_estimate_is_not_a_delay(service: Service, refs: dict) -> None:
    bo = new_backorder(service, refs)
    call(service, "updateEstimate", {"id": bo["id"], "estimatedShipDate": NOW + 10})
    assert delays(service, bo["id"]) == []


def test_update_estimate_records_estimate_updated(service: Service, refs: dict) -> None:
    bo = new_backorder(service, refs, estimatedShipDate=NOW + 10)
    after = call(
        service,
        "updateEstimate",
        {"id": bo["id"], "version": 1, "estimatedDeliveryDate": NOW + 50, "reason": "port\tstrike"},
    )
    assert after["estimatedDeliveryDate"] == NOW + 50
    assert after["version"] == 2
    [event] = events_of(service, bo["id"], "estimateUpdated")
    assert event["data"] == {
        "changes": {"estimatedDeliveryDate": [None, NOW + 50]},
        "reason": "port\tstrike",
    }
    count = len(events_of(service))
    same = call(service, "updateEstimate", {"id": bo["id"], "estimatedDeliveryDate": NOW + 50})
    assert same == after
    assert len(events_of(service)) == count


def test_update_estimate_refusals(service: Service, refs: dict) -> None:
    bo = new_backorder(service, refs, estimatedShipDate=NOW + 10)
    cases = [
        ({"id": bo["id"]}, "validation_error", None),
        ({"id": bo["id"], "reason": "late"}, "validation_error", None),
        (
            {"id": bo["id"], "estimatedDeliveryDate": NOW},
            "validation_error",
            "estimatedDeliveryDate",
        ),
        ({"id": "NOPE", "estimatedShipDate": NOW}, "not_found", "id"),
        (
            {"id": bo["id"], "estimatedShipDate": "tomorrow"},
            "validation_error",
            "estimatedShipDate",
        ),
        ({"id": bo["id"], "estimatedShipDate": NOW + 0.5}, "validation_error", "estimatedShipDate"),
    ]
    for payload, code, field in cases:
        assert_refused(service, "updateEstimate", payload, code, field)


def test_detect_delays_takes_only_an_empty_object(service: Service, refs: dict) -> None:
    assert_refused(service, "detectDelays", {"now": 5}, "validation_error", "now")
    assert_refused(service, "detectDelays", [], "validation_error", None)
