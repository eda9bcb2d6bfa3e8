"""Every cell occupies exactly the cells it was given, whatever the stored text holds."""

from __future__ import annotations

import pytest
import wcwidth
from conftest import create
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from botui.domain.service import Service
from botui.tui.app import BotuiApp
from botui.tui.screens.detail import DetailScreen
from botui.tui.widgets import cells
from botui.tui.widgets.event_log import EventLog
from botui.tui.widgets.queue_table import QueueTable
from tests.conftest import DAY, NOW
from tests.pilot import pilot_test, running, screen_lines, settle

# Names terminals draw at different widths, and names every terminal agrees on.
NAMES = {
    "CUS-T": "Tom 👍🏽 Reyes",
    "CUS-F": "👨\u200d👩\u200d👧\u200d👦 Ortiz family",
    "CUS-J": "🇯🇵 Sato",
    "CUS-K": "1️⃣ Club",
    "CUS-H": "❤️ Mia",
    "CUS-C": "李小龍",
    "CUS-Z": "Zoe\u0308 Mu\u0308ller",
}
AGES = {"CUS-T": 12, "CUS-F": 3, "CUS-J": 45, "CUS-K": 9, "CUS-H": 1, "CUS-C": 27, "CUS-Z": 8}


def terminal_widths(text: str) -> set[int]:
    """The widths two kinds of terminal draw `text` at: per code point and per grapheme."""
    return {sum(max(wcwidth.wcwidth(char), 0) for char in text), wcwidth.wcswidth(text)}


@pytest.fixture
def emoji_shop(service: Service, refs: dict[str, str]) -> Service:
    """One backorder per name, each of a distinct age, the product named with an emoji too."""
    service.create_product({"id": "PRD-E", "sku": "MUG-❤️", "name": "Mug ☕️ 🇫🇷 edition"})
    for customer, name in NAMES.items():
        service.create_customer({"id": customer, "name": name})
        create(
            service,
            NOW - AGES[customer] * DAY,
            id=f"BO-{customer[-1]}",
            product="PRD-E",
            customer=customer,
            estimatedShipDate=NOW + 2 * DAY,
        )
    return service


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        st.one_of(
            st.characters(exclude_categories=("Cs",), exclude_characters="\n\t\r"),
            st.sampled_from(["👍", "🏽", "\u200d", "\ufe0f", "\u20e3", "🇯", "李", "\u0301"]),
        ),
        max_size=20,
    ),
    st.integers(min_value=0, max_value=30),
    st.sampled_from(["left", "right"]),
)
def test_a_fitted_cell_is_exactly_its_width_in_rich_and_in_a_terminal(
    text: str, width: int, align: str
) -> None:
    cell = cells.fit(text, width, align)
    assert cell_len(cell) == width
    assert sum(max(wcwidth.wcwidth(char), 0) for char in cell) == width


@pytest.mark.parametrize("size", [(80, 24), (120, 30)])
@pilot_test
async def test_queue_lines_are_the_widgets_width_and_ages_stay_whole(
    emoji_shop: Service, size: tuple[int, int]
) -> None:
    app = BotuiApp(emoji_shop, delay_detection=False)
    async with running(app, size):
        table = app.query_one(QueueTable)
        width = table.size.width
        shown = {row.id for row in table.window.rows}
        assert {f"BO-{customer[-1]}" for customer in NAMES} <= shown
        for y in range(len(table.window.rows) + 1):
            line = table.render_line(y).text
            assert cell_len(line) == width, line
            assert terminal_widths(line) == {width}, line
        for y, row in enumerate(table.window.rows, start=1):
            line = table.render_line(y).text
            age = cells.age(row.created_at, NOW)
            assert line.endswith(f"{age:>4}"), (line, age)
            if row.customer in NAMES.values() and size[0] >= 120:
                assert cells.fit(row.customer, 24)[:4] in line
        for strip in app.query_one(EventLog).lines:
            assert terminal_widths(strip.text) == {cell_len(strip.text)}


@pilot_test
async def test_detail_lines_are_as_wide_as_rich_measures_them(emoji_shop: Service) -> None:
    app = BotuiApp(emoji_shop, delay_detection=False)
    async with running(app) as pilot:
        app.push_screen(DetailScreen(emoji_shop, "BO-T"))
        await settle(pilot)
        lines = screen_lines(app)
        assert any("Tom 👍 Reyes" in line for line in lines)
        for line in lines:
            assert cell_len(line) == 80
            assert terminal_widths(line) == {80}, line
