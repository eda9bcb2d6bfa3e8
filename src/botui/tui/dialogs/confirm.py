"""Questions before a change that cannot be taken back (fulfil, cancel, delete) or that reaches
several marked rows: an explicit yes only, never Enter, and nothing glued to an Esc.

A question opens the moment its key is pressed, so the keys typed after it land in the
question, not in the queue behind it. It reads what it shows (names, refund, units held) in a
worker; the cancel question's reason box takes the typing from the first key, and the single
fulfil question's Quantity box ships part of a backorder.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Button, Input, Static, TextArea

from botui.domain import refunds, schemas, statuses
from botui.domain.errors import BotuiError, FieldError
from botui.domain.queue import QueueRow
from botui.domain.text import safe_for_terminal
from botui.tui.dialogs._dialog import ActionDialog, Result
from botui.tui.dialogs._fields import (
    FIELD_LABELS,
    GENERAL,
    InputErrors,
    attempt,
    field_row,
    gather,
    parse_whole,
    show_errors,
    type_into,
)
from botui.tui.formatting import money, units
from botui.tui.styles import css

VERBS = {"confirm": "Confirm", "fulfill": "Fulfil", "cancel": "Cancel", "delete": "Delete"}


def done(action: str, answer: schemas.Backorder) -> str:
    """What a successful confirm, fulfil, cancel or delete did, in words."""
    if action == "fulfill":
        return f"{answer.id} fulfilled: {answer.quantity:,} shipped"
    if action == "cancel":
        refund = refunds.refund(answer.price, answer.quantity)
        paid = f"refund {money(refund)}" if refund else "nothing to refund"
        return f"{answer.id} cancelled, {paid}"
    return f"{answer.id} {'confirmed' if action == 'confirm' else 'deleted'}"


def status_refusals(action: str, rows: list[QueueRow]) -> list[str]:
    """Why the status rule (domain/statuses.py) refuses `action` on each row that it refuses."""
    refused = (statuses.refusal(action, row.id, row.status) for row in rows)
    return [error.message for error in refused if error is not None]


def question_body(action: str, rows: list[QueueRow], missing: list[str]) -> Text:
    """What the action will do, in words: whose, the refund, the units shipped or released."""
    body = Text()
    open_rows = [r for r in rows if r.status not in ("fulfilled", "cancelled")]
    if len(rows) == 1:
        row = rows[0]
        body.append(f"{row.id} ({row.status}) for ")
        body.append(safe_for_terminal(row.customer), style="bold")
        body.append(f": {units(row.quantity)} of {safe_for_terminal(row.product)}")
        body.append(f" at {money(row.price)}\n")
    elif rows:
        shown = ", ".join(r.id for r in rows[:6]) + (", …" if len(rows) > 6 else "")
        body.append(f"{shown}\n")
    if action == "cancel":
        refund = sum(refunds.refund(r.price, r.quantity) for r in open_rows)
        body.append("Refund: ", style="bold")
        if not open_rows:
            body.append("none: nothing open to cancel")
        else:
            body.append(money(refund) if refund else "none (the price is 0)")
        if len(rows) > 1:
            body.append(f" in total for {len(open_rows):,} open backorders")
    elif action == "delete":
        if open_rows:  # so nobody deletes meaning to cancel (service.delete: no refund)
            body.append("Deleting is not cancelling: ", style="bold")
            body.append("it records no cancellation and no refund (cancel, x, does). ")
        body.append("The event log keeps its history and its last state.")
    elif action == "fulfill" and open_rows:  # a closed one ships nothing: its refusal says so
        held = sum(r.allocated for r in open_rows)
        wanted = sum(r.quantity for r in open_rows)
        body.append(f"Ships to the customer: {held:,} of {units(wanted)} held for ")
        body.append("it" if len(rows) == 1 else "them")
        if held < wanted:
            body.append("; the rest is taken from free stock, if enough is free")
        body.append(". Shipping cannot be undone.")
    if action in ("cancel", "delete"):
        held = sum(r.allocated for r in open_rows)
        if held:
            go = "goes" if held == 1 else "go"
            body.append(f"\n{units(held)} held {go} back to stock for the next in line.")
    refusals = status_refusals(action, rows)
    if refusals:  # the status rule itself says which will be refused, and why
        if len(refusals) == 1:
            body.append(f"\nRefused: {refusals[0]}.")
        elif refusals:
            body.append(f"\n{len(refusals):,} will be refused by their status, e.g. {refusals[0]}.")
    if missing:
        body.append(f"\n{len(missing):,} no longer exist: {', '.join(missing[:3])}")
    return body


class Question(ActionDialog):
    """Asks before `ACTION` on every id; `y` (when no box has the typing) or ctrl+s says yes.

    Escape or `n` says no (asking first when something was typed); Enter answers nothing and
    says which keys do. An Esc glued to the next key arrives as Escape (see tui.keys).
    """

    ACTION = ""
    CSS = ActionDialog.CSS + css("dialogs", "Question")
    BINDINGS = [
        Binding("y,ctrl+s", "apply", "Yes", id="question.yes", tooltip="Yes: do it"),
        Binding("n,escape", "leave", "No", id="question.no", tooltip="No: change nothing"),
        # No id: not an action of its own, so neither the palette nor a keymap lists it.
        Binding("enter", "explain", "Which key?", show=False),
    ]

    @dataclass
    class Read(Message):
        """The rows the question is about (those that still exist) and the ids that do not,
        or why they could not be read."""

        rows: list[QueueRow]
        missing: list[str]
        error: BotuiError | None = None
        hidden: tuple[str, ...] = ()  # marked, but not shown by the queue's filter or narrowing

    def __init__(
        self, service: Any, ids: list[str], *, marked: bool = False, scope: Any = None
    ) -> None:
        """`scope`: the queue's spec the marks were acted on from: the marks it does not show
        (a filter or narrowing hides them) are named as hidden."""
        super().__init__(service, ids)
        self.marked = marked
        self.scope = scope
        self.rows: list[QueueRow] | None = None
        self._unread = ""  # why the rows could not be read, if they could not
        self._hopeless = ""  # why yes can do nothing: the status refuses every row
        self._changed = ""  # who changed the one backorder after it was read, refusing yes

    @property
    def verb(self) -> str:
        """The action as a capitalised word: Fulfil, Cancel, Delete, Confirm."""
        return VERBS[self.ACTION]

    def title_text(self) -> str:
        if self.marked:  # the marked rows, wherever the cursor is: say so
            count = len(self.ids)
            shown = f": {self.ids[0]}" if count == 1 else ""
            return f"{self.verb} {count:,} marked backorder{'s' if count > 1 else ''}{shown}?"
        what = self.ids[0] if len(self.ids) == 1 else f"{len(self.ids):,} backorders"
        return f"{self.verb} {what}?"

    @property
    def yes_words(self) -> str:
        """What yes does, for the keys line: `cancel it`, `fulfil all 3`."""
        if len(self.ids) == 1:
            return f"{self.verb.lower()} it"
        return f"{self.verb.lower()} all {len(self.ids):,}"

    def keys_line(self) -> str:
        """The keys that answer, as the person reads them under the question (where a box
        takes the typing, `y` and `n` are letters)."""
        if self._hopeless:
            return "Escape: close (nothing can be done)"
        takes_typing = self.typing_target() is not None
        yes = "ctrl+s" if takes_typing else "y or ctrl+s"
        no = "Escape" if takes_typing else "n or Escape"
        keep = "keep it" if len(self.ids) == 1 else "keep them"
        return f"{yes}: {self.yes_words}    {no}: {keep}"

    def apply_label(self) -> str:
        return f"{self.verb} ^s"

    def back_label(self) -> str:
        return "Keep esc"

    def fields(self) -> ComposeResult:
        yield Static("Reading…", id="question-body", markup=False)
        yield from self.boxes()
        yield Static(Text(self.keys_line()), id="question-keys")

    def boxes(self) -> ComposeResult:
        """The question's own input boxes (a reason, a quantity); none by default."""
        yield from ()

    def on_mount(self) -> None:
        self._read()

    def on_key(self, event: events.Key) -> None:
        """A letter that answers nothing, typed where no box takes it, is someone typing a
        reason: the burst starts again, so a `y` later in the sentence cannot answer."""
        if (
            self.focused is None
            and self.typing_target() is None  # a box takes the typing (ActionDialog.on_key)
            and event.is_printable
            and event.character not in ("y", "n")
            and not (event.character or "").isdigit()
        ):
            typed_into = getattr(self.app, "typed_into", None)
            if typed_into is not None:
                typed_into(self, event)

    @work(thread=True, exclusive=True, group="question-read")
    def _read(self) -> None:
        found, error = attempt(self.service, lambda: self.service.queue_rows(self.ids))
        if found is None:
            self.post_message(self.Read([], [], error or BotuiError("busy", "busy")))
            return
        rows = [found[i] for i in self.ids if i in found]
        hidden: tuple[str, ...] = ()
        if self.scope is not None and self.marked and len(rows) > 1:
            from botui import config

            spec = self.scope
            ids = [row.id for row in rows]
            shown, _ = attempt(
                self.service, lambda: self.service.queue_shown(spec, config.now(), ids)
            )
            hidden = tuple(i for i in ids if shown is not None and i not in shown)
        self.post_message(self.Read(rows, [i for i in self.ids if i not in found], hidden=hidden))

    @on(Read)
    def _on_read(self, message: Read) -> None:
        if message.error is not None:  # yes stays refused: the question cannot say what it does
            why = refused(message.error)
            self._unread = f"not done: could not read them ({why}); Escape, then try again"
            self.query_one("#question-body", Static).update(
                Text(f"Could not read {', '.join(self.ids[:3])}: {why}. Escape, then try again.")
            )
            return
        self.rows = message.rows
        body = question_body(self.ACTION, message.rows, message.missing)
        if message.hidden:  # acted on too: say so before anything else
            count = len(message.hidden)
            names = ", ".join(message.hidden[:6]) + (", …" if count > 6 else "")
            were = "is" if count == 1 else "are"
            body = (
                Text(f"{count:,} of them {were} hidden by the filter or narrowing: ", "bold")
                + Text(f"{names}\n")
                + body
            )
        refusals = status_refusals(self.ACTION, message.rows)
        hopeless = bool(message.rows) and len(refusals) == len(message.rows)
        if self._changed:  # yes lost a race: who changed it first, then what it is now
            # (refused now: the change's words already say what it is and that it is final)
            body = Text(self._changed + "." + ("" if hopeless else "\n")) + (
                Text() if hopeless else body
            )
        self.query_one("#question-body", Static).update(body)
        if hopeless:  # nothing yes could do
            self._hopeless = refusals[0] if len(refusals) == 1 else "all are refused"
            self.query_one("#apply", Button).display = False
            for box in self.query("Input, TextArea"):
                box.disabled = True
            for row in self.query("#dialog-body .field"):  # a box and its hint, now moot
                row.display = False
            self.focus_keys()
        self.loaded(message.rows)
        self._show_keys()

    def focus_keys(self) -> None:
        """Nothing to type into: the question's keys go to the question itself."""
        self.set_focus(None)

    def _show_keys(self) -> None:
        self.query_one("#question-keys", Static).update(Text(self.keys_line()))

    def loaded(self, rows: list[QueueRow]) -> None:
        """The rows were read: fill in what depends on them."""

    def action_apply(self) -> None:
        if self.rows is None or self._hopeless:
            why = self._unread or "still reading the backorders; a moment"
            if self._hopeless:
                why = f"not done: {self._hopeless}; Escape closes"
            show_errors(self, [FieldError(GENERAL, why)])
            return
        super().action_apply()

    def action_explain(self) -> None:
        """Enter answers nothing here: say which keys do."""
        show_errors(self, [FieldError(GENERAL, f"Enter does not answer: {self.keys_line()}")])

    def run_one(self, backorder_id: str, payload: dict[str, Any]) -> str:
        method = {
            "confirm": self.service.confirm,
            "fulfill": self.service.fulfill,
            "cancel": self.service.cancel,
            "delete": self.service.delete,
        }[self.ACTION]
        return done(
            self.ACTION, method({"id": backorder_id, **payload, **self.as_read(backorder_id)})
        )

    def as_read(self, backorder_id: str) -> dict[str, Any]:
        """`{"version": N}` of the row as the question showed it: yes applies to what the
        person read, and a change made meanwhile (another desk) is refused as a conflict
        (CONTRACT: an edit made on an outdated copy is refused when `version` is sent)."""
        row = next((r for r in self.rows or [] if r.id == backorder_id), None)
        return {} if row is None else {"version": row.version}

    def finish(self, results: list[Result]) -> None:
        """As every dialog; a backorder changed since it was read is read again, so the
        question shows what yes would now do before it is answered again."""
        error = results[0].error if len(results) == 1 else None
        if error is not None and error.code == "conflict":
            # Said once, in the body read again, not also on the error line below it.
            self._changed = error.message
            show_errors(self, [])
            self._read()
            return
        super().finish(results)


