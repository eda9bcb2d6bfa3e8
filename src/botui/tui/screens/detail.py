"""The detail screen: every field of one backorder, its records, timeline, notices and refunds."""

from __future__ import annotations

from dataclasses import dataclass

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.actions import parse as _parse_action
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.events import Key
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static

from botui import config
from botui.domain import lookup, schemas, statuses
from botui.domain.errors import BotuiError
from botui.domain.service import Service
from botui.domain.text import safe_for_terminal
from botui.tui.dialogs._fields import attempt, gone
from botui.tui.dialogs.estimate import EstimateDialog
from botui.tui.dialogs.notify import NotifyDialog
from botui.tui.dialogs.receive import ReceiveDialog
from botui.tui.formatting import amount, days_away
from botui.tui.formatting.events import summary as event_summary
from botui.tui.formatting.outcome import Outcome, summary
from botui.tui.formatting.times import day, stamp, zone_name
from botui.tui.host import botui_app
from botui.tui.keys import NAVIGATION
from botui.tui.live import follow_events
from botui.tui.screens.form import BackorderForm
from botui.tui.styles import css
from botui.tui.widgets.footer import KeyFooter


def _contract_action(action: str, parameters: tuple[object, ...]) -> str | None:
    """The contract action a detail binding runs when its status decides, else None."""
    if action == "triage" and parameters and parameters[0] != "delete":
        return str(parameters[0])
    if action == "estimate":
        return "updateEstimate"
    return None


def _shown(text: str) -> Text:
    """Stored text as the screen shows it: literal, and of a width every terminal agrees on."""
    return Text(safe_for_terminal(text))


def _label(text: str) -> Text:
    return Text(text, style="bold")


def _two_columns() -> Table:
    grid = Table.grid(padding=(0, 1), expand=True)
    grid.add_column(width=14, no_wrap=True)
    grid.add_column(ratio=1)
    return grid


class Facts:
    """Pairs of labelled values: side by side when the width allows, else one per line."""

    WIDE = 76

    def __init__(self, pairs: list[tuple[str, str | Text, str, str]]) -> None:
        self.pairs = [
            (first, _shown(a) if isinstance(a, str) else a, second, _shown(b))
            for first, a, second, b in pairs
        ]

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if options.max_width >= self.WIDE:
            grid = Table.grid(padding=(0, 1), expand=True)
            grid.add_column(width=14, no_wrap=True)
            grid.add_column(ratio=1)
            grid.add_column(width=13, no_wrap=True)
            grid.add_column(ratio=1)
            for first, a, second, b in self.pairs:
                grid.add_row(_label(first), a, _label(second), b)
        else:
            grid = _two_columns()
            for first, a, second, b in self.pairs:
                grid.add_row(_label(first), a)
                grid.add_row(_label(second), b)
        yield grid


def _facts(ctx: lookup.Context, now: int) -> RenderableType:
    """The backorder's own fields and the records it points to, as two aligned grids."""
    bo = ctx.backorder
    short = bo.quantity - bo.allocated_quantity
    allocation = f"{bo.allocated_quantity:,} of {bo.quantity:,}"
    allocation += f" ({short:,} short)" if short and statuses.is_open(bo.status) else ""
    ship = day(bo.estimated_ship_date) or "not set"
    ship_text = Text(ship)
    if (
        bo.estimated_ship_date is not None
        and statuses.is_open(bo.status)
        and bo.actual_ship_date is None
    ):
        when = days_away(bo.estimated_ship_date, now)
        ship_text.append(f" ({when})", style="bold underline" if "late" in when else "")
    pairs: list[tuple[str, str | Text, str, str]] = [
        ("Status", bo.status, "Priority", bo.priority_level),
        ("Quantity", f"{bo.quantity:,}", "Allocated", allocation),
        ("Unit price", amount(bo.price), "Total", amount(bo.price * bo.quantity)),
        ("Est. ship", ship_text, "Est. delivery", day(bo.estimated_delivery_date) or "not set"),
        (
            "Shipped",
            day(bo.actual_ship_date) or "-",
            "Delivered",
            day(bo.actual_delivery_date) or "-",
        ),
        *_created(ctx),
        (
            "Supplier order",
            bo.supplier_order or "-",
            "Cancelled",
            stamp(bo.cancelled_at, named=True),
        ),
    ]
    facts = Facts(pairs)
    customer = ctx.customer
    order = "none"
    if ctx.order is not None:
        number = f" number {ctx.order.number}" if ctx.order.number else ""
        order = f"{ctx.order.id}{number}, placed {stamp(ctx.order.placed_at, named=True)}"
    wide = _two_columns()
    product = ctx.product
    wide.add_row(_label("Product"), _shown(f"{product.name} ({product.id}, SKU {product.sku})"))
    wide.add_row(_label("Stock on hand"), Text(f"{product.stock_on_hand:,} free units"))
    wide.add_row(_label("Customer"), _shown(f"{customer.name} ({customer.id})"))
    # A phone number or an address is one unit: its own row, never broken across lines.
    for label, value in (("E-mail", customer.email), ("Phone", customer.phone)):
        if value:
            wide.add_row(_label(label), Text(safe_for_terminal(value), no_wrap=True))
    if not (customer.email or customer.phone):
        wide.add_row(_label("Contact"), Text("none: no e-mail or phone to notify"))
    wide.add_row(_label("Business"), _shown(f"{ctx.business.name} ({ctx.business.id})"))
    wide.add_row(_label("Order"), _shown(order))
    entries = [f"{key} = {value!r}" for key, value in bo.metadata.items()] or ["none"]
    for index, entry in enumerate(entries):
        wide.add_row(_label("Metadata" if index == 0 else ""), _shown(entry))
    return Group(facts, wide)


