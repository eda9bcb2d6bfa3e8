"""Pilot tests of the queue screen: keys pressed in the real app, results read from the database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from textual.widgets import TextArea

from botui.domain.errors import BotuiError, busy
from botui.domain.service import Service
from botui.store.db import open_database
from botui.tui.app import FIRST_DELAY_SCAN_SECONDS, BotuiApp
from botui.tui.dialogs.confirm import Question
from botui.tui.keys import QUIET_SECONDS
from botui.tui.screens.help import HelpScreen
from botui.tui.screens.queue import QueueScreen
from botui.tui.widgets.event_log import EventLog
from botui.tui.widgets.queue_table import QueueTable
from tests.pilot import (
    cursor_on,
    palette_offers,
    pilot_test,
    reads,
    running,
    settle,
    toasts,
    wait_until,
)


def table(app: BotuiApp) -> QueueTable:
    return app.query_one(QueueTable)


def shown_ids(app: BotuiApp) -> list[str]:
    window = table(app).window
    return [row.id for row in window.rows]


async def after_dialog(pilot) -> None:
    """Wait out the moment after a dialog closes, in which keys that act are ignored."""
    await settle(pilot)
    await pilot.pause(QUIET_SECONDS)


def logged(log: EventLog, actor: str, kind: str, backorder_id: str) -> bool:
    """Whether the log pane shows a line for this actor, event type and backorder."""
    return any(line.text.split()[1:4] == [actor, kind, backorder_id] for line in log.lines)


def status(service: Service, backorder_id: str) -> str:
    return service.get({"id": backorder_id}).status


@pilot_test
async def test_queue_lists_open_backorders_in_triage_order(app: BotuiApp) -> None:
    async with running(app):
        assert shown_ids(app) == ["BO-1", "BO-2", "BO-3", "BO-4"]
        status_line = str(app.query_one("#status").render())
        assert "1 of 4" in status_line and "open" in status_line


@pilot_test
async def test_confirm_acts_at_once_and_says_so(app: BotuiApp, shop: Service) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await cursor_on(pilot, "BO-3")
        await pilot.press("c")
        await settle(pilot)
        assert status(shop, "BO-3") == "confirmed"
        assert "BO-3 confirmed" in toasts(app)


def question_error(app: BotuiApp) -> str:
    """The words on the question's general error line (a refusal, or which keys answer)."""
    return str(app.screen.query_one("#error-general").render())


@pilot_test
async def test_fulfil_refused_when_stock_is_short_changes_nothing(
    app: BotuiApp, shop: Service
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await cursor_on(pilot, "BO-2")
        await pilot.press("f")
        await reads(pilot)  # the person reads the question first
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert status(shop, "BO-2") == "confirmed"
        assert isinstance(app.screen, Question)  # the refusal shows in the question
        shown = str(app.screen.query_one("#error-quantity").render())
        assert "needs 3 more units" in shown


@pilot_test
async def test_fulfil_asks_then_ships_an_allocated_backorder(app: BotuiApp, shop: Service) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await cursor_on(pilot, "BO-4")
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, Question)
        assert status(shop, "BO-4") == "confirmed"  # a single f only asks
        await reads(pilot)  # the person reads the question first
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert status(shop, "BO-4") == "fulfilled"
        assert "BO-4 fulfilled: 1 shipped" in toasts(app)
        assert "BO-4" not in shown_ids(app)  # it left the open view


@pilot_test
async def test_cancel_asks_then_declined_then_accepted_with_reason(
    app: BotuiApp, shop: Service
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await cursor_on(pilot, "BO-2")
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, Question)
        assert "Refund: $75.00" in str(app.screen.query_one("#question-body").render())
        await pilot.press("escape")
        await after_dialog(pilot)
        assert status(shop, "BO-2") == "confirmed"
        await pilot.press("x")
        await settle(pilot)
        await pilot.press(*"no stock", "enter")  # the reason box has the typing at once
        await settle(pilot)
        assert isinstance(app.screen, Question)  # Enter starts a line; it never says yes
        await reads(pilot)  # the person reads the question first
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert status(shop, "BO-2") == "cancelled"
        events = shop.events({"backorder": "BO-2"}).data
        cancelled = [e for e in events if e.type == "cancelled"][-1]
        assert cancelled.data["reason"] == "no stock" and cancelled.data["refund"] == 7500


@pilot_test
async def test_escape_declines_a_cancel(app: BotuiApp, shop: Service) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await cursor_on(pilot, "BO-1")
        await pilot.press("x")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert status(shop, "BO-1") == "pending"
        assert isinstance(app.screen, QueueScreen)


@pilot_test
async def test_delete_asks_and_removes(app: BotuiApp, shop: Service) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await cursor_on(pilot, "BO-3")
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, Question)
        await reads(pilot)  # the person reads the question first
        await pilot.press("y")
        await settle(pilot)
        with pytest.raises(BotuiError) as refused:
            shop.get({"id": "BO-3"})
        assert refused.value.code == "not_found"
        assert shown_ids(app) == ["BO-1", "BO-2", "BO-4"]


