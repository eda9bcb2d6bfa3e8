"""The live event log pane: who did what, newest last, the last thousand events kept.

Unfocused it shows the newest few lines under the queue. Focused (`L` or Tab from the queue)
it grows, shows a cursor, scrolls, filters by actor, backorder or words (`/`) and opens the
cursor line's backorder (Enter); Esc clears the filter, then gives the focus back.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.cache import LRUCache
from textual.containers import Vertical
from textual.content import Content
from textual.events import Click, DescendantBlur, DescendantFocus, Event, Key, Resize
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import AwaitMount
from textual.widgets import Input

from botui import config
from botui.domain.text import safe_for_terminal
from botui.tui.formatting import times
from botui.tui.formatting.events import event_word, summary
from botui.tui.styles import css
from botui.tui.widgets.cells import fit

if TYPE_CHECKING:  # the schemas (pydantic) load after the first rows: see botui.lazy
    from botui.domain import schemas

MAX_LINES = 1000
LOADING = "reading the log…"
NO_EVENTS = "no events yet"
ACTOR_WIDTH = 10
TYPE_WIDTH = 13  # "stock arrived", "customer told", "delay noticed"
ID_WIDTH = 10
TYPE_STYLES = {
    "cancelled": "bold red",
    "deleted": "bold red",
    "delayNoticed": "bold yellow",
    "fulfilled": "bold green",
    "confirmed": "green",
    "inventoryArrived": "cyan",
}


def event_line(event: schemas.Event) -> Text:
    """One log line as literal text: time (the zone the border names; the day instead, such as
    "21 Sep", for an event of an earlier day), actor, type, backorder id and a short summary."""
    clock = times.clock_or_day(event.at, config.now())
    line = Text(no_wrap=True, overflow="ellipsis")
    line.append(clock, style="dim")
    line.append(" ")
    line.append(fit(event.actor, ACTOR_WIDTH), style="bold")
    line.append(" ")
    line.append(fit(event_word(event.type), TYPE_WIDTH), style=TYPE_STYLES.get(event.type, ""))
    line.append(" ")
    line.append(fit(event.backorder, ID_WIDTH))
    line.append(" ")
    line.append(_one_line(event), style="dim")
    return line


def _one_line(event: schemas.Event) -> str:
    # One event, one line: a reason or message of several lines is joined with a mark.
    text = " ⏎ ".join(part for part in summary(event).splitlines() if part.strip())
    return safe_for_terminal(text)


def event_words(event: schemas.Event) -> str:
    """What a filter looks in: the whole actor, the backorder id and the line's words."""
    return f"{event.actor} {event.backorder} {event_word(event.type)} {_one_line(event)}".casefold()


def matcher(
    text: str, events: Iterable[schemas.Event], words: Callable[[schemas.Event], str]
) -> Callable[[schemas.Event], bool]:
    """Whether an event matches every word of `text` (any case).

    A word that is the whole of an actor or a backorder id among `events` means that actor or
    that backorder only ("BO-1" is not BO-12); any other word may be part of the actor, the id
    or the line's words ("ali" finds alice, "late" the delays).
    """
    terms = text.casefold().split()
    known = {e.actor.casefold() for e in events} | {e.backorder.casefold() for e in events}

    def matches(event: schemas.Event) -> bool:
        for term in terms:
            if term in known:
                if term not in (event.actor.casefold(), event.backorder.casefold()):
                    return False
            elif term not in words(event):
                return False
        return True

    return matches


