"""The estimate dialog (`t`): new ship and delivery dates, and why they moved."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import Input, TextArea

from botui import config
from botui.domain import schemas
from botui.domain.errors import FieldError
from botui.domain.service import Service
from botui.tui.dialogs._dialog import ActionDialog
from botui.tui.dialogs._fields import (
    ESTIMATE_DATES,
    FIELD_LABELS,
    InputErrors,
    attempt,
    day,
    field_row,
    gather,
    parse_day,
    past_dates,
)
from botui.tui.formatting.times import zone_name


class EstimateDialog(ActionDialog):
    """Change the estimated dates of every id; an empty date keeps the one it has."""

    VERB = "Re-estimate"
    ACTION = "updateEstimate"

    @dataclass
    class Current(Message):
        """The single backorder's dates as they are now, to start from."""

        backorder: schemas.Backorder

    def __init__(self, service: Service, ids: list[str]) -> None:
        super().__init__(service, ids)
        self.prefilled: dict[str, str] = {}

    def fields(self) -> ComposeResult:
        yield field_row(
            FIELD_LABELS["estimatedShipDate"],
            Input(placeholder="YYYY-MM-DD", id="estimatedShipDate", compact=True),
            "estimatedShipDate",
        )
        yield field_row(
            FIELD_LABELS["estimatedDeliveryDate"],
            Input(placeholder="YYYY-MM-DD", id="estimatedDeliveryDate", compact=True),
            "estimatedDeliveryDate",
            hint=f"Dates are {zone_name()}; an empty date stays as it is.",
        )
        yield field_row(
            FIELD_LABELS["reason"],
            TextArea(id="reason", compact=True, placeholder="optional, e.g. supplier delay"),
            "reason",
        )

    def typing_target(self) -> str | None:
        return "#estimatedShipDate"

    def on_mount(self) -> None:
        if len(self.ids) == 1:
            self._read_current()

    @work(thread=True, exclusive=True, group="estimate-read")
    def _read_current(self) -> None:
        backorder, _ = attempt(self.service, lambda: self.service.get({"id": self.ids[0]}))
        if backorder is not None:
            self.post_message(self.Current(backorder))

    @on(Current)
    def _on_current(self, message: Current) -> None:
        for name, value in (
            ("estimatedShipDate", message.backorder.estimated_ship_date),
            ("estimatedDeliveryDate", message.backorder.estimated_delivery_date),
        ):
            widget = self.query_one(f"#{name}", Input)
            if not widget.value:
                self.prefilled[name] = day(value)
                self.prefill(widget, self.prefilled[name])

    def payload(self) -> dict[str, Any]:
        payload: dict[str, Any] = {}

        def date(name: str) -> None:
            typed = self.query_one(f"#{name}", Input).value
            if typed.strip() == self.prefilled.get(name):
                return  # untouched: resending the day would move the exact time to its end
            value = parse_day(typed, name)
            if value is not None:
                payload[name] = value

        gather([lambda: date("estimatedShipDate"), lambda: date("estimatedDeliveryDate")])
        if any(self.prefilled.values()) and not payload:
            raise InputErrors(
                [FieldError("estimatedShipDate", "The dates are unchanged: change at least one")]
            )
        reason = self.query_one("#reason", TextArea).text.strip()
        if reason:
            payload["reason"] = reason
        return payload

    def warnings(self, payload: dict[str, Any]) -> list[FieldError]:
        return past_dates(payload, ESTIMATE_DATES, config.now())

    def run_one(self, backorder_id: str, payload: dict[str, Any]) -> str:
        saved = self.service.update_estimate({"id": backorder_id, **payload})
        ship = day(saved.estimated_ship_date) or "not set"
        delivery = day(saved.estimated_delivery_date) or "not set"
        return f"{backorder_id} re-estimated: ship {ship}, delivery {delivery}"
