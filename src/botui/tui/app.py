"""The botui terminal app: the queue screen, the shared triage runner, and delay detection."""

from __future__ import annotations

import datetime as dt
import gc
import importlib
import sys
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from textual import events, on, work
from textual.app import App
from textual.await_complete import AwaitComplete
from textual.binding import Binding
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.widgets import Input

from botui.domain.errors import BotuiError
from botui.domain.late import LateService
from botui.tui import keymap
from botui.tui.attempt import attempt, refuse_readonly
from botui.tui.formatting import times
from botui.tui.keys import KeyGuard, describe, install_glued_escape, is_glued_escape
from botui.tui.screens.queue import QueueScreen
from botui.tui.widgets.queue_table import QueueTable

# The queue is all the first screen needs: every other screen and dialog is imported when it
# first opens, so its code (and the CSS Textual parses for it) does not delay the first rows.
if TYPE_CHECKING:
    from textual.command import Provider
    from textual.timer import Timer

    from botui.domain import schemas
    from botui.domain.service import Service
    from botui.settings import Loaded, Settings
    from botui.tui.first_rows import FirstRows
    from botui.tui.formatting.outcome import Outcome
    from botui.tui.screens.outbox import Report as OutboxReport

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
# With [mail] (or [sms]) configured, queued messages go out every minute from a worker; the
# first send waits a little after the first rows are shown, as the delay scan does.
OUTBOX_SECONDS = 60.0
FIRST_OUTBOX_SECONDS = 5.0
OUTBOX_BATCH = 100  # entries one background send takes at most; the rest wait a minute
DIALOGS = {"estimate": "dialogs.estimate.EstimateDialog", "notify": "dialogs.notify.NotifyDialog",
           "receive": "dialogs.receive.ReceiveDialog"}  # fmt: skip
# Toasts sit at the right of the status line (botui.tcss), never over the queue's header and
# top rows, the log or the keys; a report of several lines stays a little longer.
TOAST_SECONDS = 4.0
# What a toast's severity says in words, not colour alone.
TOAST_MARKS = {"warning": "! ", "error": "✗ "}
REPORT_SECONDS = 6.0


def _screen(name: str) -> Any:
    """`package.module.Name` under botui.tui (screens, dialogs), imported when first wanted."""
    module, attribute = name.rsplit(".", 1)
    return getattr(importlib.import_module(f"botui.tui.{module}"), attribute)


def _binding_commands() -> type[Provider]:
    from botui.tui.commands import BindingCommands

    return BindingCommands


def deliver(*args: Any, **kwargs: Any) -> OutboxReport:
    """tui.screens.outbox.deliver, loaded at the first background send."""
    return _screen("screens.outbox.deliver")(*args, **kwargs)


def _is_text_area(widget: object) -> bool:
    """Whether `widget` is a TextArea (free text: a reason). Textual's TextArea is loaded by
    the first dialog that has one (no widget can be one before), not at start-up."""
    area = sys.modules.get("textual.widgets._text_area")
    return area is not None and isinstance(widget, area.TextArea)


def _is_text_box(widget: object) -> bool:
    """Whether `widget` takes typing as text: an Input or a TextArea."""
    return isinstance(widget, Input) or _is_text_area(widget)


def _typing_a_reason(focused: object, screen: Screen) -> bool:
    """Whether typing goes into free text (a reason box), which shows the person is answering
    the question. Digits in a quantity box do not: they come as fast as a burst typed on, so
    ctrl+s after them still waits for a pause (a shipment cannot be undone)."""
    if focused is not None:
        return _is_text_area(focused)
    target = getattr(screen, "typing_target", None)
    if not callable(target) or target() is None:
        return False
    found = screen.query(target())
    return bool(found) and _is_text_area(found.first())


def _takes_early_typing(screen: Screen, key: events.Key | None = None) -> bool:
    """Whether a screen puts keys typed before its box has focus (or this `key`) into a box."""
    target = getattr(screen, "typing_target", None)
    if callable(target) and target() is not None:
        return True
    early = getattr(screen, "takes_early_key", None)
    return key is not None and callable(early) and bool(early(key))


