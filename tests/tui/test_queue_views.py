"""The queue's view bar (every view's count, live), narrowing with `=`, the sort by status, and
the customer view opened with `u` from the detail screen."""

from __future__ import annotations

from pathlib import Path

import pytest
from queue_shop import MALLORY, build_queue_shop
from rich.text import Text

from botui.domain.queue import QueueRow
from botui.domain.service import Service
from botui.store.db import open_database
from botui.tui.app import BotuiApp
from botui.tui.dialogs.narrow import NarrowPicker, _option
from botui.tui.screens.detail import DetailScreen
from botui.tui.screens.help import help_rows
from botui.tui.widgets.view_bar import bar_text
from tests.pilot import cursor_on, pilot_test, reads, running, settle, wait_until

MILLION = {
    "open": 65_766,
    "pending": 22_951,
    "late": 33_453,
    "ready": 36_747,
    "closed": 934_234,
    "all": 1_000_000,
}


@pytest.fixture
def shop(tmp_path: Path) -> Service:
    path = tmp_path / "shop.db"
    build_queue_shop(path)
    db = open_database(path)
    yield Service(db)
    db.close()


def _ids(app: BotuiApp) -> list[str]:
    return [row.id for row in app.screen.query_one("#queue").window.rows]


def _bar(app: BotuiApp) -> str:
    return str(app.screen.query_one("#views").render())


def _status(app: BotuiApp) -> str:
    return str(app.screen.query_one("#status").render())


@pilot_test
async def test_the_view_bar_counts_every_view_and_follows_what_others_do(shop: Service) -> None:
    app = BotuiApp(shop, delay_detection=False)
    async with running(app) as pilot:
        await wait_until(pilot, lambda: "0 all 8" in _bar(app), "the counts", timeout=4)
        assert _bar(app).strip() == (
            "1 open 6 │ 2 pending 3 │ 3 late 2 │ 4 ready 2 │ 5 closed 2 │ 0 all 8"
        )
        # The status line names the view and the row: no digit that reads like a count.
        assert _status(app).startswith(" open   row 1 of 6 ")
        other_db = open_database(shop.path)
        other = Service(other_db)  # someone else, in another terminal
        other.cancel({"id": "G1"})
        other.confirm({"id": "M1"})
        other_db.close()
        await wait_until(pilot, lambda: "5 closed 3" in _bar(app), "the counts", timeout=4)
        assert _bar(app).strip() == (
            "1 open 5 │ 2 pending 1 │ 3 late 2 │ 4 ready 2 │ 5 closed 3 │ 0 all 8"
        )
        await pilot.press("3")
        await settle(pilot)
        assert _ids(app) == ["G2", "A1"]
        assert _status(app).startswith(" late   row 1 of 2 ")


def test_the_current_view_is_reversed_and_bold_so_it_reads_without_colour() -> None:
    text = bar_text(
        {"open": 6, "pending": 3, "late": 2, "ready": 2, "closed": 2, "all": 8}, "late", 80
    )
    marked = [
        text.plain[span.start : span.end] for span in text.spans if "reverse" in str(span.style)
    ]
    assert marked == [" 3 late 2 "]


@pytest.mark.parametrize(
    ("width", "shown"),
    [
        (200, "1 open 65,766 │ 2 pending 22,951 │ 3 late 33,453 │ 4 ready 36,747 │ 5 closed"),
        (80, "1 open 66k │ 2 pending 23k │ 3 late 33k │ 4 ready 37k │ 5 closed 934k │ 0 all "),
        (60, "open 66k│pend 23k│ late 33k │ready 37k│closed 934k│all 1.0M"),
    ],
)
def test_the_view_bar_fits_the_width_at_a_million_rows(width: int, shown: str) -> None:
    text = bar_text(MILLION, "late", width)
    assert text.cell_len <= width
    assert shown in text.plain


DEMO = {"open": 501, "pending": 195, "late": 126, "ready": 256, "closed": 1499, "all": 2000}


@pytest.mark.parametrize("current", ["open", "closed", "all"])
def test_at_80_columns_the_demo_keeps_its_view_keys(current: str) -> None:
    """At 80 columns the demo's bar read ` open 501 │ pending 195 │ …`, its keys dropped
    (the README promised that at 60 only), and then narrowed `1 open 56 │ …` (trial)."""
    text = bar_text(DEMO, current, 80)
    assert text.cell_len <= 80
    assert text.plain.strip() == (
        "1 open 501 │ 2 pending 195 │ 3 late 126 │ 4 ready 256 │ 5 closed 1,499 │ 0 all"
    )


