"""The notify dialog (`m`): a template or an own message to the customer, previewed as sent."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import Input, Select, Static, TextArea

from botui.domain import lookup, schemas
from botui.domain.errors import BotuiError
from botui.domain.templates import SUBJECTS, render
from botui.domain.text import safe_for_terminal
from botui.tui.dialogs._dialog import ActionDialog
from botui.tui.dialogs._fields import FIELD_LABELS, attempt, field_row
from botui.tui.keymap import key_label, user_key
from botui.tui.styles import css

OWN = "own"
TEMPLATES = [(name, name) for name in SUBJECTS] + [("own message", OWN)]
CHANNELS = [("email", "email"), ("sms", "sms")]
ADDRESS = {"email": "email address", "sms": "phone number"}


def _address(customer: schemas.Customer, channel: str) -> str | None:
    return customer.email if channel == "email" else customer.phone


def unreachable(
    customer: schemas.Customer, channel: str, keys: tuple[str, str] = ("C", "e")
) -> str:
    """Why `customer` cannot get a message on `channel`, and what the user can do instead:
    the other channel if the customer has it, or adding the address on the customers screen
    (`keys`: the queue's key for it and the records screen's edit key, customer.update)."""
    other = "sms" if channel == "email" else "email"
    has_other = _address(customer, other)
    text = f"{customer.name} ({customer.id}) has no {ADDRESS[channel]}"
    records, edit = keys
    add = (
        f"add one on the customers screen ({records} from the queue, then {edit} on {customer.id})"
    )
    if has_other:
        return f"{text}: send it by {other} instead, or {add}"
    return f"{text} and no {ADDRESS[other]}: {add}, then send it again"


class NotifyDialog(ActionDialog):
    """Queue a message to each backorder's customer; the preview shows the first one's text."""

    VERB = "Notify the customer of"
    ACTION = "notifyCustomer"
    CSS = ActionDialog.CSS + css("dialogs", "NotifyDialog")

    @dataclass
    class Subject(Message):
        """The first backorder with its product and customer, for the preview."""

        context: lookup.Context

    def __init__(self, service: Any, ids: list[str]) -> None:
        super().__init__(service, ids)
        self.context: lookup.Context | None = None

    def fields(self) -> ComposeResult:
        yield field_row(
            FIELD_LABELS["channel"],
            Select(CHANNELS, value="email", allow_blank=False, id="channel", compact=True),
            "channel",
        )
        yield field_row(
            FIELD_LABELS["template"],
            Select(TEMPLATES, value="status", allow_blank=False, id="template", compact=True),
            "template",
        )
        yield field_row(
            FIELD_LABELS["subject"],
            Input(placeholder="optional; email gets a usual one", id="subject", compact=True),
            "subject",
        )
        message = field_row(
            FIELD_LABELS["message"], TextArea(id="message", compact=True), "message"
        )
        message.add_class("-hidden")
        message.id = "message-field"
        yield message
        yield Static("Loading the preview...", id="preview", markup=False)

    def on_mount(self) -> None:
        self._read_subject()

    @work(thread=True, exclusive=True, group="notify-read")
    def _read_subject(self) -> None:
        ctx, _ = attempt(self.service, lambda: self.service.backorder_context(self.ids[0]))
        if ctx is not None:
            self.post_message(self.Subject(ctx))

    @on(Subject)
    def _on_subject(self, message: Subject) -> None:
        self.context = ctx = message.context
        if not ctx.customer.email and ctx.customer.phone:
            self.query_one("#channel", Select).value = "sms"
        self._preview()

    @on(Select.Changed)
    @on(Input.Changed)
    @on(TextArea.Changed)
    def _changed(self) -> None:
        own = self.query_one("#template", Select).value == OWN
        self.query_one("#message-field").set_class(not own, "-hidden")
        self._preview()

    def _preview(self) -> None:
        """Show what the first customer would receive, with the text the service renders."""
        preview = self.query_one("#preview", Static)
        ctx = self.context
        if ctx is None:
            return
        channel = self.query_one("#channel", Select).value
        # Never Select.BLANK (allow_blank=False): one of TEMPLATES' names, or OWN.
        template = str(self.query_one("#template", Select).value)
        subject = self.query_one("#subject", Input).value.strip() or None
        if template == OWN:
            body = self.query_one("#message", TextArea).text
            default_subject = f"About your backorder {ctx.backorder.id}"
        else:
            default_subject, body = render(template, ctx.backorder, ctx.product, ctx.customer)
        if channel == "email":  # a text message has no subject line unless one was typed
            subject = subject or default_subject
        address = _address(ctx.customer, str(channel))
        to = address or f"nobody: {unreachable(ctx.customer, str(channel), self._keys())}"
        text = Text()
        text.append(safe_for_terminal(f"Preview for {ctx.backorder.id}, to {to}\n"), style="bold")
        if subject:
            text.append(safe_for_terminal(f"Subject: {subject}\n"))
        text.append(safe_for_terminal(body))
        preview.update(text)

    def _keys(self) -> tuple[str, str]:
        """The customers screen's key and the edit key, as the user's keymap has them."""
        records = user_key(self, "queue.customers", "C")
        return key_label(records), key_label(user_key(self, "records.edit", "e"))

    def payload(self) -> dict[str, Any]:
        payload: dict[str, Any] = {"channel": self.query_one("#channel", Select).value}
        template = self.query_one("#template", Select).value
        if template == OWN:
            payload["message"] = self.query_one("#message", TextArea).text
        else:
            payload["template"] = template
        subject = self.query_one("#subject", Input).value.strip()
        if subject:
            payload["subject"] = subject
        return payload

    def run_one(self, backorder_id: str, payload: dict[str, Any]) -> str:
        before = self.service.latest_event_id()
        try:
            self.service.notify_customer({"id": backorder_id, **payload})
        except BotuiError as error:
            channel = payload["channel"]
            customer = self.service.customer_of(backorder_id)
            if error.field != "channel" or customer is None or _address(customer, channel):
                raise
            message = unreachable(customer, channel, self._keys())
            raise BotuiError(error.code, message, "channel") from None
        page = self.service.events({"backorder": backorder_id, "since": before})
        queued = [e for e in page.data if e.type == "customerNotified"]
        if not queued:
            return f"{backorder_id}: the same message was queued in the last 10 minutes; not again"
        return f"{backorder_id}: {payload['channel']} queued for {queued[-1].data.get('to')}"
