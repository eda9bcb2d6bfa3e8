"""Pieces the screens share: typed dates and amounts, inline field errors, safe service calls."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable
from typing import Any, TypeVar

from textual import events, on
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, Label, Select, Static, TextArea

from botui import config
from botui.domain import numbers
from botui.domain.errors import FieldError
from botui.domain.schemas import MAX_PRICE
from botui.domain.service import Service
from botui.tui.attempt import attempt as attempt
from botui.tui.formatting import money, times
from botui.tui.formatting.labels import FIELD_LABELS as FIELD_LABELS
from botui.tui.formatting.times import day as day
from botui.tui.formatting.times import stamp as stamp
from botui.tui.styles import css

T = TypeVar("T")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
GENERAL = "general"
END_OF_DAY = 86_399
DAY = 86_400

# The words (tui.labels) that replace a field's API name in every message a screen shows.
_RENAMED = {name: label.lower() for name, label in FIELD_LABELS.items() if label.lower() != name}
_API_NAME = re.compile(r"(?<![\w.])(" + "|".join(_RENAMED) + r")\b")
_DETERMINERS = ("a", "an", "the", "later", "earlier", "its", "your", "their")


def type_into(box: Input | TextArea, key: events.Key) -> None:
    """Give `box` the focus, then the `key` typed before it had it (a digit in the fulfil
    question, the first letter of a reason), so the keys typed next add to it.

    Focus lands a moment later (Widget.focus is deferred) and an Input selects all it holds
    as it gets it: a character put in before that was selected and replaced by the next key
    (the third trial: `f 2 5` shipped 5). Posted after the focus, the key replaces only what
    the box was filled with ("ship all"), as a key typed into a focused box does.
    """
    box.focus()
    box.app.call_later(box.post_message, events.Key(key.key, key.character))


class InputErrors(Exception):
    """Typed values that cannot even be sent to the service, one FieldError per field."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__(errors[0].message)
        self.errors = errors


def labelled(message: str) -> str:
    """A service message in the form's words: API field names become their labels.

    "estimatedDeliveryDate must not be before estimatedShipDate" reads
    "Delivery estimate must not be before the ship estimate".
    """

    def label(found: re.Match[str]) -> str:
        words = _RENAMED[found.group(1)]
        before = message[: found.start()].rstrip()
        if not before:
            return words[0].upper() + words[1:]
        previous = before.split()[-1].lower() if before.split() else ""
        return words if previous in _DETERMINERS or before[-1] in ";:,(" else f"the {words}"

    text = _API_NAME.sub(label, message)
    return text[:1].upper() + text[1:]


def mentioned(field: str | None, message: str) -> set[str]:
    """The API fields an error is about: its own and every one its message names."""
    return set(_API_NAME.findall(message)) | ({field} if field else set())


def gone(service: Service, backorder_id: str) -> str:
    """Why a backorder cannot be acted on any more, in words: who deleted it and when."""
    deleted = service.deletion(backorder_id)
    if deleted is None:
        return f"{backorder_id} no longer exists"
    at = times.moment(deleted.at, config.now())
    return f"{backorder_id} was deleted by {deleted.actor} at {at}"


def parse_day(text: str, field: str) -> int | None:
    """A typed YYYY-MM-DD (a day of the screens' zone) as its last second, None when empty.

    A day typed in a form means "by the end of that day": a ship date is late only once the
    day has passed, and a delivery on the day of shipping is not "before" the shipment.
    """
    text = text.strip()
    if not text:
        return None
    try:
        if not _DAY.fullmatch(text):
            raise ValueError
        parsed = dt.datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=times.ZONE)
    except ValueError:
        message = no_such_day(text) or (
            f"{field} must be a date as YYYY-MM-DD ({times.zone_name()}), or empty"
        )
        raise InputErrors([FieldError(field, message)]) from None
    return int(parsed.timestamp()) + END_OF_DAY


_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)  # in English whatever the locale, as every other word on screen


