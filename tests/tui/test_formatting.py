"""One formatter (issue 13): money, quantities, spans and times read the same on every screen."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from botui.tui import formatting
from botui.tui.formatting import times

TUI = Path(formatting.__file__).parent.parent
DAY = 86_400


def test_money_in_cents_reads_as_currency() -> None:
    assert formatting.amount(12900) == "129.00"
    assert formatting.amount(123456) == "1,234.56"
    assert formatting.money(5) == "$0.05"
    assert formatting.money(123456) == "$1,234.56"


@pytest.mark.parametrize(
    ("cents", "shown"),
    [(12900, "129.00"), (999_999, "9,999.99"), (1_000_000, "10,000"), (123_456_789, "1,235k")],
)
def test_short_money_fits_eight_cells(cents: int, shown: str) -> None:
    assert formatting.short_money(cents) == shown
    assert len(shown) <= 8


def test_quantities_are_grouped_and_counted_in_words() -> None:
    assert formatting.units(1) == "1 unit"
    assert formatting.units(0) == "0 units"
    assert formatting.units(1250) == "1,250 units"
    assert formatting.units(None) == "None units"  # an event without a quantity, as it was
    assert formatting.plural(1, "backorder") == "1 backorder"
    assert formatting.plural(3, "free unit") == "3 free units"


def test_spans_and_dates_next_to_now() -> None:
    now = 1_790_000_000
    assert formatting.age(now - 90, now) == "1m"
    assert formatting.age(now - 3 * DAY, now) == "3d"
    assert formatting.ship_relative(now + 2 * DAY, "pending", now) == ("in 2d", False)
    assert formatting.ship_relative(now - 2 * DAY, "pending", now) == ("2d late", True)
    assert formatting.ship_relative(None, "cancelled", now) == ("-", False)
    assert formatting.delivery_relative(None, "pending", now) == "-"
    assert formatting.days_away(now, now) == "today"
    assert formatting.days_away(now - DAY, now) == "1d late"
    assert formatting.days_away(now + 3 * DAY, now) == "in 3d"


def test_times_are_the_one_zone_s() -> None:
    assert formatting.stamp is times.stamp and formatting.day is times.day
    assert formatting.short_stamp(None) == "-"
    assert formatting.short_stamp(1_790_000_000) == times.stamp(1_790_000_000)[5:]


def test_no_screen_or_widget_formats_money_or_units_of_its_own() -> None:
    """The copies that were replaced stay gone: one definition each, in botui.tui.formatting."""
    copies = []
    own = re.compile(r"^def (_?units|money|amount|_?short|relative|_span)\(", re.MULTILINE)
    for path in sorted(TUI.rglob("*.py")):
        if path.parent.name == "formatting":
            continue
        text = path.read_text(encoding="utf-8")
        copies += [f"{path.relative_to(TUI)}: {m}" for m in own.findall(text)]
        if "from botui.domain.templates import money" in text:
            copies.append(f"{path.relative_to(TUI)}: domain.templates.money")
    assert copies == []
