"""Where G's wall time goes: the work of the jump, or the wait for Textual's next frame.

`python bench/frame_phase.py DB [PAUSE_MS] [JUMPS]` opens the app as bench/measure_app.py does
(120x40, headless, the stall watch running), then presses `G` and `g` JUMPS times each as
`timed()` does, waiting PAUSE_MS (default 0) after each paint before the next press. For every
`G` it prints:

- `since`: ms from the end of the previous frame to the press;
- `cpu`: CPU of the event loop's thread from the press to the row drawn (with Pilot's waits);
- `ready`: ms from the press until the app is idle and asks for a frame (the jump's work);
- `wait`: ms from then until Textual's screen-update timer starts the frame;
- `draw`: ms from the frame's start to the last row drawn;
- `wall`: ms from the press to the last row drawn (the bench's G figure);
- `frame`: ms from the press to the end of the frame that drew it (when a terminal gets it).

Textual draws on a grid of 1/60 s ticks: a frame asked for within a tick of the previous one
waits for the next tick. In the bench that does not happen: `Pilot.press` returns only after
the app has been idle for two 20 ms samples, so the next key comes 20-60 ms after the last
frame, and `wait` is ~0.1 ms at both sizes (except the first G, pressed right after the view
counts' frame, which the median of 7 leaves out).
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from textual.screen import Screen
from textual.timer import Timer

sys.path.insert(0, str(Path(__file__).resolve().parent))

from measure_app import SIZE, Painted, Ticker, wait_for  # noqa: E402

from botui.domain.service import Service  # noqa: E402
from botui.store.db import open_database  # noqa: E402
from botui.tui.app import BotuiApp  # noqa: E402
from botui.tui.widgets.queue_table import QueueTable  # noqa: E402
from botui.tui.widgets.view_bar import ViewBar  # noqa: E402


class Frames:
    """Start and end of every screen update that drew something, and every resume of the
    screen's update timer (the app idle with something to draw)."""

    def __init__(self) -> None:
        self.frames: list[tuple[float, float]] = []
        self.resumes: list[float] = []
        original = Screen._on_timer_update
        frames = self

        def on_timer_update(screen: Screen) -> None:
            started = time.perf_counter()
            original(screen)
            frames.frames.append((started, time.perf_counter()))

        Screen._on_timer_update = on_timer_update  # type: ignore[method-assign]
        resume = Timer.resume

        def resumed(timer: Timer) -> None:
            if timer.name == "screen_update":
                frames.resumes.append(time.perf_counter())
            resume(timer)

        Timer.resume = resumed  # type: ignore[method-assign]

    def last_before(self, at: float) -> float:
        return max((end for _, end in self.frames if end <= at), default=float("nan"))

    def first_after(self, at: float) -> float:
        return min((start for start, _ in self.frames if start >= at), default=float("nan"))

    def resume_after(self, at: float) -> float:
        return min((t for t in self.resumes if t >= at), default=float("nan"))


async def jump(
    pilot: Any, painted: Painted, frames: Frames, table: QueueTable, key: str, pause: float
) -> dict[str, float]:
    if pause:
        await asyncio.sleep(pause)
    target = table.total - 1 if key == "G" else 0
    pressed = time.perf_counter()
    cpu = time.thread_time()
    await pilot.press(key)
    last = await wait_for(pilot, lambda: painted.first(pressed, lambda i, b, t: i == target))
    cpu = time.thread_time() - cpu  # includes the polling's own turns (a few pauses of 1 ms)
    ready = frames.resume_after(pressed)
    start = frames.first_after(ready)
    end = min((e for s, e in frames.frames if s <= last <= e), default=float("nan"))
    return {
        "since": (pressed - frames.last_before(pressed)) * 1000,
        "cpu": cpu * 1000,
        "ready": (ready - pressed) * 1000,
        "wait": (start - ready) * 1000,
        "draw": (last - start) * 1000,
        "wall": (last - pressed) * 1000,
        "frame": (end - pressed) * 1000,
    }


async def measure(path: str, pause: float, jumps: int) -> list[dict[str, float]]:
    painted, frames = Painted(), Frames()
    started = time.perf_counter()
    app = BotuiApp(Service(open_database(path)))
    rows = []
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: painted.first(started, lambda i, b, t: True))
        bar = app.screen.query_one(ViewBar)
        await wait_for(pilot, lambda: 0.0 if bar.counts else None, "the view counts")
        table = app.screen.query_one(QueueTable)
        await wait_for(pilot, lambda: 0.0 if table.window.counted else None)
        ticker = Ticker()  # as in measure_app: the stall watch runs while G is timed
        ticker.start()
        for _ in range(jumps):
            rows.append(await jump(pilot, painted, frames, table, "G", pause))
            await jump(pilot, painted, frames, table, "g", pause)
        ticker.stop()
    return rows


def main() -> None:
    path = sys.argv[1]
    pause = float(sys.argv[2]) / 1000 if len(sys.argv) > 2 else 0.0
    jumps = int(sys.argv[3]) if len(sys.argv) > 3 else 7
    rows = asyncio.run(measure(path, pause, jumps))
    keys = list(rows[0])
    print(" ".join(f"{k:>6}" for k in keys))
    for row in rows:
        print(" ".join(f"{row[k]:6.1f}" for k in keys))
    print(" ".join(f"{statistics.median(r[k] for r in rows):6.1f}" for k in keys), " median")


if __name__ == "__main__":
    main()
