"""The main screen: the windowed queue, its filter and status line, and the live event log."""

from __future__ import annotations

import gc
import re
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.await_complete import AwaitComplete
from textual.binding import Binding
from textual.css.query import NoMatches
from textual.events import Key
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input, Static

from botui import config
from botui.domain import queue_rows
from botui.domain.errors import BotuiError
from botui.domain.text import safe_for_terminal
from botui.tui.attempt import attempt
from botui.tui.host import botui_app
from botui.tui.screens._filter import hand_to_filter, show_filter
from botui.tui.widgets.cells import sort_arrow
from botui.tui.widgets.event_log import EventLog, LogLines
from botui.tui.widgets.queue_table import QueueTable
from botui.tui.widgets.status_line import StatusLine, narrowing_words
from botui.tui.widgets.view_bar import ViewBar

if TYPE_CHECKING:  # the schemas (pydantic) load after the first rows: see botui.lazy
    from textual.timer import Timer

    from botui.domain import schemas
    from botui.domain.service import Service  # loaded after the first frame (issue 12)
    from botui.tui.first_rows import FirstRows
    from botui.tui.widgets.first_steps import FirstSteps

HISTORY = 200
PAGE = 200  # lines drawn per message: about 25 ms of the event loop
# The footer's hints in order of need, for narrow terminals; the help lists every key. Help
# and quit first: at 60 columns a person who sees neither can neither learn nor leave (trial);
# then the triage actions and Enter (at 60 columns / and Space give way: ? lists them).
FOOTER_KEEP = (
    "help",
    "app.quit",
    "triage('confirm')",
    "triage('fulfill')",
    "triage('cancel')",
    "open",
    "filter",
)


@dataclass(frozen=True)
class _Return:
    """The queue as it was before a customer view or a report's row opened, and the detail it
    opened from (a customer view) or the row that was selected (a report's row)."""

    spec: queue_rows.QueueSpec
    backorder: str | None
    reopen: bool = True  # open `backorder`'s detail again (a customer view came from it)
    # The report and its row a report's jump came from: Esc opens it again, on that row.
    report: tuple[str, str] | None = None


def _key(keys: str, action: str, description: str, binding_id: str, show: bool = True) -> Binding:
    # The description doubles as the tooltip the palette and a keymap's help show.
    return Binding(keys, action, description, show=show, id=binding_id, tooltip=description)


# A filter that could be a backorder's id ("BO-26", "bo-26"): only such a filter that finds
# nothing is looked up, to say which view holds it.
AN_ID = re.compile(r"[A-Za-z][A-Za-z0-9]*-\d+")
EXPLAIN_AFTER_SECONDS = 0.6


# The widest a toast is at 80 columns (half the screen, less its padding and edge).
TOAST_TEXT_WIDTH = 36


def short_folder(folder: Path, width: int = TOAST_TEXT_WIDTH) -> str:
    """A folder in at most `width` cells: the home folder as `~`, a long start cut to `…`."""
    shown = str(folder)
    home = str(Path.home())
    if home != "/" and (shown == home or shown.startswith(home + "/")):
        shown = "~" + shown[len(home) :]
    return shown if len(shown) <= width else "…" + shown[-(width - 1) :]


def exported_text(written: int, path: Path, about: tuple[str, ...] = ()) -> str:
    """What the export toast says, each line short enough for a toast at 80 columns: the count,
    the file's name, its folder, what the queue was narrowed, filtered and sorted by (`about`,
    as the status line says it: the file holds the rows on screen, in their order), and the
    unit of its prices (which the screen shows in dollars)."""
    rows = f"{written:,} backorder" + ("" if written == 1 else "s")
    folder = short_folder(path.parent, TOAST_TEXT_WIDTH - len("in "))
    lines = [f"Exported {rows} to", path.name, f"in {folder}"]
    lines += [_cut(line, TOAST_TEXT_WIDTH) for line in about]
    return "\n".join([*lines, "(price in cents)"])


def _cut(text: str, width: int) -> str:
    """`text` in at most `width` cells, cut with "…"."""
    return text if cell_len(text) <= width else set_cell_size(text, width - 1) + "…"


