"""The outbox screen's reads and the claims behind "send now": pages by id, counts per status,
one entry claimed at a time, and senders running at once never sending an entry twice."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from mailserver import MailServer

from botui.domain.delivery import CLAIM_SECONDS, MAX_ATTEMPTS
from botui.domain.errors import BotuiError
from botui.domain.service import Service
from botui.io.outbox import configured_channels, send_entry, send_outbox
from botui.settings import Loaded, Settings
from tests.conftest import NOW
from unit.helpers import new_backorder, snapshot_db


def queue_messages(service: Service, refs: dict, count: int, channel: str = "email") -> list[int]:
    """`count` outbox entries, each for a backorder of its own; their ids, oldest first."""
    ids = []
    for number in range(count):
        bo = new_backorder(service, refs)
        service.notify_customer({"id": bo["id"], "channel": channel, "message": f"Note {number}"})
        ids.append(service.outbox({"limit": 1000}).data[-1].id)
    return ids


def mail(port: int) -> Loaded:
    data = {"mail": {"host": "127.0.0.1", "port": port, "from": "Shop <orders@nw.example>"}}
    return Loaded(Settings.model_validate(data), Path("shop.toml"), "given by --config", True)


def test_pages_by_status_in_the_order_each_tab_reads(service: Service, refs: dict) -> None:
    ids = queue_messages(service, refs, 7)
    service.mark_sent({"id": ids[1]})
    service.mark_sent({"id": ids[4]})
    for _ in range(MAX_ATTEMPTS):
        service.record_outbox_attempt(ids[2], "550 no such mailbox")
    queued = [ids[0], ids[3], ids[5], ids[6]]

    first = service.outbox_screen("queued", limit=3)
    assert [line.entry.id for line in first.lines] == queued[:3]  # oldest first
    assert first.next_after == queued[2]
    rest = service.outbox_screen("queued", after=first.next_after, limit=3)
    assert [line.entry.id for line in rest.lines] == queued[3:] and rest.next_after is None
    assert first.counts == {"queued": 4, "failed": 1, "sent": 2}

    sent = service.outbox_screen("sent")
    assert [line.entry.id for line in sent.lines] == [ids[4], ids[1]]  # newest first
    failed = service.outbox_screen("failed")
    assert [line.entry.id for line in failed.lines] == [ids[2]]
    assert failed.lines[0].entry.last_error == "550 no such mailbox"
    everything = service.outbox_screen(None, limit=4)
    assert [line.entry.id for line in everything.lines] == ids[::-1][:4]
    older = service.outbox_screen(None, after=everything.next_after, limit=4)
    assert [line.entry.id for line in older.lines] == ids[::-1][4:]


def test_next_try_is_the_back_off_and_a_claim_shows_as_sending(
    service: Service, refs: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    backing_off, due, claimed = queue_messages(service, refs, 3)
    service.record_outbox_attempt(backing_off, "421 try later")  # waits 1 minute
    service.claim_outbox(claimed, ["email"])
    lines = {line.entry.id: line for line in service.outbox_screen("queued").lines}
    assert lines[backing_off].next_attempt_at == NOW + 60
    assert lines[due].next_attempt_at is None and not lines[due].sending
    assert lines[claimed].sending
    monkeypatch.setenv("BOTUI_NOW", str(NOW + CLAIM_SECONDS))  # the claim has expired
    lines = {line.entry.id: line for line in service.outbox_screen("queued").lines}
    assert lines[backing_off].next_attempt_at is None  # due now
    assert not lines[claimed].sending


@pytest.mark.parametrize(
    ("status", "limit", "field"),
    [("lost", 10, "status"), (None, 0, "limit"), (None, 1001, "limit")],
)
def test_bad_page_requests_are_refused(
    service: Service, status: str | None, limit: int, field: str
) -> None:
    with pytest.raises(BotuiError) as refused:
        service.outbox_screen(status, limit=limit)
    assert refused.value.code == "validation_error" and refused.value.field == field


def test_claiming_one_entry_refuses_what_must_not_be_sent(service: Service, refs: dict) -> None:
    sent, failed, sms, taken = queue_messages(service, refs, 4)
    service.mark_sent({"id": sent})
    for _ in range(MAX_ATTEMPTS):
        service.record_outbox_attempt(failed, "550")
    service.claim_outbox(taken, ["email"])
    before = snapshot_db(service.db)
    for entry_id, words in (
        (sent, "never sent twice"),
        (failed, "retry it first"),
        (taken, "being sent by another botui"),
        (sms, "not configured"),
        (9999, "there is no outbox entry 9999"),
    ):
        channels = ["sms"] if entry_id == sms else ["email"]
        with pytest.raises(BotuiError) as refused:
            service.claim_outbox(entry_id, channels)
        assert words in refused.value.message
    assert snapshot_db(service.db) == before


def test_a_claimed_entry_is_not_taken_by_the_next_sender(service: Service, refs: dict) -> None:
    first, second = queue_messages(service, refs, 2)
    assert service.claim_next_outbox(["email"]).id == first
    assert service.claim_next_outbox(["email"]).id == second
    assert service.claim_next_outbox(["email"]) is None
    with pytest.raises(BotuiError, match="being sent by another botui"):
        service.claim_outbox(first, ["email"])


def test_send_entry_ignores_the_back_off_but_never_sends_twice(
    service: Service, refs: dict, mail_server: MailServer
) -> None:
    [entry_id] = queue_messages(service, refs, 1)
    service.record_outbox_attempt(entry_id, "421 try later")
    assert send_outbox(service, mail(mail_server.port), None).sent == 0  # it backs off
    one = send_entry(service, mail(mail_server.port), entry_id, ["email"])
    assert one.refusal is None and one.entry.status == "sent"
    assert one.result.to_json() == {"sent": 1, "failed": 0, "waiting": 0}
    with pytest.raises(BotuiError, match="never sent twice"):
        send_entry(service, mail(mail_server.port), entry_id, ["email"])
    assert len(mail_server.received) == 1


def test_senders_at_once_send_each_entry_exactly_once(
    service: Service, refs: dict, mail_server: MailServer
) -> None:
    ids = queue_messages(service, refs, 24)
    config = mail(mail_server.port)
    results = []
    errors: list[BaseException] = []

    def sender() -> None:
        try:  # a connection of its own, as the app's workers (and another botui) have
            with service.db.connection_context():
                results.append(send_outbox(service, config, None))
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=sender) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert sum(result.sent for result in results) == len(ids)
    assert len(mail_server.received) == len(ids)
    ids_seen = sorted(message["Message-ID"] for message in mail_server.messages())
    assert len(set(ids_seen)) == len(ids)
    assert service.outbox_counts() == {"queued": 0, "failed": 0, "sent": len(ids)}


def test_the_ui_sends_only_the_channels_the_file_configures() -> None:
    assert configured_channels(Settings()) == []
    assert configured_channels(Settings.model_validate({"mail": {}})) == ["email"]
    sms = {"sms": {"command": ["send-sms", "{to}"]}}
    assert configured_channels(Settings.model_validate(sms)) == ["sms"]
    assert configured_channels(Settings.model_validate({"mail": {}} | sms)) == ["email", "sms"]
