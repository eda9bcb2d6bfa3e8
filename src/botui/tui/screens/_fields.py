"""Pieces the screens share: typed dates and amounts, inline field errors, safe service calls."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import TypeVar

from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Label, Static

from botui.domain.errors import BotuiError, FieldError
from botui.domain.service import Service
from botui.domain.validation import FIELD_RULES

T = TypeVar("T")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_MONEY = re.compile(r"(\d{1,9})(?:\.(\d{1,2}))?")
MAX_PRICE_CENTS = 1_000_000_000
GENERAL = "general"
END_OF_DAY = 86_399


class InputErrors(Exception):
    """Typed values that cannot even be sent to the service, one FieldError per field."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__(errors[0].message)
        self.errors = errors


def day(seconds: int | None) -> str:
    """A Unix time as YYYY-MM-DD (UTC), empty for none."""
    if seconds is None:
        return ""
    return dt.datetime.fromtimestamp(seconds, dt.UTC).strftime("%Y-%m-%d")


def stamp(seconds: int | None) -> str:
    """A Unix time as YYYY-MM-DD HH:MM (UTC), a dash for none."""
    if seconds is None:
        return "-"
    return dt.datetime.fromtimestamp(seconds, dt.UTC).strftime("%Y-%m-%d %H:%M")


def money(cents: int) -> str:
    """Cents as an amount with two decimals and thousands separators."""
    return f"{cents // 100:,}.{cents % 100:02d}"


def parse_day(text: str, field: str) -> int | None:
    """A typed YYYY-MM-DD (UTC) as its last second, None when empty.

    A day typed in a form means "by the end of that day": a ship date is late only once the
    day has passed, and a delivery on the day of shipping is not "before" the shipment.
    """
    text = text.strip()
    if not text:
        return None
    try:
        if not _DAY.fullmatch(text):
            raise ValueError
        parsed = dt.datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=dt.UTC)
    except ValueError:
        raise InputErrors(
            [FieldError(field, f"{field} must be a date as YYYY-MM-DD (UTC), or empty")]
        ) from None
    return int(parsed.timestamp()) + END_OF_DAY


def parse_whole(text: str, field: str) -> int:
    """A typed whole number; the service checks its range."""
    text = text.strip().replace(",", "").replace("_", "")
    if not re.fullmatch(r"-?\d{1,12}", text):
        rule = FIELD_RULES.get(field, "a whole number")
        raise InputErrors([FieldError(field, f"{field} must be {rule}")])
    return int(text)


def parse_money(text: str, field: str) -> int:
    """A typed amount such as 129.99 (or 129) as integer cents."""
    found = _MONEY.fullmatch(text.strip().replace(",", ""))
    cents = -1
    if found:
        whole, fraction = found.groups()
        cents = int(whole) * 100 + int((fraction or "0").ljust(2, "0"))
    if not 0 <= cents <= MAX_PRICE_CENTS:
        raise InputErrors(
            [
                FieldError(
                    field, f"{field} must be an amount from 0.00 to 10,000,000.00 (like 129.99)"
                )
            ]
        )
    return cents


def gather(parsers: list[Callable[[], None]]) -> None:
    """Run every parser and raise all their InputErrors at once, so each field shows its own."""
    errors: list[FieldError] = []
    for parser in parsers:
        try:
            parser()
        except InputErrors as exc:
            errors.extend(exc.errors)
    if errors:
        raise InputErrors(errors)


def attempt(service: Service, call: Callable[[], T]) -> tuple[T | None, BotuiError | None]:
    """Run one service call on this thread's own connection: its answer, or why it failed."""
    try:
        with service.db.connection_context():
            return call(), None
    except BotuiError as error:
        return None, error
    except Exception as exc:  # the event loop must never see a traceback from a worker
        return None, BotuiError("storage_error", f"the action failed unexpectedly: {exc}")


class ErrorLine(Static):
    """The words under a field saying what is wrong with it; hidden while there is nothing."""

    DEFAULT_CSS = """
    ErrorLine { display: none; color: $text-error; padding: 0 0 0 1; }
    ErrorLine.-shown { display: block; }
    """

    def __init__(self, field: str) -> None:
        super().__init__("", markup=False, id=f"error-{field}", classes="field-error")

    def show(self, message: str | None) -> None:
        """Show `message` (prefixed with a word, so it reads without colour) or hide the line."""
        self.update(f"error: {message}" if message else "")
        self.set_class(bool(message), "-shown")


def field_row(label: str, widget: Widget, field: str, *, hint: str | None = None) -> Vertical:
    """A label beside its input, an optional hint line (hidden while empty), its error line."""
    parts: list[Widget] = [
        Horizontal(Label(label, markup=False, classes="field-label"), widget, classes="field-line")
    ]
    if hint is not None:
        line = Static(hint, markup=False, id=f"hint-{field}", classes="field-hint")
        line.display = bool(hint)
        parts.append(line)
    parts.append(ErrorLine(field))
    return Vertical(*parts, classes="field")


def show_errors(screen: Screen, errors: list[FieldError]) -> None:
    """Put each error under its field (unknown ones on the general line); focus the first."""
    for line in screen.query(ErrorLine):
        line.show(None)
    placed: dict[str, list[str]] = {}
    known = {line.id for line in screen.query(ErrorLine)}
    for error in errors:
        target = error.field if f"error-{error.field}" in known else GENERAL
        placed.setdefault(target, []).append(error.message)
    for target, messages in placed.items():
        screen.query_one(f"#error-{target}", ErrorLine).show("; ".join(messages))
    first = next((e.field for e in errors if f"error-{e.field}" in known), None)
    if first is not None:
        for widget in screen.query(f"#{first}"):
            widget.focus()
            break


FIELDS_CSS = """
.field { height: auto; }
.field-line { height: auto; }
.field-label { width: 18; padding: 0 1 0 0; }
.field-line Input, .field-line Select { width: 1fr; }
.field-hint { color: $text-muted; padding: 0 0 0 18; }
.field-line TextArea { height: 4; width: 1fr; }
"""