def no_such_day(text: str) -> str | None:
    """Why text in the form YYYY-MM-DD names no day ("2026-02-30 is no date: February 2026
    has 28 days"), or None when it is not in that form (the form is then what to say)."""
    if not _DAY.fullmatch(text):
        return None
    year, month, day_ = (int(part) for part in text.split("-"))
    if not 1 <= month <= 12:
        return f"{text} is no date: a month is 01 to 12"
    if year < 1:
        return f"{text} is no date: the year starts at 0001"
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day_ <= days:
        return f"{text} is no date: {_MONTHS[month - 1]} {year} has {days} days"
    return None


def ago(days: int) -> str:
    """A number of days back in words: "yesterday", "12 days ago", "5 months ago", "3 years ago"."""
    if days == 1:
        return "yesterday"
    if days < 60:
        amount, unit = days, "day"
    elif days < 730:
        amount, unit = days // 30, "month"
    else:
        amount, unit = days // 365, "year"
    return f"{amount} {unit}s ago"


def past_dates(payload: dict[str, object], names: tuple[str, ...], now: int) -> list[FieldError]:
    """A warning for each typed date whose day has already passed in the screens' zone: allowed
    (the contract takes any date from 1970 to 3000), but an estimate years back is a typing
    slip far more often than a plan, and it makes the backorder late at once."""
    today = dt.datetime.fromtimestamp(now, times.ZONE).date()
    warnings = []
    for name in names:
        value = payload.get(name)
        if not isinstance(value, int):
            continue
        days = (today - dt.datetime.fromtimestamp(value, times.ZONE).date()).days
        if days > 0:
            message = f"{times.day(value)} is {ago(days)}: press ctrl+s again to keep it"
            warnings.append(FieldError(name, message))
    return warnings


ESTIMATE_DATES = ("estimatedShipDate", "estimatedDeliveryDate")


def warned_first(screen: Screen, warnings: list[FieldError], shown: list[FieldError]) -> bool:
    """Show `warnings` under their fields unless they are the ones `shown` last (kept in
    `shown`): True when the save should stop here, False when the same ones again apply."""
    if not warnings or warnings == shown:
        return False
    shown[:] = warnings
    show_errors(screen, warnings, "warning")
    return True


def parse_whole(text: str, field: str) -> int:
    """A typed whole number, read by the one rule of `domain.numbers`; the service checks
    its range."""
    try:
        return numbers.parse_whole(text)
    except ValueError as exc:
        raise InputErrors([FieldError(field, f"{field}: {exc}")]) from None


def parse_money(text: str, field: str) -> int:
    """A typed amount such as 129.99 (or $1,250) as integer cents, by `domain.numbers`."""
    try:
        cents = numbers.parse_cents(text)
    except ValueError as exc:
        raise InputErrors([FieldError(field, f"{field}: {exc}")]) from None
    if cents > MAX_PRICE:
        message = f"{field} must be at most {money(MAX_PRICE)} (this reads as {money(cents)})"
        raise InputErrors([FieldError(field, message)])
    return cents


def understood(kind: str, text: str) -> str:
    """What a typed number reads as, shown under it before saving ("reads as $1,250.00").

    Plain digits in a whole-number box need no words; an amount always says it, since 1250
    could have been meant as cents.
    """
    if not text.strip() or (kind == "whole" and text.strip().isascii() and text.strip().isdigit()):
        return ""
    try:
        if kind == "money":
            return f"reads as {money(numbers.parse_cents(text))}"
        return f"reads as {numbers.parse_whole(text):,}"
    except ValueError as exc:
        return str(exc)


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


class FieldLine(Horizontal):
    """A label and its input; `-focused` while the input has focus (Textual 8 does not restyle
    a label under `:focus-within`, so the class is set here and the label styled by it)."""

    def on_descendant_focus(self) -> None:
        self.add_class("-focused")

    def on_descendant_blur(self) -> None:
        self.remove_class("-focused")