@pilot_test
async def test_busy_keeps_the_typed_reason(
    app: BotuiApp, shop: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    def locked(payload: dict) -> None:
        raise busy("the database is busy")

    async with app.run_test(size=(80, 24)) as pilot:
        await cursor_on(pilot, "BO-2")
        monkeypatch.setattr(shop, "cancel", locked)
        await pilot.press("x")
        await settle(pilot)
        await pilot.press(*"late", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, Question)  # still open, the reason still typed
        assert "busy" in question_error(app)
        assert app.screen.query_one("#reason", TextArea).text == "late"
        monkeypatch.undo()
        await reads(pilot)  # the person reads the question first
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert status(shop, "BO-2") == "cancelled"


@pilot_test
async def test_filter_narrows_incrementally_and_escape_clears(app: BotuiApp, shop: Service) -> None:
    shop.create_customer({"id": "CUS-2", "name": "Grace Hopper"})
    shop.create({"id": "BO-9", "product": "PRD-1", "business": "BIZ-1", "customer": "CUS-2",
                 "quantity": 1, "price": 100})  # fmt: skip
    async with running(app) as pilot:
        await pilot.press("slash", *"hopp")
        await settle(pilot)
        assert shown_ids(app) == ["BO-9"]
        assert "filter: 'hopp'" in str(app.query_one("#status").render())
        await pilot.press("escape")
        await settle(pilot)
        assert len(shown_ids(app)) == 5
        assert app.focused is table(app)


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("2", ["BO-1", "BO-3"]),
        ("3", ["BO-1"]),
        ("4", ["BO-1", "BO-4"]),
        ("5", ["BO-5"]),
        ("0", ["BO-1", "BO-2", "BO-3", "BO-4", "BO-5"]),
    ],
)
@pilot_test
async def test_number_keys_switch_views(app: BotuiApp, key: str, expected: list[str]) -> None:
    async with running(app) as pilot:
        await pilot.press(key)
        await settle(pilot)
        assert shown_ids(app) == expected


@pilot_test
async def test_sort_keys_reorder(app: BotuiApp) -> None:
    async with running(app) as pilot:
        await pilot.press("s")  # ship date: the late one first, rows without a date last
        await settle(pilot)
        assert shown_ids(app) == ["BO-1", "BO-2", "BO-3", "BO-4"]
        assert "SHIP▲" in table(app).render_line(0).text
        assert "sort: ship date ▲" in str(app.query_one("#status").render())
        await pilot.press("S")  # the latest date first, and still no date last
        await settle(pilot)
        assert shown_ids(app) == ["BO-2", "BO-1", "BO-4", "BO-3"]
        await pilot.press("s")  # created, oldest first: the ages shown run downwards
        await settle(pilot)
        assert shown_ids(app) == ["BO-1", "BO-2", "BO-3", "BO-4"]
        assert "AGE▼" in table(app).render_line(0).text
        assert "sort: age ▼" in str(app.query_one("#status").render())
        await pilot.press("S")
        await settle(pilot)
        assert shown_ids(app) == ["BO-4", "BO-3", "BO-2", "BO-1"]
        assert "AGE▲" in table(app).render_line(0).text


@pilot_test
async def test_marks_then_bulk_confirm_asks_and_reports_each(app: BotuiApp, shop: Service) -> None:
    async with running(app) as pilot:
        await pilot.press("space", "space", "space")  # BO-1, BO-2 (confirmed already), BO-3
        assert table(app).marks == {"BO-1", "BO-2", "BO-3"}
        assert "3 marked" in str(app.query_one("#status").render())
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, Question)
        assert "3 marked" in str(app.screen.query_one("#dialog-title").render())
        await reads(pilot)  # the person reads the question first
        await pilot.press("y")
        await settle(pilot)
        assert status(shop, "BO-1") == status(shop, "BO-3") == "confirmed"
        report = toasts(app)
        assert "confirm: 2 of 3 done" in report
        assert "\nBO-2 was confirmed by tester at" in report  # who put it past confirming
        assert "; only a pending backorder can be confirmed" in report
        assert table(app).marks == {"BO-2"}  # the refused one stays marked


@pilot_test
async def test_navigation_keys(app: BotuiApp) -> None:
    async with running(app) as pilot:
        await pilot.press("G")
        assert table(app).current.id == "BO-4"
        await pilot.press("k", "up")
        assert table(app).current.id == "BO-2"
        await pilot.press("home")
        assert table(app).current.id == "BO-1"
        await pilot.press("end", "g")
        assert table(app).current.id == "BO-1"
        await pilot.press("pagedown")
        assert table(app).current.id == "BO-4"


