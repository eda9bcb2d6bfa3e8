"""Pilot tests of the event log: focus it, scroll, filter by actor, backorder or words, follow
live events while filtered, open a line's backorder, and give the focus back."""

from __future__ import annotations

import threading

import pytest
from log_shop import acting, build_log_shop

from botui.domain.service import Service
from botui.tui.app import BotuiApp
from botui.tui.dialogs.confirm import Question
from botui.tui.screens.detail import DetailScreen
from botui.tui.screens.help import HelpScreen
from botui.tui.screens.queue import QueueScreen
from botui.tui.widgets import event_log
from botui.tui.widgets.event_log import EventLog, LogLines
from botui.tui.widgets.queue_table import QueueTable
from tests.conftest import WAIT_SECONDS
from tests.pilot import pilot_test, reads, running, screen_lines, send_bytes, settle, wait_until

Line = tuple[str, str, str]


@pytest.fixture
def written(service: Service) -> list[Line]:
    """The shop of tests/log_shop.py: 18 events of ada, ben and cleo, oldest first."""
    return build_log_shop(service)


@pytest.fixture
def app(service: Service, written: list[Line]) -> BotuiApp:
    return BotuiApp(service, delay_detection=False)


def pane(app: BotuiApp) -> EventLog:
    return app.query_one(EventLog)


def lines(app: BotuiApp) -> list[Line]:
    """(actor, type word, backorder) of every line the log shows, oldest first."""
    return [tuple(strip.text.split()[1:4]) for strip in pane(app).lines]  # type: ignore[misc]


def log_title(app: BotuiApp) -> str:
    """The log's rule, as drawn."""
    rule = pane(app).region.y
    return screen_lines(app)[rule]


def visible(app: BotuiApp) -> list[str]:
    """The log lines drawn in the pane, top to bottom."""
    widget = app.query_one(LogLines)
    return [widget.render_line(y).text for y in range(widget.size.height)]


@pilot_test
async def test_L_moves_into_the_log_which_grows_and_says_so_then_esc_gives_it_back(
    app: BotuiApp,
) -> None:
    async with running(app) as pilot:
        log = pane(app)
        assert isinstance(app.focused, QueueTable) and log.size.height == 3
        assert log_title(app).startswith("─Log, times in UTC")
        await pilot.press("L")
        await settle(pilot)
        assert app.focused is log.log_lines
        assert log.size.height == 10  # half the screen, under its rule: 10 lines, not 3
        # Focus in words and in the rule's line itself, not in colour alone.
        assert log_title(app).startswith("━▶ Log (focused), times in UTC━")
        assert log.log_lines.current.type == "deleted"  # the cursor on the newest line
        assert visible(app)[-1].split()[1:4] == ["ada", "deleted", "BO-7"]
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.focused, QueueTable) and log.size.height == 3
        assert log_title(app).startswith("─Log, times in UTC")
        await pilot.press("L")
        assert app.focused is log.log_lines
        await pilot.press("L")  # the same key goes back too
        assert isinstance(app.focused, QueueTable)
        await pilot.press("tab")  # Tab moves between the queue and the log
        assert app.focused is log.log_lines
        await settle(pilot)
        assert log.size.height == 10


@pilot_test
async def test_L_before_the_history_is_read_says_it_is_on_its_way(
    service: Service, written: list[Line], monkeypatch: pytest.MonkeyPatch
) -> None:
    """L at once after start focused an empty pane for up to a second, which a new user took
    for "no events" (trial): until the history arrives the pane says it is being read."""
    released = threading.Event()
    read = service.events

    def held(payload: dict) -> object:
        released.wait(WAIT_SECONDS)
        return read(payload)

    monkeypatch.setattr(service, "events", held)
    app = BotuiApp(service, delay_detection=False)
    async with app.run_test() as pilot:
        await wait_until(pilot, lambda: app.query(LogLines), "the log's lines mounted")
        await pilot.press("L")
        await pilot.pause()
        assert app.focused is pane(app).log_lines
        assert visible(app)[0].strip() == "reading the log…"
        released.set()
        await wait_until(pilot, lambda: pane(app).log_lines.shown, "the history shown")
        await pilot.pause()
        assert visible(app)[-1].split()[1:4] == ["ada", "deleted", "BO-7"]
        assert "reading" not in " ".join(visible(app))


