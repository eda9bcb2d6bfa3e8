"""One line of plain words for each event, as the timeline and conflict notes show it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from botui.domain.text import safe_for_terminal
from botui.tui.formatting import money, units
from botui.tui.formatting.labels import FIELD_LABELS
from botui.tui.formatting.times import day

if TYPE_CHECKING:  # the schemas (pydantic) load after the first rows: see botui.lazy
    from botui.domain import schemas

_MAX_VALUE = 40
# Each event type as staff say it: the log's type column and the timeline.
EVENT_WORDS = {
    "created": "created",
    "updated": "updated",
    "confirmed": "confirmed",
    "estimateUpdated": "re-estimated",
    "fulfilled": "fulfilled",
    "cancelled": "cancelled",
    "inventoryArrived": "stock arrived",
    "delayNoticed": "delay noticed",
    "customerNotified": "customer told",
    "deleted": "deleted",
}


def event_word(kind: str) -> str:
    """The staff's word for an event type (the type itself when botui has none)."""
    return EVENT_WORDS.get(kind, kind)


def field_words(field: str) -> str:
    """A backorder field as the screens name it: "estimatedDeliveryDate" -> "delivery estimate"."""
    label = FIELD_LABELS.get(field)
    return label.lower() if label else field


def _reason(data: dict[str, Any]) -> str:
    """` (reason: ...)` when the event gives one, else nothing."""
    return f" (reason: {_value('reason', data['reason'])})" if data.get("reason") else ""


def _value(field: str, value: Any) -> str:
    if value is None:
        return "none"
    if field.endswith("Date") and isinstance(value, int):
        return day(value)
    if field == "price" and isinstance(value, int):
        return money(value)
    if isinstance(value, dict):
        return "{...}" if value else "{}"
    text = str(value)
    return text if len(text) <= _MAX_VALUE else text[: _MAX_VALUE - 3] + "..."


def changes(data: dict[str, Any]) -> str:
    """`field old -> new` for each entry of an event's `changes`."""
    parts = []
    for field, pair in (data.get("changes") or {}).items():
        if isinstance(pair, list) and len(pair) == 2:
            old, new = _value(field, pair[0]), _value(field, pair[1])
            parts.append(f"{field_words(field)} {old} -> {new}")
    return ", ".join(parts)


def summary(event: schemas.Event) -> str:
    """What the event did, in words a person reads at a glance, as the screen shows text."""
    return safe_for_terminal(_describe(event))


def _describe(event: schemas.Event) -> str:
    data = event.data
    kind = event.type
    if kind == "created":
        text = f"created: {units(data.get('quantity'))}, {data.get('priorityLevel')}"
        if data.get("allocated"):
            text += f", {data['allocated']} allocated"
        if data.get("splitFrom"):
            text += f", split from {data['splitFrom']}"
        return text
    if kind in ("updated", "confirmed", "estimateUpdated"):
        verb = {"updated": "updated", "confirmed": "confirmed", "estimateUpdated": "re-estimated"}
        detail = changes(data)
        text = verb[kind] + (f": {detail}" if detail else "")
        if data.get("released"):
            text += f"; released {units(data['released'])}"
        if data.get("allocated"):
            text += f"; {data['allocated']} allocated"
        return text + _reason(data)
    if kind == "fulfilled":
        text = f"fulfilled {units(data.get('quantity'))}"
        if data.get("splitInto"):
            text += f", rest split into {data['splitInto']}"
        return text
    if kind == "cancelled":
        text = "cancelled"
        if data.get("refund"):
            text += f", refund {money(data['refund'])}"
        return text + _reason(data)
    if kind == "inventoryArrived":
        arrived = units(data.get("quantity"))
        if data.get("releasedBy"):
            return f"{arrived} arrived, released by {data['releasedBy']}"
        if data.get("receipt"):
            return f"{arrived} arrived from receipt {data['receipt']}"
        # receiveInventory without a receipt id: a delivery, not stock already on hand
        return f"{arrived} arrived from a delivery (no receipt id)"
    if kind == "delayNoticed":
        if data.get("newEstimatedShipDate") is not None:
            return (
                f"delay: ship date moved {day(data.get('estimatedShipDate'))} -> "
                f"{day(data['newEstimatedShipDate'])}"
            )
        return f"late: ship date {day(data.get('estimatedShipDate'))} has passed"
    if kind == "customerNotified":
        what = data.get("template") or "own"
        return f"{what} message queued: {data.get('channel')} to {_value('to', data.get('to'))}"
    if kind == "deleted":
        return "deleted"
    return kind
