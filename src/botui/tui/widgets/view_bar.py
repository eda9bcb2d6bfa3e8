"""The views as tabs above the queue, each with its count: `1 open 412 │ 2 pending 130 │ …`."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, NamedTuple

from rich.text import Text
from textual import on, work
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Static

from botui import config
from botui.domain import queue_rows
from botui.domain.queue_rows import QueueSpec
from botui.tui.attempt import attempt
from botui.tui.keymap import key_label, user_key
from botui.tui.styles import css

if TYPE_CHECKING:  # the Service loads after the first frame (issue 12)
    from botui.domain.service import Service

# The queue table's keys for its views (binding id queue.view-NAME); a user keymap may move them.
VIEW_KEYS = {"open": "1", "pending": "2", "late": "3", "ready": "4", "closed": "5", "all": "0"}
SHORT_WORDS = {"pending": "pend"}  # a million rows at 60 columns
# Counting again after changes waits this long after the last count began: the log brings
# events every second, and six counts of a narrowed million rows take up to a fifth of that.
MIN_GAP_SECONDS = 1.0


def compact(count: int) -> str:
    """A count in at most five characters: 9,999, 66k, 934k, 1.0M, 12M."""
    if count < 10_000:
        return f"{count:,}"
    if count < 999_500:  # 999,500 would round to "1000k"
        return f"{round(count / 1000)}k"
    if count < 9_950_000:  # "10.0M" is "10M"
        return f"{count / 1_000_000:.1f}M"
    return f"{round(count / 1_000_000)}M"


def tiny(count: int) -> str:
    """A count in at most four characters: 999, 1.2k, 66k, 934k, 1.0M, 12M."""
    if 1000 <= count < 9_950:
        return f"{count / 1000:.1f}k"
    if 9_950 <= count < 10_000:
        return "10k"
    return compact(count)


# From this width on the bar always shows the views' keys, whatever the counts (its tightest
# keyed layout takes 70 cells with every count four characters wide); below it, never: the
# keys do not come and go as counts change (narrowed or not).
KEYS_FROM = 70


class _Layout(NamedTuple):
    """One way to write the tabs: with the keys or not, which words and counts, what stands
    between two tabs, whether each tab has a space either side (the current one always), and
    whether `all` shows its count (the sum of open and closed, the first to go)."""

    keys: bool
    words: dict[str, str]
    numbers: dict[str, str]
    separator: str
    padded: bool
    all_count: bool = True


def _layouts(counts: dict[str, int] | None, keys: bool) -> Iterator[_Layout]:
    """Ways to write the tabs, widest first, with the keys or without them."""

    def numbers(form: Callable[[int], str]) -> dict[str, str]:
        return {v: "…" if counts is None else form(counts[v]) for v in queue_rows.VIEWS}

    full, short, shortest = numbers("{:,}".format), numbers(compact), numbers(tiny)
    words = {v: v for v in queue_rows.VIEWS}
    shorter = words | SHORT_WORDS
    if keys:  # all's count goes first: it is open's and closed's sum
        yield _Layout(True, words, full, "│", True)
        yield _Layout(True, words, full, "│", True, False)
        yield _Layout(True, words, short, "│", True, False)
        yield _Layout(True, words, shortest, "│", True, False)
        yield _Layout(True, words, shortest, "", True, False)
        yield _Layout(True, shorter, shortest, "│", False, False)
    else:
        yield _Layout(False, words, short, "│", True)
        yield _Layout(False, words, short, "", True)
        yield _Layout(False, words, shortest, "", True)
        yield _Layout(False, shorter, shortest, "│", False)
        yield _Layout(False, shorter, shortest, "│", False, False)


def bar_text(
    counts: dict[str, int] | None, current: str, width: int, keys: dict[str, str] = VIEW_KEYS
) -> Text:
    """The tabs, the current view reversed and bold (an attribute: it reads without colour),
    in the widest layout that fits `width` (the last one cut if none does); the keys shown
    from KEYS_FROM columns on, whatever the counts."""
    text = Text()
    for layout in _layouts(counts, width >= KEYS_FROM):
        text = Text(no_wrap=True, overflow="ellipsis")
        for position, view in enumerate(queue_rows.VIEWS):
            if position:
                text.append(layout.separator, style="dim")
            key = f"{keys[view]} " if layout.keys else ""
            number = f" {layout.numbers[view]}" if layout.all_count or view != "all" else ""
            label = f"{key}{layout.words[view]}{number}"
            if layout.padded or view == current:
                label = f" {label} "
            text.append(label, style="reverse bold" if view == current else "")
        if text.cell_len <= width:
            break
    return text


class ViewBar(Static):
    """Counts every view (under the queue's narrowing) in a worker, after the first rows are
    on screen and again when others' changes arrive: at most one count a second."""

    DEFAULT_CSS = css("widgets", "ViewBar")

    @dataclass
    class Counted(Message):
        """The views of `scope` were counted (None: the read failed; keep the last counts)."""

        scope: QueueSpec
        counts: dict[str, int] | None

    def __init__(self, service: Service, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self.service = service
        self.counts: dict[str, int] | None = None
        self.view = "open"
        self.scope = QueueSpec()  # the narrowing the counts are of (view, sort, text aside)
        self._counted: QueueSpec | None = None
        self._counting = False
        self._in_flight: QueueSpec | None = None
        self._again = False
        self._started = 0.0
        self._timer: Timer | None = None

    @staticmethod
    def scope_of(spec: QueueSpec) -> QueueSpec:
        """What the counts depend on: the spec's narrowing alone."""
        return replace(spec, view="open", sort="triage", descending=False, text="")

    def show(self, spec: QueueSpec) -> None:
        """Highlight the spec's view; count again if its narrowing changed (once counting has
        begun: the first count waits for the queue's first rows)."""
        self.view = spec.view
        scope = self.scope_of(spec)
        if scope != self.scope:
            self.scope = scope
            self.counts = None if scope != self._counted else self.counts
            if self._started:
                self.recount(now=True)  # asked for by the person: no waiting
        self._draw()

    def recount(self, *, now: bool = False) -> None:
        """Count the views again soon: at once if the last count began a second ago (or
        `now`), else when that second is up; a count asked for during one runs after it."""
        if self._counting and not now:
            self._again = True
            return
        wait = self._started + MIN_GAP_SECONDS - time.monotonic()
        if wait > 0 and not now:
            if self._timer is None:
                self._timer = self.set_timer(wait, self._timed)
            return
        self._counting, self._again = True, False
        self._started = time.monotonic()
        self._in_flight = self.scope
        self._count(self.scope)

    def _timed(self) -> None:
        self._timer = None
        self.recount()

    @work(thread=True, exclusive=True, group="view-counts")
    def _count(self, scope: QueueSpec) -> None:
        counts, _ = attempt(
            self.service, lambda: self.service.view_counts(scope, config.now()), small_cache=True
        )
        self.post_message(self.Counted(scope, counts))

    @on(Counted)
    def _counted_views(self, message: Counted) -> None:
        message.stop()
        if message.scope != self._in_flight:
            return  # overtaken by a count of another narrowing, still under way
        self._counting = False
        if message.scope == self.scope and message.counts is not None:
            self.counts, self._counted = message.counts, message.scope
            self._draw()
        if self._again or message.scope != self.scope:
            self.recount()

    def on_resize(self) -> None:
        self._draw()

    def view_keys(self) -> dict[str, str]:
        """The key of each view as the user's keymap ([keys] in the configuration) has it."""
        return {
            view: key_label(user_key(self, f"queue.view-{view}", key))
            for view, key in VIEW_KEYS.items()
        }

    @property
    def shows_keys(self) -> bool:
        """Whether the tabs show the views' keys (from KEYS_FROM columns on)."""
        return (self.size.width or 80) >= KEYS_FROM

    def _draw(self) -> None:
        text = bar_text(self.counts, self.view, self.size.width or 80, self.view_keys())
        self.update(text, layout=False)
