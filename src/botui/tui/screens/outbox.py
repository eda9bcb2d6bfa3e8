"""The outbox screen: queued, failed and sent messages with their errors; send, retry, mark sent.

It reads a page at a time through the Service in a worker (an outbox of a million entries
shows as fast as one of ten), and sends through `botui.io.outbox`, the code of
`botui outbox send`, on a worker thread: the event loop never waits on the mail server.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.coordinate import Coordinate
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.widgets import DataTable, Static, Tab, Tabs

from botui.domain import schemas
from botui.domain.delivery import OutboxLine, OutboxScreenPage
from botui.domain.errors import BotuiError
from botui.domain.service import Service
from botui.domain.text import safe_for_terminal
from botui.io.outbox import Unreachable, configured_channels, send_entry, send_outbox
from botui.settings import Loaded
from botui.tui.attempt import refuse_readonly
from botui.tui.dialogs._dialog import Result
from botui.tui.dialogs._fields import attempt
from botui.tui.dialogs.confirm import Question
from botui.tui.formatting import short_stamp, times
from botui.tui.formatting.outcome import Outcome
from botui.tui.styles import css
from botui.tui.widgets.footer import KeyFooter

PAGE = 100  # entries shown at once; ] and [ page on, by id, never by offset
SEND_ALL_LIMIT = 1000  # one press of S sends at most this many; press again for more
TABS = (("queued", "Queued"), ("failed", "Failed"), ("sent", "Sent"), ("all", "All"))
FOOTER_KEEP = ("send", "retry", "mark_sent", "back", "send_all")
# The list's columns and their widths; "Last error" (at most LAST_ERROR wide) is shown only
# when at least LAST_ERROR_LEAST cells are left for it: at 80 columns it stood off the screen's
# edge and its scrollbar's thumb read as an empty toast (trial). The selected entry's error is
# always in the pane below.
COLUMNS = (
    ("Created", 11),
    ("Ch", 5),
    ("To", 14),
    ("Subject", 12),
    ("Status", 7),
    ("Tries", 5),
    ("Next try", 11),
)
LAST_ERROR = 60
LAST_ERROR_LEAST = 12


def column_widths(width: int, padding: int) -> list[tuple[str, int]]:
    """The columns that fit a table `width` cells wide (each cell padded by `padding` on each
    side, a 1-cell scrollbar beside them): Last error only when room is left for it."""
    used = sum(w for _, w in COLUMNS) + 2 * padding * (len(COLUMNS) + 1) + 1
    spare = width - used
    if spare < LAST_ERROR_LEAST:
        return list(COLUMNS)
    return [*COLUMNS, ("Last error", min(spare, LAST_ERROR))]


def _key(keys: str, action: str, words: str, binding_id: str, tip: str, show: bool = True):
    return Binding(keys, action, words, show=show, id=binding_id, tooltip=tip)


def result_text(result: schemas.DeliveryResult) -> str:
    """The counts of a send as staff read them: "sent 1, failed 0, waiting 3"."""
    return f"sent {result.sent:,}, failed {result.failed:,}, waiting {result.waiting:,}"


def delivery_failed(error: BotuiError) -> str:
    """Why a send did not happen, in one line; an unreachable server is named as such."""
    if isinstance(error, Unreachable):
        return f"Mail server unreachable: {error.message}"
    return f"Not sent: {error.message}"


@dataclass(frozen=True)
class Report:
    """How a send went, for a toast: its words, their severity, and whether anything was
    tried (sent or refused)."""

    text: str
    severity: SeverityLevel
    tried: bool


def deliver(
    service: Service,
    loaded: Loaded,
    channels: list[str],
    entry_id: int | None = None,
    limit: int = SEND_ALL_LIMIT,
) -> Report:
    """Send one entry now (or every due one, oldest first) through `botui outbox send`'s code,
    on the calling thread's own connection; never raises."""
    if entry_id is None:
        result, error = attempt(service, lambda: send_outbox(service, loaded, limit, channels))
        if result is not None:
            severity: SeverityLevel = "warning" if result.failed else "information"
            return Report(
                f"Outbox: {result_text(result)}", severity, bool(result.sent + result.failed)
            )
    else:
        one, error = attempt(service, lambda: send_entry(service, loaded, entry_id, channels))
        if one is not None:
            text = f"Outbox: {result_text(one.result)}"
            if one.refusal is not None:
                text += f"\nEntry {entry_id} refused: {one.refusal}"
                if one.entry.status == "failed":
                    text += " (failed: that was its last attempt)"
            return Report(text, "warning" if one.refusal else "information", True)
    error = error or BotuiError("busy", "busy, try again")
    return Report(delivery_failed(error), "error", False)