@pilot_test
async def test_live_log_shows_an_event_from_another_process(app: BotuiApp, db_path: Path) -> None:
    env = dict(os.environ, BOTUI_ACTOR="other-desk")
    async with running(app) as pilot:
        log = app.query_one(EventLog)
        assert logged(log, "tester", "cancelled", "BO-5")
        subprocess.run(
            [sys.executable, "-m", "botui", "api", "confirm", "--db", str(db_path),
             '{"id": "BO-3"}'],
            env=env, check=True, capture_output=True,
        )  # fmt: skip
        await wait_until(
            pilot,
            lambda: logged(log, "other-desk", "confirmed", "BO-3"),
            "the other process's event in the log",
            timeout=3,
        )
        await settle(pilot)
        assert table(app).window.row(2).status == "confirmed"  # the row redrawn in place


@pilot_test
async def test_log_key_hides_and_shows_the_log(app: BotuiApp) -> None:
    async with running(app) as pilot:
        log = app.query_one(EventLog)
        assert log.display and log.size.height == 3  # 3 lines (under a rule) below 30 rows
        await pilot.press("l")
        assert not log.display
        await pilot.press("l")
        assert log.display


@pilot_test
async def test_help_lists_the_live_bindings(app: BotuiApp) -> None:
    async with running(app) as pilot:
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        rows = dict((d, k) for k, d in app.screen.rows)
        assert rows["Confirm"] == "c" and rows["Next row"] == "↓ j" and rows["Quit"] == "q ^q"
        await pilot.press("escape")
        assert isinstance(app.screen, QueueScreen)


@pilot_test
async def test_q_quits_with_status_zero(app: BotuiApp) -> None:
    async with running(app) as pilot:
        await pilot.press("q")
    assert app.return_code == 0


@pilot_test
async def test_read_only_database_shows_a_banner_and_refuses_changes(
    shop: Service, db_path: Path
) -> None:
    db = open_database(db_path, readonly=True)
    app = BotuiApp(Service(db))
    async with running(app) as pilot:
        assert "READ-ONLY" in str(app.query_one("#readonly-banner").render())
        await pilot.press("c")
        await settle(pilot)
        assert "read-only" in toasts(app)
    assert status(shop, "BO-1") == "pending"


@pilot_test
async def test_delay_detection_runs_at_start(shop: Service) -> None:
    app = BotuiApp(shop)
    async with running(app) as pilot:
        await pilot.pause(FIRST_DELAY_SCAN_SECONDS + 0.3)
        await settle(pilot)
    noticed = [e for e in shop.events({"backorder": "BO-1"}).data if e.type == "delayNoticed"]
    assert len(noticed) == 1


@pilot_test
async def test_small_terminal_then_growing(app: BotuiApp) -> None:
    async with running(app, (60, 20)) as pilot:
        header = table(app).render_line(0).text
        assert "STATUS" in header and "SHIP" in header and "CUSTOMER" not in header
        await pilot.resize_terminal(100, 40)
        await settle(pilot)
        header = table(app).render_line(0).text
        assert "CUSTOMER" in header and "AGE" in header
        assert app.query_one(EventLog).size.height > 3


@pilot_test
async def test_markup_in_stored_names_is_shown_literally(shop: Service) -> None:
    shop.create_customer({"id": "CUS-9", "name": "[bold red]Eve[/] [/]"})
    shop.create({"id": "BO-9", "product": "PRD-1", "business": "BIZ-1", "customer": "CUS-9",
                 "quantity": 1, "price": 100, "priorityLevel": "rush"})  # fmt: skip
    app = BotuiApp(shop, delay_detection=False)
    async with running(app, (120, 30)) as pilot:
        assert table(app).window.rows[1].id == "BO-9"
        assert "[bold red]Eve[/] [/]" in table(app).render_line(2).text
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, Question)


@pilot_test
async def test_command_palette_runs_a_queue_action(app: BotuiApp, shop: Service) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await cursor_on(pilot, "BO-3")
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"Confirm")
        await settle(pilot)  # the palette searches its providers in a worker
        await wait_until(pilot, lambda: palette_offers(app, "Confirm"), "Confirm offered")
        await pilot.press("enter")
        await settle(pilot)
        assert status(shop, "BO-3") == "confirmed"


@pilot_test
async def test_no_color_keeps_the_cursor_and_lateness_readable(
    shop: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = BotuiApp(shop, delay_detection=False)
    async with running(app):
        assert app.no_color
        cursor_line = table(app).render_line(1)
        assert all(segment.style.reverse for segment in cursor_line if segment.text.strip())
        assert "2d late" in cursor_line.text and "pending" in cursor_line.text
        plain = [s for s in cursor_line if "pending" in s.text][0].style
        late = [s for s in cursor_line if "late" in s.text][0].style
        rush = [s for s in cursor_line if "rush" in s.text][0].style
        assert late.color == rush.color == plain.color  # weight, not a greyed colour
        assert late.bold and late.underline and rush.bold