def export_about(table: QueueTable) -> tuple[str, ...]:
    """What narrows the queue's rows and orders them, in the status line's words, for the
    export toast: "customer: Ada Lovelace", "filter: 'lamp'", "sort: ship date ▼"."""
    from botui.domain.queue import SORT_LABELS  # loaded by the export anyway

    spec = table.spec
    about = [f"{column}: {value}" for column, value in narrowing_words(table)]
    if spec.text:
        about.append(f"filter: {spec.text!r}")
    if spec.sort != "triage" or spec.descending:
        about.append(f"sort: {SORT_LABELS[spec.sort]} {sort_arrow(spec)}")
    return tuple(about)


class QueueScreen(Screen[None]):
    """Triage from the keyboard; every change comes back through the event log and redraws."""

    AUTO_FOCUS = "#queue"
    BINDINGS = [
        _key("enter", "open", "Open", "queue.open"),
        _key("c", "triage('confirm')", "Confirm", "queue.confirm"),
        _key("f", "triage('fulfill')", "Fulfil", "queue.fulfill"),
        _key("x", "triage('cancel')", "Cancel", "queue.cancel"),
        _key("d", "triage('delete')", "Delete", "queue.delete", show=False),
        _key("t", "triage('estimate')", "Estimate", "queue.estimate", show=False),
        _key("m", "triage('notify')", "Notify customer", "queue.notify", show=False),
        _key("r", "triage('receive')", "Receive stock", "queue.receive", show=False),
        _key("e", "edit", "Edit", "queue.edit", show=False),
        _key("n", "new", "New backorder", "queue.new", show=False),
        _key("slash", "filter", "Filter", "queue.filter"),
        _key("escape", "escape", "Clear filter, narrowing, marks", "queue.escape", show=False),
        Binding(
            "equals_sign",
            "narrow",
            "Narrow to the row's customer, product, status…",
            id="queue.narrow",
            tooltip="Keep only the backorders that share a value of the row under the cursor",
            show=False,
        ),
        _key("l", "toggle_log", "Show or hide the log", "queue.log", show=False),
        Binding(
            "L",
            "focus_log",
            "Focus the log: scroll, filter, open",
            id="queue.focus-log",
            tooltip="Grow the log and move into it; L or Esc comes back to the queue",
            show=False,
        ),
        _key(
            "X",
            "export",
            "Export rows shown (filter, narrowing, sort)",  # CSV; the help is 46 wide
            "queue.export",
            show=False,
        ),
        _key("R", "reports", "Reports: aging, products, service", "queue.reports", show=False),
        _key("o", "outbox", "Outbox: send, retry, mark sent", "queue.outbox", show=False),
        _key("P", "records('product')", "Products", "queue.products", show=False),
        _key("C", "records('customer')", "Customers", "queue.customers", show=False),
        _key("B", "records('business')", "Businesses", "queue.businesses", show=False),
        _key("O", "records('order')", "Orders", "queue.orders", show=False),
        _key("q", "app.quit", "Quit", "queue.quit"),
    ]

    @dataclass
    class Exported(Message):
        """An export finished (`text` says where) or failed (`failed`, `text` says why)."""

        text: str
        failed: bool = False

    @dataclass
    class EventsArrived(Message):
        """New events were read from the log, oldest first."""

        events: list[schemas.Event]

    def __init__(self, service: Service, first_rows: FirstRows | None = None) -> None:
        super().__init__()
        self.service = service
        self._first_rows = first_rows  # read while the app loaded: the first frame shows them
        self._polling = False
        self._return: _Return | None = None  # where Esc goes back to from a customer view
        self._rest: AwaitComplete | None = None  # the widgets mounted after the first rows
        # The (filter, view) whose empty result is explained (an id in another view) and the
        # timer that explains it once the typing has stopped.
        self._explained: tuple[str, str] | None = None
        self._explain_timer: Timer | None = None
        # How many marks the queue shows, for a _marks_key, and the key last asked about.
        self._marks_shown: tuple[tuple[object, ...], int] | None = None
        self._marks_asked: tuple[object, ...] | None = None

    def compose(self) -> ComposeResult:
        if self.service.readonly:
            yield Static(
                Text(
                    f"READ-ONLY: {safe_for_terminal(self.service.path)} can't be changed;"
                    " actions are refused"
                ),
                id="readonly-banner",
            )
        yield ViewBar(self.service, id="views")
        yield QueueTable(self.service, id="queue", first_rows=self._first_rows)
        # The first-steps panel and the filter box (both hidden) come here: see mount_the_rest.
        yield StatusLine(id="status")
        yield EventLog(id="log", later=True)
        # The keys line, empty: the footer itself replaces it once the first rows are shown
        # (loading, styling and laying out a footer took ~6 ms before them: issue 12).
        yield Static(id="keys-later")

    def mount_the_rest(self) -> AwaitComplete:
        """Mount what the first rows do not need: the first-steps panel and the filter box
        (hidden until wanted) and the log's lines and box. Textual mounts and styles each
        widget before the first frame it is in, so leaving these out of the first one brings
        the first rows ~20 ms sooner (issue 12). Called once the first rows are shown, and by
        whatever needs them sooner (a "/" typed at once): await it before using them."""
        if self._rest is None:
            from botui.tui.widgets.first_steps import FirstSteps  # not in the first frame

            panel = FirstSteps(self.service, id="first-steps")
            box = Input(placeholder="filter: id, customer, product, SKU, order…", id="filter")
            self._rest = AwaitComplete(
                self.mount(panel, box, after=self.table), self.query_one(EventLog).build()
            )
        return self._rest

    def _filter_box(self) -> Input | None:
        """The filter box, None while it is not mounted yet (then hidden and empty)."""
        found = self.query("#filter")
        return found.first(Input) if found else None

    def _first_steps(self) -> FirstSteps | None:
        """The first-steps panel, None while it is not mounted yet (mount_the_rest)."""
        found = self.query("#first-steps")
        return cast("FirstSteps", found.first()) if found else None

    @property
    def _steps(self) -> FirstSteps:
        """The first-steps panel, once mounted (mount_the_rest)."""
        steps = self._first_steps()
        if steps is None:
            raise NoMatches("#first-steps is not mounted yet")
        return steps

    @property
    def table(self) -> QueueTable:
        return self.query_one(QueueTable)

    @on(QueueTable.FirstShown)
    async def _start_polling(self) -> None:
        """Read the log only once the first rows are on screen: its history costs the event
        loop ~25-55 ms that would otherwise delay them. The keys line and the widgets the
        first rows do not need too (KeyFooter, mount_the_rest)."""
        if not self.is_attached:
            return  # closed already (quit at once)
        from botui.tui.widgets.footer import KeyFooter

        footer = KeyFooter(keep=FOOTER_KEEP)
        with self.app.batch_update():  # one frame: the footer where the empty line was
            await self.query_one("#keys-later").remove()
            await self.mount(footer)
        # The keys are settled, so no change of focus will tell it: told here, in its own
        # context (its hints bind to it as they are made).
        footer.call_later(footer.bindings_changed, self)
        await self.mount_the_rest()
        if not self.is_attached:
            return  # closed while mounting (quit as the first rows came)
        self._steps.check()
        self.query_one(ViewBar).recount()
        self._poll()
        from botui.tui.live import follow_events

        follow_events(self, self.service, self._poll)

    # -- the live log ---------------------------------------------------------------------

    def _poll(self) -> None:
        """Ask for new events unless the last question is still out."""
        if not self._polling:
            self._polling = True
            self._read_events(self.query_one(EventLog).last_id or None)

    @work(thread=True, group="event-log")
    def _read_events(self, since: int | None) -> None:
        """Read the events after `since` (None: the last 200) off the event loop."""
        events: list[schemas.Event] = []
        try:
            with self.service.session(small_cache=True):
                if since is None:
                    since = max(self.service.latest_event_id() - HISTORY, 0)
                events = self.service.events({"since": since, "limit": PAGE}).data
        except Exception:  # a failed read is retried at the next tick
            events = []
        self.post_message(self.EventsArrived(events))

    @on(EventsArrived)
    def _show_events(self, message: EventsArrived) -> None:
        self._polling = False
        log = self.query_one(EventLog)
        was = log.last_id
        log.add(message.events)
        if not was and message.events:
            gc.freeze()  # the history just drawn stays: keep it out of full GC passes too
        steps = self._steps
        if message.events and (was or steps.empty):
            self.table.reload()
            self.query_one(ViewBar).recount()
            if steps.empty:  # someone may have added the first backorder
                steps.check()
        if len(message.events) == PAGE:
            self._poll()

    # -- status line and filter -----------------------------------------------------------

    @dataclass
    class MarksShown(Message):
        """How many of the marks the queue shows, for the marks, spec and total in `key`."""

        key: tuple[object, ...]
        shown: int

    def _marks_key(self) -> tuple[object, ...] | None:
        """What decides which marks are shown: the marks, the spec and the rows' count (a
        marked row another desk moved out of the view changes it)."""
        table = self.table
        if not table.marks:
            return None
        return (frozenset(table.marks), table.spec, table.total)

    @on(QueueTable.Changed)
    def _show_status(self) -> None:
        key = self._marks_key()
        known = self._marks_shown
        shown = known[1] if known is not None and known[0] == key else None
        if key is not None and shown is None and self._marks_asked != key:
            self._marks_asked = key
            self._count_marks_shown(key, self.table.spec, sorted(self.table.marks))
        self.query_one(StatusLine).show(self.table, shown)
        self.query_one(ViewBar).show(self.table.spec)
        table, spec = self.table, self.table.spec
        empty = table.window.spec == spec and table.window.counted and not table.total
        typed = spec.text.strip()
        explainable = (
            empty and spec.view != "all" and not spec.scoped and bool(AN_ID.fullmatch(typed))
        )
        key = (typed, spec.view)
        if not explainable:
            self._explained = None  # a later empty result of the same filter is told again
        elif key != self._explained:
            self._explained = key
            if self._explain_timer is not None:
                self._explain_timer.stop()
            # Once the typing has stopped: 'BO-3' on the way to 'BO-35' is not asked about.
            self._explain_timer = self.set_timer(EXPLAIN_AFTER_SECONDS, self._explain_now)

    @work(thread=True, exclusive=True, group="queue-marks-shown")
    def _count_marks_shown(
        self, key: tuple[object, ...], spec: queue_rows.QueueSpec, marks: list[str]
    ) -> None:
        """Count the marks the queue shows (a filter or narrowing may hide some: they are
        still acted on, so the status line says "3 marked (1 shown)")."""
        shown, _ = attempt(
            self.service,
            lambda: self.service.queue_shown(spec, config.now(), marks),
            small_cache=True,
        )
        if shown is not None:
            self.post_message(self.MarksShown(key, len(shown)))

    @on(MarksShown)
    def _marks_counted(self, message: MarksShown) -> None:
        self._marks_shown = (message.key, message.shown)
        if message.key == self._marks_key():
            self.query_one(StatusLine).show(self.table, message.shown)

    def _explain_now(self) -> None:
        self._explain_timer = None
        if self._explained is not None:
            self._explain_empty(*self._explained)

    @dataclass
    class Located(Message):
        """Where a backorder a filter named is (`status`), for the view it was asked in."""

        typed: str
        view: str
        backorder_id: str
        status: str

    @work(thread=True, exclusive=True, group="queue-explain")
    def _explain_empty(self, typed: str, view: str) -> None:
        """Look up the backorder a filter that finds nothing names (exactly as typed, or in
        capitals as ids are written); the answer is told on the event loop (`_located`)."""
        for candidate in dict.fromkeys((typed, typed.upper())):
            try:
                found = self.service.get({"id": candidate})
            except BotuiError:
                continue  # no such backorder (or the database is busy): nothing to tell
            self.post_message(self.Located(typed, view, found.id, found.status))
            return

    @on(Located)
    def _located(self, message: Located) -> None:
        """Say which view holds the backorder, if the queue still shows that filter, in that
        view, finding nothing (a new user typed /BO-26 in the open view; it was cancelled)."""
        if self._explained != (message.typed, message.view):
            return  # typed on or moved since: the answer is about another filter
        from botui.domain import statuses

        home = "closed" if message.status in statuses.CLOSED_STATUSES else "open"
        if home == message.view:
            return  # in this view's statuses: nothing to point to
        bar = self.query_one(ViewBar)
        keys = bar.view_keys()
        # The keys in brackets only when the view bar shows them too (not below 70 columns).
        home_key, all_key = (
            (f" ({keys[home]})", f" ({keys['all']})") if bar.shows_keys else ("", "")
        )
        self.notify(
            f"{message.backorder_id} is {message.status}: it is in the {home} view{home_key} "
            f"and in all{all_key}, not in {message.view}",
            markup=False,
        )

    @on(QueueTable.LoadFailed)
    def _load_failed(self, message: QueueTable.LoadFailed) -> None:
        self.notify(message.text, severity="error", markup=False)

    async def action_filter(self) -> None:
        await self.mount_the_rest()
        show_filter(self, self.query_one("#filter", Input))

    async def on_key(self, event: Key) -> None:
        """Open the filter as "/" passes, so keys typed right after it reach the box (the
        keys after it wait in line while a box not mounted yet is mounted)."""
        if event.key == "slash":
            await self.mount_the_rest()
        box = self._filter_box()
        if box is not None:
            hand_to_filter(self, box, event)

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.table.set_filter(event.value.strip())

    @on(Input.Submitted, "#filter")
    def _filter_done(self, event: Input.Submitted) -> None:
        if not event.value.strip():
            event.input.remove_class("-shown")
        self.table.focus()

    def _clear_filter(self) -> None:
        box = self._filter_box()
        if box is not None:
            box.value = ""
            box.remove_class("-shown")
        self.table.set_filter("")
        self.table.focus()

    def action_escape(self) -> None:
        box = self._filter_box()
        if self.table.spec.text or (box is not None and box.has_class("-shown")):
            self._clear_filter()
        elif self.table.spec.scoped:
            self._clear_narrowing()
        elif self.table.marks:
            self.table.clear_marks()

    def action_export(self) -> None:
        """Export exactly the rows the queue shows, in its order: the whole spec (view, sort,
        filter, narrowings, aging bucket), and say in the toast what narrowed them."""
        spec = self.table.spec
        self._export(spec.view, spec.export_input(), export_about(self.table))

    @work(thread=True, group="export")
    def _export(self, view: str, payload: dict[str, Any], about: tuple[str, ...]) -> None:
        """Write the queue's rows to a CSV file in the folder botui was started in, by the
        function `botui export` writes with (the same columns; price in cents)."""
        try:
            from botui.io.export import default_file_name, export_to_file

            path = Path.cwd() / default_file_name(view, config.now())
            with self.service.session():
                written = export_to_file(self.service, payload, "csv", path)
        except BotuiError as error:
            self.post_message(self.Exported(f"Export failed: {error.message}", failed=True))
            return
        except Exception as exc:  # the queue stays up whatever went wrong; say what it was
            self.post_message(self.Exported(f"Export failed: {exc}", failed=True))
            return
        self.post_message(self.Exported(exported_text(written, path, about)))

    @on(Exported)
    def _say_exported(self, message: Exported) -> None:
        self.notify(
            safe_for_terminal(message.text),
            severity="error" if message.failed else "information",
            markup=False,
            timeout=10,
        )

    def action_reports(self) -> None:
        from botui.tui.screens.reports import ReportsScreen  # imported when first opened

        self.app.push_screen(ReportsScreen(self.service), self.show_scope)

    def _back_to_report(self, shown: str, row: str) -> None:
        """Open the reports again on `shown`, the cursor on `row` (Esc after a report's jump:
        back where the person came from, as k9s does; the queue is as it was before them)."""
        from botui.tui.screens.reports import ReportsScreen

        self.app.push_screen(ReportsScreen(self.service, shown, row), self.show_scope)

    def show_scope(self, scope: dict[str, str] | None) -> None:
        """Show the open backorders of a report's row: a product, or an aging bucket
        (`scope` as ReportsScreen closes with it; None leaves the queue as it was).
        Esc then goes back to the report, on that row; Esc there, to the queue as it was
        before the reports (view, filter, row)."""
        if scope is None:
            return
        self._set_filter_box("")
        product, age = scope.get("product", ""), scope.get("age", "")
        report = ("products", product) if product else ("aging", age)
        if self._return is None:  # the queue as it was before the reports
            row = self.table.current
            self._return = _Return(self.table.spec, row.id if row else None, False, report)
        else:
            self._return = replace(self._return, report=report)
        spec = replace(self.table.spec.unscoped(), view="open", text="", product=product, age=age)
        self.table.set_spec(spec, keep_selected=False)
        self.table.focus()

    # -- narrowing and the customer view ----------------------------------------------------

    def _set_filter_box(self, text: str) -> None:
        box = self._filter_box()
        if box is not None:  # else not mounted yet: hidden and empty
            box.value = text
            box.set_class(bool(text), "-shown")

    def action_narrow(self) -> None:
        from botui.tui.dialogs.narrow import NarrowPicker  # imported when first opened

        row = self.table.current
        if row is not None:
            self.app.push_screen(NarrowPicker(row), partial(self._narrow, row))

    def _narrow(self, row: queue_rows.QueueRow, column: str | None) -> None:
        """Keep the view and filter, and only the backorders sharing the row's `column`."""
        if column is None:
            return
        from botui.tui.dialogs.narrow import shown_value

        value = row.narrowing(column)
        self.table.scope_names[f"{column}:{value}"] = shown_value(row, column)
        narrowed: dict[str, Any] = {column: value}  # column: one of NARROWINGS, a str field
        self.table.set_spec(replace(self.table.spec, **narrowed))
        self.table.focus()

    def show_customer(self, customer: str, name: str, came_from: str) -> None:
        """Every backorder of one customer, whatever its status, with `came_from` selected;
        Esc there puts the queue back as it was and reopens `came_from`'s detail."""
        if self._return is None:
            self._return = _Return(self.table.spec, came_from)
        else:  # a customer view opened from within one: Esc still restores the first queue
            self._return = replace(self._return, backorder=came_from, reopen=True, report=None)
        self.table.scope_names[f"customer:{customer}"] = name
        self._set_filter_box("")
        spec = replace(self.table.spec.unscoped(), view="all", text="", customer=customer)
        self.table.set_spec(spec, follow=came_from)
        self.table.focus()

    def _clear_narrowing(self) -> None:
        back, self._return = self._return, None
        if back is None:
            self.table.set_spec(self.table.spec.unscoped())
            return
        self._set_filter_box(back.spec.text)
        self.table.set_spec(back.spec, follow=back.backorder)
        if back.reopen and back.backorder is not None:
            botui_app(self).open_detail(back.backorder)
        elif back.report is not None:
            self._back_to_report(*back.report)

    def action_toggle_log(self) -> None:
        log = self.query_one(EventLog)
        if log.has_focus_within:
            self._leave_log()
        log.display = not log.display

    async def action_focus_log(self) -> None:
        """Move into the log (it grows), or back to the queue when already in it."""
        log = self.query_one(EventLog)
        if log.has_focus_within:
            self._leave_log()
        else:
            await self.mount_the_rest()  # its lines, if L came before the first rows
            log.take_focus()

    @on(EventLog.Leave)
    def _leave_log(self) -> None:
        self.query_one(EventLog).settle()
        self.table.focus()

    @on(LogLines.Open)
    def _open_from_log(self, message: LogLines.Open) -> None:
        botui_app(self).open_detail(message.backorder)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """In the log, keys that act on the queue's row do nothing: the person is reading
        another backorder's line, not that row."""
        log = self.query(EventLog)
        return not (action in ("triage", "edit") and log and log.first().has_focus_within)

    # -- actions --------------------------------------------------------------------------

    def _still_reading(self) -> bool:
        """Whether a key on the cursor's row must wait: the rows of the view, filter or sort
        just asked for are still on their way (then it says so and does nothing)."""
        if self.table.reading and not self.table.marks:
            self.notify(
                f"Still reading the {self.table.spec.view} view: nothing was done; "
                "press the key again once its rows are shown",
                severity="warning",
                markup=False,
            )
            return True
        return False

    def action_triage(self, action: str) -> None:
        table = self.table
        if self._still_reading():
            return
        botui_app(self).run_triage(
            action, table.selected_ids(), marked=bool(table.marks), scope=table.spec
        )

    def action_open(self) -> None:
        row = self.table.current
        if row is not None:
            botui_app(self).open_detail(row.id)
        else:
            self._still_reading()

    def action_edit(self) -> None:
        row = self.table.current
        if row is not None:
            botui_app(self).open_form(row.id)
        else:
            self._still_reading()

    def action_new(self) -> None:
        botui_app(self).open_form(None)

    def action_records(self, kind: str) -> None:
        from botui.tui.screens.records import RecordsScreen  # imported when first opened

        self.app.push_screen(RecordsScreen(self.service, kind))

    def action_outbox(self) -> None:
        botui_app(self).open_outbox()

    def finished(self, succeeded: set[str], select: str | None = None) -> None:
        """After an action: unmark what succeeded and read the rows on screen again.

        With `select`, put the cursor on that backorder if this view shows it.
        """
        self.table.clear_marks(succeeded)
        steps = self._first_steps()
        if steps is not None and steps.empty:
            steps.check()
        if select is None:
            self.table.reload()
        else:
            self.table.select(select)