def not_configured(loaded: Loaded | None, channel: str) -> str:
    """What to add to the configuration file before botui can send on `channel`."""
    where = str(loaded.path) if loaded is not None else "the configuration file"
    if channel == "sms":
        return (
            f'SMS is not configured: add [sms] command = ["send-sms", "{{to}}"] to {where}; '
            "nothing was sent"
        )
    return (
        f"Mail is not configured: add a [mail] section (host, port, from) to {where}; "
        "nothing was sent"
    )


def _next_try(line: OutboxLine) -> str:
    entry = line.entry
    if line.sending:
        return "sending"
    if entry.status == "failed":
        return "retry (r)"
    if entry.status == "sent":
        return "-"
    return "due now" if line.next_attempt_at is None else short_stamp(line.next_attempt_at)


def _cell(text: str) -> Text:
    """Stored text as one line of a cell: literal, never markup, cut with an ellipsis."""
    return Text(" ".join(safe_for_terminal(text).split()), no_wrap=True, overflow="ellipsis")


def entry_detail(line: OutboxLine) -> Text:
    """The selected entry in full: to whom, its state and last error, the message itself, and
    its Message-ID last (times in the zone the title names)."""
    entry = line.entry
    text = Text()
    text.append(f"#{entry.id} ", style="bold")
    text.append(
        safe_for_terminal(
            f"{entry.channel} to {entry.to} about {entry.backorder}, queued by {entry.actor} "
            f"{short_stamp(entry.created_at)}"
        )
    )
    text.append("\nStatus: ", style="bold")
    if entry.status == "sent":
        text.append(f"sent {short_stamp(entry.sent_at)}")
    else:
        text.append("sending now" if line.sending else entry.status)
    if entry.attempts:
        text.append(f", {entry.attempts} failed attempt{'s' if entry.attempts != 1 else ''}")
    if entry.status == "queued" and not line.sending:
        text.append(f", next try {_next_try(line)}")
    if entry.last_error:
        text.append("\nLast error: ", style="bold")
        text.append(safe_for_terminal(entry.last_error))
    text.append("\nSubject: ", style="bold")
    text.append(safe_for_terminal(entry.subject or "(none)"))
    text.append("\n\n")
    text.append(safe_for_terminal(entry.body.rstrip("\n")))
    text.append(f"\n\nMessage-ID: {entry.message_id}", style="dim")
    return text


class MarkSentQuestion(Question):
    """Mark one outbox entry sent by hand (it was delivered some other way): it is then never
    sent, so this asks first, like every question botui asks before what it cannot undo."""

    ACTION = "markSent"

    def __init__(self, service: Any, entry: schemas.OutboxEntry) -> None:
        super().__init__(service, [str(entry.id)])
        self.entry = entry

    @property
    def verb(self) -> str:
        return "Mark sent"

    def title_text(self) -> str:
        return f"Mark outbox entry {self.entry.id} sent?"

    @property
    def yes_words(self) -> str:
        return "mark it sent"

    @work(thread=True, exclusive=True, group="question-read")
    def _read(self) -> None:
        """Nothing more to read than the entry the screen shows: the question can answer."""
        self.post_message(self.Read([], []))

    def loaded(self, rows: list[Any]) -> None:
        entry = self.entry
        body = Text()
        body.append(safe_for_terminal(f"{entry.channel} to {entry.to}: "))
        body.append(safe_for_terminal(entry.subject or entry.body.split("\n")[0]), style="bold")
        body.append(f"\nIt is {entry.status}")
        if entry.attempts:
            body.append(f" after {entry.attempts} failed attempts")
        body.append(
            ". Marked sent, botui never sends it: do this only when the customer got the "
            "message some other way."
        )
        self.query_one("#question-body", Static).update(body)

    def run_all(self, payload: dict[str, Any]) -> list[Result]:
        entry_id = self.entry.id
        answer, error = attempt(self.service, lambda: self.service.mark_sent({"id": entry_id}))
        message = f"Outbox entry {entry_id} marked sent; it will not be sent" if answer else ""
        return [Result(str(entry_id), message, error)]