@pilot_test
async def test_an_empty_log_says_so(service: Service) -> None:
    app = BotuiApp(service, delay_detection=False)
    async with running(app) as pilot:
        await pilot.press("L")
        await settle(pilot)
        assert visible(app)[0].strip() == "no events yet"


@pilot_test
async def test_scrolling_moves_a_cursor_through_every_kept_line(
    app: BotuiApp, written: list[Line]
) -> None:
    async with running(app) as pilot:
        await pilot.press("L")
        await settle(pilot)
        widget = pane(app).log_lines
        assert len(widget.shown) == 18 and widget.size.height == 10
        assert visible(app)[0].split()[3] == "BO-9"  # the 9th event: the 10 newest shown

        def at_cursor() -> Line:
            event = widget.current
            return (event.actor, event.type, event.backorder)

        await pilot.press("k", "up")
        assert at_cursor() == written[-3]
        await pilot.press("j")
        assert at_cursor() == written[-2]
        await pilot.press("pageup")
        assert at_cursor() == written[-2 - 10]
        await pilot.press("home")
        assert at_cursor() == written[0]
        assert visible(app)[0].split()[1:4] == ["ada", "created", "BO-1"]  # scrolled to it
        await pilot.press("pagedown")
        assert at_cursor() == written[10]
        await pilot.press("end")
        assert at_cursor() == written[-1]
        assert visible(app)[-1].split()[1:4] == ["ada", "deleted", "BO-7"]

        # The cursor's line is drawn differently from the others (reverse, bold).
        [cursor_first, *_] = widget.render_line(widget.size.height - 1)
        [other_first, *_] = widget.render_line(0)
        assert cursor_first.style.bold and cursor_first.style.bgcolor != other_first.style.bgcolor


@pilot_test
async def test_filter_by_actor_shows_only_their_lines_and_the_title_says_so(
    app: BotuiApp, written: list[Line]
) -> None:
    async with running(app) as pilot:
        await pilot.press("L")
        # Typed in one burst: every letter lands in the box, and the keys after Enter act
        # in the lines (k: up a line) instead of being typed into the filter.
        await send_bytes(pilot, b"/ben\rkk")
        assert pane(app).box.value == "ben"
        bens = [line for line in written if line[0] == "ben"]
        assert lines(app) == bens and len(bens) == 7
        assert app.focused is pane(app).log_lines  # Enter keeps the filter, back in the lines
        assert pane(app).log_lines.cursor == 4
        assert "filter 'ben': 7 of the last 18 events" in log_title(app)
        await pilot.press("slash", "ctrl+u", *"nobody")
        await settle(pilot)
        assert lines(app) == []
        assert visible(app)[0].startswith("no event among the last 18 matches; Esc clears")
        await pilot.press("escape")  # from the box: clears the filter
        await settle(pilot)
        assert lines(app) == written and "filter" not in log_title(app)
        assert app.focused is pane(app).log_lines


@pilot_test
async def test_filter_by_backorder_is_that_backorder_not_others_starting_alike(
    app: BotuiApp, written: list[Line]
) -> None:
    async with running(app) as pilot:
        await pilot.press("L", "slash", "b", "o", "-", "1", "enter")
        await settle(pilot)
        assert lines(app) == [("ada", "created", "BO-1"), ("ada", "updated", "BO-1")]
        await pilot.press("slash", "ctrl+u", *"locally", "enter")  # the reason of a cancel
        await settle(pilot)
        assert lines(app) == [("cleo", "cancelled", "BO-12")]
        await pilot.press("slash", "ctrl+u", *"ben bo-", "enter")  # every word must match
        await settle(pilot)
        assert lines(app) == [line for line in written if line[0] == "ben"]
        await pilot.press("slash", "ctrl+u", *"ben bo-3", "enter")
        await settle(pilot)
        assert lines(app) == [("ben", "confirmed", "BO-3")]


