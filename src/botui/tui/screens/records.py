"""Lists of products, customers, businesses and orders, a page at a time, to create and edit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.events import Key
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import DataTable, Footer, Input, Static

from botui.domain import records
from botui.domain.errors import BotuiError
from botui.domain.service import Service
from botui.domain.text import safe_for_terminal
from botui.tui.attempt import refuse_readonly
from botui.tui.dialogs._fields import attempt, day
from botui.tui.dialogs.record_dialog import Record, RecordDialog
from botui.tui.screens._filter import hand_to_filter, show_filter
from botui.tui.styles import css
from botui.tui.widgets.cells import capped_widths

TITLES = {
    "product": "Products",
    "customer": "Customers",
    "business": "Businesses",
    "order": "Orders",
}
COLUMNS = {
    "product": ("Id", "SKU", "Name", "Stock"),
    "customer": ("Id", "Name", "Email", "Phone"),
    "business": ("Id", "Name"),
    "order": ("Id", "Number", "Customer", "Business", "Placed"),
}
# Columns never cut to fit the screen (an id cut short names another record); the others are
# cut, longest first, to a common width of at least LEAST_WIDTH.
WHOLE = {"Id", "Stock", "Placed"}
LEAST_WIDTH = 8
FILTERS = {
    "product": "id, SKU or name",
    "customer": "id, name, email or phone",
    "business": "id or name",
    "order": "id or order number",
}
FILTER_PAUSE = 0.2  # seconds of no typing before the filter reads: one read per pause, not per key


def _binding(key: str, action: str, description: str, binding_id: str, tip: str, show: bool):
    return Binding(key, action, description, id=binding_id, tooltip=tip, show=show)


def cells(kind: str, row: Any, names: dict[str, str]) -> list[Text]:
    """A record's cells as the list shows them (stored text shown literally, never as markup)."""
    if kind == "product":
        values = [row.id, row.sku, row.name, f"{row.stock_on_hand:,}"]
    elif kind == "customer":
        values = [row.id, row.name, row.email or "", row.phone or ""]
    elif kind == "business":
        values = [row.id, row.name]
    else:
        values = [
            row.id,
            row.number or "",
            names.get(row.customer, row.customer),
            names.get(row.business, row.business),
            day(row.placed_at),
        ]
    texts = [Text(safe_for_terminal(str(v)), no_wrap=True, overflow="ellipsis") for v in values]
    if kind == "product":
        texts[-1].justify = "right"
    return texts