class BotuiApp(App[int]):
    """Keyboard triage of backorders over one service; everything slow runs in workers."""

    CSS_PATH = "botui.tcss"
    TITLE = "botui"
    # Only botui's own actions: Textual's system commands (theme, key panel, maximize, an SVG
    # screenshot written into the working folder) are no use to someone triaging backorders.
    COMMANDS = {_binding_commands}
    NOTIFICATION_TIMEOUT = TOAST_SECONDS
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]
    BINDINGS = [
        Binding("question_mark", "help", "Help", id="app.help", show=True),
        Binding("ctrl+q", "quit", "Quit", id="app.quit", show=False, priority=True),
    ]

    @dataclass
    class Finished(Message):
        """A confirm of the cursor's row, which asks nothing, ran."""

        action: str
        outcomes: list[Outcome]

    @dataclass
    class ServiceFailed(Message):
        """The Service, opened after the first frame (domain.late), could not be opened."""

        error: BotuiError

    @dataclass
    class OutboxSent(Message):
        """A background send of the outbox ended: what it did, or why it could not."""

        text: str
        severity: SeverityLevel
        tried: bool

    def __init__(
        self,
        service: Service,
        *,
        delay_detection: bool = True,
        config: Loaded | None = None,
        background_send: bool = True,
        first_rows: FirstRows | None = None,
    ) -> None:
        install_glued_escape()
        super().__init__()
        self.service = service
        if isinstance(service, LateService):  # opened after the first frame, maybe failing
            service.when_failed = lambda error: self.post_message(self.ServiceFailed(error))
        self._first_rows = first_rows  # read while the app loaded (botui.tui.first_rows)
        self.config = config
        self._delay_detection = delay_detection and not service.readonly
        # Without a configuration file nothing is configured to send (nor pydantic loaded).
        channels = _channels(config.settings) if config is not None and config.found else []
        self._background_send = background_send and bool(channels) and not service.readonly
        self._outbox_busy = False
        self._outbox_said = ""  # the last failure a background send reported, said once
        self.key_guard = KeyGuard()
        self._guarded: Screen | None = None  # the screen a burst of typing must not reach
        self._guard_opening = False
        self._say_dropped_timer: Timer | None = None  # one pending "Ignored ..." at a time

    def get_default_screen(self) -> Screen:
        screen = QueueScreen(self.service, self._first_rows)
        self._first_rows = None
        # The height class (VERTICAL_BREAKPOINTS) the first resize would give it, given now:
        # that resize then changes no class, so every widget is not styled a second time
        # before the first rows are drawn (issue 12).
        for floor, name in sorted(self.VERTICAL_BREAKPOINTS, reverse=True):
            if self.size.height >= floor:
                screen.add_class(name)
                break
        return screen

    def on_mount(self) -> None:
        # Everything built so far lives as long as the app: kept out of the collector's full
        # passes, which otherwise paused the event loop for ~50 ms now and then.
        gc.freeze()

    @on(ServiceFailed)
    def _service_failed(self, message: ServiceFailed) -> None:
        """End at once: `botui` then says why and exits as if the database had failed to
        open before the UI (cli.run_ui)."""
        self.exit(return_code=message.error.exit_status)

    @on(QueueTable.FirstShown)
    def _collect_again(self) -> None:
        """`botui` starts the UI with the garbage collector off (cli.run_ui): what start-up
        built stays (frozen, as at mount), and collection resumes with the first rows shown."""
        gc.freeze()
        gc.enable()

    @on(QueueTable.FirstShown)
    def _start_delay_detection(self) -> None:
        """Look for late backorders a moment after the first rows are on screen: at a million
        rows the scan takes 60-130 ms of a thread that would compete with the first keys."""
        if self._delay_detection:
            self.set_timer(FIRST_DELAY_SCAN_SECONDS, self._detect_delays)
            self.set_interval(DELAY_SECONDS, self._detect_delays)
        if self._background_send:
            self.set_timer(FIRST_OUTBOX_SECONDS, self._send_outbox)
            self.set_interval(OUTBOX_SECONDS, self._send_outbox)

    @work(thread=True, exclusive=True, group="delays")
    def _detect_delays(self) -> None:
        """Record newly late backorders; a busy database just waits for the next minute."""

        attempt(self.service, self.service.detect_delays, small_cache=True)

    def _send_outbox(self) -> None:
        """Send the due queued messages, unless the last background send is still going."""
        if not self._outbox_busy:
            self._outbox_busy = True
            self._background_outbox()

    @work(thread=True, group="outbox-background")
    def _background_outbox(self) -> None:
        """Deliver as `botui outbox send` does: each entry is claimed in a transaction before
        it is sent, so other sessions sending at the same time never send it too."""
        assert self.config is not None
        channels = _channels(self.config.settings)
        report = deliver(self.service, self.config, channels, limit=OUTBOX_BATCH)
        self.post_message(self.OutboxSent(report.text, report.severity, report.tried))

    @on(OutboxSent)
    def _outbox_sent(self, message: OutboxSent) -> None:
        """Say what a background send did; a failure once until it changes, not every minute."""
        self._outbox_busy = False
        if message.severity == "error":
            if message.text != self._outbox_said:
                self._outbox_said = message.text
                again = f"; botui tries again every {OUTBOX_SECONDS:.0f} s"
                # Nobody asked for this send: the failure stays up long enough to be read.
                self.notify(message.text + again, severity="warning", markup=False, timeout=10)
            return
        self._outbox_said = ""
        if message.tried:
            self.notify(message.text, severity=message.severity, markup=False)
            for screen in self.screen_stack:
                if isinstance(screen, _screen("screens.outbox.OutboxScreen")):
                    screen.reload()

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """A toast; a warning or an error says so in its first character as well as its colour,
        so with NO_COLOR or 16 colours a refusal never looks like a success."""
        super().notify(
            TOAST_MARKS.get(severity, "") + message,
            title=title,
            severity=severity,
            timeout=timeout,
            markup=markup,
        )

    # -- keys: a glued Esc is an Esc; typing on after a screen closes never acts ------------

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Paste) and self.screen is self._guarded:
            self.key_guard.disarm()  # a pasted reason is typing too: the person is answering
        if isinstance(event, events.Key) and event.is_forwarded:
            routed_to = getattr(event, "_botui_screen", self.screen)
            if routed_to is not self.screen and event.is_printable:
                # It came in one read with the key before it (as botui opens, or over a slow
                # link), waited in the queue screen's line while that key opened a screen
                # over it, and bubbled back here unread: it is the new screen's, through the
                # key guard as if typed now (`x supplier` at start-up gave 'upplier').
                await self.on_event(events.Key(event.key, event.character))  # in its turn
                return
        if isinstance(event, events.Key) and not event.is_forwarded:
            event._botui_screen = self.screen  # type: ignore[attr-defined]  # see above
            typing_into_a_box = _is_text_box(self.focused) or (
                self.focused is None and _takes_early_typing(self.screen, event)
            )
            if is_glued_escape(event.key, typing_into_a_box):
                event = events.Key("escape", "\x1b")  # what the person pressed first
            guarded = self.screen is self._guarded  # not a screen opened since
            backing_out = self._guard_opening and event.key == "escape"  # never text, never yes
            # In a text box the typing is text; only ctrl+s there applies, so it waits too.
            text = typing_into_a_box and event.key != "ctrl+s"
            reason = _typing_a_reason(self.focused, self.screen)
            if guarded and text and self._guard_opening and event.is_printable and reason:
                self.key_guard.disarm()  # typing a reason is dealing with the question
            elif guarded and not text and not backing_out and self.key_guard.drops(event):
                self._say_dropped_later()
                return
        await super().on_event(event)

    def typed_into(self, screen: Screen, key: events.Key) -> None:
        """A letter reached a question that has no box for it: the person is typing, so the
        burst starts again and its `y` cannot answer (see tui.keys)."""
        self.guard_typing(screen)
        self.key_guard.dropped.append(key)
        self._say_dropped_later()

    def pop_screen(self) -> AwaitComplete:
        """Close the top screen; the keys typed on in the same burst are dropped, unless they
        land in a text box of the screen below (there they are text, not commands)."""
        stack = self.screen_stack
        if getattr(stack[-1], "GUARD_ON_CLOSE", True):
            self.guard_typing(stack[-2] if len(stack) > 1 else None, opening=False)
        return super().pop_screen()

    def guard_typing(self, screen: Screen | None, *, opening: bool = True) -> None:
        """Drop the keys that reach `screen` in the burst of typing going on now: a question
        about to open (a `y` typed on must not answer it; Escape still backs out), or, with
        `opening` False, a screen a close uncovered."""
        self._guarded = screen
        self._guard_opening = opening
        self.key_guard.arm()

    def _say_dropped_later(self) -> None:
        """Say what was dropped once the burst is over (one timer, however many keys)."""
        if self._say_dropped_timer is None:
            self._say_dropped_timer = self.set_timer(self.key_guard.quiet, self._say_dropped)

    def _say_dropped(self) -> None:
        """Once the burst is over, say which keys were dropped, so nothing is silently lost.
        While keys still come, look again when the burst would end (the guard's clock)."""
        self._say_dropped_timer = None
        if self.key_guard.armed:
            wait = max(self.key_guard.remaining, 0.02)
            self._say_dropped_timer = self.set_timer(wait, self._say_dropped)
            return
        dropped = self.key_guard.take_dropped()
        if not dropped:
            return
        if self._guard_opening and self.screen is self._guarded:
            why = "typed on without a pause; the question is still open: read it, then answer"
        else:
            why = "typed on as a screen closed, so not taken as keys"
        self.notify(f"Ignored {describe(dropped)!r}: {why}", severity="warning", markup=False)

    async def action_quit(self) -> None:
        """Quit; when a form or dialog holds typing, only once the person agrees to lose it."""
        from botui.tui.dialogs.discard import DiscardDialog, unsaved

        if not any(unsaved(screen) for screen in self.screen_stack):
            self.exit()
            return

        def answered(agree: bool | None) -> None:
            if agree:
                self.exit()

        question = DiscardDialog("Quit and lose what you typed?", "quit, losing it")
        self.guard_typing(question)
        self.push_screen(question, answered)

    # -- screens --------------------------------------------------------------------------

    def action_help(self) -> None:
        from botui.tui.screens.help import HelpScreen, help_rows

        rows = help_rows(self.screen.active_bindings.values())
        self.push_screen(HelpScreen(rows))

    def open_outbox(self) -> None:
        """Show the outbox: queued, failed and sent messages; send, retry, mark sent."""
        self.push_screen(_screen("screens.outbox.OutboxScreen")(self.service, self.config))

    def open_detail(self, backorder_id: str) -> None:
        """Show one backorder with its history."""
        self.push_screen(_screen("screens.detail.DetailScreen")(self.service, backorder_id))

    def open_customer(self, customer: str, name: str, came_from: str) -> None:
        """Show the queue narrowed to every backorder of a customer, from `came_from`'s detail
        screen (closed: Esc on the queue reopens it)."""
        queues = [screen for screen in self.screen_stack if isinstance(screen, QueueScreen)]
        if not queues:
            return
        while self.screen is not queues[-1]:
            self.pop_screen()
        queues[-1].show_customer(customer, name, came_from)

    def open_form(self, backorder_id: str | None) -> None:
        """Edit a backorder, or create one when `backorder_id` is None."""
        if self._refuse_readonly():
            return
        form = _screen("screens.form.BackorderForm")(self.service, backorder_id)
        self.push_screen(form, self._saved)

    def _saved(self, saved: schemas.Backorder | None) -> None:
        if saved is not None:
            self.notify(f"{saved.id} saved", markup=False)
            self._refresh_queue(set(), select=saved.id)

    def _refresh_queue(self, succeeded: set[str], select: str | None = None) -> None:
        for screen in self.screen_stack:
            if isinstance(screen, QueueScreen):
                screen.finished(succeeded, select)

    def _refuse_readonly(self) -> bool:
        return refuse_readonly(self, self.service)

    # -- the triage runner, shared with the detail screen --------------------------------

    def run_triage(
        self, action: str, ids: list[str], *, marked: bool = False, scope: Any = None
    ) -> None:
        """Run a triage action on `ids` (`marked`: the marked rows, not the cursor's): a
        confirm of the cursor's row at once, the rest through a question (fulfil, cancel,
        delete, anything on marked rows) or a dialog (estimate, notify, receive), opened
        before any read so the keys typed next land in it. `scope`: the queue's spec, so
        a question names the marks its filter or narrowing hides."""
        from botui.tui.dialogs.confirm import QUESTIONS

        action = ALIASES.get(action, action)
        ids = list(dict.fromkeys(ids))
        if not ids:
            self.notify("No backorder here to act on", severity="warning")
            return
        if self._refuse_readonly():
            return
        if action == "confirm" and len(ids) == 1 and not marked:
            self._confirm(ids[0])
        elif action in QUESTIONS:
            question = QUESTIONS[action](self.service, ids, marked=marked, scope=scope)
            self.guard_typing(question)
            self.push_screen(question, partial(self._dialog_done, action))
        elif action in DIALOGS:
            dialog = _screen(DIALOGS[action])(self.service, ids)
            self.push_screen(dialog, partial(self._dialog_done, action))
        else:
            self.notify(f"Unknown action {action}", severity="error", markup=False)

    @work(thread=True, group="triage-run")
    def _confirm(self, backorder_id: str) -> None:
        """Confirm one backorder (reversible in effect: nothing ships, nothing is refunded)."""
        from botui.tui.dialogs.confirm import done, refused
        from botui.tui.formatting.outcome import Outcome

        answer, error = attempt(
            self.service,
            lambda: self.service.confirm({"id": backorder_id}),
            backorder_id,
            action="confirm",
        )
        if answer is not None:
            outcome = Outcome(backorder_id, True, done("confirm", answer))
        else:
            outcome = Outcome(backorder_id, False, refused(error))
        self.post_message(self.Finished("confirm", [outcome]))

    @on(Finished)
    def _finished(self, message: Finished) -> None:
        verbs = _screen("dialogs.confirm.VERBS")
        self._report(verbs.get(message.action, message.action), message.outcomes)

    def _dialog_done(self, action: str, outcomes: list[Outcome] | None) -> None:
        from botui.tui.dialogs.confirm import QUESTIONS, VERBS

        if outcomes is None:
            if action in QUESTIONS:
                self.notify(f"{VERBS[action]}: nothing changed", markup=False)
            return
        self._report(VERBS.get(action, action.capitalize()), outcomes)

    def _report(self, title: str, outcomes: list[Outcome]) -> None:
        from botui.tui.formatting.outcome import summary

        refused = sum(not o.ok for o in outcomes)
        severity: SeverityLevel = "warning" if refused else "information"
        if refused == len(outcomes):
            severity = "error"
        text = summary(title.lower(), outcomes)
        timeout = REPORT_SECONDS if "\n" in text else TOAST_SECONDS
        self.notify(text, severity=severity, markup=False, timeout=timeout)
        self._refresh_queue({o.backorder for o in outcomes if o.ok})


