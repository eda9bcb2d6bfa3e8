"""The outbox screen under Pilot: open it with `o`, send against a real SMTP server (aiosmtpd),
retry, mark sent (asked first), and say plainly when mail is unreachable or not configured."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from mailserver import MailServer, free_port
from textual.widgets import DataTable
from unit.helpers import snapshot_db

from botui.domain.delivery import MAX_ATTEMPTS
from botui.domain.service import Service, call
from botui.settings import Loaded, Settings
from botui.store.db import open_database
from botui.tui import app as app_module
from botui.tui.app import BotuiApp
from botui.tui.screens.outbox import OutboxScreen
from tests.pilot import pilot_test, reads, running, settle, toasts, wait_until

SIZE = (110, 32)


def mail_config(port: int, **sections: Any) -> Loaded:
    """A configuration file with [mail] pointing at `port` on 127.0.0.1."""
    data = {"mail": {"host": "127.0.0.1", "port": port, "from": "Northwind <orders@nw.example>"}}
    data.update(sections)
    return Loaded(Settings.model_validate(data), Path("shop.toml"), "given by --config", True)


def notify(service: Service, backorder: str, message: str, channel: str = "email") -> int:
    """Queue a message for a backorder's customer; the outbox entry's id."""
    service.notify_customer({"id": backorder, "channel": channel, "message": message})
    return service.outbox({"limit": 1000}).data[-1].id


def entry(service: Service, entry_id: int) -> dict[str, Any]:
    """An outbox entry as `botui api outbox` answers it."""
    found = [e for e in call(service, "outbox", {"limit": 1000})["data"] if e["id"] == entry_id]
    assert found, f"no outbox entry {entry_id}"
    return found[0]


def fail(service: Service, entry_id: int, times: int, error: str = "550 no such mailbox") -> None:
    """Count `times` refused attempts against an entry, as the sender does."""
    for _ in range(times):
        service.record_outbox_attempt(entry_id, error)


def make_app(service: Service, config: Loaded | None = None) -> BotuiApp:
    return BotuiApp(service, delay_detection=False, config=config, background_send=False)


async def open_outbox(pilot: Any) -> OutboxScreen:
    await settle(pilot)
    await pilot.press("o")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, OutboxScreen)
    return screen


def shown_ids(screen: OutboxScreen) -> list[int]:
    return [line.entry.id for line in screen.lines.values()]


def text_of(screen: OutboxScreen, selector: str) -> str:
    return str(screen.query_one(selector).render())


@pilot_test
async def test_o_opens_the_outbox_with_each_status_and_the_entry_in_full(shop: Service) -> None:
    first = notify(shop, "BO-1", "Your lamp is late.\nSorry!")
    second = notify(shop, "BO-2", "Your tent ships soon", channel="sms")
    done = notify(shop, "BO-3", "Already told them")
    shop.mark_sent({"id": done})
    broken = notify(shop, "BO-4", "Never arrives")
    fail(shop, broken, MAX_ATTEMPTS)
    async with make_app(shop).run_test(size=SIZE) as pilot:
        screen = await open_outbox(pilot)
        assert shown_ids(screen) == [first, second]  # queued, oldest first as the sender
        labels = [str(tab.label) for tab in screen.query("Tab")]
        assert labels == ["Queued 2", "Failed 1", "Sent 1", "All 4"]
        detail = text_of(screen, "#outbox-entry")
        assert "Your lamp is late." in detail and "Sorry!" in detail
        assert "ada@example.com" in detail and "Message-ID: <outbox-" in detail
        await pilot.press("2")
        await settle(pilot)
        assert shown_ids(screen) == [broken]
        detail = text_of(screen, "#outbox-entry")
        assert "Last error: 550 no such mailbox" in detail and "failed" in detail
        await pilot.press("3")
        await settle(pilot)
        assert shown_ids(screen) == [done]
        await pilot.press("0")
        await settle(pilot)
        assert shown_ids(screen) == [broken, done, second, first]  # all: newest first
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(pilot.app.screen, OutboxScreen)


@pilot_test
async def test_s_sends_the_selected_entry_once_even_while_it_backs_off(
    shop: Service, mail_server: MailServer
) -> None:
    waiting = notify(shop, "BO-1", "First, still waiting")
    chosen = notify(shop, "BO-2", "Grüße: your tent ships Monday")
    fail(shop, chosen, 2, "421 try later")  # its next try is minutes away
    async with make_app(shop, mail_config(mail_server.port)).run_test(size=SIZE) as pilot:
        screen = await open_outbox(pilot)
        assert shown_ids(screen) == [waiting, chosen]
        await pilot.press("j")
        await settle(pilot)
        assert screen.current is not None and screen.current.entry.id == chosen
        await pilot.press("s")
        await settle(pilot)
        assert "Outbox: sent 1, failed 0, waiting 1" in toasts(pilot.app)
        [(recipients, _)] = mail_server.received  # exactly one message: the chosen one
        assert recipients == ["ada@example.com"]
        [message] = mail_server.messages()
        assert message["Message-ID"] == entry(shop, chosen)["messageId"]
        assert "Grüße" in message.get_content()
        assert entry(shop, chosen)["status"] == "sent"
        assert entry(shop, waiting)["status"] == "queued"
        assert shown_ids(screen) == [waiting]  # the queued tab read again after the send
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("s")  # a sent entry is never sent twice
        await settle(pilot)
        assert "already sent; it is never sent twice" in toasts(pilot.app)
        assert len(mail_server.received) == 1


@pilot_test
async def test_shift_s_sends_every_due_entry_as_outbox_send_does(
    shop: Service, mail_server: MailServer
) -> None:
    due = [notify(shop, bo, f"Note for {bo}") for bo in ("BO-1", "BO-2")]
    later = notify(shop, "BO-3", "Backing off")
    fail(shop, later, 1)
    async with make_app(shop, mail_config(mail_server.port)).run_test(size=SIZE) as pilot:
        screen = await open_outbox(pilot)
        await pilot.press("S")
        await settle(pilot)
        assert "Outbox: sent 2, failed 0, waiting 1" in toasts(pilot.app)
        assert len(mail_server.received) == 2
        assert [entry(shop, e)["status"] for e in due] == ["sent", "sent"]
        assert entry(shop, later)["status"] == "queued"
        assert shown_ids(screen) == [later]


@pilot_test
async def test_a_refused_recipient_counts_an_attempt_and_says_why(
    shop: Service, mail_server: MailServer
) -> None:
    shop.create_customer({"id": "CUS-N", "name": "No One", "email": "nobody@x.io"})
    shop.create(  # the test server refuses nobody@ as a server refuses an unknown mailbox
        {
            "id": "BO-9",
            "business": "BIZ-1",
            "customer": "CUS-N",
            "product": "PRD-1",
            "price": 1,
            "quantity": 1,
        }
    )
    bad = notify(shop, "BO-9", "lost")
    async with make_app(shop, mail_config(mail_server.port)).run_test(size=SIZE) as pilot:
        screen = await open_outbox(pilot)
        assert screen.current is not None and screen.current.entry.id == bad
        await pilot.press("s")
        await settle(pilot)
        said = toasts(pilot.app)
        assert "sent 0, failed 1" in said and "no such mailbox" in said
        after = entry(shop, bad)
        assert after["status"] == "queued" and after["attempts"] == 1
        assert "no such mailbox" in after["lastError"]
        assert "Last error:" in text_of(screen, "#outbox-entry")
        assert mail_server.received == []


@pilot_test
async def test_r_queues_a_failed_entry_again(shop: Service) -> None:
    broken = notify(shop, "BO-1", "Never arrives")
    fail(shop, broken, MAX_ATTEMPTS)
    assert entry(shop, broken)["status"] == "failed"
    async with make_app(shop).run_test(size=SIZE) as pilot:
        screen = await open_outbox(pilot)
        assert shown_ids(screen) == []
        await pilot.press("2", "r")
        await settle(pilot)
        assert "queued again" in toasts(pilot.app)
        after = entry(shop, broken)
        assert after["status"] == "queued" and after["attempts"] == 0
        assert shown_ids(screen) == []  # the failed tab, read again: nothing failed now
        await pilot.press("1")
        await settle(pilot)
        assert shown_ids(screen) == [broken]


@pilot_test
async def test_m_asks_and_y_marks_the_entry_sent(shop: Service) -> None:
    chosen = notify(shop, "BO-1", "Told them on the phone")
    async with make_app(shop).run_test(size=SIZE) as pilot:
        await open_outbox(pilot)
        await pilot.press("m")
        await reads(pilot)
        assert f"Mark outbox entry {chosen} sent?" in str(
            pilot.app.screen.query_one("#dialog-title").render()
        )
        await pilot.press("y")
        await settle(pilot)
        assert f"Outbox entry {chosen} marked sent" in toasts(pilot.app)
        assert entry(shop, chosen)["status"] == "sent"
        assert isinstance(pilot.app.screen, OutboxScreen)


@pytest.mark.parametrize("answer", ["n", "escape"])
def test_m_then_no_changes_nothing(shop: Service, answer: str) -> None:
    chosen = notify(shop, "BO-1", "Keep me queued")
    before = snapshot_db(shop.db)

    @pilot_test
    async def run() -> None:
        async with make_app(shop).run_test(size=SIZE) as pilot:
            await open_outbox(pilot)
            await pilot.press("m")
            await reads(pilot)
            await pilot.press(answer)
            await settle(pilot)
            assert "Mark sent: nothing changed" in toasts(pilot.app)
            assert isinstance(pilot.app.screen, OutboxScreen)

    run()
    assert entry(shop, chosen)["status"] == "queued"
    assert snapshot_db(shop.db) == before


@pilot_test
async def test_an_unreachable_server_is_said_and_nothing_is_counted(shop: Service) -> None:
    chosen = notify(shop, "BO-1", "Nobody is listening")
    before = snapshot_db(shop.db)
    async with make_app(shop, mail_config(free_port())).run_test(size=SIZE) as pilot:
        screen = await open_outbox(pilot)
        await pilot.press("s")
        await settle(pilot)
        said = toasts(pilot.app)
        assert "Mail server unreachable: cannot reach the mail server 127.0.0.1:" in said
        assert "Traceback" not in said
        await pilot.press("S")
        await settle(pilot)
        assert toasts(pilot.app).count("Mail server unreachable") == 2
        assert shown_ids(screen) == [chosen]
    after = entry(shop, chosen)
    assert after["status"] == "queued" and after["attempts"] == 0 and after["lastError"] is None
    assert snapshot_db(shop.db) == before  # not even a claim is left behind


@pilot_test
async def test_without_mail_configured_s_says_so_and_changes_nothing(shop: Service) -> None:
    notify(shop, "BO-1", "Waiting for a mail server")
    notify(shop, "BO-2", "By text", channel="sms")
    before = snapshot_db(shop.db)
    async with make_app(shop).run_test(size=SIZE) as pilot:
        screen = await open_outbox(pilot)
        assert "mail not configured" in text_of(screen, "#outbox-title")
        await pilot.press("s")
        await settle(pilot)
        assert "Mail is not configured: add a [mail] section" in toasts(pilot.app)
        await pilot.press("j", "s")
        await settle(pilot)
        assert "SMS is not configured" in toasts(pilot.app)
        await pilot.press("S")
        await settle(pilot)
        assert toasts(pilot.app).count("Mail is not configured") == 2
    assert snapshot_db(shop.db) == before


@pilot_test
async def test_a_read_only_database_is_shown_but_nothing_is_sent_or_changed(
    shop: Service, db_path: Path, mail_server: MailServer
) -> None:
    chosen = notify(shop, "BO-1", "Read, not sent")
    before = snapshot_db(shop.db)
    viewer = Service(open_database(db_path, readonly=True))
    async with make_app(viewer, mail_config(mail_server.port)).run_test(size=SIZE) as pilot:
        screen = await open_outbox(pilot)
        assert shown_ids(screen) == [chosen]
        for key in ("s", "S", "r", "m"):
            await pilot.press(key)
            await settle(pilot)
        assert toasts(pilot.app).count("is read-only: nothing can be changed") == 4
        assert isinstance(pilot.app.screen, OutboxScreen)  # no question opened
    assert mail_server.received == []
    assert snapshot_db(shop.db) == before


@pilot_test
async def test_pages_of_a_large_outbox(shop: Service) -> None:
    ids = [notify(shop, "BO-1", f"Message {n}") for n in range(230)]
    async with make_app(shop).run_test(size=SIZE) as pilot:
        screen = await open_outbox(pilot)
        assert shown_ids(screen) == ids[:100]
        assert "1-100 of 230" in text_of(screen, "#outbox-page")
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert shown_ids(screen) == ids[100:200]
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert shown_ids(screen) == ids[200:]
        assert "201-230 of 230" in text_of(screen, "#outbox-page")
        await pilot.press("left_square_bracket", "left_square_bracket")
        await settle(pilot)
        assert shown_ids(screen) == ids[:100]


@pilot_test
async def test_the_screen_reads_again_when_it_is_shown_again(shop: Service) -> None:
    chosen = notify(shop, "BO-1", "Sent elsewhere")
    async with make_app(shop).run_test(size=SIZE) as pilot:
        screen = await open_outbox(pilot)
        assert shown_ids(screen) == [chosen]
        await pilot.press("question_mark")
        await settle(pilot)
        shop.mark_sent({"id": chosen})  # another session marks it meanwhile
        await pilot.press("escape")
        await settle(pilot)
        assert pilot.app.screen is screen
        assert shown_ids(screen) == []


@pilot_test
async def test_the_outbox_keys_are_in_the_help(shop: Service) -> None:
    async with running(make_app(shop), SIZE) as pilot:
        await pilot.press("question_mark")
        await settle(pilot)
        assert ("o", "Outbox: send, retry, mark sent") in pilot.app.screen.rows
        await pilot.press("escape")
        await reads(pilot)  # a key typed on as a screen closes is dropped (tui.keys)
        await open_outbox(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        rows = dict((d, k) for k, d in pilot.app.screen.rows)
        assert rows["Send now"] == "s" and rows["Send all due"] == "S"
        assert rows["Retry"] == "r" and rows["Mark sent"] == "m" and rows["Back"] == "Esc"


@pilot_test
async def test_with_mail_configured_the_app_sends_in_the_background(
    shop: Service, mail_server: MailServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app_module, "FIRST_OUTBOX_SECONDS", 0.05)
    chosen = notify(shop, "BO-1", "Sent while staff triage")
    app = BotuiApp(shop, delay_detection=False, config=mail_config(mail_server.port))
    async with running(app, SIZE) as pilot:
        await wait_until(pilot, lambda: "Outbox: sent 1" in toasts(app), "the background send")
        assert "Outbox: sent 1, failed 0, waiting 0" in toasts(app)
    assert len(mail_server.received) == 1
    assert entry(shop, chosen)["status"] == "sent"


@pilot_test
async def test_a_background_send_to_an_unreachable_server_says_so_once(
    shop: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app_module, "FIRST_OUTBOX_SECONDS", 0.05)
    monkeypatch.setattr(app_module, "OUTBOX_SECONDS", 0.1)
    reports: list[Any] = []
    real_deliver = app_module.deliver

    def deliver(*args: Any, **kwargs: Any) -> Any:
        if len(reports) >= 4:  # enough: no send is half-way through when the app closes
            return reports[-1]
        reports.append(report := real_deliver(*args, **kwargs))
        return report

    monkeypatch.setattr(app_module, "deliver", deliver)
    notify(shop, "BO-1", "Nobody is listening")
    before = snapshot_db(shop.db)
    app = BotuiApp(shop, delay_detection=False, config=mail_config(free_port()))
    async with running(app, SIZE) as pilot:
        # Several sends, each failing the same way, each answer landed.
        await wait_until(pilot, lambda: len(reports) >= 4, "four background sends")
        await settle(pilot)
        said = toasts(app)
        assert said.count("Mail server unreachable") == 1
        assert "botui tries again every" in said
    assert snapshot_db(shop.db) == before


@pilot_test
async def test_without_mail_configured_nothing_is_sent_in_the_background(
    shop: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A send would start 0.01 s after the first rows; the first look for late backorders, 0.2 s
    # after them, is the witness that the send's moment has long passed.
    monkeypatch.setattr(app_module, "FIRST_OUTBOX_SECONDS", 0.01)
    monkeypatch.setattr(app_module, "FIRST_DELAY_SCAN_SECONDS", 0.2)
    sent: list[Any] = []
    monkeypatch.setattr(app_module, "deliver", lambda *args, **kwargs: sent.append(args))
    scans: list[int] = []
    real_scan = shop.detect_delays
    monkeypatch.setattr(
        shop, "detect_delays", lambda *a, **k: scans.append(1) or real_scan(*a, **k)
    )
    notify(shop, "BO-1", "Stays queued")
    app = BotuiApp(shop)
    async with running(app, SIZE) as pilot:
        await wait_until(pilot, lambda: scans, "the first look for late backorders")
        await settle(pilot)
    assert sent == []


@pilot_test
async def test_at_80_columns_the_list_fits_and_last_error_joins_when_there_is_room(
    shop: Service,
) -> None:
    """At 80 columns the Last error column stood off the screen's edge: a horizontal scrollbar
    whose thumb a new user read as an empty toast (trial). Now the list fits the screen, the
    error is in the pane below, and the column joins on a wider screen."""
    first = notify(shop, "BO-1", "Your lamp is late.")
    fail(shop, first, 1, "550 mailbox unavailable")
    async with running(make_app(shop), (80, 24)) as pilot:
        screen = await open_outbox(pilot)
        table = screen.query_one("#outbox-table", DataTable)
        assert table.virtual_size.width <= table.scrollable_content_region.width
        assert not table.show_horizontal_scrollbar
        assert "Last error" not in [str(c.label) for c in table.columns.values()]
        assert "550 mailbox unavailable" in text_of(screen, "#outbox-entry")
        await pilot.resize_terminal(120, 24)
        await settle(pilot)
        labels = [str(c.label) for c in table.columns.values()]
        assert labels[-1] == "Last error" and not table.show_horizontal_scrollbar
        assert shown_ids(screen) == [first] and screen.current.entry.id == first
        row = table.get_row_at(0)
        assert str(row[-1]) == "550 mailbox unavailable"