@pytest.mark.parametrize("scale", [1, 7, 10, 99, 1_000, 9_949, 9_950, 12_345, 999_999, 10**7])
def test_the_keys_show_by_width_alone_whatever_the_counts(scale: int) -> None:
    """Keys from 70 columns on for any counts, never below: narrowing the queue (smaller
    counts) does not bring them back, nor do large counts take them away."""
    counts = {view: scale * (n + 1) for n, view in enumerate(DEMO)}
    for width in (70, 80, 120):
        text = bar_text(counts, "closed", width)
        assert text.cell_len <= width and "5 closed" in text.plain, (width, text.plain)
        assert "…" not in text.plain
    for width in (60, 69):
        text = bar_text(counts, "closed", width)
        assert text.cell_len <= width and "5 closed" not in text.plain, (width, text.plain)
        assert "closed" in text.plain and "…" not in text.plain


@pilot_test
async def test_at_60_columns_the_footer_keeps_quit_and_help(shop: Service) -> None:
    """At 60x20 the footer dropped Enter, Mark and q (trial): help and quit come first now,
    then confirm, fulfil, cancel and Enter."""
    app = BotuiApp(shop, delay_detection=False)
    async with running(app, (60, 20)):
        footer = app.screen.query_one("KeyFooter")
        shown = [key.action for key in footer.query("FooterKey")]
        assert {"help", "app.quit", "triage('confirm')", "open"} <= set(shown), shown


def test_before_the_counts_arrive_the_views_are_named() -> None:
    assert bar_text(None, "open", 80).plain.strip() == (
        "1 open … │ 2 pending … │ 3 late … │ 4 ready … │ 5 closed … │ 0 all …"
    )