class ConfirmQuestion(Question):
    """Confirm every marked backorder (one backorder is confirmed at once, without asking)."""

    ACTION = "confirm"


class DeleteQuestion(Question):
    """Delete the backorders; their events stay in the log."""

    ACTION = "delete"


class CancelQuestion(Question):
    """Cancel with a refund; the reason box (lines allowed) has the typing from the first key."""

    ACTION = "cancel"

    def typing_target(self) -> str | None:
        return "#reason"

    def boxes(self) -> ComposeResult:
        yield field_row(
            FIELD_LABELS["reason"],
            TextArea(id="reason", compact=True, placeholder="optional; Enter starts a new line"),
            "reason",
        )

    def payload(self) -> dict[str, Any]:
        reason = self.query_one("#reason", TextArea).text.strip()
        return {"reason": reason} if reason else {}


class FulfilQuestion(Question):
    """Ship the backorders; for one, the Quantity box ships part and keeps the rest open."""

    ACTION = "fulfill"
    AUTO_FOCUS = ""  # y ships all; a digit moves into the Quantity box to ship part

    def on_key(self, event: events.Key) -> None:
        """A digit typed while no box has focus starts the quantity to ship (Question's own
        handler, which Textual calls next, sees other keys; prevent_default stops it here)."""
        found = self.query("#quantity")
        if found and self.focused is None and event.character and event.character.isdigit():
            event.stop()
            event.prevent_default()
            type_into(found.first(Input), event)

    def boxes(self) -> ComposeResult:
        if len(self.ids) == 1:
            yield field_row(
                FIELD_LABELS["quantity"],
                Input(placeholder="units to ship", id="quantity", compact=True),
                "quantity",
                hint="",
            )

    def loaded(self, rows: list[QueueRow]) -> None:
        found = self.query("#quantity")
        if rows and found:
            box = found.first(Input)
            # Filled again while it holds only the last fill (nothing typed): after another
            # desk changed the quantity, "ship all" stays all, never the old number.
            if not box.value or box.value == self.baseline.get("quantity"):
                self.prefill(box, str(rows[0].quantity))
            self._explain_quantity()

    def takes_early_key(self, event: events.Key) -> bool:
        """A digit typed as the question opens is the quantity to ship: it goes into the box
        (the app's guard lets it through as typing), while `y` still answers."""
        return bool(self.query("#quantity")) and (event.character or "").isdigit()

    def keys_line(self) -> str:
        found = self.query("#quantity")
        if found and found.first(Input).has_focus and not self._hopeless:
            return "ctrl+s: ship the quantity typed    Escape: keep it (y is a letter here)"
        return super().keys_line()

    def on_descendant_focus(self) -> None:
        self._show_keys()

    def on_descendant_blur(self) -> None:
        self._show_keys()

    @on(Input.Changed, "#quantity")
    def _explain_quantity(self) -> None:
        """Say what the typed quantity will do: ship all, or ship part and split the rest."""
        if not self.rows:
            return
        row = self.rows[0]
        typed = self.query_one("#quantity", Input).value
        hint = self.query_one("#hint-quantity", Static)
        try:
            shipped = parse_whole(typed, "quantity")
        except InputErrors:
            shipped = -1
        if 0 < shipped < row.quantity:
            rest = row.quantity - shipped
            stay = "stays" if rest == 1 else "stay"
            text = f"ships {shipped:,} now; the other {rest:,} {stay} open as a new backorder"
        elif shipped == row.quantity == 1:  # no part to ship
            text = "ships its 1 unit"
        elif shipped == row.quantity:
            text = f"ships all {units(row.quantity)}; type a number to ship part"
        else:
            text = f"a whole number from 1 to {row.quantity:,}"
        hint.update(text)
        hint.display = True

    def payload(self) -> dict[str, Any]:
        found, rows = self.query("#quantity"), self.rows
        if not found or not rows:
            return {}
        payload: dict[str, Any] = {}

        def quantity() -> None:
            shipped = parse_whole(found.first(Input).value, "quantity")
            if shipped < 1:  # as the hint under the box says, not the service's general range
                whole = f"a whole number from 1 to {rows[0].quantity:,}"
                raise InputErrors([FieldError("quantity", f"quantity: ship {whole}")])
            if shipped != rows[0].quantity:
                payload["quantity"] = shipped

        gather([quantity])
        return payload

    def run_one(self, backorder_id: str, payload: dict[str, Any]) -> str:
        before = self.service.latest_event_id()
        shipped = self.service.fulfill(
            {"id": backorder_id, **payload, **self.as_read(backorder_id)}
        )
        text = done("fulfill", shipped)
        if "quantity" in payload:
            split = None
            try:  # the shipment is done; a failed read only leaves the new id unnamed
                page = self.service.events({"backorder": backorder_id, "since": before})
                split = next(
                    (e.data.get("splitInto") for e in page.data if e.type == "fulfilled"), None
                )
            except BotuiError:
                pass
            text += f"; {split or 'a new backorder'} holds the rest, still open"
        return text


QUESTIONS: dict[str, type[Question]] = {
    "confirm": ConfirmQuestion,
    "fulfill": FulfilQuestion,
    "cancel": CancelQuestion,
    "delete": DeleteQuestion,
}


def refused(error: BotuiError | None) -> str:
    """A refusal in words; a busy database says to try again."""
    return "busy, try again" if error is None or error.code == "busy" else error.message