def _channels(settings: Settings) -> list[str]:
    from botui.io.outbox import configured_channels

    return configured_channels(settings)


def run_app(
    service: Service,
    settings: Loaded | Settings | None = None,
    first_rows: FirstRows | None = None,
) -> int:
    """Run the terminal UI until the user quits; the exit status for the shell.

    `settings` (the configuration file as loaded, or bare settings) give the zone of every
    time shown, the keymap, and the mail server and SMS command the outbox sends with.
    `first_rows`, started before this module loaded, gives the queue rows for its first frame.
    """
    from botui.settings import Loaded

    loaded = settings if isinstance(settings, Loaded) else None
    if isinstance(settings, Loaded):
        # No configuration file: the defaults (UTC, botui's own keys), taken as they are
        # rather than built with pydantic before the first screen.
        settings = settings.settings if settings.found else None
    times.ZONE = settings.display.zone() if settings is not None else dt.UTC
    app = BotuiApp(service, config=loaded, first_rows=first_rows)
    if settings is not None:
        origin = loaded.origin if loaded is not None else (lambda *key: "the configuration")
        app.set_keymap(keymap.expand(settings.keys, lambda name: origin("keys", name)))
    result = app.run()
    if app.return_code:
        return app.return_code
    return result if isinstance(result, int) else 0