@pilot_test
async def test_live_events_arrive_while_filtered_and_the_hidden_ones_are_kept(
    app: BotuiApp, service: Service
) -> None:
    async with running(app) as pilot:
        await pilot.press("L", "slash", *"bo-1", "enter")
        await settle(pilot)
        assert len(lines(app)) == 2
        acting(service, "ben", 55).update({"id": "BO-2", "quantity": 2})
        acting(service, "cleo", 56).update({"id": "BO-1", "quantity": 5})
        log = pane(app)
        await wait_until(pilot, lambda: log.last_id == 20, "the log showing it", timeout=3)
        await settle(pilot)
        assert lines(app)[-1] == ("cleo", "updated", "BO-1")  # it matches: shown, followed
        assert ("ben", "updated", "BO-2") not in lines(app)
        assert log.log_lines.current.actor == "cleo"
        assert "filter 'bo-1': 3 of the last 20 events" in log_title(app)
        await pilot.press("escape")  # in the lines: clears the filter first
        await settle(pilot)
        assert lines(app)[-2:] == [("ben", "updated", "BO-2"), ("cleo", "updated", "BO-1")]
        assert app.focused is log.log_lines
        await pilot.press("escape")  # then back to the queue
        assert isinstance(app.focused, QueueTable)


@pilot_test
async def test_the_filter_covers_the_kept_events_only_and_forgets_the_oldest(
    service: Service, written: list[Line], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(event_log, "MAX_LINES", 10)
    app = BotuiApp(service, delay_detection=False)
    async with running(app) as pilot:
        await pilot.press("L", "slash", *"ada", "enter")
        await settle(pilot)
        ada_kept = [line for line in written[-10:] if line[0] == "ada"]
        assert lines(app) == ada_kept
        assert f"filter 'ada': {len(ada_kept)} of the last 10 events" in log_title(app)
        for minute in range(55, 60):  # five more: the five oldest kept are forgotten
            acting(service, "ben", minute).update({"id": "BO-2", "quantity": minute - 53})
        log = pane(app)
        await wait_until(pilot, lambda: log.last_id == 23, "the log showing it", timeout=3)
        await settle(pilot)
        assert lines(app) == [line for line in written[-5:] if line[0] == "ada"]
        assert "of the last 10 events" in log_title(app)


@pilot_test
async def test_enter_on_a_line_opens_its_backorder_and_a_deleted_one_says_so(
    app: BotuiApp,
) -> None:
    async with running(app) as pilot:
        await pilot.press("L", "slash", *"bo-5", "enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen) and app.screen.backorder_id == "BO-5"
        await pilot.press("escape")
        await reads(pilot)
        assert isinstance(app.screen, QueueScreen)
        assert app.focused is pane(app).log_lines  # back where the person was reading
        await pilot.press("slash", "ctrl+u", *"bo-7", "enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen) and app.screen.backorder_id == "BO-7"
        assert any("BO-7 was deleted by ada" in line for line in screen_lines(app))


@pilot_test
async def test_in_the_log_keys_for_the_queue_row_do_nothing_and_help_lists_the_logs_keys(
    app: BotuiApp, service: Service
) -> None:
    async with running(app) as pilot:
        row = app.query_one(QueueTable).current.id
        await pilot.press("L", "x", "c", "d")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen) and not isinstance(app.screen, Question)
        assert service.get({"id": row}).status == "pending"  # not confirmed from the log
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        rows = {description: keys for keys, description in app.screen.rows}
        assert rows["Filter log"] == "/" and rows["Next line"] == "↓ j"
        assert rows["Clear filter, then back"] == "Esc" and rows["Open"] == "Enter"
        assert "Confirm" not in rows and "Cancel" not in rows
        await pilot.press("escape")
        await reads(pilot)
        await pilot.press("escape")
        await pilot.press("question_mark")
        await settle(pilot)
        rows = {description: keys for keys, description in app.screen.rows}
        assert rows["Focus the log: scroll, filter, open"] == "L" and "Confirm" in rows


@pilot_test
async def test_hiding_the_log_while_in_it_gives_the_focus_back(app: BotuiApp) -> None:
    async with running(app) as pilot:
        await pilot.press("L", "l")
        assert not pane(app).display and isinstance(app.focused, QueueTable)
        await pilot.press("L")  # shows it again, focused
        assert pane(app).display and app.focused is pane(app).log_lines


@pilot_test
async def test_keys_typed_on_past_enter_in_the_box_act_in_the_lines(
    app: BotuiApp, written: list[Line]
) -> None:
    async with running(app) as pilot:
        await pilot.press("L", "slash", *"ben")
        assert app.focused is pane(app).box
        await send_bytes(pilot, b"\rkk")  # Enter and two k's in one read, as tmux sends them
        assert pane(app).box.value == "ben" and not pane(app).box.display
        assert app.focused is pane(app).log_lines and pane(app).log_lines.cursor == 4
        await pilot.press("slash", *"cleo")  # back in the box: typing goes on after "ben"
        assert pane(app).box.value == "bencleo"
