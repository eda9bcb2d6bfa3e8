"""The reports screen: aging, products and service as tables, the aging and weeks as charts.

Everything is read through the Service in a thread worker and drawn when it lands; the screen
watches the event log (one indexed read a second) and reads the reports again when anyone acts,
and every minute anyway, since ages grow with the clock. Enter on an aging or product row shows
the queue's open view narrowed to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import ContentSwitcher, DataTable, Static

from botui.domain.report_schemas import AgingReport, ProductsReport, ServiceReport
from botui.domain.service import Service
from botui.domain.text import safe_for_terminal
from botui.tui.dialogs._fields import attempt
from botui.tui.formatting import amount
from botui.tui.formatting.times import stamp, zone_name
from botui.tui.live import follow_events
from botui.tui.styles import css
from botui.tui.widgets.bars import Bar, ColumnBars, HorizontalBars
from botui.tui.widgets.cells import capped_widths
from botui.tui.widgets.footer import KeyFooter

if TYPE_CHECKING:
    from rich.console import JustifyMethod

REFRESH_SECONDS = 60.0  # ages move with the clock even when nobody acts
PRODUCT_ROWS = 200  # the most valuable products; `botui report products` gives them all
TABS = (("aging", "1 Aging"), ("products", "2 Products"), ("service", "3 Service"))
# Column titles shown for each report's JSON keys, in the contract's order.
AGING_COLUMNS = (("Age (days)", "bucket"), ("Backorders", "backorders"), ("Units", "units"),
                 ("Allocated", "allocated"), ("Value", "value"), ("Late", "late"))  # fmt: skip
PRODUCT_COLUMNS = (("SKU", "sku"), ("Name", "name"), ("BOs", "backorders"), ("Units", "units"),
                   ("Alloc", "allocated"), ("Stock", "stockOnHand"), ("Value", "value"),
                   ("Oldest", "oldestCreatedAt"), ("Product", "product"))  # fmt: skip
SERVICE_COLUMNS = (("Week", "week"), ("Shipped", "fulfilled"), ("Units", "unitsShipped"),
                   ("On time", "onTime"), ("Rate", "onTimeRate"), ("Cancelled", "cancelled"),
                   ("Refunded", "refunded"))  # fmt: skip
TEXT_KEYS = frozenset({"bucket", "sku", "name", "product", "week"})


def cell(key: str, value: object) -> Text:
    """One report value as the tables show it (numbers right-aligned, text literal)."""
    if value is None:
        shown = "-"
    elif key in ("value", "refunded") and isinstance(value, int):  # cents (report_schemas)
        shown = amount(value)
    elif key == "oldestCreatedAt" and isinstance(value, int):
        shown = stamp(value)[:10]
    elif key == "onTimeRate" and isinstance(value, int | float):
        shown = f"{float(value):.0%}"
    elif isinstance(value, int):
        shown = f"{value:,}"
    else:
        shown = str(value)
    return Text(
        safe_for_terminal(shown),
        justify="left" if key in TEXT_KEYS else "right",
        no_wrap=True,
        overflow="ellipsis",  # a name cut to fit the screen ends in …
    )


# At a width where the products do not fit: the product's id goes (its SKU and name tell it,
# and Enter needs none), then the names are cut (ending in …) to no less than this.
NARROW_DROPS = ("product",)
LEAST_NAME = 12


def fitted_columns(
    columns: tuple[tuple[str, str], ...], rows: list[dict], room: int
) -> list[tuple[str, str, int]]:
    """(title, key, width) of the columns that fit `room` cells (less the cells' padding):
    each as wide as its widest cell; when they do not fit, the NARROW_DROPS go, then the
    names are cut. Whatever the width, the last column shown is whole (at 80 columns the
    products' last one read "2")."""
    natural = {
        key: max([len(title), *(cell(key, row[key]).cell_len for row in rows)])
        for title, key in columns
    }
    chosen = list(columns)
    for key in NARROW_DROPS:
        if sum(natural[k] + 2 for _, k in chosen) <= room:
            break
        chosen = [(t, k) for t, k in chosen if k != key]
    widths = capped_widths(
        [natural[k] for _, k in chosen],
        [min(natural[k], LEAST_NAME) if k == "name" else natural[k] for _, k in chosen],
        room - 2 * len(chosen),
    )
    return [(t, k, w) for (t, k), w in zip(chosen, widths, strict=True)]


def aging_chart(report: AgingReport) -> HorizontalBars:
    """Open backorders per aging bucket, each bar with its count and value."""
    counts = [f"{row.backorders:,}" for row in report.rows]
    values = [amount(row.value) for row in report.rows]
    wide, wider = max(map(len, counts)), max(map(len, values))
    return HorizontalBars(
        [
            Bar(row.bucket, row.backorders, f"{count:>{wide}} · {value:>{wider}}")
            for row, count, value in zip(report.rows, counts, values, strict=True)
        ]
    )


def weeks_chart(report: ServiceReport) -> ColumnBars:
    """Backorders shipped per week (the number on top), the on-time rate under each week."""
    return ColumnBars(
        [
            Bar(
                row.week[-3:],
                row.fulfilled,
                f"{row.fulfilled:,}",
                "-" if row.on_time_rate is None else f"{row.on_time_rate:.0%}",
            )
            for row in report.rows
        ],
        height=3,
    )


def _row_key(keys: str, action: str, description: str, binding_id: str) -> Binding:
    # The description doubles as the tooltip the palette and a keymap's help show.
    return Binding(keys, action, description, show=False, id=binding_id, tooltip=description)


class ReportTable(DataTable, inherit_bindings=False):
    """A report's table, moved by the keys that move the queue and the records (j and k too),
    each key with an id so the help lists it and a keymap may move it."""

    BINDINGS = [
        # Not in the footer: the tabs line says it where it applies (aging, products).
        Binding("enter", "select_cursor", "Show in queue", id="reports.open", show=False,
                tooltip="The queue's open view narrowed to this row; Esc there comes back"),
        _row_key("down", "cursor_down", "Next row", "reports.down"),
        _row_key("j", "cursor_down", "Next row", "reports.down-vim"),
        _row_key("up", "cursor_up", "Previous row", "reports.up"),
        _row_key("k", "cursor_up", "Previous row", "reports.up-vim"),
        _row_key("pagedown", "page_down", "Page down", "reports.page-down"),
        _row_key("pageup", "page_up", "Page up", "reports.page-up"),
        _row_key("home", "scroll_top", "First row", "reports.first"),
        _row_key("g", "scroll_top", "First row", "reports.first-vim"),
        _row_key("end", "scroll_bottom", "Last row", "reports.last"),
        _row_key("G", "scroll_bottom", "Last row", "reports.last-vim"),
        _row_key("right", "scroll_right", "Scroll right (wide columns)", "reports.right"),
        _row_key("left", "scroll_left", "Scroll left", "reports.left"),
    ]  # fmt: skip


class ReportsScreen(Screen[dict[str, str] | None]):
    """The three reports of `botui report`, live; Enter shows a row's backorders.

    Closes with what to narrow the queue to (`{"product": id}` or `{"age": bucket}`), or None.
    """

    # A screen for reading, with no box to type into: keys typed after leaving it are meant
    # for the queue, so they are not dropped as typing on (app.pop_screen).
    GUARD_ON_CLOSE = False

    BINDINGS = [
        Binding("escape", "back", "Back", id="reports.back", tooltip="Back to the queue"),
        Binding("1", "show('aging')", "Aging", id="reports.aging",
                tooltip="Open backorders by age"),
        Binding("2", "show('products')", "Products", id="reports.products",
                tooltip="Open backorders by product"),
        Binding("3", "show('service')", "Service", id="reports.service",
                tooltip="Shipped and cancelled per week"),
    ]  # fmt: skip  # Enter and the moving keys are the tables' (ReportTable)

    DEFAULT_CSS = css("screens", "ReportsScreen")

    @dataclass
    class Loaded(Message):
        """The three reports, read together, and the newest event they include."""

        aging: AgingReport
        products: ProductsReport
        service: ServiceReport
        last_event: int

    @dataclass
    class LoadFailed(Message):
        """Reading the reports failed; `text` says why in words."""

        text: str

    @dataclass
    class EventsSeen(Message):
        """The newest event id in the log, read by the poll."""

        last_event: int

    def __init__(self, service: Service, shown: str = "aging", row: str | None = None) -> None:
        """`shown`: the report shown first; `row`: the key of its row the cursor starts on
        (the row a jump to the queue was made from, when Esc comes back here)."""
        super().__init__()
        self.service = service
        self.shown = shown
        self._start_row = row
        self.last_event = -1
        self.aging: AgingReport | None = None
        self.products: ProductsReport | None = None
        self.weeks: ServiceReport | None = None
        self._loading = False

    def compose(self) -> ComposeResult:
        yield Static("Reports · loading…", id="reports-title", markup=False)
        yield Static("", id="reports-tabs", markup=False)
        with ContentSwitcher(initial=self.shown):
            with VerticalScroll(id="aging"):
                yield ReportTable(id="aging-table", cursor_type="row")
                yield Static("Open backorders by age (days): count · value", classes="chart-title")
                yield Static("", id="aging-chart", classes="chart")
            with Vertical(id="products"):
                yield ReportTable(id="products-table", cursor_type="row", zebra_stripes=True)
            with VerticalScroll(id="service"):
                yield ReportTable(id="service-table", cursor_type="row")
                yield Static("Shipped per ISO week, on-time rate under it", classes="chart-title")
                yield Static("", id="service-chart", classes="chart")
        yield KeyFooter(keep=("show('aging')", "show('products')", "show('service')", "back"))

    def on_mount(self) -> None:
        for table_id, columns in (
            ("#aging-table", AGING_COLUMNS),
            ("#products-table", PRODUCT_COLUMNS),
            ("#service-table", SERVICE_COLUMNS),
        ):
            table = self.query_one(table_id, DataTable)
            for title, key in columns:
                justify: JustifyMethod = "left" if key in TEXT_KEYS else "right"
                table.add_column(Text(title, justify=justify), key=key)
        self._show_tabs()
        self.query_one(f"#{self.shown}-table").focus()
        self.reload()
        follow_events(self, self.service, self._poll)
        self.set_interval(REFRESH_SECONDS, self.reload)

    # -- reading --------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the three reports again in a worker; the tables keep their cursor."""
        self._loading = True
        self._load()

    @work(thread=True, exclusive=True, group="reports-load")
    def _load(self) -> None:
        def read() -> ReportsScreen.Loaded:
            last = self.service.latest_event_id()
            return self.Loaded(
                self.service.report_aging(),
                self.service.report_products({"limit": PRODUCT_ROWS}),
                self.service.report_service(),
                last,
            )

        loaded, error = attempt(self.service, read, small_cache=True)
        if loaded is not None:
            self.post_message(loaded)
        elif error is not None:
            self.post_message(self.LoadFailed(f"Could not read the reports: {error.message}"))

    @on(LoadFailed)
    def _load_failed(self, message: LoadFailed) -> None:
        """Say so; the next poll or minute tries again."""
        self._loading = False
        self.notify(message.text, severity="error", markup=False)

    def _poll(self) -> None:
        if not self._loading:
            self._read_last_event()

    @work(thread=True, exclusive=True, group="reports-poll")
    def _read_last_event(self) -> None:
        last, _ = attempt(self.service, self.service.latest_event_id, small_cache=True)
        if last is not None:
            self.post_message(self.EventsSeen(last))

    @on(EventsSeen)
    def _events_seen(self, message: EventsSeen) -> None:
        if not self._loading and message.last_event != self.last_event:
            self.reload()

    # -- drawing --------------------------------------------------------------------------

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        self._loading = False
        self.last_event = message.last_event
        self.aging, self.products, self.weeks = message.aging, message.products, message.service
        moment = stamp(message.aging.as_of)
        title = f"Reports · as of {moment} {zone_name()} · money in currency units"
        self.query_one("#reports-title", Static).update(Text(title))
        self._fill("#aging-table", AGING_COLUMNS, message.aging.to_json()["rows"], "bucket")
        self._fill_products()
        self._fill("#service-table", SERVICE_COLUMNS, message.service.to_json()["rows"], "week")
        self.query_one("#aging-chart", Static).update(aging_chart(message.aging))
        chart = self.query_one("#service-chart", Static)
        chart.update(weeks_chart(message.service))

    def _fill_products(self) -> None:
        """The products table with the columns that fit its width (fitted_columns)."""
        if self.products is None:
            return
        rows = self.products.to_json()["rows"]
        table = self.query_one("#products-table", DataTable)
        room = table.size.width or self.app.size.width
        if len(rows) + 1 > self.query_one(ContentSwitcher).size.height:  # a scroll bar too
            room -= table.styles.scrollbar_size_vertical
        fitted = fitted_columns(PRODUCT_COLUMNS, rows, room)
        keep = None
        if [(str(c.key.value), c.width) for c in table.columns.values()] != [
            (key, width) for _, key, width in fitted
        ]:
            if table.row_count:
                keep = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
            table.clear(columns=True)
            for title, key, width in fitted:
                justify: JustifyMethod = "left" if key in TEXT_KEYS else "right"
                table.add_column(Text(title, justify=justify), key=key, width=width)
        columns = tuple((title, key) for title, key, _ in fitted)
        self._fill("#products-table", columns, rows, "product", keep)

    def on_resize(self) -> None:
        self._fill_products()

    def _fill(
        self,
        table_id: str,
        columns: tuple[tuple[str, str], ...],
        rows: list[dict],
        key: str,
        keep: str | None = None,
    ) -> None:
        """Replace a table's rows, keeping the cursor on the same row (by key) when it stays
        (`keep`: that row's key, when the table was cleared already)."""
        table = self.query_one(table_id, DataTable)
        current = keep
        if table.row_count:
            current = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        elif current is None and table_id == f"#{self.shown}-table":  # the row come back to
            current, self._start_row = self._start_row, None
        table.clear()
        for row in rows:
            table.add_row(*(cell(name, row[name]) for _, name in columns), key=str(row[key]))
        if current is not None and current in {str(r[key]) for r in rows}:
            table.move_cursor(row=table.get_row_index(current), animate=False)

    def _show_tabs(self) -> None:
        line = Text(no_wrap=True)
        for name, label in TABS:
            style = "reverse bold" if name == self.shown else ""
            line.append(f" {label} ", style=style)
            line.append(" ")
        if self.shown in ("aging", "products"):
            line.append("  Enter: show in the queue", style="dim")
        self.query_one("#reports-tabs", Static).update(line)

    # -- keys -----------------------------------------------------------------------------

    def action_show(self, name: str) -> None:
        self.shown = name
        self.query_one(ContentSwitcher).current = name
        self._show_tabs()
        self.query_one(f"#{name}-table").focus()

    def action_back(self) -> None:
        self.dismiss(None)

    @on(DataTable.RowSelected)
    def _row_chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self._open(event.data_table.id, event.row_key.value)

    def _open(self, table_id: str | None, key: str | None) -> None:
        """Show the queue's open view narrowed to a product or an aging bucket."""
        if key is None:
            return
        if table_id == "products-table":
            scope = {"product": key}
        elif table_id == "aging-table":
            scope = {"age": key}
        else:
            self.notify("A week has no open backorders to show", markup=False)
            return
        self.dismiss(scope)
