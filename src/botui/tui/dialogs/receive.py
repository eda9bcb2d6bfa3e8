"""The receive dialog (`r`): stock arrived for the product of the selected backorders."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import Input, Select, Static

from botui.domain import lookup, numbers, schemas
from botui.domain.errors import BotuiError, FieldError
from botui.domain.text import safe_for_terminal
from botui.tui.dialogs._dialog import ActionDialog, Result
from botui.tui.dialogs._fields import (
    FIELD_LABELS,
    InputErrors,
    attempt,
    field_row,
    gather,
    parse_whole,
)
from botui.tui.formatting import units
from botui.tui.styles import css


def queue_note(product: schemas.Product, place: lookup.Place | None) -> str:
    """The product's free stock and where the backorder stands in its allocation line."""
    name = safe_for_terminal(product.name)
    text = f"{name} ({product.id}): {product.stock_on_hand:,} free"
    if place is None:
        return text + "."
    text += f"; its open backorders lack {units(place.short_in_all)} in all."
    if not place.is_open:
        return text + f" {place.backorder} is closed and takes no units."
    if not place.lacks:
        return text + f" {place.backorder} already has all its units."
    if not place.ahead:
        text += f" {place.backorder} is first in line and lacks {place.lacks:,}"
    else:
        before = "the backorder" if place.before == 1 else f"the {place.before:,} backorders"
        lack = "lacks" if place.before == 1 else "lack"
        text += (
            f" {place.backorder} lacks {place.lacks:,}; {before} before it {lack} "
            f"{place.ahead:,} first, so a receipt of {place.ahead + place.lacks:,} fills it"
        )
    if place.after:
        text += f"; those after it lack {place.after:,} more"
    return text + "."


NAMED_GRANTS = 5  # backorders named in a receipt's preview; the rest are counted


def preview_line(received: int, preview: schemas.ReceiveResult) -> str:
    """Who a receipt of `received` units would serve, in order, and what stays free."""
    grants = preview.allocations
    if not grants:
        return f"Receiving {received:,}: no backorder waits for it; all stay free."
    named = ", ".join(f"{g.backorder} gets {g.quantity:,}" for g in grants[:NAMED_GRANTS])
    rest = grants[NAMED_GRANTS:]
    if rest:
        more = sum(g.quantity for g in rest)
        named += f", and {len(rest):,} more get {more:,}"
    return f"Receiving {received:,}: {named}; {preview.product.stock_on_hand:,} left free."