class ErrorLine(Static):
    """The words under a field saying what is wrong with it; hidden while there is nothing."""

    DEFAULT_CSS = css("dialogs", "ErrorLine")

    def __init__(self, field: str) -> None:
        super().__init__("", markup=False, id=f"error-{field}", classes="field-error")
        self.about: dict[str, object] = {}

    def show(
        self, message: str | None, about: dict[str, object] | None = None, word: str = "error"
    ) -> None:
        """Show `message` (prefixed with `word`, so it reads without colour) or hide the line.

        `about` maps the fields the message concerns to their values when it was shown:
        changing any of them clears it. A "warning" is styled apart from an error.
        """
        self.update(f"{word}: {labelled(message)}" if message else "")
        self.set_class(bool(message), "-shown")
        self.set_class(bool(message) and word == "warning", "-warning")
        self.about = dict(about or {}) if message else {}


def value_of(widget: Widget) -> object:
    """What a field widget holds now (an Input's or Select's value, a TextArea's text)."""
    return widget.text if isinstance(widget, TextArea) else getattr(widget, "value", None)


def field_row(
    label: str,
    widget: Widget,
    field: str,
    *,
    hint: str | None = None,
    below: Widget | None = None,
) -> Vertical:
    """A label beside its input, what goes right below it, an optional hint line (hidden while
    empty), and its error line."""
    parts: list[Widget] = [
        FieldLine(Label(label, markup=False, classes="field-label"), widget, classes="field-line")
    ]
    if below is not None:
        parts.append(below)
    if hint is not None:
        line = Static(hint, markup=False, id=f"hint-{field}", classes="field-hint")
        line.display = bool(hint)
        parts.append(line)
    parts.append(ErrorLine(field))
    return Vertical(*parts, classes="field")


def show_errors(screen: Screen, errors: list[FieldError], word: str = "error") -> None:
    """Put each error under its field (unknown ones on the general line); focus the first.

    `word` ("error", or "warning" for what is allowed but likely a slip) starts each line.
    """
    lines = {line.id: line for line in screen.query(ErrorLine)}
    messages: dict[str, list[str]] = {}
    about: dict[str, dict[str, object]] = {}
    for error in errors:
        field = error.field
        target = field if field is not None and f"error-{field}" in lines else GENERAL
        messages.setdefault(target, []).append(error.message)
        for name in mentioned(error.field, error.message):
            found = screen.query(f"#{name}")
            about.setdefault(target, {})[name] = value_of(found.first()) if found else None
    for line in lines.values():
        target = (line.id or "").removeprefix("error-")
        shown = "; ".join(messages.get(target, []))
        line.show(shown or None, about.get(target), word)
        for hint in screen.query(f"#hint-{target}") if shown else ():
            said = str(hint.render()).strip()
            if said and said in shown:  # the same words once, on the error line
                hint.display = False
    first = next((e.field for e in errors if f"error-{e.field}" in lines), None)
    if first is not None:
        for widget in screen.query(f"#{first}"):
            widget.focus()
            break


def clear_errors_about(screen: Screen, field: Widget) -> None:
    """Hide every error about `field` once its value changes: stale words must not linger."""
    for line in screen.query(ErrorLine):
        if field.id in line.about and line.about[field.id] != value_of(field):
            line.show(None)


@on(Input.Changed)
@on(Select.Changed)
@on(TextArea.Changed)
def clear_errors_on_edit(
    screen: Screen[Any], event: Input.Changed | Select.Changed | TextArea.Changed
) -> None:
    """A field the person changed no longer carries the error it had: the handler of every
    screen of field rows (FormDialog, BackorderForm), bound in each as `_edited =
    clear_errors_on_edit`. Textual collects `@on` handlers from each message pump class's own
    namespace, so a plain mixin's would never be called; a class attribute is."""
    if event.control is not None:
        clear_errors_about(screen, event.control)


# The field rows of the dialogs and the form (dialogs.tcss).
FIELDS_CSS = css("dialogs", "fields")
