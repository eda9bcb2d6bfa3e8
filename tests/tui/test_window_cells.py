"""The queue's cells: columns that fit each width, relative dates in words, money, safe text."""

from __future__ import annotations

import pytest
from rich.cells import cell_len

from botui.tui.widgets import cells
from tests.conftest import DAY, NOW


@pytest.mark.parametrize("width", [40, 59, 60, 79, 80, 100, 120, 160, 200, 300])
def test_columns_fit_the_width_and_use_a_wide_one(width: int) -> None:
    columns = cells.layout(width)
    keys = [c.key for c in columns]
    used = cells.MARK_WIDTH + sum(c.width for c in columns) + len(columns) - 1
    assert used <= width or width < 59
    assert keys == [c.key for c in cells.ALL_COLUMNS if c.key in keys]  # in the shown order
    for needed in ("id", "status", "priority", "product", "allocation", "ship"):
        assert needed in keys
    sizes = {c.key: c.width for c in columns}
    if width >= 59:  # product never cut below 14 cells: "Cycling helmet" is whole
        assert sizes["product"] >= 14
    if width >= 80:  # product and customer keep readable names
        assert sizes["product"] >= 15 and sizes["customer"] >= 12
    if width >= 100:
        assert set(cells.CORE) <= set(keys)
    if width >= 160:  # a wide terminal shows more of each backorder, not 70 blank cells
        assert {"order", "business", "delivery", "supplier"} <= set(keys)
        assert sizes["product"] <= 40 and sizes["customer"] <= 28
    if width <= 60:
        assert not {"age", "price", "customer"} & set(keys)
    if width >= 59 and used < width:  # room is left blank only once names are at their widest
        most = {c.key: c.flex.most for c in cells.ALL_COLUMNS if c.flex}
        assert all(sizes[key] == most[key] for key in most if key in sizes)


@pytest.mark.parametrize(
    ("estimated", "status", "text", "late"),
    [
        (NOW + 3 * DAY, "pending", "in 3d", False),
        (NOW - 2 * DAY, "confirmed", "2d late", True),
        (NOW - 5 * 3600, "pending", "5h late", True),
        (NOW - 400 * DAY, "in-transit", "1y late", True),
        (None, "pending", "no date", False),
        (NOW - 2 * DAY, "fulfilled", "-", False),
        (NOW - 2 * DAY, "cancelled", "-", False),
    ],
)
def test_ship_dates_read_as_words(estimated, status, text, late) -> None:
    shown, is_late = cells.ship_relative(estimated, status, NOW)
    assert (shown, is_late) == (text, late)
    assert len(shown) <= 8  # fits the SHIP column


def test_money_and_ages() -> None:
    assert cells.money(123456) == "$1,234.56"
    assert cells.short_money(4999) == "49.99"
    assert cells.short_money(123_456_700) == "1,235k"
    assert cells.age(NOW - 90, NOW) == "1m" and cells.age(NOW - 40 * DAY, NOW) == "40d"


def test_fit_cuts_pads_and_neutralises_control_characters() -> None:
    assert cells.fit("Ada Lovelace", 6) == "Ada L…"
    assert cells.fit("7", 3, "right") == "  7"
    assert cells.fit("\x1b[31mred", 8) == "\ufffd[31mred"
    assert cell_len(cells.fit("東京都の顧客さま", 7)) == 7
    assert cells.fit("a\x7fbc", 4) == "a\ufffdbc"  # ASCII, not printable: made safe
    assert cells.fit("abcd", 1) == "…" and cells.fit("abcd", 0) == ""
    assert cells.fit("abc", 3) == "abc" and cells.fit("ab", 4, "right") == "  ab"


def test_a_fulfilled_row_shows_the_day_it_shipped() -> None:
    """NOW is 2026-09-21 (UTC): this year reads "19 Sep", an earlier one "Nov 2025"."""
    assert cells.ship_relative(NOW, "fulfilled", NOW, NOW - 2 * DAY) == ("19 Sep", False)
    assert cells.ship_relative(None, "fulfilled", NOW, NOW - 300 * DAY) == ("Nov 2025", False)
    assert cells.ship_relative(NOW, "cancelled", NOW, None) == ("-", False)