class ReceiveDialog(ActionDialog):
    """Receive units of one product; marked backorders of other products are left for later.

    A receipt is one delivery of one product, so the units typed here go to one product: the
    first backorder's, or another of the marked ones' chosen in the Product field. Allocation
    is strict priority across the product, so the dialog says how many units the backorders
    before the selected one still lack.
    """

    VERB = "Receive stock for"
    CSS = ActionDialog.CSS + css("dialogs", "ReceiveDialog")

    @dataclass
    class Previewed(Message):
        """The service's preview of receiving `received` units of `product`."""

        product: str
        received: int
        preview: schemas.ReceiveResult

    @dataclass
    class Products(Message):
        """The product of each backorder id (missing ids left out), and where each stands."""

        products: dict[str, schemas.Product]
        places: dict[str, lookup.Place]

    def __init__(self, service: Any, ids: list[str]) -> None:
        super().__init__(service, ids)
        self.products: dict[str, schemas.Product] = {}
        self.places: dict[str, lookup.Place] = {}
        self.preview: ReceiveDialog.Previewed | None = None

    def title_text(self) -> str:
        if len(self.ids) == 1:
            return f"Receive stock for the product of {self.ids[0]}"
        return f"Receive stock for the products of {len(self.ids)} marked backorders"

    def fields(self) -> ComposeResult:
        yield Static("", id="queue-note", markup=False)
        yield field_row(
            FIELD_LABELS["product"],
            Select([], prompt="loading...", id="product", compact=True),
            "product",
        )
        yield Static("", id="products-note", markup=False)
        yield field_row(
            FIELD_LABELS["quantity"],
            Input(placeholder="units", id="quantity", compact=True),
            "quantity",
        )
        yield field_row(
            FIELD_LABELS["receipt"],
            Input(placeholder="optional id, taken once", id="receipt", compact=True),
            "receipt",
        )
        yield field_row(
            FIELD_LABELS["supplierOrder"],
            Input(placeholder="optional", id="supplierOrder", compact=True),
            "supplierOrder",
        )

    def typing_target(self) -> str | None:
        return "#quantity"

    def on_mount(self) -> None:
        self.query_one("#quantity", Input).focus()
        self._read_products()

    @work(thread=True, exclusive=True, group="receive-read")
    def _read_products(self) -> None:
        def read() -> ReceiveDialog.Products:
            products = self.service.products_of(self.ids)
            firsts: dict[str, str] = {}
            for backorder_id in self.ids:
                if backorder_id in products:
                    firsts.setdefault(products[backorder_id].id, backorder_id)
            places = {
                product_id: place
                for product_id, backorder_id in firsts.items()
                if (place := self.service.place_in_queue(backorder_id)) is not None
            }
            return self.Products(products, places)

        answer, _ = attempt(self.service, read)
        if answer is not None:
            self.post_message(answer)

    @on(Products)
    def _on_products(self, message: Products) -> None:
        self.products = message.products
        self.places = message.places
        distinct: dict[str, schemas.Product] = {}
        for backorder_id in self.ids:
            product = self.products.get(backorder_id)
            if product is not None:
                distinct.setdefault(product.id, product)
        select = self.query_one("#product", Select)
        select.set_options(
            (Text(f"{safe_for_terminal(p.name)} ({p.id}), {p.stock_on_hand:,} free"), p.id)
            for p in distinct.values()
        )
        if distinct:
            select.value = next(iter(distinct))
        self._note()

    @on(Select.Changed, "#product")
    @on(Input.Changed, "#quantity")
    def _note(self) -> None:
        """Say where the chosen product's backorder stands, and what this receipt leaves out."""
        chosen = self.query_one("#product", Select).value
        self._queue_note(chosen)
        left_out = [i for i in self.ids if self._product(i) != chosen]
        note = ""
        if left_out and len(self.ids) > 1:
            shown = ", ".join(left_out[:5]) + (", ..." if len(left_out) > 5 else "")
            note = (
                f"A receipt is for one product: {len(left_out)} marked backorder"
                f"{'' if len(left_out) == 1 else 's'} of another product left out ({shown}); "
                "choose their product above to receive theirs."
            )
        found = self.query_one("#products-note", Static)
        found.update(note)
        found.display = bool(note)

    def _queue_note(self, chosen: object) -> None:
        """Title the dialog for the product and say who is served before the backorder."""
        product = next((p for p in self.products.values() if p.id == chosen), None)
        if product is None:
            return
        self.query_one("#dialog-title", Static).update(
            Text(f"Receive stock of {safe_for_terminal(product.name)} ({product.id})")
        )
        text = queue_note(product, self.places.get(product.id))
        try:
            typed = numbers.parse_whole(self.query_one("#quantity", Input).value)
        except ValueError:
            typed = 0
        shown = self.preview
        if typed > 0 and (shown is None or (shown.product, shown.received) != (product.id, typed)):
            self._read_preview(product.id, typed)
        elif typed > 0 and shown is not None:
            text += "\n" + preview_line(typed, shown.preview)
        self.query_one("#queue-note", Static).update(Text(text))

    @work(thread=True, exclusive=True, group="receive-preview")
    def _read_preview(self, product_id: str, received: int) -> None:
        payload = {"product": product_id, "quantity": received}
        preview, _ = attempt(self.service, lambda: self.service.preview_receipt(payload))
        if preview is not None:
            self.post_message(self.Previewed(product_id, received, preview))

    @on(Previewed)
    def _on_previewed(self, message: Previewed) -> None:
        self.preview = message
        self._queue_note(self.query_one("#product", Select).value)

    def payload(self) -> dict[str, Any]:
        product = self.query_one("#product", Select).value
        if product is Select.NULL:
            message = "no product to receive: the backorders were not found (or are loading)"
            raise InputErrors([FieldError("product", message)])
        payload: dict[str, Any] = {"product": product}

        def quantity() -> None:
            payload["quantity"] = parse_whole(self.query_one("#quantity", Input).value, "quantity")

        gather([quantity])
        for name in ("receipt", "supplierOrder"):
            value = self.query_one(f"#{name}", Input).value.strip()
            if value:
                payload[name] = value
        return payload

    def run_all(self, payload: dict[str, Any]) -> list[Result]:
        product_id = payload["product"]
        received, error = attempt(self.service, lambda: self.service.receive_inventory(payload))
        if received is None:
            return [Result(i, "", error) for i in self.ids if self._product(i) == product_id]
        granted = {a.backorder: a.quantity for a in received.allocations}
        return [self._result(i, product_id, received, granted) for i in self.ids]

    def _product(self, backorder_id: str) -> str | None:
        product = self.products.get(backorder_id)
        return product.id if product else None

    def _result(
        self,
        backorder_id: str,
        product_id: str,
        received: schemas.ReceiveResult,
        granted: dict[str, int],
    ) -> Result:
        product = self._product(backorder_id)
        if product != product_id:
            why = f"it is for product {product}" if product else "it no longer exists"
            return Result(
                backorder_id,
                "",
                BotuiError("validation_error", f"not received: {why}; receive it separately"),
            )
        got = granted.get(backorder_id, 0)
        order = [a.backorder for a in received.allocations]
        mine = order.index(backorder_id) if backorder_id in order else len(order)
        ahead = received.allocations[:mine]
        after = received.allocations[mine + 1 :]
        text = f"{backorder_id} got {units(got) if got else 'no units'}"
        if ahead:
            first = sum(a.quantity for a in ahead)
            text += f"; {first:,} went first to {named_grants(ahead)}, ahead of it in line"
        if after:
            text += f"; {sum(a.quantity for a in after):,} to {named_grants(after)} after it"
        text += f"; {received.product.stock_on_hand:,} left free"
        return Result(backorder_id, text, None)


NAMED_IN_RESULT = 3  # backorders named in a receipt's toast; the rest are counted


def named_grants(grants: list[schemas.Allocation]) -> str:
    """Who got units, with how many: "BO-1 (60) and BO-2 (40)", "BO-1 (5), BO-2 (5), BO-3 (5)
    and 4 more (20)"."""
    parts = [f"{g.backorder} ({g.quantity:,})" for g in grants[:NAMED_IN_RESULT]]
    rest = grants[NAMED_IN_RESULT:]
    if rest:
        parts.append(f"{len(rest):,} more ({sum(g.quantity for g in rest):,})")
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
