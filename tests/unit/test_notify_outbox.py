"""notifyCustomer, the 10-minute duplicate guard, templates, the outbox and markSent."""

from __future__ import annotations

import pytest

from botui.domain.service import Service, call
from tests.conftest import NOW

from .helpers import assert_refused, events_of, new_backorder, receive, snapshot_db


def outbox(service: Service, **filters) -> list[dict]:
    return call(service, "outbox", filters)["data"]


def test_a_message_is_queued_with_its_event(service: Service, refs: dict) -> None:
    bo = new_backorder(service, refs)
    answer = call(
        service,
        "notifyCustomer",
        {"id": bo["id"], "channel": "email", "subject": "Hello", "message": "Line 1\nLine 2"},
    )
    assert answer == bo  # the answer is the Backorder; a notice does not raise its version
    [entry] = outbox(service)
    assert entry == {
        "id": entry["id"],
        "backorder": bo["id"],
        "channel": "email",
        "to": "ada@example.com",
        "subject": "Hello",
        "body": "Line 1\nLine 2",
        "status": "queued",
        "createdAt": NOW,
        "sentAt": None,
        "actor": "tester",
        "attempts": 0,
        "lastError": None,
        "messageId": f"<outbox-{entry['id']}.{service.database_id()}@botui>",
    }
    [event] = events_of(service, bo["id"], "customerNotified")
    assert event["data"]["notification"] == entry["id"]
    assert event["data"]["channel"] == "email"


def test_sms_goes_to_the_phone(service: Service, refs: dict) -> None:
    bo = new_backorder(service, refs)
    call(service, "notifyCustomer", {"id": bo["id"], "channel": "sms", "message": "Hi"})
    assert outbox(service)[0]["to"] == "+44 20 7946 0000"


@pytest.mark.parametrize("template", ["status", "delay", "arrival", "cancellation"])
def test_templates_are_filled_from_the_backorder(
    service: Service, refs: dict, template: str
) -> None:
    receive(service, refs["product"], 1)
    bo = new_backorder(service, refs, quantity=2, price=1250, estimatedShipDate=NOW + 86_400)
    call(service, "notifyCustomer", {"id": bo["id"], "channel": "email", "template": template})
    [entry] = outbox(service)
    assert bo["id"] in entry["subject"]
    assert "Ada Lovelace" in entry["body"]
    expected = {
        "status": "2026-09-22",
        "delay": "2026-09-22",
        "arrival": "1 of 2 units",
        "cancellation": "25.00",
    }[template]
    assert expected in entry["body"]
    assert events_of(service, bo["id"], "customerNotified")[0]["data"]["template"] == template


