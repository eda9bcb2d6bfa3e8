"""The queue's cells: columns that fit each width, relative dates in words, money, safe text."""

from __future__ import annotations

import pytest
from rich.cells import cell_len

from botui.tui.widgets import cells

NOW = 1_790_000_000
DAY = 86_400


@pytest.mark.parametrize("width", [40, 59, 60, 79, 80, 100, 200])
def test_columns_fill_the_width_exactly_and_drop_the_least_needed_first(width: int) -> None:
    columns = cells.layout(width)
    keys = [c.key for c in columns]
    used = cells.MARK_WIDTH + sum(c.width for c in columns) + len(columns) - 1
    assert used == width or width < 60
    for needed in ("id", "status", "priority", "product", "allocation", "ship"):
        assert needed in keys
    if width >= 80:
        assert keys == [c.key for c in cells.ALL_COLUMNS]
    if width <= 60:
        assert not {"age", "price", "customer"} & set(keys)


@pytest.mark.parametrize(
    ("estimated", "status", "text", "late"),
    [
        (NOW + 3 * DAY, "pending", "in 3d", False),
        (NOW - 2 * DAY, "confirmed", "2d late", True),
        (NOW - 5 * 3600, "pending", "5h late", True),
        (NOW - 400 * DAY, "in-transit", "1y late", True),
        (None, "pending", "no date", False),
        (NOW - 2 * DAY, "fulfilled", "-", False),
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
