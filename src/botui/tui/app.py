"""The botui terminal app: the queue screen, the shared triage runner, and delay detection."""

from __future__ import annotations

import gc
from dataclasses import dataclass
from functools import partial

from rich.text import Text
from textual import on, work
from textual.app import App
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen

from botui.domain import queue, schemas
from botui.domain.errors import BotuiError
from botui.domain.queue import QueueRow
from botui.domain.service import Service
from botui.tui.commands import BindingCommands
from botui.tui.outcome import Outcome, summary
from botui.tui.screens._fields import attempt
from botui.tui.screens.confirm import ConfirmDialog, question_body
from botui.tui.screens.detail import DetailScreen
from botui.tui.screens.estimate import EstimateDialog
from botui.tui.screens.form import BackorderForm
from botui.tui.screens.help import HelpScreen, help_rows
from botui.tui.screens.notify import NotifyDialog
from botui.tui.screens.queue import QueueScreen
from botui.tui.screens.receive import ReceiveDialog
from botui.tui.widgets.cells import money
from botui.tui.widgets.queue_table import QueueTable

DELAY_SECONDS = 60.0
# The first scan waits this long after the first rows are shown, so it does not compete with
# the user's first keystrokes (g, G, the first filter) for the GIL and the database.
FIRST_DELAY_SCAN_SECONDS = 1.0
ALIASES = {
    "fulfil": "fulfill",
    "updateEstimate": "estimate",
    "notifyCustomer": "notify",
    "receiveInventory": "receive",
}
VERBS = {"confirm": "Confirm", "fulfill": "Fulfil", "cancel": "Cancel", "delete": "Delete"}
DIALOGS = {"estimate": EstimateDialog, "notify": NotifyDialog, "receive": ReceiveDialog}
BUSY = "busy, try again"
# Toasts sit at the top right, over the queue's price and date columns, never over the log's
# newest lines or a dialog's keys; a report of several lines stays a little longer.
TOAST_SECONDS = 4.0
REPORT_SECONDS = 6.0


def _done(action: str, answer: schemas.Backorder) -> str:
    """What a successful action did, in words."""
    if action == "fulfill":
        return f"{answer.id} fulfilled: {answer.quantity:,} shipped"
    if action == "cancel":
        refund = answer.price * answer.quantity
        paid = f"refund {money(refund)}" if refund else "nothing to refund"
        return f"{answer.id} cancelled, {paid}"
    return f"{answer.id} {'confirmed' if action == 'confirm' else 'deleted'}"


