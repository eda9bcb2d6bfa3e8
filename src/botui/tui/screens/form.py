"""The backorder form: New (`n`) and Edit (`e`), with inline errors and conflict recovery."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import partial
from typing import Any

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Input, Select, Static, TextArea

from botui import config
from botui.domain import lookup, schemas, statuses
from botui.domain.errors import BotuiError, FieldError
from botui.domain.service import Service
from botui.domain.validation import parse as validate
from botui.tui.dialogs._fields import (
    ESTIMATE_DATES,
    FIELD_LABELS,
    FIELDS_CSS,
    GENERAL,
    ErrorLine,
    InputErrors,
    attempt,
    clear_errors_on_edit,
    day,
    field_row,
    parse_day,
    parse_money,
    parse_whole,
    past_dates,
    show_errors,
    stamp,
    understood,
    warned_first,
)
from botui.tui.dialogs._suggest import SuggestInput, Suggestions
from botui.tui.dialogs.discard import leave_asking
from botui.tui.dialogs.record_dialog import Record, RecordDialog, from_typing
from botui.tui.formatting import amount
from botui.tui.formatting.events import summary
from botui.tui.formatting.times import zone_name
from botui.tui.styles import css

PRIORITIES = [(name, name) for name in ("standard", "expedited", "rush")]
REFERENCES = ("product", "business", "customer", "order")
SEARCHABLE = ("product", "business", "customer", "order")
NUMBERS = ("whole", "money")  # kinds whose hint says what the typing reads as


@dataclass(frozen=True)
class Spec:
    """One editable field: its contract name, how it is typed, and a hint inside the input."""

    name: str
    kind: str
    placeholder: str = ""

    @property
    def label(self) -> str:
        """What the field is called on screen, in the form and in its errors."""
        return FIELD_LABELS[self.name]


CREATE_FIELDS = [
    Spec("product", "id", "name, SKU or id; Down/Tab picks"),
    Spec("business", "id", "name or id; Down/Tab picks"),
    Spec("customer", "id", "name, email or id; Down/Tab picks"),
    Spec("order", "id", "optional: order number or id; Down/Tab picks"),
    Spec("quantity", "whole", "units, 1 to 1,000,000"),
    Spec("price", "money", "e.g. 129.99 or 1,250.00 (point for cents)"),
    Spec("priorityLevel", "priority"),
    Spec("estimatedShipDate", "day", "YYYY-MM-DD ({zone}), optional"),
    Spec("estimatedDeliveryDate", "day", "YYYY-MM-DD ({zone}), optional"),
    Spec("supplierOrder", "text", "optional"),
    Spec("metadata", "metadata"),
]
EDIT_FIELDS = [
    Spec("quantity", "whole", "units, 1 to 1,000,000"),
    Spec("status", "status"),
    Spec("priorityLevel", "priority"),
    Spec("estimatedShipDate", "day", "YYYY-MM-DD ({zone}), empty: none"),
    Spec("estimatedDeliveryDate", "day", "YYYY-MM-DD ({zone}), empty: none"),
    Spec("actualDeliveryDate", "day", "after fulfil: YYYY-MM-DD ({zone})"),
    Spec("supplierOrder", "text", "empty: none"),
    Spec("metadata", "metadata"),
]
METADATA_HINT = "key=value lines (values are text), or a JSON object"


def format_metadata(metadata: dict[str, Any]) -> str:
    """Metadata as key=value lines when that reads back exactly, else as indented JSON."""
    if not metadata:
        return ""
    plain = all(
        isinstance(value, str)
        and key == key.strip()
        and value == value.strip()
        and "=" not in key
        and not any(c in key + value for c in "\n\r\t")
        and not key.startswith("{")
        for key, value in metadata.items()
    )
    if plain:
        return "\n".join(f"{key}={value}" for key, value in metadata.items())
    return json.dumps(metadata, indent=1, ensure_ascii=False)


def parse_metadata(text: str) -> dict[str, Any]:
    """Typed metadata, either a JSON object or key=value lines, as a dict."""
    stripped = text.strip()
    if not stripped:
        return {}
    if stripped.startswith("{"):
        try:
            value = json.loads(stripped)
        except ValueError as exc:
            message = f"metadata is not valid JSON ({exc}); fix it or use key=value lines"
            raise InputErrors([FieldError("metadata", message)]) from None
        if not isinstance(value, dict):
            raise InputErrors([FieldError("metadata", "metadata must be one JSON object")])
        return value
    result: dict[str, Any] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        key, sep, value = line.partition("=")
        key = key.strip()
        if not sep or not key:
            message = f"metadata line {number} must be key=value (or write one JSON object)"
            raise InputErrors([FieldError("metadata", message)])
        if key in result:
            message = f"metadata key {key!r} appears twice (line {number}); keep one"
            raise InputErrors([FieldError("metadata", message)])
        result[key] = value.strip()
    return result


def display(spec: Spec, backorder: schemas.Backorder) -> str:
    """A field's current value as it is typed in the form."""
    value = backorder.to_json()[spec.name]
    if spec.kind == "day":
        return day(value)
    if spec.kind == "metadata":
        return format_metadata(value)
    return "" if value is None else str(value)


