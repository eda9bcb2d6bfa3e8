"""The frame every action dialog shares: fields, inline errors, apply to each id, outcomes back."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static, TextArea

from botui.domain.errors import BotuiError, FieldError
from botui.domain.service import Service
from botui.tui.dialogs._fields import (
    FIELDS_CSS,
    GENERAL,
    ErrorLine,
    InputErrors,
    attempt,
    clear_errors_on_edit,
    labelled,
    show_errors,
    type_into,
    warned_first,
)
from botui.tui.dialogs.discard import leave_asking
from botui.tui.formatting.outcome import Outcome
from botui.tui.styles import css

DIALOG_CSS = FIELDS_CSS + css("dialogs", "ActionDialog")
ResultT = TypeVar("ResultT")  # what a FormDialog dismisses with when applied


@dataclass(frozen=True)
class Result:
    """What one service call did for one backorder: a line for the user, or the refusal."""

    backorder: str
    message: str
    error: BotuiError | None


def heading(verb: str, ids: list[str]) -> str:
    """`verb BO-1`, or `verb 3 marked backorders: BO-1, BO-2, ...`."""
    if len(ids) == 1:
        return f"{verb} {ids[0]}"
    shown = ", ".join(ids[:4]) + (", ..." if len(ids) > 4 else "")
    return f"{verb} {len(ids)} marked backorders: {shown}"


class FormDialog(ModalScreen[ResultT | None]):
    """A modal form that applies its fields on a worker and dismisses with what `finish`
    makes of the results (a ResultT), or None when left.

    Only `ctrl+s` (or a click on Apply) applies: Enter in a field moves to the next one, so an
    Enter that is the tail of an Esc, or one hit too soon, changes nothing. Escape leaves, and
    asks first when something was typed.
    """

    CSS = DIALOG_CSS
    VERB = "Apply to"
    ACTION = ""  # the contract action applied, so a refusal can say what did not happen
    BINDINGS = [
        Binding("escape", "leave", "Back", id="dialog.back", tooltip="Close (asks if you typed)"),
        Binding("ctrl+s", "apply", "Apply", id="dialog.apply", tooltip="Apply to every id"),
    ]

    @dataclass
    class Applied(Message):
        """Every id was tried: one result each."""

        results: list[Result]

    def __init__(self, service: Service, ids: list[str]) -> None:
        super().__init__()
        self.service = service
        self.ids = list(ids)
        self._busy = False
        self._warned: list[FieldError] = []
        self.baseline: dict[str, str] = {}
        # Centred by the screen itself, over the dimmed queue (a full-size frame hid it).
        self.styles.align = ("center", "middle")

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(self.title_text(), id="dialog-title", markup=False)
            with VerticalScroll(id="dialog-body", can_focus=False):
                yield from self.fields()
            yield ErrorLine(GENERAL)
            with Horizontal(id="dialog-buttons"):
                # Clickable, never focused: a keyboard reaches them only by their keys, so Tab
                # then Enter cannot apply by accident.
                for button in (
                    Button(self.apply_label(), id="apply", variant="primary", compact=True),
                    Button(self.back_label(), id="back", compact=True),
                ):
                    button.can_focus = False
                    yield button

    @on(events.Mount)
    def _remember_baseline(self) -> None:
        """What the text fields hold before the person types: leaving asks only after that."""
        self.baseline = self.texts()

    def typing_target(self) -> str | None:
        """The box that takes what is typed before any box has focus (None: no such box)."""
        return None

    def on_key(self, event: events.Key) -> None:
        """Keys typed as the dialog opens, before its box has focus, go into that box."""
        target = self.typing_target()
        if target is None or self.focused is not None:
            return
        if not (event.is_printable and event.character):
            return
        event.stop()
        event.prevent_default()
        box = self.query_one(target)
        if isinstance(box, (Input, TextArea)):
            type_into(box, event)

    def texts(self) -> dict[str, str]:
        """What each text field (Input, TextArea) of the dialog holds now, by id."""
        found: dict[str, str] = {}
        for widget in self.query("Input, TextArea"):
            if not widget.id:
                continue
            if isinstance(widget, TextArea):
                found[widget.id] = widget.text
            elif isinstance(widget, Input):
                found[widget.id] = widget.value
        return found

    def prefill(self, widget: Input | TextArea, value: str) -> None:
        """Fill a field with a value read from the database (not typing: leaving won't ask)."""
        if isinstance(widget, TextArea):
            widget.text = value
        else:
            widget.value = value
            if widget.has_focus:  # typing replaces the value read, as in a focused box
                widget.select_all()
        if widget.id:
            self.baseline[widget.id] = value

    def unsaved(self) -> bool:
        """Whether a field holds typing that closing the dialog would lose (blank lines and
        spaces alone are no typing)."""
        now = self.texts()
        # A box turned off (the question lost a race: nothing can be applied) keeps nothing
        # worth asking about: Escape there closes at once (second trial).
        closed = {w.id for w in self.query("Input, TextArea") if w.disabled or not w.display}
        return any(
            now[name].strip() != self.baseline.get(name, "").strip()
            for name in now
            if name not in closed
        )

    def apply_label(self) -> str:
        """The words on the Apply button, with its key."""
        return "Apply ^s"

    def back_label(self) -> str:
        """The words on the Back button, with its key."""
        return "Back esc"

    def title_text(self) -> str:
        """The first line: what the dialog does and to which backorders."""
        return heading(self.VERB, self.ids)

    def fields(self) -> ComposeResult:
        """The dialog's own fields."""
        yield from ()

    def payload(self) -> dict[str, Any]:
        """The typed values as the service's input (without `id`); raises InputErrors."""
        return {}

    def warnings(self, payload: dict[str, Any]) -> list[FieldError]:
        """What the typed values allow but a careful person would look at twice (a date years
        back): shown under their fields at the first ctrl+s; the same ones again apply."""
        return []

    def run_one(self, backorder_id: str, payload: dict[str, Any]) -> str:
        """Apply the action to one backorder (on a worker thread) and say what it did."""
        raise NotImplementedError

    def run_all(self, payload: dict[str, Any]) -> list[Result]:
        """Apply the action to every id, each in its own transaction."""
        results = []
        for backorder_id in self.ids:
            message, error = attempt(
                self.service,
                partial(self.run_one, backorder_id, payload),
                backorder_id,
                action=self.ACTION,
            )
            results.append(Result(backorder_id, message or "", error))
        return results

    @on(Input.Submitted)
    def _next_field(self, event: Input.Submitted) -> None:
        """Enter in a field moves on to the next one; only ctrl+s applies."""
        event.stop()
        self.focus_next()

    @on(Button.Pressed, "#apply")
    def action_apply(self) -> None:
        if self._busy:
            return
        try:
            payload = self.payload()
        except InputErrors as exc:
            show_errors(self, exc.errors)
            return
        if warned_first(self, self.warnings(payload), self._warned):
            return
        self._busy = True
        self._apply(payload)

    @work(thread=True, exclusive=True, group="dialog-apply")
    def _apply(self, payload: dict[str, Any]) -> None:
        self.post_message(self.Applied(self.run_all(payload)))

    @on(Applied)
    def _on_applied(self, message: Applied) -> None:
        self._busy = False
        self.finish(message.results)

    def finish(self, results: list[Result]) -> None:
        """Every id was tried: dismiss with the answer, or stay open with the refusal."""
        raise NotImplementedError

    _edited = clear_errors_on_edit  # a field changed loses its error (dialogs._fields)

    @on(Button.Pressed, "#back")
    def action_leave(self) -> None:
        if self._busy:  # the action is being applied: leaving now would hide what it did
            show_errors(
                self, [FieldError(GENERAL, "applying…: a moment, then it says how it went")]
            )
            return
        leave_asking(self, lambda: self.dismiss(None))


class ActionDialog(FormDialog[list[Outcome]]):
    """A modal form that applies one action to every id and dismisses with their outcomes
    (None when left without applying)."""

    def finish(self, results: list[Result]) -> None:
        """Every id was tried: stay open when nothing happened, else dismiss with outcomes."""
        refused = [r.error for r in results if r.error is not None]
        nothing_done = len(refused) == len(results)
        if (
            refused
            and nothing_done
            and (len(results) == 1 or all(e.code in ("validation_error", "busy") for e in refused))
        ):  # nothing happened: stay open with the typing, the refusal under its field
            show_errors(self, refused[0].errors)
            return
        self.dismiss(
            [
                Outcome(
                    r.backorder,
                    r.error is None,
                    r.message if r.error is None else labelled(r.error.message),
                )
                for r in results
            ]
        )