class BotuiApp(App[int]):
    """Keyboard triage of backorders over one service; everything slow runs in workers."""

    CSS_PATH = "botui.tcss"
    TITLE = "botui"
    # Only botui's own actions: Textual's system commands (theme, key panel, maximize, an SVG
    # screenshot written into the working folder) are no use to someone triaging backorders.
    COMMANDS = {BindingCommands}
    NOTIFICATION_TIMEOUT = TOAST_SECONDS
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]
    BINDINGS = [
        Binding("question_mark", "help", "Help", id="app.help", show=True),
        Binding("ctrl+q", "quit", "Quit", id="app.quit", show=False, priority=True),
    ]

    @dataclass
    class Asked(Message):
        """The backorders behind a cancel or delete question were read."""

        action: str
        ids: list[str]
        found: list[QueueRow]
        missing: list[str]

    @dataclass
    class Finished(Message):
        """An action ran on every id; `reason` is what the user typed, kept if it was busy."""

        action: str
        ids: list[str]
        outcomes: list[Outcome]
        reason: str | None

    def __init__(self, service: Service, *, delay_detection: bool = True) -> None:
        super().__init__()
        self.service = service
        self._delay_detection = delay_detection and not service.readonly
        self._kept_reasons: dict[tuple[str, ...], str] = {}

    def get_default_screen(self) -> Screen:
        return QueueScreen(self.service)

    def on_mount(self) -> None:
        # Everything built so far lives as long as the app: kept out of the collector's full
        # passes, which otherwise paused the event loop for ~50 ms now and then.
        gc.freeze()

    @on(QueueTable.FirstShown)
    def _start_delay_detection(self) -> None:
        """Look for late backorders a moment after the first rows are on screen: at a million
        rows the scan takes 60-130 ms of a thread that would compete with the first keys."""
        if self._delay_detection:
            self.set_timer(FIRST_DELAY_SCAN_SECONDS, self._detect_delays)
            self.set_interval(DELAY_SECONDS, self._detect_delays)

    @work(thread=True, exclusive=True, group="delays")
    def _detect_delays(self) -> None:
        """Record newly late backorders; a busy database just waits for the next minute."""

        def detect() -> schemas.DelayResult:
            queue.use_small_cache(self.service.db)
            return self.service.detect_delays()

        attempt(self.service, detect)

    # -- screens --------------------------------------------------------------------------

    def action_help(self) -> None:
        rows = help_rows(self.screen.active_bindings.values())
        self.push_screen(HelpScreen(rows))

    def open_detail(self, backorder_id: str) -> None:
        """Show one backorder with its history."""
        self.push_screen(DetailScreen(self.service, backorder_id))

    def open_form(self, backorder_id: str | None) -> None:
        """Edit a backorder, or create one when `backorder_id` is None."""
        if self._refuse_readonly():
            return
        self.push_screen(BackorderForm(self.service, backorder_id), self._saved)

    def _saved(self, saved: schemas.Backorder | None) -> None:
        if saved is not None:
            self.notify(f"{saved.id} saved", markup=False)
            self._refresh_queue(set(), select=saved.id)

    def _refresh_queue(self, succeeded: set[str], select: str | None = None) -> None:
        for screen in self.screen_stack:
            if isinstance(screen, QueueScreen):
                screen.finished(succeeded, select)

    def _refuse_readonly(self) -> bool:
        if self.service.readonly:
            self.notify(
                f"{self.service.path} is read-only: nothing can be changed",
                severity="error",
                markup=False,
            )
        return self.service.readonly

    # -- the triage runner, shared with the detail screen --------------------------------

    def run_triage(self, action: str, ids: list[str]) -> None:
        """Run a triage action on `ids`: at once, after a question, or through its dialog."""
        action = ALIASES.get(action, action)
        ids = list(dict.fromkeys(ids))
        if not ids:
            self.notify("No backorder here to act on", severity="warning")
            return
        if self._refuse_readonly():
            return
        if action in DIALOGS:
            dialog = DIALOGS[action](self.service, ids)
            self.push_screen(dialog, partial(self._dialog_done, action, ids))
        elif action in ("cancel", "delete"):
            self._read_for_question(action, ids)
        elif action in ("confirm", "fulfill"):
            if len(ids) == 1:
                self._execute(action, ids, None)
                return
            question = ConfirmDialog(
                f"{VERBS[action]} {len(ids):,} marked backorders?",
                Text(", ".join(ids[:6]) + (", …" if len(ids) > 6 else "")),
                yes=f"{VERBS[action].lower()} all {len(ids):,}",
            )
            self.push_screen(question, partial(self._answered, action, ids))
        else:
            self.notify(f"Unknown action {action}", severity="error", markup=False)

    @work(thread=True, group="triage-read")
    def _read_for_question(self, action: str, ids: list[str]) -> None:
        """Read what the question shows (names, refund, units held) off the event loop."""
        found, error = attempt(self.service, lambda: queue.rows_by_id(ids))
        if found is None:
            self.post_message(self.Finished(action, ids, self._refused(ids, error), None))
            return
        rows = [found[i] for i in ids if i in found]
        self.post_message(self.Asked(action, ids, rows, [i for i in ids if i not in found]))

    @staticmethod
    def _refused(ids: list[str], error: BotuiError | None) -> list[Outcome]:
        text = BUSY if error is None or error.code == "busy" else error.message
        return [Outcome(i, False, text) for i in ids]

    @on(Asked)
    def _ask(self, message: Asked) -> None:
        action, ids = message.action, message.ids
        what = ids[0] if len(ids) == 1 else f"{len(ids):,} marked backorders"
        question = ConfirmDialog(
            f"{VERBS[action]} {what}?",
            question_body(action, message.found, message.missing),
            yes=f"{VERBS[action].lower()} {'it' if len(ids) == 1 else 'them'}",
            no="keep " + ("it" if len(ids) == 1 else "them"),
            reason=self._kept_reasons.get(tuple(ids), "") if action == "cancel" else None,
        )
        self.push_screen(question, partial(self._answered, action, ids))

    def _answered(self, action: str, ids: list[str], reason: str | None) -> None:
        if reason is None:
            self.notify(f"{VERBS[action]}: nothing changed", markup=False)
            return
        self._execute(action, ids, reason or None)

    @work(thread=True, group="triage-run")
    def _execute(self, action: str, ids: list[str], reason: str | None) -> None:
        """Apply one action to each id in its own transaction and collect the outcomes."""
        method = {
            "confirm": self.service.confirm,
            "fulfill": self.service.fulfill,
            "cancel": self.service.cancel,
            "delete": self.service.delete,
        }[action]
        outcomes = []
        for backorder_id in ids:
            payload = {"id": backorder_id}
            if reason and action == "cancel":
                payload["reason"] = reason
            answer, error = attempt(self.service, lambda p=payload: method(p), backorder_id)
            if answer is not None:
                outcomes.append(Outcome(backorder_id, True, _done(action, answer)))
            else:
                outcomes.append(self._refused([backorder_id], error)[0])
        self.post_message(self.Finished(action, ids, outcomes, reason))

    @on(Finished)
    def _finished(self, message: Finished) -> None:
        outcomes = message.outcomes
        key = tuple(message.ids)
        if message.reason and any(o.message == BUSY for o in outcomes):
            self._kept_reasons[key] = message.reason
        else:
            self._kept_reasons.pop(key, None)
        self._report(VERBS.get(message.action, message.action), outcomes)

    def _dialog_done(self, action: str, ids: list[str], outcomes: list[Outcome] | None) -> None:
        if outcomes is not None:
            self._report(action.capitalize(), outcomes)

    def _report(self, title: str, outcomes: list[Outcome]) -> None:
        refused = sum(not o.ok for o in outcomes)
        severity = "warning" if refused else "information"
        if refused == len(outcomes):
            severity = "error"
        text = summary(title.lower(), outcomes)
        timeout = REPORT_SECONDS if "\n" in text else TOAST_SECONDS
        self.notify(text, severity=severity, markup=False, timeout=timeout)
        self._refresh_queue({o.backorder for o in outcomes if o.ok})


def run_app(service: Service) -> int:
    """Run the terminal UI until the user quits; the exit status for the shell."""
    app = BotuiApp(service)
    result = app.run()
    if app.return_code:
        return app.return_code
    return result if isinstance(result, int) else 0