def parse(spec: Spec, raw: str) -> Any:
    """A typed value as the service's input value (None: empty)."""
    if spec.kind in ("whole", "money") and not raw.strip():
        what = "a number of units" if spec.kind == "whole" else "an amount such as 129.99"
        raise InputErrors([FieldError(spec.name, f"{spec.name} is required: give {what}")])
    if spec.kind == "whole":
        return parse_whole(raw, spec.name)
    if spec.kind == "money":
        return parse_money(raw, spec.name)
    if spec.kind == "day":
        return parse_day(raw, spec.name)
    if spec.kind == "metadata":
        return parse_metadata(raw)
    if spec.kind in ("priority", "status"):
        return raw
    return raw.strip() or None


class BackorderForm(Screen[schemas.Backorder | None]):
    """Create a backorder (no id) or edit one; dismisses with the saved backorder or None."""

    CSS = FIELDS_CSS + css("screens", "BackorderForm")
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="form.save", tooltip="Save through the service"),
        Binding("escape", "leave", "Leave", id="form.leave", tooltip="Leave (asks if you typed)"),
    ]

    @dataclass
    class Loaded(Message):
        """The backorder to edit, and the newest event id when it was read."""

        backorder: schemas.Backorder
        seen: int
        names: tuple[str, str]  # of its product and customer

    @dataclass
    class Failed(Message):
        """Reading or saving was refused."""

        error: BotuiError

    @dataclass
    class Saved(Message):
        """The service accepted the change."""

        backorder: schemas.Backorder

    @dataclass
    class Conflicted(Message):
        """Someone else changed the backorder: its new state and their events."""

        backorder: schemas.Backorder | None
        events: list[schemas.Event]
        seen: int

    @dataclass
    class Described(Message):
        """What a typed reference id names (None: nothing)."""

        field: str
        typed: str
        text: str | None

    @dataclass
    class Suggested(Message):
        """Records whose id or name holds what was typed in a reference field."""

        field: str
        typed: str
        matches: list[lookup.Suggestion]

    def __init__(self, service: Service, backorder_id: str | None) -> None:
        super().__init__()
        self.service = service
        self.backorder_id = backorder_id
        self.specs = EDIT_FIELDS if backorder_id else CREATE_FIELDS
        self.base: schemas.Backorder | None = None
        self.seen = 0
        self.initial: dict[str, str] = {}
        self._saving = False
        self._warned: list[FieldError] = []  # the warnings the last ctrl+s showed
        self._described: dict[str, str | None] = {}
        self._early: list[str] = []  # characters typed before the backorder was read
        self._names = ("", "")  # the edited backorder's product and customer, by name

    # -- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        title = f"Edit {self.backorder_id}" if self.backorder_id else "New backorder"
        yield Static(title, id="form-title", markup=False)
        yield Static("", id="form-banner", markup=False)
        with VerticalScroll(id="form-body", can_focus=False):
            for spec in self.specs:
                hint = "" if spec.name in REFERENCES or spec.kind in NUMBERS else None
                hint = METADATA_HINT if spec.kind == "metadata" else hint
                below = Suggestions(spec.name) if spec.name in SEARCHABLE else None
                yield field_row(spec.label, self._widget(spec), spec.name, hint=hint, below=below)
        yield ErrorLine(GENERAL)
        yield Footer()

    def _widget(self, spec: Spec) -> Input | Select | TextArea:
        if spec.kind == "priority":
            return Select(
                PRIORITIES, value="standard", allow_blank=False, id=spec.name, compact=True
            )
        if spec.kind == "status":
            return Select([("loading", "loading")], allow_blank=False, id=spec.name, compact=True)
        if spec.kind == "metadata":
            return TextArea(id=spec.name, compact=True)
        if spec.name in SEARCHABLE:
            return SuggestInput(placeholder=spec.placeholder, id=spec.name, compact=True)
        placeholder = spec.placeholder.format(zone=zone_name())
        return Input(placeholder=placeholder, id=spec.name, compact=True)

    def on_mount(self) -> None:
        if self.backorder_id:
            self._set_enabled(False)
            self._read()
        else:
            self.initial = self._typed()
            self.query_one(f"#{self.specs[0].name}").focus()

    def _set_enabled(self, enabled: bool) -> None:
        """Enable the fields the backorder's status lets `update` change (all, for a new one)."""
        editable = {spec.name for spec in self.specs}
        if enabled and self.base is not None:
            status = self.base.status
            if status in statuses.CLOSED_STATUSES:
                editable = {"metadata"} | (
                    {"actualDeliveryDate"} if status == "fulfilled" else set()
                )
            else:
                editable.discard("actualDeliveryDate")
        for spec in self.specs:
            self.query_one(f"#{spec.name}").disabled = not (enabled and spec.name in editable)

    # -- values ---------------------------------------------------------------------------

    def _raw(self, name: str) -> str:
        widget = self.query_one(f"#{name}")
        if isinstance(widget, TextArea):
            return widget.text
        if isinstance(widget, Select):
            return "" if widget.value is Select.NULL else str(widget.value)
        assert isinstance(widget, Input)
        return widget.value

    def _set(self, spec: Spec, value: str) -> None:
        widget = self.query_one(f"#{spec.name}")
        if isinstance(widget, TextArea):
            widget.text = value
        elif spec.kind == "status":
            self._status_options(value, value)
        elif isinstance(widget, Select):
            widget.value = value
        else:
            assert isinstance(widget, Input)
            widget.value = value

    def _status_options(self, current: str, keep: str) -> None:
        """Offer the current status and the moves `update` allows from it; select `keep`."""
        widget = self.query_one("#status", Select)
        options = [current, *statuses.UPDATE_MOVES.get(current, ())]
        widget.set_options([(option, option) for option in options])
        widget.value = keep if keep in options else current

    def _typed(self) -> dict[str, str]:
        return {spec.name: self._raw(spec.name) for spec in self.specs}

    def _fill(self, backorder: schemas.Backorder) -> None:
        for spec in self.specs:
            self._set(spec, display(spec, backorder))

    def _payload(self) -> tuple[dict[str, Any], list[FieldError]]:
        """The service's input for what was typed (for an edit only the changed fields), and an
        error for each field that could not be read (left out of the input)."""
        base = self.base
        specs = self.specs
        if base is not None:  # an untouched field is not sent, even if its display rounds it
            specs = [s for s in specs if self._raw(s.name) != display(s, base)]
        values: dict[str, Any] = {}
        errors: list[FieldError] = []
        for spec in specs:
            try:
                values[spec.name] = parse(spec, self._raw(spec.name))
            except InputErrors as exc:
                errors.extend(exc.errors)
        if base is None:
            return {name: value for name, value in values.items() if value is not None}, errors
        return {"id": base.id, "version": base.version, **values}, errors

    def _refusals(self, payload: dict[str, Any]) -> list[FieldError]:
        """What the service's input validation says of `payload`, every field at once."""
        schema, action = (
            (schemas.CreateBackorder, "create")
            if self.base is None
            else (schemas.UpdateBackorder, "update")
        )
        try:
            validate(schema, payload, action)
        except BotuiError as error:
            return error.errors
        return []

    # -- reading --------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="form-read")
    def _read(self) -> None:
        def read() -> tuple[int, schemas.Backorder, tuple[str, str]]:
            seen = self.service.latest_event_id()
            backorder = self.service.get({"id": self.backorder_id})
            return seen, backorder, self.service.names_of(backorder)

        answer, error = attempt(self.service, read, self.backorder_id)
        if answer is not None:
            self.post_message(self.Loaded(answer[1], answer[0], answer[2]))
        elif error is not None:
            self.post_message(self.Failed(error))

    @on(Loaded)
    def _on_loaded(self, message: Loaded) -> None:
        self.base, self.seen = message.backorder, message.seen
        self._names = message.names
        self._title(message.backorder)
        self._fill(message.backorder)
        self.initial = self._typed()
        self._set_enabled(True)
        for spec in self.specs:
            widget = self.query_one(f"#{spec.name}")
            if not widget.disabled:
                widget.focus()
                if self._early and isinstance(widget, Input):  # typed while it loaded
                    widget.value = "".join(self._early)
                    widget.cursor_position = len(widget.value)
                break
        self._early.clear()

    def on_key(self, event: events.Key) -> None:
        """Keys typed while the backorder loads are kept for its first field, not lost."""
        loading = bool(self.backorder_id) and self.base is None
        if loading and event.is_printable and event.character:
            event.stop()
            event.prevent_default()
            self._early.append(event.character)

    def _title(self, bo: schemas.Backorder) -> None:
        """Name the copy being edited: its version, status and the fields the form cannot change.

        The line wraps on a narrow terminal rather than losing its end.
        """
        self.query_one("#form-title", Static).update(
            Text(
                f"Edit {bo.id} (version {bo.version}, {bo.status}): "
                f"{self._names[0]} for {self._names[1]},"
                f" unit price {amount(bo.price)} (fixed)"
                + (
                    "; closed: only what it allows can change"
                    if not statuses.is_open(bo.status)
                    else ""
                )
            )
        )

    _edited = clear_errors_on_edit  # a field changed loses its error (dialogs._fields)

    @on(Input.Changed)
    def _on_input_changed(self, event: Input.Changed) -> None:
        field = event.input.id or ""
        value = event.value.strip()
        kind = next((spec.kind for spec in self.specs if spec.name == field), "")
        if kind in NUMBERS:
            hint = self.query_one(f"#hint-{field}", Static)
            words = understood(kind, event.value)
            hint.update(words)
            hint.display = bool(words)
        if self.base is None and field in REFERENCES:
            self._describe(field, value)
        if self.base is None and field in SEARCHABLE:
            if value and event.input.has_focus:  # a picked id is filled in as focus moves on
                self._suggest(field, value)
            else:
                self.query_one(f"#suggest-{field}", Suggestions).hide()

    def _suggest(self, field: str, typed: str) -> None:
        """Look up the matches of what was typed; an order's among the chosen customer's
        orders at the chosen business (another's would be refused on save)."""
        customer = self._raw("customer").strip() if field == "order" else None
        business = self._raw("business").strip() if field == "order" else None
        self._read_suggestions(field, typed, customer or None, business or None)

    @work(thread=True, exclusive=True, group="form-suggest")
    def _read_suggestions(
        self, field: str, typed: str, customer: str | None, business: str | None
    ) -> None:
        def read() -> list[lookup.Suggestion]:
            return self.service.suggest(field, typed, customer=customer, business=business)

        found, _ = attempt(self.service, read)
        self.post_message(self.Suggested(field, typed, found or []))

    @on(Suggested)
    def _on_suggested(self, message: Suggested) -> None:
        field = message.field
        widget = self.query_one(f"#{field}", Input)
        if widget.value.strip() != message.typed or not widget.has_focus:
            return  # typed on since (a newer search is on its way), or moved on
        # An order is created with its customer and business: the records screen (O) does it.
        missing = self.base is None and not message.matches and field != "order"
        create = f"+ new {field} {message.typed!r}" if missing else None
        self.query_one(f"#suggest-{field}", Suggestions).offer(message.matches, create)
        self._hint(field)

    @on(Suggestions.CreateAsked)
    def _create_reference(self, message: Suggestions.CreateAsked) -> None:
        """Create the missing record from what was typed; the form keeps the rest."""
        field = message.field
        typed = self.query_one(f"#{field}", Input).value.strip()
        dialog = RecordDialog(self.service, field, prefill=from_typing(field, typed))
        self.app.push_screen(dialog, partial(self._created, field))

    def _created(self, field: str, record: Record | None) -> None:
        if record is not None:
            self.notify(f"{field.capitalize()} {record.id} created", markup=False)
            self.query_one(f"#{field}", SuggestInput).take(record.id)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """Put away the matches of a field that focus left; an empty order field, once a
        customer is chosen, offers that customer's orders."""
        for found in self.query(Suggestions):
            if event.widget.id not in (found.field, found.id) and found.shown:
                found.hide()
                self._hint(found.field)
        order = event.widget
        empty = isinstance(order, Input) and order.id == "order" and not order.value.strip()
        if self.base is None and empty and self._raw("customer").strip():
            self._suggest("order", "")

    @work(thread=True, exclusive=True, group="form-describe")
    def _describe(self, field: str, value: str) -> None:
        if not value:
            self.post_message(self.Described(field, value, ""))
            return
        text, _ = attempt(self.service, lambda: self.service.describe(field, value))
        self.post_message(self.Described(field, value, text))

    @on(Described)
    def _on_described(self, message: Described) -> None:
        if self.query_one(f"#{message.field}", Input).value.strip() != message.typed:
            return  # an older look-up finishing late: a newer one is on its way
        self._described[message.field] = message.text
        self._hint(message.field)

    def _hint(self, field: str) -> None:
        """Under a reference field: what its id names, or that it names nothing (yet)."""
        text = self._described.get(field, "")
        if text is None:
            typed = self._raw(field).strip()
            text = f"no {field} matches {typed!r}"
            matches = self.query(f"#suggest-{field}")
            if matches and matches.first(Suggestions).shown:
                if matches.first(Suggestions).first_record is not None:
                    # Matches are listed right below: it is the id that matches nothing.
                    text = f"{typed!r} is no {field} id: Down or Tab picks one of the matches"
                else:
                    text += f": Down then Enter creates a new {field}"
        hint = self.query_one(f"#hint-{field}", Static)
        hint.update(Text(text))
        hint.display = bool(text)

    # -- saving ---------------------------------------------------------------------------

    def action_save(self) -> None:
        if self._saving or (self.backorder_id and self.base is None):
            return
        payload, unreadable = self._payload()
        if unreadable:  # the fields that could be read are checked too, so all errors show
            failed = {error.field for error in unreadable}
            checked = [e for e in self._refusals(payload) if e.field not in failed]
            show_errors(self, unreadable + checked)
            return
        if self.base is not None and set(payload) == {"id", "version"}:
            self.notify("Nothing changed; nothing to save.")
            return
        if warned_first(self, past_dates(payload, ESTIMATE_DATES, config.now()), self._warned):
            return  # the same ones again: saved as typed
        self._saving = True
        self._save(payload)

    @work(thread=True, exclusive=True, group="form-save")
    def _save(self, payload: dict[str, Any]) -> None:
        if self.base is None and payload.get("order"):
            # People type the order number they see (SO-100143); the service takes its id.
            found, _ = attempt(self.service, lambda: self.service.order_id(payload["order"]))
            payload = {**payload, "order": found or payload["order"]}
        if self.base is None:
            saved, error = attempt(self.service, lambda: self.service.create(payload))
        else:
            update = self.service.update
            saved, error = attempt(self.service, lambda: update(payload), self.base.id)
        if saved is not None:
            self.post_message(self.Saved(saved))
        elif error is not None and error.code == "conflict" and self.base is not None:
            self._read_conflict()
        elif error is not None:
            self.post_message(self.Failed(error))

    def _read_conflict(self) -> None:
        """On the worker thread: what the other writer did, since this form read the backorder."""
        assert self.base is not None
        backorder_id = self.base.id

        def read() -> BackorderForm.Conflicted:
            seen = self.service.latest_event_id()
            page = self.service.events({"backorder": backorder_id, "since": self.seen})
            current, _ = attempt(self.service, lambda: self.service.get({"id": backorder_id}))
            return self.Conflicted(current, page.data, seen)

        conflicted, error = attempt(self.service, read)
        self.post_message(conflicted or self.Failed(error or BotuiError("conflict", "changed")))

    @on(Saved)
    def _on_saved(self, message: Saved) -> None:
        self._saving = False
        self.dismiss(message.backorder)

    @on(Failed)
    def _on_failed(self, message: Failed) -> None:
        self._saving = False
        self._set_enabled(self.backorder_id is None or self.base is not None)
        show_errors(self, message.error.errors)

    @on(Conflicted)
    def _on_conflicted(self, message: Conflicted) -> None:
        """Take the other writer's values where nothing was typed, keep what was, and say who."""
        self._saving = False
        assert self.base is not None
        old = self.base
        lines = [
            f"{stamp(event.at, named=True)} {event.actor}: {summary(event)}"
            for event in message.events
            if event.type != "customerNotified"
        ]
        who = sorted({event.actor for event in message.events}) or ["someone"]
        new = message.backorder
        if new is None:
            self._banner(
                f"Conflict: {old.id} was deleted by {', '.join(who)} while you edited it.\n"
                + "\n".join(lines)
                + "\nEscape leaves; what you typed cannot be saved."
            )
            return
        kept: list[str] = []
        for spec in self.specs:
            theirs, before, typed = display(spec, new), display(spec, old), self._raw(spec.name)
            if theirs == before:
                continue
            if typed == before:
                self._set(spec, theirs)
            else:
                kept.append(spec.label.lower())
                if spec.kind == "status":
                    self._status_options(theirs, typed)
        self.base, self.seen = new, message.seen
        self._title(new)
        self._set_enabled(True)
        self.initial = {spec.name: display(spec, new) for spec in self.specs}
        text = (
            f"Conflict: {old.id} was changed by {', '.join(who)} while you edited it "
            f"(now version {new.version}):\n" + "\n".join(lines or ["(no details recorded)"])
        )
        text += "\nTheir values are filled in where you had typed nothing."
        if kept:
            text += f" You both changed {', '.join(kept)}: yours is kept."
        text += " Press ctrl+s to save yours, Escape to leave."
        self._banner(text)
        show_errors(self, [])

    def _banner(self, text: str) -> None:
        banner = self.query_one("#form-banner", Static)
        banner.update(Text(text))
        banner.set_class(bool(text), "-shown")

    # -- leaving --------------------------------------------------------------------------

    def unsaved(self) -> bool:
        """Whether leaving would lose typing (nothing is typed before the backorder is read)."""
        loaded = not self.backorder_id or self.base is not None
        return loaded and self._typed() != self.initial

    def action_leave(self) -> None:
        if self._saving:  # leaving now would hide whether the save went through
            self.notify("Saving…: a moment, then it says how it went", markup=False)
            return
        leave_asking(self, lambda: self.dismiss(None))