class LogLines(ScrollView, can_focus=True):
    """The events the filter lets through, one line each, drawn only where they are on screen
    (so a burst of events costs nothing to draw); a cursor line while focused."""

    BINDINGS = [
        Binding("down", "cursor(1)", "Next line", id="log.down", tooltip="Next log line",
                show=False),
        Binding("j", "cursor(1)", "Next line", id="log.down-vim", tooltip="Next log line",
                show=False),
        Binding("up", "cursor(-1)", "Previous line", id="log.up", tooltip="Previous log line",
                show=False),
        Binding("k", "cursor(-1)", "Previous line", id="log.up-vim", tooltip="Previous log line",
                show=False),
        Binding("pagedown", "page(1)", "Page down", id="log.page-down",
                tooltip="A screenful of newer events", show=False),
        Binding("pageup", "page(-1)", "Page up", id="log.page-up",
                tooltip="A screenful of older events", show=False),
        Binding("home", "first", "Oldest line", id="log.first",
                tooltip="The oldest event kept", show=False),
        Binding("g", "first", "Oldest line", id="log.first-vim",
                tooltip="The oldest event kept", show=False),
        Binding("end", "last", "Newest line", id="log.last",
                tooltip="The newest event; new ones are followed again", show=False),
        Binding("G", "last", "Newest line", id="log.last-vim",
                tooltip="The newest event; new ones are followed again", show=False),
        Binding("enter", "open", "Open", id="log.open",
                tooltip="Open the backorder of the cursor's line", show=True),
    ]  # fmt: skip

    COMPONENT_CLASSES = {"log-lines--cursor", "log-lines--empty"}

    DEFAULT_CSS = css("widgets", "LogLines")

    @dataclass
    class Open(Message):
        """Enter on a line: show this backorder."""

        backorder: str

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.shown: list[schemas.Event] = []
        self.cursor = 0
        # Said on the first line when nothing is shown: until the history is read, that it is
        # on its way, so an empty pane never reads as "no events".
        self.empty_text = LOADING
        self._ids: list[int] = []
        self._strips: LRUCache[tuple[int, int, bool], Strip] = LRUCache(256)

    # -- what is shown --------------------------------------------------------------------

    def show(self, events: list[schemas.Event]) -> None:
        """Show `events` instead (a new filter): the cursor stays on its event if it is still
        shown, else goes to the newest."""
        current = self.current
        self.shown = list(events)
        self._ids = [event.id for event in self.shown]
        self._resized()
        at = bisect_left(self._ids, current.id) if current is not None else len(self._ids)
        if current is not None and at < len(self._ids) and self._ids[at] == current.id:
            self.cursor = at
            self._centre_cursor()
        else:
            self.action_last()
        self.refresh()

    def extend(self, events: list[schemas.Event], oldest_kept: int) -> None:
        """Forget lines older than event id `oldest_kept` and add `events` (they passed the
        filter); a cursor on the newest line, or a view at the end, follows them."""
        following = self.cursor >= len(self.shown) - 1
        at_end = self.scroll_offset.y >= self.max_scroll_y
        dropped = bisect_left(self._ids, oldest_kept)
        if dropped:
            del self.shown[:dropped], self._ids[:dropped]
            self.cursor = max(self.cursor - dropped, 0)
        self.shown.extend(events)
        self._ids.extend(event.id for event in events)
        self._resized()
        if following:
            self.cursor = max(len(self.shown) - 1, 0)
        if following or (at_end and not self.has_focus):
            self._scroll_end()
        elif dropped:
            self.scroll_to(y=max(self.scroll_offset.y - dropped, 0), animate=False,
                           immediate=True, force=True)  # fmt: skip
        self.refresh()

    @property
    def current(self) -> schemas.Event | None:
        """The event of the cursor's line."""
        return self.shown[self.cursor] if 0 <= self.cursor < len(self.shown) else None

    @property
    def lines(self) -> list[Strip]:
        """Every line the filter shows, oldest first, drawn at the pane's width."""
        width = self.scrollable_content_region.width
        return [self._line(index, width, False) for index in range(len(self.shown))]

    # -- drawing --------------------------------------------------------------------------

    def _resized(self) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, len(self.shown))

    def on_resize(self, event: Resize) -> None:
        self._resized()
        if self.cursor >= len(self.shown) - 1:
            self.call_after_refresh(self._scroll_end)
        else:
            self.call_after_refresh(self._keep_cursor_visible)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        index = int(self.scroll_offset.y) + y
        if index < len(self.shown):
            return self._line(index, width, self.has_focus and index == self.cursor)
        base = self.rich_style
        if index == 0 and self.empty_text:
            style = base + self.get_component_rich_style("log-lines--empty")
            text = fit(self.empty_text, width)
            return Strip([Segment(text, style)], width)
        return Strip.blank(width, base)

    def _line(self, index: int, width: int, cursor: bool) -> Strip:
        event = self.shown[index]
        key = (event.id, width, cursor)
        strip = self._strips.get(key)
        if strip is None:
            line = event_line(event)
            if cursor:  # the line's own colours would not read on the cursor's background
                line = Text(line.plain, no_wrap=True)
            line.truncate(width, overflow="ellipsis", pad=True)
            if cursor:
                line.stylize(self._cursor_style())
            base = self.rich_style
            segments = Segment.apply_style(line.render(self.app.console), base)
            strip = Strip(segments, width).crop(0, width)
            self._strips[key] = strip
        return strip

    def _cursor_style(self) -> Style:
        style = self.get_component_rich_style("log-lines--cursor")
        return style + Style(reverse=True) if self.app.no_color else style

    def on_focus(self) -> None:
        self._keep_cursor_visible()
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    # -- moving ---------------------------------------------------------------------------

    @property
    def _page_height(self) -> int:
        return max(self.scrollable_content_region.height, 1)

    def _scroll_end(self) -> None:
        self.scroll_to(y=self.max_scroll_y, animate=False, immediate=True, force=True)

    def _keep_cursor_visible(self) -> None:
        top, height = int(self.scroll_offset.y), self._page_height
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True, force=True)
        elif self.cursor >= top + height:
            y = self.cursor - height + 1
            self.scroll_to(y=y, animate=False, immediate=True, force=True)

    def _centre_cursor(self) -> None:
        y = max(self.cursor - self._page_height // 2, 0)
        self.scroll_to(y=y, animate=False, immediate=True, force=True)

    def move_to(self, index: int) -> None:
        """Put the cursor on line `index` (clamped) and scroll it into view."""
        self.cursor = max(0, min(index, len(self.shown) - 1))
        self._keep_cursor_visible()
        self.refresh()

    def action_cursor(self, step: int) -> None:
        self.move_to(self.cursor + step)

    def action_page(self, direction: int) -> None:
        self.move_to(self.cursor + direction * self._page_height)

    def action_first(self) -> None:
        self.move_to(0)

    def action_last(self) -> None:
        self.move_to(len(self.shown) - 1)
        self._scroll_end()

    def action_open(self) -> None:
        event = self.current
        if event is not None:
            self.post_message(self.Open(event.backorder))

    def on_click(self, event: Click) -> None:
        """A click puts the cursor on the line under the pointer."""
        self.move_to(int(self.scroll_offset.y) + event.y)


class FilterBox(Input):
    """The log's filter box. Enter gives the focus back to the lines at once, and the keys
    typed on past it (already on their way here) act in the lines, not in the filter."""

    def __init__(self, done: Callable[[], None], *, placeholder: str, id: str) -> None:
        # Not selecting on focus: the focus arrives after the keys typed right after "/",
        # and a selection would let the next key replace them.
        super().__init__(placeholder=placeholder, id=id, select_on_focus=False)
        self._done = done

    async def on_event(self, event: Event) -> None:
        focused = self.screen.focused
        if isinstance(event, Key) and focused is not self and focused is not None:
            focused._forward_event(Key(event.key, event.character))  # where it would have gone
            return
        await super().on_event(event)

    async def _on_key(self, event: Key) -> None:
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            self._done()
            return
        await super()._on_key(event)


class EventLog(Vertical):
    """The log pane: a filter box (shown while typing) above the lines, and a border title
    that says whether it has the focus and what it is filtered by."""

    BINDINGS = [
        Binding("slash", "filter", "Filter log", id="log.filter",
                tooltip="Show only lines of an actor, a backorder, or with these words",
                show=True),
        Binding("escape", "back", "Clear filter, then back", id="log.back",
                tooltip="Clear the log's filter; with none, back to the queue", show=True),
    ]  # fmt: skip

    DEFAULT_CSS = css("widgets", "EventLog")

    class Leave(Message):
        """Esc with no filter: give the focus back to what had it before the log."""

    def __init__(self, *, id: str | None = None, later: bool = False) -> None:
        """`later`: the pane opens empty (its border and title only) and its box and lines
        are mounted by `build`; the queue builds them once its first rows are shown."""
        super().__init__(id=id)
        self._built: AwaitMount | None = None if later else AwaitMount(self, [])
        self.last_id = 0
        self.filter_text = ""
        self._events: deque[schemas.Event] = deque(maxlen=MAX_LINES)
        self._read = False  # whether the history has been read (add was called)
        self._words: dict[int, str] = {}  # event id -> event_words, while a filter is on
        self._matches: Callable[[schemas.Event], bool] = lambda event: True

    def compose(self) -> ComposeResult:
        if self._built is not None:
            yield from self._interior()

    def _interior(self) -> ComposeResult:
        yield FilterBox(
            self._filter_done,
            placeholder="filter the log: actor, backorder, words…",
            id="log-filter",
        )
        yield LogLines(id="log-lines")

    def build(self) -> AwaitMount:
        """Mount the box and the lines of a pane made `later` (at once, once: await it before
        using them); a pane built already has nothing to wait for."""
        if self._built is None:
            self._built = self.mount_all(self._interior())
        return self._built

    def on_mount(self) -> None:
        self._show_title()

    @property
    def log_lines(self) -> LogLines:
        return self.query_one(LogLines)

    @property
    def lines(self) -> list[Strip]:
        """Every line the filter shows, oldest first, drawn at the pane's width."""
        return self.log_lines.lines

    @property
    def box(self) -> Input:
        return self.query_one("#log-filter", Input)

    def add(self, events: list[schemas.Event]) -> None:
        """Append events not seen yet, oldest first; those the filter hides are kept too, so
        clearing it shows them. The first call is the history, even when empty."""
        if not self._read:
            self._read = True
            self._say_empty()
        fresh = [event for event in events if event.id > self.last_id]
        if not fresh:
            return
        self._events.extend(fresh)
        self.last_id = fresh[-1].id
        oldest = self._events[0].id
        if self.filter_text:
            self._forget_words_before(oldest)
            fresh = [event for event in fresh if self._matches(event)]
        self.log_lines.extend(fresh, oldest)
        if self.filter_text:
            self._show_title()

    # -- focus ----------------------------------------------------------------------------

    def take_focus(self) -> None:
        """Show the pane and put the focus on its lines, the cursor on the newest."""
        self.display = True
        self.log_lines.action_last()
        self.screen.set_focus(self.log_lines)  # at once: the keys typed next go to the log

    def settle(self) -> None:
        """Back to following the newest events, as the pane does unfocused."""
        self.box.remove_class("-shown")
        self.log_lines.action_last()

    @on(DescendantFocus)
    @on(DescendantBlur)
    def _focus_moved(self) -> None:
        self.call_after_refresh(self._show_title)

    def _show_title(self) -> None:
        focused = self.has_focus_within
        title = Content("▶ Log (focused)" if focused else "Log")
        title += Content(f", times in {times.zone_name()}")
        if self.filter_text:
            shown = len(self.log_lines.shown)
            kept = len(self._events)
            title += Content(" · filter ")
            title += Content.styled(repr(self.filter_text), "bold")
            title += Content(f": {shown:,} of the last {kept:,} events")
        self.border_title = title

    # -- filter ---------------------------------------------------------------------------

    def action_filter(self) -> None:
        if not self.has_focus_within:
            self.take_focus()
        self.box.add_class("-shown")
        self.screen.set_focus(self.box)

    def action_back(self) -> None:
        if self.filter_text or self.box.has_class("-shown"):
            self.box.value = ""  # Input.Changed clears the filter
            self.set_filter("")
            self.box.remove_class("-shown")
            self.screen.set_focus(self.log_lines)
        else:
            self.settle()
            self.post_message(self.Leave())

    def on_key(self, event: Key) -> None:
        """Open the filter as "/" passes, so keys typed right after it reach the box (they
        were already on their way to the lines), as the queue's filter does; an Enter among
        them closes the box at once, so the keys after it act in the lines."""
        box = self.box
        in_box = self.screen.focused is box  # at once, not when the box hears of its focus
        if event.key == "slash" and not in_box:
            event.stop()
            self.action_filter()
        elif in_box and event.key == "enter":
            event.stop()
            self._filter_done()
        elif in_box and event.is_printable and event.character:
            event.stop()
            box.insert_text_at_cursor(event.character)

    @on(Input.Changed, "#log-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.set_filter(event.value.strip())

    def _filter_done(self) -> None:
        """Enter in the box: keep the filter, hide the box, back to the lines."""
        self.box.remove_class("-shown")
        self.screen.set_focus(self.log_lines)

    def set_filter(self, text: str) -> None:
        """Show only the kept events that match `text` (all of them when empty)."""
        if text == self.filter_text:
            return
        self.filter_text = text
        lines = self.log_lines
        if text:
            self._matches = matcher(text, self._events, self._event_words)
            lines.show([event for event in self._events if self._matches(event)])
        else:
            self._matches = lambda event: True
            self._words.clear()
            lines.show(list(self._events))
        self._say_empty()
        self._show_title()

    def _say_empty(self) -> None:
        """What the lines say while they show nothing: the history is on its way, there are
        no events, or none matches the filter."""
        if self.filter_text:
            kept = len(self._events)
            words = f"no event among the last {kept:,} matches; Esc clears"
        else:
            words = NO_EVENTS if self._read else LOADING
        self.log_lines.empty_text = words
        self.log_lines.refresh()

    def _event_words(self, event: schemas.Event) -> str:
        words = self._words.get(event.id)
        if words is None:
            words = self._words[event.id] = event_words(event)
        return words

    def _forget_words_before(self, oldest: int) -> None:
        if len(self._words) > 2 * MAX_LINES:
            self._words = {k: v for k, v in self._words.items() if k >= oldest}
