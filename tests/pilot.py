"""Driving the real app under Pilot: the one runner, the one `settle`, and waiting for what a
person would see instead of pausing for a fixed time.

Every UI test (tests/tui) and snapshot (tests/snapshots) imports these; tests/tui/conftest.py
re-exports them for tests that still say `from conftest import settle`.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

from textual import events
from textual._xterm_parser import XTermParser  # what a terminal's bytes become (send_bytes)
from textual.app import App
from textual.notifications import Notification
from textual.pilot import Pilot
from textual.worker import WorkerCancelled

from botui.tui.keys import QUIET_SECONDS
from botui.tui.live import GROUP as LIVE_GROUP

SIZE = (80, 24)  # the terminal the contract's screens are drawn for
WAIT_SECONDS = 10.0  # how long a condition may take on a loaded machine before a test fails
STEP_SECONDS = 0.02  # how often a waited-for condition is looked at again
TYPING_SECONDS = 0.15  # between two keys, as a person types


def pilot_test(test: Callable[..., Any]) -> Callable[..., None]:
    """Run an async Pilot test in its own event loop (the suite has no async plugin)."""

    @functools.wraps(test)
    def run(*args: Any, **kwargs: Any) -> None:
        asyncio.run(test(*args, **kwargs))

    return run


async def settle(pilot: Pilot[Any], rounds: int = 3) -> None:
    """Let every worker finish and every message it posted land, a few times over (not the
    worker that waits for PostgreSQL's notifications: it runs as long as the app)."""
    for _ in range(rounds):
        workers = [w for w in pilot.app.workers if w.group != LIVE_GROUP]
        with contextlib.suppress(WorkerCancelled):  # a newer read replaced an older one
            if workers:
                await pilot.app.workers.wait_for_complete(workers)
        await pilot.pause()


async def settle_still(pilot: Pilot[Any]) -> None:
    """`settle`, then stop every text cursor blinking: a snapshot's picture is then stable."""
    await settle(pilot, rounds=4)
    for box in pilot.app.screen.query("Input, TextArea"):
        box.cursor_blink = False  # type: ignore[attr-defined]


@contextlib.asynccontextmanager
async def running(
    app: App[Any], size: tuple[int, int] = SIZE, **options: Any
) -> AsyncIterator[Pilot[Any]]:
    """Run `app` under Pilot in a terminal of `size`, its first reads done and shown."""
    async with app.run_test(size=size, **options) as pilot:
        await settle(pilot)
        yield pilot


async def wait_until(
    pilot: Pilot[Any],
    condition: Callable[[], object],
    what: str = "",
    timeout: float = WAIT_SECONDS,
) -> None:
    """Let the app run until `condition()` holds (a poll landed, a toast appeared, a worker
    reached a point); fail saying `what` did not happen if it still does not after `timeout`.
    It waits for no worker (one may be held on purpose): `settle` after it if needed."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what or 'the condition'} did not happen within {timeout} s")
        await pilot.pause(STEP_SECONDS)


def notifications(app: App[Any]) -> list[Notification]:
    """Every toast the app has shown that is still up, oldest first."""
    # Textual keeps them in a private list and has no public reader: this is the one place.
    return list(app._notifications)


def toasts(app: App[Any]) -> str:
    """Every toast the app has shown that is still up, one per line."""
    return "\n".join(str(n.message) for n in notifications(app))


def screen_lines(app: App[Any]) -> list[str]:
    """The text of every line of the terminal, as last drawn."""
    # Textual's compositor is the only reader of the drawn cells short of an SVG screenshot.
    return [strip.text for strip in app.screen._compositor.render_strips()]


async def cursor_on(pilot: Pilot[Any], backorder_id: str) -> None:
    """Put the cursor on a backorder of the current view, from its first row."""
    await settle(pilot)
    await pilot.press("home")
    await settle(pilot)
    for _ in range(60):
        row = pilot.app.query_one("#queue").current  # type: ignore[attr-defined]
        if row is not None and row.id == backorder_id:
            return
        await pilot.press("j")
        await settle(pilot, rounds=1)
    raise AssertionError(f"{backorder_id} is not in the view")


class TypingClock:
    """A clock for the app's key guard that moves only when the test says time passed.

    The guard tells a burst of typing from a person by the seconds between keys. On the real
    clock a loaded machine stretches a test's 150 ms between two keys past the guard's 0.5 s,
    and the burst ends where the person never paused; on this clock the gaps are exactly what
    the test types (`keyboard_quiet`, `type_slowly`). Install with `use_typing_clock(app)`.
    """

    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def use_typing_clock(app: App[Any]) -> TypingClock:
    """Give the app's key guard a `TypingClock`; returns it."""
    clock = TypingClock()
    app.key_guard.clock = clock  # type: ignore[attr-defined]
    return clock


async def keyboard_quiet(pilot: Pilot[Any], seconds: float = QUIET_SECONDS) -> None:
    """No key for `seconds`: the keys sent so far land first, then the time passes, on the
    app's `TypingClock` if it has one (at once), else on the real clock."""
    await pilot.pause()
    clock = getattr(getattr(pilot.app, "key_guard", None), "clock", None)
    if isinstance(clock, TypingClock):
        clock.advance(seconds)
        await pilot.pause()
    else:
        await pilot.pause(seconds)


async def type_slowly(pilot: Pilot[Any], text: str, gap: float = TYPING_SECONDS) -> None:
    """Type `text` one key at a time, `gap` seconds apart, as a person does."""
    for character in text:
        await pilot.press("space" if character == " " else character)
        await keyboard_quiet(pilot, gap)


async def reads(pilot: Pilot[Any]) -> None:
    """The person reads what just opened before answering: longer than a burst of typing,
    whose keys a question that just opened drops (botui.tui.keys). This pause is the
    behaviour: the key guard tells a burst from a person by the quiet between keys."""
    await settle(pilot)
    await keyboard_quiet(pilot)


def parse_bytes(data: bytes) -> list[events.Key]:
    """The keys Textual's own parser reads from raw terminal bytes sent as one read."""
    parser = XTermParser()
    found = [*parser.feed(data.decode()), *parser.feed("")]  # "": the read ends (a lone Esc)
    return [token for token in found if isinstance(token, events.Key)]


async def send_bytes(pilot: Pilot[Any], data: bytes) -> None:
    """Send what a terminal sends (b"\\x1b\\r" from tmux), through Textual's input parser."""
    for key in parse_bytes(data):
        pilot.app.post_message(key)
    await pilot.pause()
    await settle(pilot)


def palette_offers(app: App[Any], words: str = "") -> bool:
    """Whether the command palette is open and its first, highlighted choice starts with
    `words` (any choice at all when `words` is empty)."""
    from textual.command import CommandList

    found = app.screen.query(CommandList)
    if not found:
        return False
    choices = found.first()
    return (
        choices.option_count > 0
        and choices.highlighted == 0
        and str(choices.get_option_at_index(0).prompt).startswith(words)
    )