def _created(ctx: lookup.Context) -> list[tuple[str, str | Text, str, str]]:
    """When the backorder was created; for one split off another by a partial fulfil, when it
    was split off and from which: its `createdAt` is the original's (the contract copies it, so
    it keeps its place in the queue), which a new user read as the split's own date (trial)."""
    bo = ctx.backorder
    created, updated = stamp(bo.created_at, named=True), stamp(bo.updated_at, named=True)
    split = next((e for e in ctx.events if e.type == "created" and e.data.get("splitFrom")), None)
    origin = split.data["splitFrom"] if split else bo.metadata.get("splitFrom")
    if not isinstance(origin, str):
        return [("Created", created, "Updated", updated)]
    split_off = stamp(split.at, named=True) if split else "-"
    return [
        ("Split off", split_off, "Updated", updated),
        ("Split from", origin, "First created", created),
    ]


def _timeline(events: list[schemas.Event]) -> RenderableType:
    if not events:
        return Text("No events.")
    table = Table.grid(padding=(0, 1), expand=True)
    table.add_column(width=16, no_wrap=True)
    table.add_column(max_width=14, no_wrap=True, overflow="ellipsis")
    table.add_column(ratio=1)
    for event in events:
        table.add_row(Text(stamp(event.at)), _shown(event.actor), _shown(event_summary(event)))
    return table


def _notifications(entries: list[schemas.OutboxEntry]) -> RenderableType:
    if not entries:
        return Text("None.")
    table = Table.grid(padding=(0, 1), expand=True)
    table.add_column(width=16, no_wrap=True)
    table.add_column(width=6, no_wrap=True)
    table.add_column(ratio=1)
    for entry in entries:
        about = entry.subject or (entry.body.splitlines() or [""])[0]
        table.add_row(
            Text(stamp(entry.created_at)),
            Text(entry.status),
            _shown(f"{entry.channel} to {entry.to} by {entry.actor}: {about}"),
        )
    return table


def _refunds(refunds: list[schemas.Refund]) -> RenderableType:
    if not refunds:
        return Text("None.")
    table = Table.grid(padding=(0, 1), expand=True)
    table.add_column(width=16, no_wrap=True)
    table.add_column(ratio=1)
    for refund in refunds:
        reason = f": {refund.reason}" if refund.reason else ""
        table.add_row(
            Text(stamp(refund.at)), _shown(f"{amount(refund.amount)} by {refund.actor}{reason}")
        )
    return table


