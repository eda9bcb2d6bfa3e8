"""Measure the real app on one database: first row, view counts, filter, `G`, memory, stalls.

Run by bench.py in a fresh process per database (so sizes do not share memory):
`python bench/measure_app.py DB QUERY` prints one JSON object of figures in seconds and bytes.
The filter is timed REPEATS times and the jump JUMPS times (the median is kept); the first row
once.
A row counts as "on screen" when the compositor asks the queue table for a line and gets a
drawn backorder (not the placeholder of a row still on its way).
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

import psutil
from textual.screen import UPDATE_PERIOD

from botui.domain.service import Service
from botui.store.db import open_database
from botui.tui.app import BotuiApp
from botui.tui.widgets.queue_table import HEADER_LINES, QueueTable
from botui.tui.widgets.view_bar import ViewBar

SIZE = (120, 40)
TICK = 0.002
TIMEOUT = 60.0
REPEATS = 3
# G is a few ms, so one slow press moves a median of three: the first G after start-up draws
# rows never drawn before (and, until every press waited a frame interval, came right after the
# counts' frame and waited for Textual's next one). Seven keep the first press in the sample
# without letting it decide the figure.
JUMPS = 7


class Painted:
    """Records when the queue table last drew a real row, and which one."""

    def __init__(self) -> None:
        self.rows: list[tuple[float, int, str, str]] = []
        original = QueueTable.render_line

        def render_line(table: QueueTable, y: int) -> Any:
            strip = original(table, y)
            if y >= HEADER_LINES:
                index = int(table.scroll_offset.y) + y - HEADER_LINES
                row = table.window.row(index)
                if row is not None:
                    self.rows.append((time.perf_counter(), index, row.id, table.window.spec.text))
            return strip

        QueueTable.render_line = render_line  # type: ignore[method-assign]

    def first(self, since: float, test: Callable[[int, str, str], bool]) -> float | None:
        """The first time after `since` a drawn row passed `test(index, id, filter)`."""
        for at, index, backorder, text in self.rows:
            if at >= since and test(index, backorder, text):
                return at
        return None


class Ticker:
    """The longest gap between event-loop turns while it runs (a stall a keystroke would feel)."""

    def __init__(self) -> None:
        self.longest = 0.0
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        last = time.perf_counter()
        while True:
            await asyncio.sleep(TICK)
            now = time.perf_counter()
            self.longest = max(self.longest, now - last - TICK)
            last = now

    def start(self) -> None:
        """Start (or resume) watching; the longest gap is kept across runs."""
        self._task = asyncio.get_running_loop().create_task(self._run())

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()


async def wait_for(pilot: Any, found: Callable[[], float | None], what: str = "rows") -> float:
    """Let the app run until `found()` gives a time; that time."""
    deadline = time.perf_counter() + TIMEOUT
    while time.perf_counter() < deadline:
        at = found()
        if at is not None:
            return at
        await pilot.pause(0.001)
    raise TimeoutError(f"the app did not show {what} within {TIMEOUT:.0f} s")


async def timed(
    pilot: Any, painted: Painted, keys: tuple[str, ...], shown: Callable[[int, str], bool]
) -> float:
    """Seconds from pressing `keys` to the first drawn row passing `shown(index, filter)`.

    One frame interval passes before the press: Textual draws at most once per interval, so
    a key pressed within one of the last frame waits for the next tick, a wait no person
    causes. Pilot's own wait for idle keeps most presses 20 ms or more from the last frame;
    the first G came right after the view counts' frame and waited 9-24 ms of its 15-31
    (bench/frame_phase.py).
    """
    await asyncio.sleep(UPDATE_PERIOD)
    pressed = time.perf_counter()
    await pilot.press(*keys)
    at = await wait_for(
        pilot, lambda: painted.first(pressed, lambda i, b, t: shown(i, t)), f"the rows for {keys}"
    )
    return at - pressed


async def scroll(pilot: Any, keys: tuple[str, ...]) -> None:
    """Press scrolling keys a little apart, as a person would, letting each page load."""
    for key in keys:
        await pilot.press(key)
        await pilot.pause(0.02)


async def measure(path: str, query: str) -> dict[str, float]:
    """Every figure of the benchmark for one database."""
    painted = Painted()
    started = time.perf_counter()
    service = Service(open_database(path))
    app = BotuiApp(service)
    figures: dict[str, float] = {}
    async with app.run_test(size=SIZE) as pilot:
        first = await wait_for(pilot, lambda: painted.first(started, lambda i, b, t: True))
        figures["first_row"] = first - started
        figures["rss"] = psutil.Process().memory_info().rss
        bar = app.screen.query_one(ViewBar)
        counted = await wait_for(
            pilot, lambda: time.perf_counter() if bar.counts else None, "the view counts"
        )
        figures["counts"] = counted - first
        table = app.screen.query_one(QueueTable)
        await wait_for(pilot, lambda: 0.0 if table.window.counted else None)
        figures["rows"] = table.total

        ticker = Ticker()
        ticker.start()
        jumps = []
        for _ in range(JUMPS):
            jumps.append(await timed(pilot, painted, ("G",), lambda i, t: i == table.total - 1))
            await timed(pilot, painted, ("g",), lambda i, t: i == 0)
        figures["last_row"] = statistics.median(jumps)
        await timed(pilot, painted, ("G",), lambda i, t: i == table.total - 1)
        last = table.current  # the newest row of the open queue: its id is typed in full below
        backorder_id = last.id if last is not None else "BO-1"
        await timed(pilot, painted, ("g",), lambda i, t: i == 0)
        await scroll(pilot, ("pagedown", "pagedown", "j", "j", "j", "pagedown", "k", "pageup"))

        filters = []
        focus = Ticker()
        for _ in range(REPEATS):
            await pilot.press("slash", *query[:-1])
            filters.append(await timed(pilot, painted, query[-1:], lambda i, t: t == query))
            figures["filtered_rows"] = table.total
            ticker.stop()
            focus.start()
            await timed(pilot, painted, ("escape",), lambda i, t: t == "")
            focus.stop()
            ticker.start()
        figures["filter"] = statistics.median(filters)

        # A backorder id typed in full (issue 12: at a million rows it took 1.8x the time at
        # 100 rows): from its last character to that backorder drawn under the filter.
        by_id = []
        for _ in range(REPEATS):
            await pilot.press("slash", *backorder_id[:-1])
            by_id.append(
                await timed(
                    pilot,
                    painted,
                    backorder_id[-1:],
                    lambda i, t: (
                        t == backorder_id
                        and getattr(table.window.row(i), "id", None) == backorder_id
                    ),
                )
            )
            ticker.stop()
            await timed(pilot, painted, ("escape",), lambda i, t: t == "")
            ticker.start()
        figures["id_filter"] = statistics.median(by_id)

        await pilot.press("slash", *query)
        ticker.stop()
        focus.start()
        await pilot.press("enter")
        await pilot.pause(0.1)
        focus.stop()
        figures["stall_focus"] = focus.longest

        ticker.start()
        await scroll(pilot, ("pagedown", "j", "G", "g"))
        ticker.stop()
        figures["stall"] = ticker.longest
    return figures


def main() -> None:
    path, query = sys.argv[1], sys.argv[2]
    print(json.dumps(asyncio.run(measure(path, query))))


if __name__ == "__main__":
    main()