def test_the_same_message_within_ten_minutes_is_not_queued_again(
    service: Service, refs: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    bo = new_backorder(service, refs)
    note = {"id": bo["id"], "channel": "email", "template": "status"}
    call(service, "notifyCustomer", note)
    before = snapshot_db(service.db)
    monkeypatch.setenv("BOTUI_NOW", str(NOW + 599))
    assert call(service, "notifyCustomer", note)["id"] == bo["id"]
    assert snapshot_db(service.db) == before
    # Another channel, another subject or another body is a new message.
    call(service, "notifyCustomer", {**note, "channel": "sms"})
    call(service, "notifyCustomer", {**note, "subject": "Other"})
    call(service, "notifyCustomer", {"id": bo["id"], "channel": "email", "message": "x"})
    assert len(outbox(service)) == 4
    monkeypatch.setenv("BOTUI_NOW", str(NOW + 600))
    call(service, "notifyCustomer", note)
    assert len(outbox(service)) == 5
    assert len(events_of(service, bo["id"], "customerNotified")) == 5


def test_a_changed_backorder_renders_a_new_message(service: Service, refs: dict) -> None:
    bo = new_backorder(service, refs)
    note = {"id": bo["id"], "channel": "email", "template": "status"}
    call(service, "notifyCustomer", note)
    call(service, "confirm", {"id": bo["id"]})
    call(service, "notifyCustomer", note)
    assert len(outbox(service)) == 2


def test_notify_refusals(service: Service, refs: dict) -> None:
    call(service, "customer.create", {"id": "CUS-2", "name": "No Contact"})
    bare = new_backorder(service, refs, customer="CUS-2")
    bo = new_backorder(service, refs)
    bid = bo["id"]
    mail = {"id": bid, "channel": "email"}
    cases = [
        ({"id": bare["id"], "channel": "email", "message": "x"}, "validation_error", "channel"),
        ({"id": bare["id"], "channel": "sms", "message": "x"}, "validation_error", "channel"),
        ({"id": bid, "channel": "fax", "message": "x"}, "validation_error", "channel"),
        ({"id": bid, "message": "x"}, "validation_error", "channel"),
        (mail, "validation_error", None),
        (mail | {"message": "x", "template": "status"}, "validation_error", None),
        (mail | {"template": "thanks"}, "validation_error", "template"),
        (mail | {"message": "x" * 2001}, "validation_error", "message"),
        (mail | {"message": "a\x07b"}, "validation_error", "message"),
        (mail | {"message": "a", "subject": "s\nt"}, "validation_error", "subject"),
        (mail | {"message": "a", "subject": "s" * 501}, "validation_error", "subject"),
        ({"id": "NOPE", "channel": "email", "message": "x"}, "not_found", "id"),
    ]
    for payload, code, field in cases:
        assert_refused(service, "notifyCustomer", payload, code, field)
    assert call(service, "notifyCustomer", {"id": bid, "channel": "email", "message": "m" * 2000})


def test_mark_sent_once(service: Service, refs: dict) -> None:
    bo = new_backorder(service, refs)
    call(service, "notifyCustomer", {"id": bo["id"], "channel": "email", "message": "one"})
    call(service, "notifyCustomer", {"id": bo["id"], "channel": "email", "message": "two"})
    first, second = outbox(service)
    sent = call(service, "outbox.markSent", {"id": first["id"]})
    assert sent == first | {"status": "sent", "sentAt": NOW}
    assert_refused(service, "outbox.markSent", {"id": first["id"]}, "conflict", "id")
    assert_refused(service, "outbox.markSent", {"id": 999}, "not_found", "id")
    assert_refused(service, "outbox.markSent", {"id": "1"}, "validation_error", "id")
    assert [e["id"] for e in outbox(service, status="queued")] == [second["id"]]
    assert [e["id"] for e in outbox(service, status="sent")] == [first["id"]]
    assert [e["id"] for e in outbox(service, limit=1)] == [first["id"]]
    assert outbox(service, status="failed") == []
    assert_refused(service, "outbox", {"status": "done"}, "validation_error", "status")
    assert_refused(service, "outbox", {"limit": 1001}, "validation_error", "limit")


def test_notifying_a_closed_backorder_is_allowed(service: Service, refs: dict) -> None:
    bo = new_backorder(service, refs)
    call(service, "cancel", {"id": bo["id"]})
    call(
        service, "notifyCustomer", {"id": bo["id"], "channel": "email", "template": "cancellation"}
    )
    assert "cancelled" in outbox(service)[0]["body"]


def test_delay_template_names_only_the_dates_known(service: Service, refs: dict) -> None:
    bo = new_backorder(service, refs)
    call(service, "notifyCustomer", {"id": bo["id"], "channel": "email", "template": "delay"})
    body = outbox(service)[0]["body"]
    assert "not yet known" not in body
    assert "as soon as" in body


def test_status_template_of_a_shipped_backorder(service: Service, refs: dict) -> None:
    receive(service, refs["product"], 1)
    bo = new_backorder(service, refs)
    call(service, "confirm", {"id": bo["id"]})
    call(service, "fulfill", {"id": bo["id"], "actualShipDate": NOW - 86_400})
    call(service, "notifyCustomer", {"id": bo["id"], "channel": "sms", "template": "status"})
    body = outbox(service)[0]["body"]
    assert "shipped to you" in body
    assert "2026-09-20" in body
    assert "Expected ship date" not in body


def test_mark_sent_refuses_an_entry_a_sender_holds(service: Service, refs: dict) -> None:
    """A sender may be handing the entry to the mail server right now: marking it sent would
    not stop that. Refused with conflict, nothing changed; once the claim is released it works."""
    bo = new_backorder(service, refs)
    call(service, "notifyCustomer", {"id": bo["id"], "channel": "email", "message": "one"})
    [entry] = outbox(service)
    claimed = service.claim_outbox(entry["id"], ["email"])
    assert claimed.id == entry["id"]
    before = snapshot_db(service.db)
    assert_refused(service, "outbox.markSent", {"id": entry["id"]}, "conflict", "id")
    assert snapshot_db(service.db) == before
