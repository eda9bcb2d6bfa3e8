"""The triage queue: a line-API list that holds and draws only a window of rows near the screen."""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from rich.segment import Segment
from rich.style import Style
from textual import on, work
from textual.binding import Binding
from textual.events import Click, MouseDown, MouseMove, MouseUp
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBarRender
from textual.strip import Strip
from textual.worker import get_current_worker

from botui import config
from botui.domain import queue_rows
from botui.domain.errors import BotuiError, ReadCancelled
from botui.domain.queue_rows import QueueRow, QueueSpec, Window
from botui.tui.first_rows import FirstRows
from botui.tui.styles import css
from botui.tui.widgets import cells

if TYPE_CHECKING:  # the Service loads after the first frame (issue 12)
    from botui.domain.core import ReadHandle
    from botui.domain.service import Service

HEADER_LINES = 1


def _binding(keys: str, action: str, description: str, binding_id: str, show: bool = False):
    # The description doubles as the tooltip the palette and a keymap's help show.
    return Binding(keys, action, description, show=show, id=binding_id, tooltip=description)


class QueueTable(ScrollView, can_focus=True, inherit_bindings=False):
    """Backorders in queue order; scrolling and jumps fetch the rows they reveal in a worker."""

    BINDINGS = [
        _binding("down", "cursor(1)", "Next row", "queue.down"),
        _binding("j", "cursor(1)", "Next row", "queue.down-vim"),
        _binding("up", "cursor(-1)", "Previous row", "queue.up"),
        _binding("k", "cursor(-1)", "Previous row", "queue.up-vim"),
        _binding("pagedown", "page(1)", "Page down", "queue.page-down"),
        _binding("pageup", "page(-1)", "Page up", "queue.page-up"),
        _binding("home", "first", "First row", "queue.first"),
        _binding("g", "first", "First row", "queue.first-vim"),
        _binding("end", "last", "Last row", "queue.last"),
        _binding("G", "last", "Last row", "queue.last-vim"),
        _binding("space", "mark", "Mark", "queue.mark", show=True),
        _binding("s", "sort", "Next sort column", "queue.sort"),
        _binding("S", "reverse", "Reverse the sort", "queue.reverse"),
        _binding("1", "view('open')", "View: open", "queue.view-open"),
        _binding("2", "view('pending')", "View: pending", "queue.view-pending"),
        _binding("3", "view('late')", "View: late", "queue.view-late"),
        _binding("4", "view('ready')", "View: ready to ship", "queue.view-ready"),
        _binding("5", "view('closed')", "View: closed", "queue.view-closed"),
        _binding("0", "view('all')", "View: all", "queue.view-all"),
    ]

    COMPONENT_CLASSES = {
        "queue-table--header",
        "queue-table--cursor",
        "queue-table--late",
        "queue-table--rush",
        "queue-table--mark",
        "queue-table--placeholder",
    }

    DEFAULT_CSS = css("widgets", "QueueTable")

    @dataclass
    class WindowLoaded(Message):
        """A worker read a window of the queue."""

        window: Window
        generation: int
        version: int  # the data the read saw: reload() starts a new version
        cursor: int | None = None  # where the row the read was asked to follow stands

    @dataclass
    class EndsLoaded(Message):
        """A worker read the first and last screens ahead, once the view was counted."""

        ends: tuple[Window, ...]
        version: int

    @dataclass
    class FirstShown(Message):
        """The first rows and the ends read ahead are in (or the read failed): slower work,
        such as the log's history and delay detection, may start without holding them up."""

    @dataclass
    class Changed(Message):
        """What the status line shows changed: the view, count, cursor, marks or sort."""

        table: QueueTable

        def can_replace(self, message: Message) -> bool:
            """A later Changed of the same table, waiting behind this one, says it all: its
            handlers read the table itself. A jump (G) posted two, and the status line and
            view bar were drawn twice for one key (0.5 ms of the event loop)."""
            return isinstance(message, QueueTable.Changed) and message.table is self.table

    @dataclass
    class LoadFailed(Message):
        """Reading the queue failed; the message says why in words."""

        text: str

    def __init__(
        self, service: Service, *, id: str | None = None, first_rows: FirstRows | None = None
    ) -> None:
        super().__init__(id=id)
        self.service = service
        self._first_rows = first_rows  # read while the app loaded (botui.tui.first_rows)
        self.window = Window(QueueSpec())
        self.cursor = 0
        self.marks: set[str] = set()
        self.fetching = True
        self._generation = 0
        self._wanted = QueueSpec()
        self._stale = True
        self._columns: list[cells.Column] = []
        self._columns_width = -1
        self._row_cells = 0
        self._readers: dict[int, ReadHandle] = {}  # the window reads in flight, to cancel
        self._asked_top: int | None = None  # the top row of the read in flight
        self._styles: dict[str, Style] | None = None
        self._bar: list[Segment] | None = None  # the scroll bar's cell on each line, or none
        self._paint_width: int | None = None  # a row's width during a paint
        self._dragging = False  # the scroll bar is held with the mouse
        self._pressed_bar = False  # the last mouse press was on the scroll bar
        self._version = 0  # bumped when the data or the view may have changed
        self._window_version = 0  # the version the window on screen was read at
        self._ends: tuple[Window, ...] = ()  # the first and last screens, read ahead
        self._ends_version = -1  # the version the ends were read (or are being read) at
        self._ends_reader: ReadHandle | None = None
        self._ends_pending = False  # an ends read is in flight for `_ends_version`
        self._first_shown = False
        self._drawn: threading.Event | None = None  # set once the first frame is drawn
        # The first read starts at mount, for a table as tall as the terminal (an upper bound
        # of its real height, known only after the layout): until it lands, a resize that
        # fits in it waits for it rather than reading again.
        self._first_height: int | None = None
        self._follow: str | None = None  # a backorder to keep or put under the cursor
        # Names of the records the queue is narrowed to ("customer:CUS-1" -> "Ada Lovelace"),
        # as known when narrowing, for the status line when no row on screen tells them.
        self.scope_names: dict[str, str] = {}

    # -- what the rest of the app reads ---------------------------------------------------

    @property
    def spec(self) -> QueueSpec:
        """What the queue is asked to show (the loaded window may still be on its way)."""
        return self._wanted

    @property
    def total(self) -> int:
        return self.window.total

    @property
    def reading(self) -> bool:
        """Whether the rows on screen are still those of another view, filter or sort: the
        read of the ones asked for (`spec`) is on its way."""
        return self.window.spec != self._wanted

    @property
    def current(self) -> QueueRow | None:
        """The row under the cursor, when it is loaded for the view asked for. While the rows
        of the view just left are still on screen, None: no key may act on a row of another
        view (a new user's `2 j c` typed as botui opened confirmed the open view's second
        row while the bar said pending)."""
        if self.reading:
            return None
        return self.window.row(self.cursor)

    def selected_ids(self) -> list[str]:
        """The marked backorders (BO-9 before BO-10), else the one under the cursor."""
        if self.marks:
            return sorted(self.marks, key=cells.natural_key)
        row = self.current
        return [row.id] if row else []

    # -- asking for rows ------------------------------------------------------------------

    @property
    def _page_height(self) -> int:
        # Not laid out yet (the first read starts at mount): at most the terminal's height.
        height = self.scrollable_content_region.height or self.app.size.height
        return max(height - HEADER_LINES, 1)

    def set_spec(
        self, spec: QueueSpec, *, keep_selected: bool = True, follow: str | None = None
    ) -> None:
        """Show another view, sort or filter: the selected row (or the backorder `follow`)
        stays selected if it is in it, else (or without `keep_selected`) the first row is."""
        if spec == self._wanted:
            if follow is not None:
                self.select(follow)
            return
        row = self.current
        if spec.view != self._wanted.view and self.marks:
            self._drop_marks()
        self._wanted = spec
        self.cursor = 0
        # At once and quietly: a scroll applied later would pull a followed row's cursor back.
        self.set_scroll(None, 0)
        if follow is not None:
            self._follow = follow
        elif keep_selected and row is not None:
            self._follow = row.id
        self.reload()

    def select(self, backorder_id: str) -> None:
        """Put the cursor on a backorder, scrolled into view, if the current view shows it."""
        self._follow = backorder_id
        self.reload()

    def reload(self) -> None:
        """Read the rows on screen again (after a change in the database), keeping the cursor.

        The ends read ahead stay usable until the re-read lands: they are as old as the rows
        already on screen, and the re-read brings fresh ones.
        """
        self._stale = True
        self._version += 1
        self._request()

    def _request(self, *, first: bool = False, after: threading.Event | None = None) -> None:
        """Read the rows on screen in a worker (`after`: once that event is set, or a second
        has passed)."""
        self._first_height = self._page_height if first else None
        self._generation += 1
        self._asked_top = int(self.scroll_offset.y)
        for reader in list(self._readers.values()):
            reader.cancel()  # its answer would be stale: stop it now
        handle = self._readers[self._generation] = self.service.read_handle()
        self._load(
            handle,
            self._generation,
            self._version,
            self._wanted,
            int(self.scroll_offset.y),
            self._page_height,
            self.window,
            self._stale,
            self._follow,
            after,
        )
        self.post_message(self.Changed(self))

    def _ensure_rows(self) -> None:
        top, height = int(self.scroll_offset.y), self._page_height
        window = self.window
        if window.spec == self._wanted and not window.covers(top, height):
            window = self._swap_to_an_end(top, height)
        if window.spec != self._wanted or not window.covers(top, height):
            first_coming = self._first_height is not None and top == 0
            if first_coming and height <= (self._first_height or 0):
                return  # the first read, started at mount, brings these rows
            if not self._an_end_is_coming(top, height):
                self._request()
            return
        if self._asked_top is not None and abs(top - self._asked_top) < queue_rows.MARGIN // 2:
            return  # the rows on screen are here and the read in flight brings the margin
        near_start = window.start > 0 and top - window.start < queue_rows.MARGIN // 2
        near_end = window.end < window.total and window.end - top - height < queue_rows.MARGIN // 2
        if near_start or near_end:
            self._request()

    def _an_end_is_coming(self, top: int, height: int) -> bool:
        """Whether the ends in flight will hold rows `top`..`top + height`: then wait for them
        rather than read the same rows twice."""
        window = self.window
        if not self._ends_pending or self._ends_version != self._window_version:
            return False
        if window.spec != self._wanted or not window.counted:
            return False
        reach = height + queue_rows.MARGIN
        return top + height <= reach or top >= window.total - reach

    def _swap_to_an_end(self, top: int, height: int) -> Window:
        """Show the first or last screen read ahead (g, G, Home, End) without waiting."""
        if self._ends_version != self._window_version:
            return self.window
        for end in self._ends:
            same = end.spec == self.window.spec and end.total == self.window.total
            if same and end.covers(top, height):
                self._ends = tuple(w for w in (*self._ends, self.window) if w is not end)
                self.window = end
                self.refresh()
                self.post_message(self.Changed(self))
                break
        return self.window

    @work(thread=True, exclusive=True, group="queue-window")
    def _load(
        self,
        handle: ReadHandle,
        generation: int,
        version: int,
        spec: QueueSpec,
        top: int,
        height: int,
        previous: Window,
        stale: bool,
        follow: str | None,
        after: threading.Event | None = None,
    ) -> None:
        """Read the window for `top`..`top + height` off the event loop.

        With `follow`, read the window around that backorder instead, if the spec shows it.
        """
        if after is not None:
            after.wait(1.0)  # not while the rows read ahead are being drawn (the GIL)
        worker = get_current_worker()
        now = config.now()
        service = self.service
        try:
            with service.session(handle, small_cache=True):
                cursor = None if follow is None else service.queue_offset(spec, now, follow)
                if cursor is not None:
                    top = max(cursor - height // 2, 0)
                    window = service.queue_window(spec, now, top, height)
                elif top == 0 and (previous.spec != spec or not previous.rows):
                    # Show the first rows at once (at start-up too); the count follows.
                    window = service.queue_first_rows(spec, now, height)
                    if not window.counted:
                        self.post_message(self.WindowLoaded(window, generation, version))
                        total = service.queue_count(spec, now)
                        window = replace(window, total=total, counted=True)
                elif stale and previous.spec == spec:
                    window = service.queue_refresh(previous, now, top, height)
                else:
                    window = service.queue_window(spec, now, top, height, previous)
                self.post_message(self.WindowLoaded(window, generation, version, cursor))
        except ReadCancelled:
            return  # a newer read replaced it
        except BotuiError as error:
            if not worker.is_cancelled:
                self.post_message(self.LoadFailed(f"could not read the queue: {error.message}"))
        except Exception as exc:  # the event loop must never see a traceback
            self.post_message(self.LoadFailed(f"could not read the queue: {exc}"))
        finally:
            self._readers.pop(generation, None)

    @work(thread=True, exclusive=True, group="queue-ends")
    def _load_ends(
        self,
        reader: ReadHandle,
        window: Window,
        version: int,
        height: int,
        after: threading.Event | None = None,
    ) -> None:
        """Read the first and last screens of a counted window's view ahead, for g and G.

        Apart from the window reads, so scrolling meanwhile does not interrupt it.
        """
        if after is not None:
            after.wait(1.0)  # not before the first frame is drawn (see _load)
        worker = get_current_worker()
        ends: tuple[Window, ...] = ()
        try:
            with self.service.session(reader, small_cache=True):
                ends = self.service.queue_ends(window, config.now(), height)
        except Exception:  # none read ahead: a jump then reads its own rows
            ends = ()
        if not worker.is_cancelled:
            self.post_message(self.EndsLoaded(ends, version))

    def _read_ends_ahead(self) -> None:
        """Start reading the ends of a freshly counted view, unless they are read already."""
        if self._ends_version == self._window_version:
            return
        self._ends, self._ends_version, self._ends_pending = (), self._window_version, True
        if self._ends_reader is not None:
            self._ends_reader.cancel()  # ends of older data: never shown now
        self._ends_reader = self.service.read_handle()
        self._load_ends(
            self._ends_reader, self.window, self._window_version, self._page_height, self._drawn
        )

    def _shown_first(self) -> None:
        if not self._first_shown:
            self._first_shown = True
            self.call_after_refresh(self.post_message, self.FirstShown())

    @on(WindowLoaded)
    def _apply_window(self, message: WindowLoaded) -> None:
        message.stop()
        if message.generation != self._generation:
            return
        self._window_version = message.version
        if message.window.counted:
            self._first_height = None  # the first read (if this was it) is done
            self._asked_top = None
            self._follow = None  # followed, or not in this view: either way it is done
        # Only a re-read of the same view keeps the row under the cursor by its id.
        same = message.window.spec == self.window.spec
        kept = self.current.id if self.current and same else None
        changed = message.window != self.window
        self.window = message.window
        self._stale = False
        self.fetching = False
        if kept is not None:
            moved = self.window.index_of(kept)
            if moved is not None:
                self.cursor = moved
        if message.cursor is not None:
            self.cursor = message.cursor
        self.cursor = min(self.cursor, max(self.window.total - 1, 0))
        self.virtual_size = Size(self.scrollable_content_region.width, self.total + HEADER_LINES)
        if message.cursor is not None:
            self._centre_cursor()
        self._keep_cursor_visible()
        self.refresh()
        self.post_message(self.Changed(self))
        if message.window.counted and message.window.spec == self._wanted:
            self._read_ends_ahead()
        if changed:
            self._ensure_rows()

    @on(EndsLoaded)
    def _keep_ends(self, message: EndsLoaded) -> None:
        message.stop()
        if message.version != self._ends_version:
            return
        self._ends, self._ends_pending = message.ends, False
        self._ensure_rows()  # a jump that waited for them shows its rows now
        self._shown_first()

    @on(LoadFailed)
    def _load_failed(self) -> None:
        self._asked_top = None  # nothing is in flight any more; the screen tells the user
        self._shown_first()

    # -- moving ---------------------------------------------------------------------------

    def _centre_cursor(self) -> None:
        """Scroll a cursor that is off screen to the middle of it."""
        top, height = int(self.scroll_offset.y), self._page_height
        if not top <= self.cursor < top + height:
            y = max(self.cursor - height // 2, 0)
            # Forced: the scrollbar of a view that just grew comes only with the next layout.
            self.scroll_to(y=y, animate=False, immediate=True, force=True)

    def _keep_cursor_visible(self) -> None:
        top, height = int(self.scroll_offset.y), self._page_height
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True, force=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True, force=True)

    def move_to(self, index: int) -> None:
        """Put the cursor on queue offset `index` (clamped) and scroll it into view."""
        self.cursor = max(0, min(index, self.total - 1))
        self._keep_cursor_visible()
        self.refresh()
        self._ensure_rows()
        self.post_message(self.Changed(self))

    def action_cursor(self, step: int) -> None:
        self.move_to(self.cursor + step)

    def action_page(self, direction: int) -> None:
        height = self._page_height
        self.scroll_to(y=self.scroll_offset.y + direction * height, animate=False, immediate=True)
        self.move_to(self.cursor + direction * height)

    def action_first(self) -> None:
        self.move_to(0)

    def action_last(self) -> None:
        self.move_to(self.total - 1)

    def action_mark(self) -> None:
        row = self.current
        if row is None:
            return
        self.marks.symmetric_difference_update({row.id})
        self.move_to(self.cursor + 1)

    def action_sort(self) -> None:
        order = queue_rows.SORTS
        following = order[(order.index(self._wanted.sort) + 1) % len(order)]
        self.set_spec(replace(self._wanted, sort=following, descending=False))

    def action_reverse(self) -> None:
        self.set_spec(replace(self._wanted, descending=not self._wanted.descending))

    def action_view(self, view: str) -> None:
        self.set_spec(replace(self._wanted, view=view))

    def set_filter(self, text: str) -> None:
        """Filter the queue by text (ids, names, SKUs, order and supplier numbers).

        Typing shows the first match; clearing the filter keeps the selected row.
        """
        self.set_spec(replace(self._wanted, text=text), keep_selected=not text)

    def _drop_marks(self) -> None:
        """Marks belong to the view they were made in (as k9s and lazygit drop a selection
        when the list changes): another view unmarks them, and says so, so that no action
        later applies to rows the person no longer sees."""
        count = len(self.marks)
        self.marks.clear()
        self.notify(
            f"{count:,} mark{'' if count == 1 else 's'} cleared: marks stay in their view",
            markup=False,
        )

    def clear_marks(self, ids: set[str] | None = None) -> None:
        """Unmark `ids`, or every row."""
        if ids is None:
            self.marks.clear()
        else:
            self.marks.difference_update(ids)
        self.refresh()
        self.post_message(self.Changed(self))

    # -- Textual hooks --------------------------------------------------------------------

    def on_mount(self) -> None:
        """Start reading the first rows now: the layout that tells the table's height takes
        ~40 ms more, which the read (in its thread) now overlaps (issue 12). Rows read while
        the app loaded are shown meanwhile, so the first frame has them; this read (rows, then
        the count) replaces them."""
        if self._generation == 0:
            early, self._first_rows = self._first_rows, None
            window = early.take(self._wanted, self._page_height) if early else None
            if window is None:
                self._request(first=True)
                return
            # The reads wait for the first frame: in their threads they would slow the
            # drawing, and the first of them opens a Service opened late (domain.late).
            drawn = self._drawn = threading.Event()
            self._request(first=True, after=drawn)
            self._apply_window(self.WindowLoaded(window, self._generation, self._version))
            self.call_after_refresh(drawn.set)

    def on_resize(self) -> None:
        if self._generation == 0:
            self._request()  # no first read yet: one for the real height
            return
        self.virtual_size = Size(self.scrollable_content_region.width, self.total + HEADER_LINES)
        self._keep_cursor_visible()
        self._ensure_rows()

    def on_click(self, event: Click) -> None:
        """A click puts the cursor on the row under the pointer."""
        if event.y >= HEADER_LINES and not self._pressed_bar:
            self.move_to(int(self.scroll_offset.y) + event.y - HEADER_LINES)

    # The scroll bar is drawn with the rows (render_line), not by Textual's ScrollBar widget:
    # that widget repainted its 30 lines through the style machinery and split every line of
    # the screen in two at each scroll, 2 ms of the event loop for G at a million rows (the
    # whole jump is ~9). Pressed or dragged, it scrolls to where the pointer is.

    def _on_bar(self, x: int) -> bool:
        return self._bar is not None and x >= self.scrollable_content_region.width - 1

    def on_mouse_down(self, event: MouseDown) -> None:
        self._pressed_bar = self._on_bar(event.x)  # its click (even dragged off it) is no row's
        if self._pressed_bar:
            event.stop()
            self._dragging = True
            self.capture_mouse()
            self._scroll_to_pointer(event.y)

    def on_mouse_move(self, event: MouseMove) -> None:
        if self._dragging:
            self._scroll_to_pointer(event.y)

    def on_mouse_up(self, event: MouseUp) -> None:
        if self._dragging:
            self._dragging = False
            self.release_mouse()

    def _scroll_to_pointer(self, y: int) -> None:
        """Scroll so the bar's thumb stands at line `y`: the top at the first line, the end at
        the last."""
        height = self.scrollable_content_region.height
        share = max(0.0, min(y / max(height - 1, 1), 1.0))
        top = round(share * max(self.total + HEADER_LINES - height, 0))
        self.scroll_to(y=top, animate=False, immediate=True)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if round(old_value) != round(new_value):
            top, height = round(new_value), self._page_height
            if not top <= self.cursor < top + height:
                self.cursor = max(top, min(self.cursor, top + height - 1))
                self.post_message(self.Changed(self))
            self._ensure_rows()

    # -- drawing --------------------------------------------------------------------------

    def _paint_styles(self) -> dict[str, Style]:
        """The styles of one paint, looked up once rather than for every row."""
        base = self.rich_style
        styles = {"base": base}
        for name in ("header", "cursor", "placeholder"):
            styles[name] = base + self.get_component_rich_style(f"queue-table--{name}")
        if self.app.no_color:
            styles["cursor"] += Style(reverse=True)
        for name in ("late", "rush", "mark"):
            # Colour and weight only, so the cursor row keeps its background.
            full = self.get_component_rich_style(f"queue-table--{name}")
            styles[name] = Style(color=full.color, bold=full.bold, underline=full.underline)
            # On the cursor row (and with NO_COLOR everywhere) weight alone: a red or yellow
            # word on the cursor's background is unreadable in 16 colours (red on cyan).
            styles[f"{name}-on-cursor"] = Style(bold=True, underline=name == "late")
            if self.app.no_color:
                styles[name] = styles[f"{name}-on-cursor"]
        return styles

    def _scroll_bar(self) -> list[Segment] | None:
        """The scroll bar's cell on each line, as Textual's own bar draws it (its glyphs and
        colours), or None when every row fits."""
        height = self.scrollable_content_region.height
        lines = self.total + HEADER_LINES
        if lines <= height or height <= 0:
            return None
        back, color = self.styles.scrollbar_background, self.styles.scrollbar_color
        if back.a < 1:
            back = self.background_colors[0] + back
        color = back + color
        bar = ScrollBarRender.render_bar(
            size=height,
            virtual_size=lines,
            window_size=height,
            position=self.scroll_offset.y,
            back_color=back.rich_color,
            bar_color=color.rich_color,
        )
        # Without the bar widget's mouse actions (grab, scroll_up): this table handles the
        # pointer on its bar itself.
        return [
            Segment(segment.text, segment.style.clear_meta_and_links() if segment.style else None)
            for segment in bar.segments
        ]

    def render_lines(self, crop: Region) -> list[Strip]:
        self._styles = self._paint_styles()
        self._bar = self._scroll_bar()
        # Looked up once a paint, not at each line (the region is found in the compositor's map)
        self._paint_width = self.scrollable_content_region.width - (self._bar is not None)
        try:
            return super().render_lines(crop)
        finally:
            self._paint_width = None

    def render_line(self, y: int) -> Strip:
        width = self._paint_width
        if width is None:
            width = self.scrollable_content_region.width - (self._bar is not None)
        strip = self._line(y, width)
        if self._bar is not None and y < len(self._bar):
            return Strip([*strip, self._bar[y]], strip.cell_length + 1)
        return strip

    def _line(self, y: int, width: int) -> Strip:
        if width != self._columns_width:
            self._columns, self._columns_width = cells.layout(width), width
            # cells.fit makes each cell exactly its column's width: a row's cells, mark and gaps
            self._row_cells = cells.MARK_WIDTH + sum(c.width for c in self._columns)
            self._row_cells += len(self._columns) - 1
        styles = self._styles or self._paint_styles()
        if y < HEADER_LINES:
            return self._header(width, styles["header"])
        index = int(self.scroll_offset.y) + y - HEADER_LINES
        if index >= self.total:
            return Strip.blank(width, styles["base"])
        style = styles["cursor"] if index == self.cursor else styles["base"]
        row = self.window.row(index)
        if row is None:
            placeholder = style + styles["placeholder"]
            return Strip([Segment(cells.fit("  …", width), placeholder)])
        return self._row(row, width, style, styles)

    def _header(self, width: int, style: Style) -> Strip:
        sort_column = {"triage": "priority", "ship": "ship", "created": "age"}.get(
            self._wanted.sort, self._wanted.sort
        )
        arrow = cells.sort_arrow(self._wanted)
        parts = [" " * cells.MARK_WIDTH]
        for column in self._columns:
            title = column.title + (arrow if column.key == sort_column else "")
            parts.append(cells.fit(title, column.width, column.align))
        text = parts[0] + " ".join(parts[1:])
        return Strip([Segment(cells.fit(text, width), style)])

    def _row(self, row: QueueRow, width: int, style: Style, styles: dict[str, Style]) -> Strip:
        now = config.now()
        ship, late = cells.ship_relative(
            row.estimated_ship_date, row.status, now, row.actual_ship_date
        )
        values = {
            "id": row.id,
            "status": cells.STATUS_LABELS.get(row.status, row.status),
            "priority": cells.PRIORITY_LABELS[row.priority_level],
            "product": row.product,
            "customer": row.customer,
            "allocation": f"{row.allocated}/{row.quantity}",
            "price": cells.short_money(row.price),
            "ship": ship,
            "age": cells.age(row.created_at, now),
            "business": row.business,
            "order": row.order_number or "-",
            "delivery": cells.delivery_relative(row.estimated_delivery_date, row.status, now),
            "supplier": row.supplier_order or "-",
        }
        on = "-on-cursor" if style is styles["cursor"] else ""
        accents = {
            "ship": styles["late" + on] if late else None,
            "priority": styles["rush" + on] if row.priority_level == "rush" else None,
        }
        marked = row.id in self.marks
        segments = [Segment("*" if marked else " ", style + styles["mark" + on])]
        # Cells of one style are joined into one segment (a row is 2-4 segments, not ~26):
        # every segment costs again in Textual's line cache, its filters and the compositor,
        # which a jump that scrolls pays for each of the ~28 rows it draws anew.
        run: list[str] = []
        for position, column in enumerate(self._columns):
            if position:
                run.append(" ")
            text = cells.fit(values[column.key], column.width, column.align)
            accent = accents.get(column.key)
            if accent is None:
                run.append(text)
                continue
            if run:
                segments.append(Segment("".join(run), style))
                run = []
            segments.append(Segment(text, style + accent))
        used = self._row_cells
        if used < width:
            run.append(" " * (width - used))
        if run:
            segments.append(Segment("".join(run), style))
        if used <= width:
            return Strip(segments, width)
        return Strip(segments).crop(0, width)