class DetailScreen(Screen[None]):
    """One backorder in full; the triage keys act on it and it follows changes made elsewhere."""

    # A screen for reading, with no box to type into: keys typed after leaving it are meant
    # for the queue, so they are not dropped as typing on (app.pop_screen).
    GUARD_ON_CLOSE = False

    CSS = css("screens", "DetailScreen")

    BINDINGS = [
        Binding("escape", "back", "Back", id="detail.back", tooltip="Back to the queue"),
        Binding("c", "triage('confirm')", "Confirm", id="detail.confirm", tooltip="Confirm it"),
        Binding("f", "triage('fulfill')", "Fulfil", id="detail.fulfill", tooltip="Ship it"),
        Binding("x", "triage('cancel')", "Cancel", id="detail.cancel", tooltip="Cancel it (asks)"),
        Binding(
            "d",
            "triage('delete')",
            "Delete",
            id="detail.delete",
            tooltip="Delete it (asks)",
            show=False,
        ),
        Binding("e", "edit", "Edit", id="detail.edit", tooltip="Edit its fields"),
        Binding(
            "t", "estimate", "Estimate", id="detail.estimate", tooltip="Change the estimated dates"
        ),
        Binding(
            "m", "notify_customer", "Notify", id="detail.notify", tooltip="Message the customer"
        ),
        Binding(
            "r",
            "receive",
            "Receive",
            id="detail.receive",
            tooltip="Receive stock for its product",
            show=False,
        ),
        Binding(
            "u",
            "customer",
            "Customer's backorders",
            id="detail.customer",
            tooltip="The queue of every backorder of this customer; Esc there comes back here",
        ),
        Binding(
            "j",
            "scroll('down')",
            "Down",
            id="detail.scroll_down",
            show=False,
            tooltip="Scroll down",
        ),
        Binding("k", "scroll('up')", "Up", id="detail.scroll_up", show=False, tooltip="Scroll up"),
    ]

    @dataclass
    class Loaded(Message):
        """The backorder and its records were read."""

        context: lookup.Context

    @dataclass
    class Gone(Message):
        """The backorder could not be read: deleted (with its event) or another failure."""

        error: BotuiError
        deletion: schemas.Event | None

    @dataclass
    class Checked(Message):
        """Before the form opens: the backorder exists (`gone` None), or why it does not."""

        gone: str | None

    @dataclass
    class Changed(Message):
        """Events about this backorder appeared after the last load."""

    def __init__(self, service: Service, backorder_id: str) -> None:
        super().__init__()
        self.service = service
        self.backorder_id = backorder_id
        self.context: lookup.Context | None = None
        self._deleting = False
        self._checking = False

    def compose(self) -> ComposeResult:
        yield Static(f"Backorder {self.backorder_id}", id="detail-title", markup=False)
        yield Static("", id="detail-banner", markup=False)
        with VerticalScroll(id="detail-body"):
            yield Static("Loading...", id="facts", markup=False)
            yield Static(
                f"Timeline ({zone_name()} time, actor, what)", classes="section", markup=False
            )
            yield Static("", id="timeline", markup=False)
            yield Static(f"Notifications (times in {zone_name()})", classes="section", markup=False)
            yield Static("", id="notifications", markup=False)
            yield Static(f"Refunds (times in {zone_name()})", classes="section", markup=False)
            yield Static("", id="refunds", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#detail-body").focus()
        follow_events(self, self.service, self._poll)

    def on_screen_resume(self) -> None:
        self.reload()

    def reload(self) -> None:
        """Read the backorder again (in a thread) and redraw."""
        self._load()

    @work(thread=True, exclusive=True, group="detail-load")
    def _load(self) -> None:
        ctx, error = attempt(
            self.service, lambda: self.service.backorder_context(self.backorder_id)
        )
        if error is not None:
            deleted, _ = attempt(self.service, lambda: self.service.deletion(self.backorder_id))
            if error.code == "not_found":
                why, _ = attempt(self.service, lambda: gone(self.service, self.backorder_id))
                error = BotuiError(error.code, why or error.message, error.field)
            self.post_message(self.Gone(error, deleted))
        elif ctx is not None:
            self.post_message(self.Loaded(ctx))

    @work(thread=True, exclusive=True, group="detail-poll")
    def _poll(self) -> None:
        if self.context is None:
            return
        since = self.context.last_event_id
        page, _ = attempt(
            self.service,
            lambda: self.service.events({"backorder": self.backorder_id, "since": since}),
        )
        if page is not None and page.data:
            self.post_message(self.Changed())

    @on(Changed)
    def _on_changed(self) -> None:
        self.reload()

    @on(Loaded)
    def _on_loaded(self, message: Loaded) -> None:
        self._deleting = False  # it is still there: a delete asked for was declined
        self.context = ctx = message.context
        bo = ctx.backorder
        self.refresh_bindings()
        title = f"Backorder {bo.id} v{bo.version}  {bo.status}  {bo.priority_level}"
        self.query_one("#detail-title", Static).update(_shown(f"{title}  {ctx.customer.name}"))
        self._banner("")
        now = config.now()
        self.query_one("#facts", Static).update(_facts(ctx, now))
        self.query_one("#timeline", Static).update(_timeline(ctx.events))
        self.query_one("#notifications", Static).update(_notifications(ctx.notifications))
        self.query_one("#refunds", Static).update(_refunds(ctx.refunds))

    @on(Gone)
    def _on_gone(self, message: Gone) -> None:
        if message.deletion is not None and self._deleting:
            self.dismiss()
            return
        if message.error.code == "not_found":
            self._banner(f"{message.error.message}; Escape goes back.")
        else:
            self._banner(f"Cannot show {self.backorder_id}: {message.error.message}")

    def _banner(self, text: str) -> None:
        banner = self.query_one("#detail-banner", Static)
        banner.update(text)
        banner.set_class(bool(text), "-shown")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Offer only the actions the backorder's status allows (the rule is the domain's)."""
        wanted = _contract_action(action, parameters)
        if wanted is None or self.context is None:
            return True
        return wanted in statuses.offered(self.context.backorder.status)

    def _say_not_offered(self, key: str) -> bool:
        """A key whose action the status does not allow says why instead of doing nothing."""
        if self.context is None:
            return False
        bo = self.context.backorder
        mine = [bindings for node, bindings in self._binding_chain if node is self]
        for binding in mine[0].key_to_bindings.get(key, []) if mine else []:
            _, action, parameters = _parse_action(binding.action)
            wanted = _contract_action(action, parameters)
            if wanted is not None and wanted not in statuses.offered(bo.status):
                why = statuses.refusal(wanted, bo.id, bo.status)
                self.notify(
                    why.message if why is not None else f"{bo.id} is {bo.status}",
                    severity="warning",
                    markup=False,
                )
                return True
        return False

    def action_back(self) -> None:
        self.dismiss()

    def action_customer(self) -> None:
        if self.context is None:
            return
        customer = self.context.customer
        botui_app(self).open_customer(customer.id, customer.name, self.backorder_id)

    def action_scroll(self, direction: str) -> None:
        body = self.query_one("#detail-body", VerticalScroll)
        body.scroll_relative(y=1 if direction == "down" else -1, animate=False)

    # Questions and dialogs open at once (they name a backorder deleted meanwhile when they
    # apply), so the keys typed next land in them; only the form first checks the backorder
    # exists, and drops the keys typed while it looks.

    def action_triage(self, action: str) -> None:
        self._triage(action)

    def action_edit(self) -> None:
        self._checking = True
        self._check()

    def action_estimate(self) -> None:
        self._open(EstimateDialog(self.service, [self.backorder_id]), "estimate")

    def action_notify_customer(self) -> None:
        self._open(NotifyDialog(self.service, [self.backorder_id]), "notify")

    def action_receive(self) -> None:
        self._open(ReceiveDialog(self.service, [self.backorder_id]), "receive")

    def on_key(self, event: Key) -> None:
        """Keys typed while the form's backorder is being looked up are dropped; a key for an
        action its status does not allow says so."""
        if (self._checking and event.key not in NAVIGATION) or self._say_not_offered(event.key):
            event.stop()
            event.prevent_default()

    @work(thread=True, exclusive=True, group="detail-check")
    def _check(self) -> None:
        """Make sure the backorder still exists, so a deleted one is named as such, not "no id"."""
        bid = self.backorder_id
        _, error = attempt(self.service, lambda: self.service.get({"id": bid}), bid)
        missing = error.message if error is not None and error.code == "not_found" else None
        self.post_message(self.Checked(missing))

    @on(Checked)
    def _on_checked(self, message: Checked) -> None:
        self._checking = False
        if message.gone is not None:
            self.notify(f"{message.gone}; nothing was done", severity="warning", markup=False)
            self.reload()
            return
        self.app.push_screen(BackorderForm(self.service, self.backorder_id), self._after_edit)

    def _triage(self, action: str) -> None:
        run = getattr(self.app, "run_triage", None)
        if run is None:
            self.notify(f"{action} is not available here", severity="warning")
            return
        self._deleting = action == "delete"
        run(action, [self.backorder_id])
        self.reload()

    def _open(self, dialog: Screen[list[Outcome] | None], action: str) -> None:
        def done(outcomes: list[Outcome] | None) -> None:
            if outcomes:
                refused = any(not o.ok for o in outcomes)
                self.notify(
                    summary(action, outcomes),
                    severity="warning" if refused else "information",
                    markup=False,
                )
            self.reload()

        self.app.push_screen(dialog, done)

    def _after_edit(self, saved: schemas.Backorder | None) -> None:
        if saved is not None:
            self.notify(f"{saved.id} saved (version {saved.version})", markup=False)
        self.reload()
