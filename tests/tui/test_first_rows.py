"""The queue's first rows read while the app loads (issue 12): the first frame draws them, and
the queue's own read replaces them, so a change made meanwhile is what stays on screen."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from textual.widgets import Input

from botui.domain.queue import QueueSpec
from botui.domain.service import Service
from botui.tui.app import BotuiApp
from botui.tui.first_rows import FirstRows
from botui.tui.widgets.event_log import LogLines
from botui.tui.widgets.queue_table import QueueTable
from tests.pilot import parse_bytes, pilot_test, running, settle, wait_until

SIZE = (100, 24)


def _first_frames(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The backorder ids each paint of the queue drew, in order (an empty list: no rows yet)."""
    frames: list[list[str]] = []
    render = QueueTable.render_lines

    def recorded(table: QueueTable, crop: Any) -> Any:
        frames.append([row.id for row in table.window.rows])
        return render(table, crop)

    monkeypatch.setattr(QueueTable, "render_lines", recorded)
    return frames


def _ids(app: BotuiApp) -> list[str]:
    return [row.id for row in app.query_one(QueueTable).window.rows]


@pilot_test
async def test_the_first_frame_draws_the_rows_read_while_the_app_loaded(
    shop: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    frames = _first_frames(monkeypatch)
    first_rows = FirstRows(shop, height=SIZE[1])
    assert first_rows.wait(10)
    app = BotuiApp(shop, delay_detection=False, first_rows=first_rows)
    async with running(app, SIZE):
        assert frames[0] == ["BO-1", "BO-2", "BO-3", "BO-4"]  # no frame without its rows
        assert _ids(app) == frames[0]


@pilot_test
async def test_a_change_after_the_early_read_is_what_stays_on_screen(
    shop: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    frames = _first_frames(monkeypatch)
    first_rows = FirstRows(shop, height=SIZE[1])
    assert first_rows.wait(10)
    shop.cancel({"id": "BO-1", "reason": "customer changed their mind"})  # leaves the open view
    # The queue's own first read waits until the early rows are on screen.
    release = threading.Event()
    read = Service.queue_first_rows

    def held(self: Service, *args: Any) -> Any:
        release.wait(10)
        return read(self, *args)

    monkeypatch.setattr(Service, "queue_first_rows", held)
    app = BotuiApp(shop, delay_detection=False, first_rows=first_rows)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: frames, "the queue's first paint")
        assert frames[0][0] == "BO-1"  # the early rows, read before the cancel, drawn at once
        release.set()
        await settle(pilot)
        assert _ids(app) == ["BO-2", "BO-3", "BO-4"]  # the queue's own read replaced them
        assert app.query_one(QueueTable).total == 3


def test_early_rows_are_handed_over_once_and_only_for_what_the_queue_shows(shop: Service) -> None:
    first_rows = FirstRows(shop, height=SIZE[1])
    assert first_rows.wait(10)
    assert first_rows.take(QueueSpec(view="late"), 23) is None  # another view: not used
    first_rows = FirstRows(shop, height=SIZE[1])
    assert first_rows.wait(10)
    window = first_rows.take(QueueSpec(), 23)
    assert window is not None and [row.id for row in window.rows][:1] == ["BO-1"]
    assert first_rows.take(QueueSpec(), 23) is None  # the queue's own reads take over


def test_the_early_read_takes_only_the_rows_a_terminal_that_high_shows(crowd: Service) -> None:
    """Forty backorders, a 24-line terminal: the 23 rows under the titles, not the margin the
    queue's own reads add for scrolling (that is read once the queue is up)."""
    first_rows = FirstRows(crowd, height=24)
    assert first_rows.wait(10)
    window = first_rows.take(QueueSpec(), 23)
    assert window is not None
    assert [row.id for row in window.rows] == [f"BO-{n}" for n in range(1, 24)]
    assert not window.counted  # more than it read: the queue counts them


def test_a_slow_early_read_does_not_hold_the_start_up(
    shop: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`settle` waits for a warm read only: one held up (a cold disk) goes on beside the
    imports, and its rows are still used once it is done."""
    release = threading.Event()
    read = Service.queue_first_rows

    def held(self: Service, *args: Any, **kwargs: Any) -> Any:
        release.wait(10)
        return read(self, *args, **kwargs)

    monkeypatch.setattr(Service, "queue_first_rows", held)
    first_rows = FirstRows(shop, height=SIZE[1])
    try:
        first_rows.settle()
        assert not first_rows.wait(0)  # back at once, the read still going
    finally:
        release.set()
    assert first_rows.wait(10)
    window = first_rows.take(QueueSpec(), 23)
    assert window is not None and window.rows[0].id == "BO-1"


class _Failing:
    """A service whose every read fails, as a database gone wrong would."""

    @contextmanager
    def session(self, *args: Any, **kwargs: Any) -> Iterator[None]:
        yield

    def queue_first_rows(self, *args: Any, **kwargs: Any) -> Any:
        raise OSError("disk I/O error")


def test_a_failed_early_read_is_not_used_and_raises_nothing() -> None:
    first_rows = FirstRows(_Failing(), height=24)  # type: ignore[arg-type]
    assert first_rows.wait(10)
    assert first_rows.take(QueueSpec(), 23) is None


def _hold_the_rest(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """Hold every count of the queue and its read of the ends (for g and G) until the returned
    event is set: the first rows are on screen but not yet 'shown' (FirstShown waits for the
    ends, read once the window is counted; a window shorter than the screen is counted without
    a count), so the filter box and the log's lines, mounted after that, are not there yet."""
    release = threading.Event()
    for name in ("queue_count", "queue_ends"):
        read = getattr(Service, name)

        def held(self: Service, *args: Any, read: Any = read) -> Any:
            release.wait(10)
            return read(self, *args)

        monkeypatch.setattr(Service, name, held)
    return release


@pilot_test
async def test_a_filter_typed_before_the_rest_of_the_screen_is_mounted_is_taken_whole(
    shop: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = _hold_the_rest(monkeypatch)
    app = BotuiApp(shop, delay_detection=False)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await wait_until(pilot, lambda: _ids(app), "the first rows")
            assert not app.screen.query("#filter")  # not mounted yet: the early path
            for key in parse_bytes(b"/BO-2"):  # in one read from the terminal, as pasted
                app.post_message(key)
            await wait_until(
                pilot,
                lambda: [b.value for b in app.screen.query("#filter").results(Input)] == ["BO-2"],
                "the whole filter typed into the box mounted for it",
            )
            box = app.screen.query_one("#filter", Input)
            assert app.focused is box
            release.set()
            await settle(pilot)
            assert _ids(app) == ["BO-2"]
            await pilot.press("enter", "j")  # back in the queue: keys act on it again
            assert app.focused is app.query_one(QueueTable) and box.value == "BO-2"
    finally:
        release.set()


@pilot_test
async def test_the_log_taken_before_the_rest_of_the_screen_is_mounted_has_the_focus(
    shop: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = _hold_the_rest(monkeypatch)
    app = BotuiApp(shop, delay_detection=False)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await wait_until(pilot, lambda: _ids(app), "the first rows")
            assert not app.screen.query(LogLines)  # not mounted yet: the early path
            for key in parse_bytes(b"Lk"):  # L and a key for the log at once
                app.post_message(key)
            await wait_until(
                pilot,
                lambda: isinstance(app.focused, LogLines),
                "the log mounted and focused",
            )
            release.set()
            await settle(pilot)
            await pilot.press("escape")  # back to the queue, as from a log built at start
            assert app.focused is app.query_one(QueueTable)
    finally:
        release.set()