class OutboxScreen(Screen[None]):
    """Every outbox entry by status, a page at a time, with the selected one in full below."""

    # A screen for reading, with no box to type into: keys typed after leaving it are meant
    # for the queue, so they are not dropped as typing on (app.pop_screen).
    GUARD_ON_CLOSE = False

    CSS = css("screens", "OutboxScreen")
    AUTO_FOCUS = "#outbox-table"
    BINDINGS = [
        _key("escape", "back", "Back", "outbox.back", "Back to the queue"),
        _key("s", "send", "Send now", "outbox.send", "Send the selected entry now"),
        _key("S", "send_all", "Send all due", "outbox.send_all", "Send every due queued entry"),
        _key("r", "retry", "Retry", "outbox.retry", "Queue a failed entry again"),
        _key("m", "mark_sent", "Mark sent", "outbox.mark_sent", "Mark it sent by hand (asks)"),
        _key("1", "tab('queued')", "Queued", "outbox.queued", "Show queued entries", False),
        _key("2", "tab('failed')", "Failed", "outbox.failed", "Show failed entries", False),
        _key("3", "tab('sent')", "Sent", "outbox.sent", "Show sent entries", False),
        _key("0", "tab('all')", "All", "outbox.all", "Show every entry", False),
        _key("right_square_bracket", "page(1)", "Next page", "outbox.next", "Next page", False),
        _key("left_square_bracket", "page(-1)", "Previous page", "outbox.prev", "Page back", False),
        _key("j", "cursor(1)", "Next entry", "outbox.down-vim", "Next entry", False),
        _key("k", "cursor(-1)", "Previous entry", "outbox.up-vim", "Previous entry", False),
    ]

    @dataclass
    class PageRead(Message):
        """A page was read (`page`), or why it could not be (`error`)."""

        page: OutboxScreenPage | None
        error: BotuiError | None

    @dataclass
    class Done(Message):
        """An action (send, retry) ran: what to tell the person."""

        text: str
        severity: SeverityLevel = "information"
        sending_over: bool = False

    def __init__(self, service: Service, loaded: Loaded | None = None) -> None:
        super().__init__()
        self.service = service
        self.config = loaded
        self.channels = configured_channels(loaded.settings) if loaded is not None else []
        self.tab = "queued"
        self.afters: list[int | None] = [None]  # the cursor of each page read so far
        self.page: OutboxScreenPage | None = None
        self.lines: dict[str, OutboxLine] = {}
        self._sending = False

    def compose(self) -> ComposeResult:
        yield Static(self._title(), id="outbox-title", markup=False)
        yield Tabs(*(Tab(label, id=tab) for tab, label in TABS), id="outbox-tabs")
        table: DataTable[Text] = DataTable(id="outbox-table", cursor_type="row", zebra_stripes=True)
        yield table
        yield Static("Reading…", id="outbox-page", markup=False)
        with VerticalScroll(id="outbox-detail"):
            yield Static("", id="outbox-entry", markup=False)
        yield KeyFooter(keep=FOOTER_KEEP)

    def _title(self) -> str:
        mail = self.config.settings.mail if self.config is not None else None
        sending = []
        if "email" in self.channels and mail is not None:
            sending.append(f"mail via {mail.host}:{mail.port}")
        if "sms" in self.channels:
            sending.append("SMS by command")
        how = ", ".join(sending) or "mail not configured"
        return f"Outbox  (times in {times.zone_name()}; {how})"

    def on_mount(self) -> None:
        self._set_columns()

    def on_resize(self) -> None:
        kept = self.current
        if self._set_columns() and self.page is not None:
            self._fill(self.page, kept)

    def _set_columns(self) -> bool:
        """Give the table the columns that fit its width; whether they changed."""
        table = self.query_one(DataTable)
        wanted = column_widths(table.size.width or self.size.width, table.cell_padding)
        if [(str(c.key.value), c.width) for c in table.columns.values()] == wanted:
            return False
        table.clear(columns=True)
        for name, width in wanted:
            table.add_column(name, width=width, key=name)
        return True

    def on_screen_resume(self) -> None:
        self.reload()

    # -- reading --------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the page on screen again (in a thread) and redraw, the cursor kept."""
        self._load(self.tab, self.afters[-1])

    @work(thread=True, exclusive=True, group="outbox-load")
    def _load(self, tab: str, after: int | None) -> None:
        status = None if tab == "all" else tab
        page, error = attempt(
            self.service, lambda: self.service.outbox_screen(status, after=after, limit=PAGE)
        )
        self.post_message(self.PageRead(page, error))

    @on(PageRead)
    def _show(self, message: PageRead) -> None:
        if message.page is None:
            why = message.error.message if message.error else "busy"
            self.query_one("#outbox-page", Static).update(f"Could not read the outbox: {why}")
            return
        self.page = page = message.page
        tabs = self.query_one(Tabs)
        total = sum(page.counts.values())
        for tab, label in TABS:
            count = total if tab == "all" else page.counts.get(tab, 0)
            tabs.query_one(f"#{tab}", Tab).label = f"{label} {count:,}"
        self._fill(page)
        self._show_page_line()
        self._show_entry()

    def _fill(self, page: OutboxScreenPage, kept: OutboxLine | None = None) -> None:
        """Put the page's entries in the table (in the columns it has), the cursor on `kept`
        (by default the entry under it now)."""
        table = self.query_one(DataTable)
        kept = kept or self.current
        table.clear()
        self.lines = {}
        shown = len(table.columns)
        for line in page.lines:
            entry = line.entry
            key = str(entry.id)
            self.lines[key] = line
            cells = (
                Text(short_stamp(entry.created_at)),
                Text(entry.channel),
                _cell(entry.to),
                _cell(entry.subject or entry.body),
                Text("sending" if line.sending else entry.status),
                Text(str(entry.attempts), justify="right"),
                Text(_next_try(line)),
                _cell(entry.last_error or ""),
            )
            table.add_row(*cells[:shown], key=key)
        if kept is not None and str(kept.entry.id) in self.lines:
            table.move_cursor(row=table.get_row_index(str(kept.entry.id)), animate=False)

    def _show_page_line(self) -> None:
        page = self.page
        if page is None:
            return
        shown = len(page.lines)
        total = sum(page.counts.values()) if self.tab == "all" else page.counts.get(self.tab, 0)
        first = (len(self.afters) - 1) * PAGE + 1
        if not shown:
            words = {"queued": "Nothing waits to be sent.", "failed": "Nothing failed."}
            text = words.get(self.tab, "No messages yet.")
            if len(self.afters) > 1:
                text = "No more entries: [ goes back."
        else:
            text = f"{first:,}-{first + shown - 1:,} of {total:,}"
            order = "oldest first" if self.tab in ("queued", "failed") else "newest first"
            text += f", {order}"
            moves = []
            if page.next_after is not None:
                moves.append("] next page")
            if len(self.afters) > 1:
                moves.append("[ previous")
            if moves:
                text += "; " + ", ".join(moves)
        self.query_one("#outbox-page", Static).update(text)

    @property
    def current(self) -> OutboxLine | None:
        """The entry under the cursor, as last read."""
        table = self.query_one(DataTable)
        if not self.lines or table.row_count == 0:
            return None
        row = min(max(table.cursor_row, 0), table.row_count - 1)
        key = table.coordinate_to_cell_key(Coordinate(row, 0)).row_key.value
        return self.lines.get(key or "")

    @on(DataTable.RowHighlighted)
    def _show_entry(self) -> None:
        line = self.current
        shown = entry_detail(line) if line is not None else Text("")
        self.query_one("#outbox-entry", Static).update(shown)

    @on(Tabs.TabActivated)
    def _tab_chosen(self, event: Tabs.TabActivated) -> None:
        chosen = event.tab.id or "queued"
        if chosen != self.tab:
            self.tab = chosen
            self.afters = [None]
            self.query_one(DataTable).move_cursor(row=0, animate=False)
            self.reload()
        self.query_one(DataTable).focus()

    # -- keys -----------------------------------------------------------------------------

    def action_back(self) -> None:
        self.dismiss()

    def action_tab(self, tab: str) -> None:
        self.query_one(Tabs).active = tab

    def action_cursor(self, step: int) -> None:
        table = self.query_one(DataTable)
        table.move_cursor(row=table.cursor_row + step, animate=False)

    def action_page(self, step: int) -> None:
        if step > 0:
            if self.page is None or self.page.next_after is None:
                self.notify("This is the last page", markup=False)
                return
            self.afters.append(self.page.next_after)
        else:
            if len(self.afters) == 1:
                self.notify("This is the first page", markup=False)
                return
            self.afters.pop()
        self.query_one(DataTable).move_cursor(row=0, animate=False)
        self.reload()

    def _refuse_readonly(self) -> bool:
        return refuse_readonly(self, self.service)

    def _selected(self) -> OutboxLine | None:
        line = self.current
        if line is None:
            self.notify("No outbox entry here", severity="warning", markup=False)
        return line

    def action_send(self) -> None:
        """Send the selected queued entry now, whatever its back-off wait."""
        line = self._selected()
        if line is None or self._refuse_readonly():
            return
        entry = line.entry
        if entry.status == "sent":
            self.notify(
                f"Entry {entry.id} was already sent; it is never sent twice",
                severity="warning",
                markup=False,
            )
            return
        if entry.status == "failed":
            self.notify(
                f"Entry {entry.id} failed after {entry.attempts} attempts: r queues it again, "
                "then s sends it",
                severity="warning",
                markup=False,
            )
            return
        if entry.channel not in self.channels:
            self.notify(
                not_configured(self.config, entry.channel), severity="warning", markup=False
            )
            return
        self._start_send(entry.id)

    def action_send_all(self) -> None:
        """Send every due queued entry, oldest first, as `botui outbox send` does."""
        if self._refuse_readonly():
            return
        if not self.channels:
            self.notify(not_configured(self.config, "email"), severity="warning", markup=False)
            return
        self._start_send(None)

    def _start_send(self, entry_id: int | None) -> None:
        if self._sending:
            self.notify("Still sending; a moment", markup=False)
            return
        self._sending = True
        what = f"entry {entry_id}" if entry_id is not None else "every due entry"
        self.query_one("#outbox-page", Static).update(f"Sending {what}…")
        self._send(entry_id)

    @work(thread=True, group="outbox-send")
    def _send(self, entry_id: int | None) -> None:
        """Send through the code of `botui outbox send`, on this thread's own connection."""
        assert self.config is not None  # _start_send runs only with a channel configured
        loaded, channels = self.config, self.channels
        report = deliver(self.service, loaded, channels, entry_id)
        self.post_message(self.Done(report.text, report.severity, sending_over=True))

    def action_retry(self) -> None:
        line = self._selected()
        if line is None or self._refuse_readonly():
            return
        if line.entry.status == "sent":
            self.notify(
                f"Entry {line.entry.id} was already sent; it is never sent twice",
                severity="warning",
                markup=False,
            )
            return
        self._retry(line.entry.id)

    @work(thread=True, group="outbox-retry")
    def _retry(self, entry_id: int) -> None:
        answer, error = attempt(self.service, lambda: self.service.retry_outbox({"id": entry_id}))
        if answer is None:
            why = error.message if error else "busy, try again"
            self.post_message(self.Done(f"Not retried: {why}", "error"))
            return
        self.post_message(
            self.Done(f"Entry {entry_id} queued again, due now: s sends it, or the next send")
        )

    def action_mark_sent(self) -> None:
        line = self._selected()
        if line is None or self._refuse_readonly():
            return
        if line.entry.status == "sent":
            self.notify(f"Entry {line.entry.id} is already sent", markup=False)
            return
        question = MarkSentQuestion(self.service, line.entry)
        guard = getattr(self.app, "guard_typing", None)
        if guard is not None:  # a `y` typed on as the question opens must not answer it
            guard(question)
        self.app.push_screen(question, self._marked)

    def _marked(self, outcomes: list[Outcome] | None) -> None:
        if outcomes is None:
            self.notify("Mark sent: nothing changed", markup=False)
        else:
            for outcome in outcomes:
                severity: SeverityLevel = "information" if outcome.ok else "error"
                self.notify(safe_for_terminal(outcome.message), severity=severity, markup=False)
        self.reload()

    @on(Done)
    def _done(self, message: Done) -> None:
        if message.sending_over:
            self._sending = False
        self.notify(safe_for_terminal(message.text), severity=message.severity, markup=False)
        self.reload()