@pilot_test
async def test_equals_narrows_to_the_rows_customer_across_views_and_esc_clears(
    shop: Service,
) -> None:
    app = BotuiApp(shop, delay_detection=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await cursor_on(pilot, "M1")
        await pilot.press("equals_sign")
        await settle(pilot)
        assert isinstance(app.screen, NarrowPicker)
        await pilot.press("c")
        await reads(pilot)
        assert _ids(app) == ["M1"]
        # The name is shown as it is: brackets in a name are text, not markup.
        assert f"customer: {MALLORY}" in _status(app)
        await wait_until(pilot, lambda: "0 all 1" in _bar(app), "the counts", timeout=4)
        assert "1 open 1 │ 2 pending 1 │ 3 late 0" in _bar(app)
        await pilot.press("0")
        await settle(pilot)
        assert _ids(app) == ["M1"]
        assert _status(app).startswith(" all ")
        await pilot.press("escape")
        await settle(pilot)
        assert _ids(app) == ["G2", "A1", "A3", "M1", "G3", "A2", "A4", "G1"]
        assert "customer" not in _status(app)
        await wait_until(pilot, lambda: "0 all 8" in _bar(app), "the counts", timeout=4)


@pilot_test
async def test_each_column_of_the_picker_narrows_by_the_rows_value(shop: Service) -> None:
    app = BotuiApp(shop, delay_detection=False)
    async with running(app) as pilot:
        # G2: Grace Hopper, Two-person tent, Southwind, in-transit, rush.
        for key, ids, words in (
            ("b", ["G2", "M1", "A2"], "business: Southwind"),
            ("r", ["G2", "A1"], "priority: rush"),
            ("p", ["G2", "A1", "G1"], "product: Two-person tent"),
            ("s", ["G2"], "status: in-transit"),
        ):
            await cursor_on(pilot, "G2")
            await pilot.press("equals_sign")
            await settle(pilot)
            await pilot.press(key)
            await settle(pilot)
            assert _ids(app) == ids, key
            assert words in _status(app)
            await reads(pilot)  # keys typed on as the picker closes are dropped (tui.keys)
            await pilot.press("escape")
            await settle(pilot)
            assert len(_ids(app)) == 6


@pilot_test
async def test_narrowings_combine_with_each_other_and_the_text_filter(shop: Service) -> None:
    app = BotuiApp(shop, delay_detection=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await cursor_on(pilot, "A1")
        await pilot.press("equals_sign")
        await reads(pilot)
        await pilot.press("down", "down", "down", "enter")  # status: pending
        await settle(pilot)
        assert _ids(app) == ["A1", "M1", "G1"]
        await reads(pilot)
        await pilot.press("equals_sign")
        await reads(pilot)
        await pilot.press("r")  # and rush
        await settle(pilot)
        assert _ids(app) == ["A1"]
        await reads(pilot)
        await pilot.press("escape")
        await settle(pilot)
        await cursor_on(pilot, "A1")
        await pilot.press("equals_sign", "s")
        await reads(pilot)
        await pilot.press("slash", *"tent", "enter")
        await settle(pilot)
        assert _ids(app) == ["A1", "G1"]
        status = _status(app)
        assert "status: pending" in status and "filter: 'tent'" in status
        await pilot.press("escape")  # the filter goes first
        await settle(pilot)
        assert _ids(app) == ["A1", "M1", "G1"]
        await pilot.press("escape")  # then the narrowing
        await settle(pilot)
        assert len(_ids(app)) == 6


@pilot_test
async def test_esc_in_the_picker_narrows_nothing(shop: Service) -> None:
    app = BotuiApp(shop, delay_detection=False)
    async with running(app) as pilot:
        await pilot.press("equals_sign")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, NarrowPicker)
        assert len(_ids(app)) == 6
        assert not app.screen.query_one("#queue").spec.scoped


@pilot_test
async def test_s_sorts_by_status_in_the_order_of_a_backorders_life(shop: Service) -> None:
    app = BotuiApp(shop, delay_detection=False)
    async with running(app) as pilot:
        await pilot.press("0", "s", "s", "s")
        await settle(pilot)
        assert _ids(app) == ["A1", "M1", "G1", "A2", "G3", "G2", "A3", "A4"]
        assert "sort: status ▲" in _status(app)
        await pilot.press("S")
        await settle(pilot)
        assert _ids(app) == ["A4", "A3", "G2", "G3", "A2", "G1", "M1", "A1"]


@pilot_test
async def test_u_on_the_detail_shows_every_backorder_of_the_customer_and_esc_comes_back(
    shop: Service,
) -> None:
    app = BotuiApp(shop, delay_detection=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await cursor_on(pilot, "A2")
        await pilot.press("slash", *"lantern", "enter")  # the queue as it was: filtered
        await settle(pilot)
        assert _ids(app) == ["M1", "G3", "A2"]
        await cursor_on(pilot, "A2")
        await pilot.press("enter")
        await reads(pilot)
        assert isinstance(app.screen, DetailScreen)
        await pilot.press("u")
        await settle(pilot)
        assert not isinstance(app.screen, DetailScreen)
        table = app.screen.query_one("#queue")
        # Every status, the filter put aside, the backorder it came from under the cursor.
        assert (table.spec.view, table.spec.customer, table.spec.text) == ("all", "CUS-1", "")
        assert _ids(app) == ["A1", "A3", "A2", "A4"]
        assert table.current.id == "A2"
        assert "customer: Ada Lovelace" in _status(app)
        await wait_until(pilot, lambda: "0 all 4" in _bar(app), "the counts", timeout=4)
        await reads(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen) and app.screen.backorder_id == "A2"
        await reads(pilot)
        await pilot.press("escape")
        await settle(pilot)
        table = app.screen.query_one("#queue")
        assert (table.spec.view, table.spec.customer, table.spec.text) == ("open", "", "lantern")
        assert _ids(app) == ["M1", "G3", "A2"]
        assert table.current.id == "A2"


@pilot_test
async def test_the_new_keys_are_in_the_help(shop: Service) -> None:
    app = BotuiApp(shop, delay_detection=False)
    async with running(app) as pilot:
        rows = dict(help_rows(app.screen.active_bindings.values()))
        assert rows["="] == "Narrow to the row's customer, product, status…"
        await pilot.press("enter")
        await reads(pilot)
        rows = dict(help_rows(app.screen.active_bindings.values()))
        assert rows["u"] == "Customer's backorders"


def test_a_name_with_markup_in_the_picker_is_text() -> None:
    row = QueueRow(
        1, "M1", "pending", "expedited", 1, "Storm lantern", MALLORY, 0, 1, 0, None, 0, 1
    )
    prompt = _option(row, "customer").prompt
    assert isinstance(prompt, Text) and MALLORY in prompt.plain


@pilot_test
async def test_the_view_bar_names_the_keys_of_the_users_keymap(shop: Service) -> None:
    app = BotuiApp(shop, delay_detection=False)
    app.set_keymap({"queue.view-late": "9"})
    async with running(app) as pilot:
        await wait_until(pilot, lambda: "0 all 8" in _bar(app), "the counts", timeout=4)
        assert "│ 9 late 2 │" in _bar(app)
        await pilot.press("9")
        await settle(pilot)
        assert _ids(app) == ["G2", "A1"]


@pilot_test
async def test_marks_hidden_by_a_filter_are_told_in_the_status_and_the_question(
    shop: Service,
) -> None:
    """Marks a filter or narrowing hides are still acted on; the status line said "3 marked"
    with no hint only 1 was on screen (trial): now "3 marked (1 shown)", and the question for
    the marks names the hidden ones as hidden."""
    app = BotuiApp(shop, delay_detection=False)
    async with running(app, notifications=True) as pilot:
        await pilot.press("space", "space", "space")  # G2, A1, M1: the first three open
        await settle(pilot)
        assert "3 marked" in _status(app) and "shown)" not in _status(app)
        await pilot.press("slash", *"Grace", "enter")  # Grace's: G2, G3, G1
        await wait_until(pilot, lambda: "3 marked (1 shown)" in _status(app), "marks shown")
        await pilot.press("x")
        await settle(pilot)
        body = str(app.screen.query_one("#question-body").render())
        assert "2 of them are hidden by the filter or narrowing: A1, M1" in body
        await pilot.press("escape")
        await settle(pilot)
        assert {shop.get({"id": i}).status for i in ("G2", "A1", "M1")} == {"pending", "in-transit"}
        await reads(pilot)
        await pilot.press("escape")  # the filter goes: every mark is shown again
        await wait_until(pilot, lambda: "3 marked" in _status(app), "the status")
        await settle(pilot)
        assert "shown)" not in _status(app)
