"""Create or edit a business, customer, product or order: one dialog, the fields of its kind."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from textual.app import ComposeResult
from textual.widgets import Input, Static

from botui.domain import schemas
from botui.domain.errors import FieldError
from botui.domain.service import Service
from botui.tui.dialogs._dialog import FormDialog, Result
from botui.tui.dialogs._fields import (
    FIELD_LABELS,
    GENERAL,
    InputErrors,
    attempt,
    day,
    field_row,
    gather,
    parse_day,
    parse_whole,
    show_errors,
)
from botui.tui.dialogs._suggest import SearchingInput, Suggestions
from botui.tui.formatting import plural
from botui.tui.formatting.times import zone_name

Record = schemas.Business | schemas.Customer | schemas.Product | schemas.Order


@dataclass(frozen=True)
class Box:
    """One typed field of a record: its contract name, what the empty box says, and whether an
    empty box clears the value (else an empty box is sent as it is, and refused if required)."""

    name: str
    placeholder: str
    clears: bool = False


BOXES: dict[str, list[Box]] = {
    "business": [Box("name", "required, e.g. Northwind Outfitters")],
    "customer": [
        Box("name", "required, e.g. Ada Lovelace"),
        Box("email", "optional, name@example.com", clears=True),
        Box("phone", "optional, e.g. +44 20 7946 0000", clears=True),
    ],
    "product": [
        Box("sku", "required and unique, e.g. TENT-2P"),
        Box("name", "required, e.g. Two-person tent"),
    ],
    "order": [Box("number", "optional and unique, e.g. SO-1001", clears=True)],
}
ACTIONS = {
    "business": ("create_business", "update_business"),
    "customer": ("create_customer", "update_customer"),
    "product": ("create_product", "update_product"),
    "order": ("create_order", "update_order"),
}


def from_typing(kind: str, typed: str) -> dict[str, str]:
    """The boxes a new record starts with, from what was typed where it was missing: a product
    typed without spaces is taken as its SKU, else as its name; a customer with an @ as an
    e-mail, else as a name."""
    if kind == "product" and typed and not any(c.isspace() for c in typed):
        return {"sku": typed}
    if kind == "customer" and "@" in typed:
        return {"email": typed}
    return {"name": typed} if kind in ("product", "customer", "business") else {}


STOCK_HINT = "r (receive stock) in the queue raises it"


def _quoted(value: str) -> str:
    return f"'{value}'" if value else "nothing (empty)"


class RecordDialog(FormDialog[Record]):
    """A new record (`record` None, boxes filled from `prefill`) or an edit of `record`;
    dismisses with the saved record, or None. A refusal stays open with the typing."""

    def __init__(
        self,
        service: Service,
        kind: str,
        record: Record | None = None,
        prefill: dict[str, str] | None = None,
    ) -> None:
        super().__init__(service, [record.id] if record else [])
        self.kind = kind
        self.record = record
        self.initial = dict(prefill or {})
        self.saved: Record | None = None
        self.fresh: Record | None = None  # the record as read again after a conflict

    # -- layout ---------------------------------------------------------------------------

    def title_text(self) -> str:
        if self.record is None:
            return f"New {self.kind}"
        return f"Edit {self.kind} {self.record.id}"

    def apply_label(self) -> str:
        return "Save ^s"

    def fields(self) -> ComposeResult:
        for spec in BOXES[self.kind]:
            box = Input(placeholder=spec.placeholder, id=spec.name, compact=True)
            yield field_row(FIELD_LABELS[spec.name], box, spec.name)
        if self.kind == "product":
            yield from self._stock()
        if self.kind == "order":
            for name in ("customer", "business"):
                box = SearchingInput(self.service, name, placeholder="name or id; Down/Tab picks")
                yield field_row(FIELD_LABELS[name], box, name, below=Suggestions(name))
            placed = Input(placeholder=f"YYYY-MM-DD ({zone_name()})", id="placedAt", compact=True)
            hint = "empty: now" if self.record is None else None
            yield field_row(FIELD_LABELS["placedAt"], placed, "placedAt", hint=hint)
        if self.record is None:
            box = Input(placeholder="optional; generated when empty", id="id", compact=True)
            yield field_row(FIELD_LABELS["id"], box, "id")

    def _stock(self) -> ComposeResult:
        if self.record is None:
            box = Input(placeholder="free units now, default 0", id="stockOnHand", compact=True)
            yield field_row(FIELD_LABELS["stockOnHand"], box, "stockOnHand")
            return
        assert isinstance(self.record, schemas.Product)
        yield Static(
            f"Stock on hand: {plural(self.record.stock_on_hand, 'free unit')}; {STOCK_HINT}",
            id="stock",
            markup=False,
        )

    def typing_target(self) -> str | None:
        return f"#{BOXES[self.kind][0].name}"

    def on_mount(self) -> None:
        for name, value in self.shown().items():
            self.prefill(self.query_one(f"#{name}", Input), value)

    def shown(self) -> dict[str, str]:
        """What each box starts with: the record's values, or what the caller typed."""
        if self.record is None:
            return self.initial
        values = {spec.name: getattr(self.record, spec.name) or "" for spec in BOXES[self.kind]}
        if isinstance(self.record, schemas.Order):
            values |= {
                "customer": self.record.customer,
                "business": self.record.business,
                "placedAt": day(self.record.placed_at),
            }
        return values

    # -- saving ---------------------------------------------------------------------------

    def payload(self) -> dict[str, Any]:
        typed = self.texts()
        start = self.shown() if self.record is not None else {}
        values: dict[str, Any] = {}
        clears = {spec.name for spec in BOXES[self.kind] if spec.clears}

        def text(name: str) -> None:
            value = typed[name].strip()
            if self.record is not None and value == start.get(name, "").strip():
                return
            if value or (self.record is not None and name not in clears):
                values[name] = value
            elif self.record is not None:
                values[name] = None

        def stock() -> None:
            if typed["stockOnHand"].strip():
                values["stockOnHand"] = parse_whole(typed["stockOnHand"], "stockOnHand")

        def placed() -> None:
            if self.record is not None and typed["placedAt"] == start["placedAt"]:
                return
            when = parse_day(typed["placedAt"], "placedAt")
            if when is not None:
                values["placedAt"] = when
            elif self.record is not None:
                message = f"placedAt must be a date as YYYY-MM-DD ({zone_name()})"
                raise InputErrors([FieldError("placedAt", message)])

        parsers: list[Callable[[], None]] = [partial(text, spec.name) for spec in BOXES[self.kind]]
        if self.record is None:
            parsers.append(partial(text, "id"))
        if self.kind == "product" and self.record is None:
            parsers.append(stock)
        if self.kind == "order":
            parsers += [partial(text, "customer"), partial(text, "business"), placed]
        gather(parsers)
        if self.record is not None:
            # The values this edit read, for the fields it changes: a save over someone
            # else's change of one of them is refused (conflict); other fields still merge.
            read = self.record.to_json()
            expected = {name: read[name] for name in values if name in read}
            values["id"] = self.record.id
            if expected:
                values["expected"] = expected
        return values

    def run_all(self, payload: dict[str, Any]) -> list[Result]:
        create, update = ACTIONS[self.kind]
        method = getattr(self.service, create if self.record is None else update)
        self.saved, error = attempt(self.service, lambda: method(payload))
        self.fresh = None
        if error is not None and error.code == "conflict" and self.record is not None:
            self.fresh, _ = attempt(self.service, partial(self.read_again, self.record.id))
        return [Result(self.record.id if self.record else "", "", error)]

    def read_again(self, record_id: str) -> Record | None:
        """On the worker: the record as it is now (after a save was refused)."""
        found: Record | None = self.service.record(self.kind, record_id)
        return found

    def finish(self, results: list[Result]) -> None:
        error = results[0].error
        if error is None:
            self.dismiss(self.saved)
            return
        old, new = self.record, self.fresh
        if old is not None and new is not None and new != old:
            self._changed_meanwhile(old, new, error.errors)
            return
        show_errors(self, error.errors)  # nothing was written: the typing stays, the refusal

    def _changed_meanwhile(self, old: Record, new: Record, refusal: list[FieldError]) -> None:
        """Someone else saved the record since this dialog read it, so the save was refused.
        Their values fill the boxes left as read; the boxes typed in keep the typing with
        the other value named under them; the dialog now holds their version, so ctrl+s
        again saves yours over theirs on purpose (or Esc leaves)."""
        read, now = self._shown_of(old), self._shown_of(new)
        typed = self.texts()
        notes: list[FieldError] = []
        taken: list[str] = []
        for name in (name for name in now if now[name] != read.get(name)):
            if typed.get(name, "").strip() == read.get(name, "").strip():
                self.prefill(self.query_one(f"#{name}", Input), now[name])
                taken.append(f"{FIELD_LABELS.get(name, name).lower()} {_quoted(now[name])}")
            else:
                message = f"someone else saved {_quoted(now[name])} here while you edited; "
                notes.append(FieldError(name, message + "yours is kept"))
        self.record = new
        summary = f"{self.kind.capitalize()} {new.id} was changed by someone else while you "
        summary += "edited it, so nothing was saved."
        if taken:
            summary += f" Their {', '.join(taken)} filled in."
        summary += " ctrl+s saves yours over theirs; Esc leaves."
        if not notes and not taken:  # a change the boxes do not show (a time within the day)
            notes = [e for e in refusal if e.field != GENERAL]
        show_errors(self, [*notes, FieldError(GENERAL, summary)], word="conflict")

    def _shown_of(self, record: Record) -> dict[str, str]:
        """What the boxes of an edit show for `record`."""
        keep, self.record = self.record, record
        try:
            return self.shown()
        finally:
            self.record = keep