class RecordsScreen(Screen[None]):
    """One kind of record in id order, a page at a time, with a filter; n creates, e edits."""

    CSS = css("screens", "RecordsScreen")
    AUTO_FOCUS = "#records-table"
    BINDINGS = [
        _binding("n", "new", "New", "records.new", "Create a record of this kind", True),
        _binding("e", "edit", "Edit", "records.edit", "Edit the record under the cursor", True),
        _binding("slash", "filter", "Filter", "records.filter", "Filter by id or name", True),
        _binding("right_square_bracket", "page(1)", "Next page", "records.next", "Next", True),
        _binding(
            "left_square_bracket", "page(-1)", "Previous page", "records.previous", "Back", True
        ),
        _binding("escape", "back", "Back", "records.back", "Clear the filter, then back", True),
        _binding("j", "cursor(1)", "Next record", "records.down-vim", "Next record", False),
        _binding("k", "cursor(-1)", "Previous record", "records.up-vim", "Previous record", False),
        _binding("P", "kind('product')", "Products", "records.products", "List products", False),
        _binding(
            "C", "kind('customer')", "Customers", "records.customers", "List customers", False
        ),
        _binding("B", "kind('business')", "Businesses", "records.businesses", "List them", False),
        _binding("O", "kind('order')", "Orders", "records.orders", "List orders", False),
    ]

    @dataclass
    class Loaded(Message):
        """A page was read (`total`: the whole kind's count, None under a filter)."""

        generation: int
        page: records.RecordPage | None
        total: int | None
        error: BotuiError | None = None

    def __init__(self, service: Service, kind: str) -> None:
        super().__init__()
        self.service = service
        self.kind = kind
        self.starts: list[str | None] = [None]  # the id each page so far starts after
        self.page: records.RecordPage | None = None
        self.total: int | None = None
        self._generation = 0
        self._select: str | None = None
        self._filter_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="records-title", markup=False)
        yield Input(id="records-filter", compact=True)
        yield DataTable(id="records-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="records-status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self._show_kind()

    def on_screen_resume(self) -> None:
        """Read the page again whenever the list shows again (back from a dialog, the queue or
        another screen): record edits record no event, so another person's save since the
        last read would otherwise stay unseen here."""
        if self.page is not None:
            self.reload()

    @property
    def table(self) -> DataTable:
        return self.query_one("#records-table", DataTable)

    @property
    def text(self) -> str:
        return self.query_one("#records-filter", Input).value.strip()

    # -- reading --------------------------------------------------------------------------

    def _show_kind(self) -> None:
        self.query_one("#records-title", Static).update(TITLES[self.kind])
        box = self.query_one("#records-filter", Input)
        box.placeholder = f"filter {TITLES[self.kind].lower()}: {FILTERS[self.kind]}"
        self.table.clear(columns=True)
        for title in COLUMNS[self.kind]:
            self.table.add_column(title, key=title)
        self.page = None
        self.starts = [None]
        self.reload()

    def reload(self, select: str | None = None) -> None:
        """Read the current page again (after a change), keeping or moving the cursor."""
        self._generation += 1
        self._select = select if select is not None else self._current_id()
        self._read(self._generation, self.kind, self.text, self.starts[-1])

    @work(thread=True, exclusive=True, group="records-read")
    def _read(self, generation: int, kind: str, text: str, after: str | None) -> None:
        def read() -> tuple[records.RecordPage, int | None]:
            found = self.service.record_page(kind, text=text, after=after)
            return found, None if text else self.service.record_count(kind)

        answer, error = attempt(self.service, read)
        page, total = answer if answer is not None else (None, None)
        self.post_message(self.Loaded(generation, page, total, error))

    @on(Loaded)
    def _show_page(self, message: Loaded) -> None:
        if message.generation != self._generation:
            return  # a newer read is on its way
        if message.page is None:
            error = message.error.message if message.error else "unknown failure"
            self.notify(f"Could not read {self.kind}s: {error}", severity="error", markup=False)
            return
        self.page, self.total = message.page, message.total
        self._fill()
        if self._select is not None and self._select in self._ids():
            self.table.move_cursor(row=self._ids().index(self._select))
        self._select = None
        self._status()

    def _fill(self, cursor: int = 0) -> None:
        """Put the page in the table, its columns sized to the table's width (see `_widths`),
        the cursor on row `cursor`."""
        table = self.table
        page = self.page
        rows = [cells(self.kind, row, page.names) for row in page.rows] if page else []
        table.clear(columns=True)
        titles = COLUMNS[self.kind]
        for title, width in zip(titles, self._widths(titles, rows), strict=True):
            table.add_column(title, key=title, width=width)
        for row, texts in zip(page.rows if page else [], rows, strict=True):
            table.add_row(*texts, key=row.id)
        if rows:
            table.move_cursor(row=min(cursor, len(rows) - 1), animate=False)

    def _widths(self, titles: tuple[str, ...], rows: list[list[Text]]) -> list[int]:
        """Each column as wide as its widest cell, the longest text cut (ending in `…`) when
        they would not fit the table beside its scrollbar: a phone at the edge was cut with
        no sign at 80 columns."""
        table = self.table
        natural = [
            max([len(title), *(cell.cell_len for cell in (row[i] for row in rows))])
            for i, title in enumerate(titles)
        ]
        least = [
            n if t in WHOLE else max(len(t), LEAST_WIDTH)
            for t, n in zip(titles, natural, strict=True)
        ]
        padding = 2 * table.cell_padding * len(titles)
        room = table.size.width - table.styles.scrollbar_size_vertical - padding
        return capped_widths(natural, least, room) if room > 0 else natural

    def on_resize(self) -> None:
        if self.page is not None:
            self._fill(self.table.cursor_row)

    def _ids(self) -> list[str]:
        return [row.id for row in self.page.rows] if self.page else []

    def _current_id(self) -> str | None:
        ids = self._ids()
        cursor = self.table.cursor_row
        return ids[cursor] if 0 <= cursor < len(ids) else None

    def current(self) -> Record | None:
        """The record under the cursor, if the page holds one."""
        row_id = self._current_id()
        return next((r for r in self.page.rows if r.id == row_id), None) if self.page else None

    def _status(self) -> None:
        shown = len(self.page.rows) if self.page else 0
        first = (len(self.starts) - 1) * records.PAGE + 1
        name = TITLES[self.kind].lower()
        if not shown:
            what = f"No {name} match {self.text!r}" if self.text else f"No {name} yet"
            words = f"{what}: n creates one"
        elif self.total is not None:
            words = f"{TITLES[self.kind]} {first:,}-{first + shown - 1:,} of {self.total:,}"
        else:
            more = "+" if self.page and self.page.has_more else ""
            words = (
                f"{TITLES[self.kind]} matching {self.text!r}: {first:,}-{first + shown - 1:,}{more}"
            )
        keys = []
        if self.page and self.page.has_more:
            keys.append("] next page")
        if len(self.starts) > 1:
            keys.append("[ previous")
        if self.kind == "product":
            keys.append("stock = free units; r in the queue receives stock")
        self.query_one("#records-status", Static).update(" · ".join([words, *keys]))

    # -- keys -----------------------------------------------------------------------------

    def action_cursor(self, step: int) -> None:
        """j and k move as in the queue (the arrows are the table's own)."""
        self.table.move_cursor(row=self.table.cursor_row + step, animate=False)

    def action_page(self, step: int) -> None:
        if step > 0 and self.page and self.page.has_more and self.page.rows:
            self.starts.append(self.page.rows[-1].id)
        elif step < 0 and len(self.starts) > 1:
            self.starts.pop()
        else:
            return
        self.table.move_cursor(row=0)
        self.reload(select="")

    def action_kind(self, kind: str) -> None:
        if kind != self.kind:
            self.kind = kind
            self._clear_filter()
            self._show_kind()

    def action_filter(self) -> None:
        show_filter(self, self.query_one("#records-filter", Input))

    def on_key(self, event: Key) -> None:
        """Open the filter as "/" passes, so the keys typed right after it reach the box."""
        hand_to_filter(self, self.query_one("#records-filter", Input), event)

    @on(Input.Changed, "#records-filter")
    def _filter_changed(self) -> None:
        if self._filter_timer is not None:
            self._filter_timer.stop()
        self._filter_timer = self.set_timer(FILTER_PAUSE, self._apply_filter)

    def _apply_filter(self) -> None:
        self.starts = [None]
        self.reload(select="")

    @on(Input.Submitted, "#records-filter")
    def _filter_done(self, event: Input.Submitted) -> None:
        if not event.value.strip():
            event.input.remove_class("-shown")
        self.table.focus()

    def _clear_filter(self) -> None:
        box = self.query_one("#records-filter", Input)
        if self._filter_timer is not None:
            self._filter_timer.stop()
        with box.prevent(Input.Changed):
            box.value = ""
        box.remove_class("-shown")
        self.table.focus()

    def action_back(self) -> None:
        box = self.query_one("#records-filter", Input)
        if self.text or box.has_class("-shown"):
            had_text = bool(self.text)
            self._clear_filter()
            if had_text:
                self._apply_filter()
            return
        self.app.pop_screen()

    def _refuse_readonly(self) -> bool:
        return refuse_readonly(self, self.service)

    def action_new(self) -> None:
        if not self._refuse_readonly():
            self.app.push_screen(RecordDialog(self.service, self.kind), self._saved)

    def action_edit(self) -> None:
        record = self.current()
        if record is None:
            self.notify(f"No {self.kind} here to edit", severity="warning")
        elif not self._refuse_readonly():
            self.app.push_screen(RecordDialog(self.service, self.kind, record), self._saved)

    @on(DataTable.RowSelected)
    def _enter(self) -> None:
        self.action_edit()

    def _saved(self, saved: Record | None) -> None:
        if saved is not None:
            self.notify(f"{self.kind.capitalize()} {saved.id} saved", markup=False)
            self.reload(select=saved.id)
