"""The reports screen under Pilot: R opens it, 1-3 switch, Enter narrows the queue, live refresh."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from reports_shop import AGING, PRODUCTS, build_shop
from rich.console import Console
from textual.widgets import DataTable, Static

from botui.domain.service import Service
from botui.store.db import open_database
from botui.tui.app import BotuiApp
from botui.tui.screens.help import help_rows
from botui.tui.screens.reports import ReportsScreen
from tests.pilot import pilot_test, reads, running, settle, toasts, wait_until


@pytest.fixture
def shop(tmp_path: Path) -> Service:
    path = tmp_path / "shop.db"
    build_shop(path)
    db = open_database(path)
    yield Service(db)
    db.close()


def _table(app: BotuiApp, name: str) -> list[list[str]]:
    table = app.screen.query_one(f"#{name}-table", DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


def _drawn(app: BotuiApp, selector: str) -> str:
    """What a Static shows, as plain text at the screen's width."""
    widget = app.screen.query_one(selector, Static)
    console = Console(width=widget.size.width, record=True, file=io.StringIO())
    console.print(widget.content)
    return console.export_text()


def _queue_ids(app: BotuiApp) -> list[str]:
    window = app.screen.query_one("#queue").window
    return [row.id for row in window.rows]


@pilot_test
async def test_r_opens_the_reports_and_the_numbers_match_the_service(shop: Service) -> None:
    app = BotuiApp(shop, delay_detection=False)
    async with running(app) as pilot:
        await pilot.press("R")
        await settle(pilot)
        assert isinstance(app.screen, ReportsScreen)
        aging = _table(app, "aging")
        assert [row[0] for row in aging] == [row["bucket"] for row in AGING]
        assert [row[1] for row in aging] == [str(row["backorders"]) for row in AGING]
        assert aging[6][4] == "20.00"  # 46+: 2,000 cents
        chart = _drawn(app, "#aging-chart").splitlines()
        assert chart[0].startswith("0-3   ██") and chart[0].endswith("2 · 25.00")
        assert chart[5].startswith("31-45 ██") and chart[5].endswith("1 ·  0.00")
        await pilot.press("2")
        await settle(pilot)
        products = _table(app, "products")
        assert [row[0] for row in products] == [row["sku"] for row in PRODUCTS]
        assert products[1][1] == "Storm [lantern]"  # a name is data, not markup
        await pilot.press("3")
        await settle(pilot)
        weeks = _table(app, "service")
        assert len(weeks) == 12 and weeks[3][:5] == ["2026-W31", "2", "6", "1", "50%"]
        assert weeks[5][5:] == ["2", "14.00"]
        chart = _drawn(app, "#service-chart").splitlines()
        assert chart[0].split() == ["1", "0", "0", "2"] + ["0"] * 8  # shipped, on top
        assert chart[-2].split()[:4] == ["W28", "W29", "W30", "W31"]
        assert chart[-1].split() == ["100%", "-", "-", "50%"] + ["-"] * 8
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, ReportsScreen)


@pilot_test
async def test_enter_on_a_product_row_shows_its_open_backorders(shop: Service) -> None:
    app = BotuiApp(shop, delay_detection=False)
    async with running(app) as pilot:
        await pilot.press("R")
        await settle(pilot)
        await pilot.press("2", "down", "enter")  # PRD-2, the second most valuable
        await settle(pilot)
        assert not isinstance(app.screen, ReportsScreen)
        spec = app.screen.query_one("#queue").spec
        assert (spec.view, spec.product) == ("open", "PRD-2")
        assert sorted(_queue_ids(app)) == ["A2", "A4", "A6", "A8"]
        status = str(app.screen.query_one("#status").render())
        assert "product: Storm [lantern]" in status  # its name, as text, not its id
        await reads(pilot)  # keys typed on as a screen closes are dropped (tui.keys)
        await pilot.press("escape")  # back to the report
        await settle(pilot)
        assert isinstance(app.screen, ReportsScreen)
        await reads(pilot)
        await pilot.press("escape")  # the queue as it was: the open view, no scope
        await settle(pilot)
        assert len(_queue_ids(app)) == 8


@pilot_test
async def test_esc_after_a_reports_row_puts_back_the_view_the_person_was_in(
    shop: Service,
) -> None:
    """Esc after a jump from a report went to the open view, not to the view (and row) the
    person was in before (trial)."""
    app = BotuiApp(shop, delay_detection=False)
    async with running(app) as pilot:
        queue = app.screen.query_one("#queue")
        await pilot.press("0", "down", "down")  # all, the third row
        await settle(pilot)
        before = queue.current.id
        await pilot.press("R")
        await settle(pilot)
        await pilot.press("2", "down", "enter")  # PRD-2's open backorders
        await settle(pilot)
        assert (queue.spec.view, queue.spec.product) == ("open", "PRD-2")
        await pilot.press("enter")  # its first backorder's detail, and back
        await reads(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert queue.spec.product == "PRD-2"
        await reads(pilot)
        await pilot.press("escape")  # back to the report, the queue put back under it
        await settle(pilot)
        assert isinstance(app.screen, ReportsScreen)
        assert (queue.spec.view, queue.spec.product) == ("all", "")
        await reads(pilot)
        await pilot.press("escape")  # and to the queue: the all view, as it was
        await settle(pilot)
        assert not isinstance(app.screen, ReportsScreen)
        assert (queue.spec.view, queue.spec.product) == ("all", "")
        assert queue.current.id == before


def _cursor_key(app: BotuiApp, name: str) -> str:
    table = app.screen.query_one(f"#{name}-table", DataTable)
    return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value


@pilot_test
async def test_j_and_k_move_the_report_cursor_as_in_the_queue(shop: Service) -> None:
    """j j j Enter opened "age: 0-3 days": j and k did not move the report's cursor (trial)."""
    app = BotuiApp(shop, delay_detection=False)
    async with running(app) as pilot:
        await pilot.press("R")
        await settle(pilot)
        await pilot.press("j", "j", "j", "j", "k")
        await settle(pilot)
        assert _cursor_key(app, "aging") == "15-21"
        await pilot.press("G")
        assert _cursor_key(app, "aging") == AGING[-1]["bucket"]
        await pilot.press("g", "j", "j", "j", "enter")
        await settle(pilot)
        assert "age: 15-21 days" in str(app.screen.query_one("#status").render())


@pilot_test
async def test_the_reports_help_lists_every_key_of_the_screen(shop: Service) -> None:
    """? on Reports listed Esc, 1, 2, 3 and ^q only: not the arrows, j/k or Enter (trial)."""
    app = BotuiApp(shop, delay_detection=False)
    async with running(app) as pilot:
        await pilot.press("R")
        await settle(pilot)
        rows = dict(help_rows(app.screen.active_bindings.values()))
        assert rows["↓ j"] == "Next row" and rows["↑ k"] == "Previous row"
        assert rows["Enter"] == "Show in queue"
        assert rows["PgDn"] == "Page down" and rows["Home g"] == "First row"
        assert rows["Esc"] == "Back" and rows["1"] == "Aging"


@pilot_test
async def test_esc_after_a_reports_jump_goes_back_to_the_report_on_that_row(
    shop: Service,
) -> None:
    """Esc after a report's jump landed on the queue; as in k9s, it goes back to where the
    person came from: the report, its cursor on the row used; Esc there, the queue as it was
    before the reports (view, filter, row)."""
    app = BotuiApp(shop, delay_detection=False)
    async with running(app) as pilot:
        queue = app.screen.query_one("#queue")
        await pilot.press("3")  # the late view
        await settle(pilot)
        await pilot.press("slash", "A", "enter", "down")
        await settle(pilot)
        before = (queue.spec.view, queue.spec.text, queue.current.id)
        await pilot.press("R")
        await settle(pilot)
        await pilot.press("2", "j", "enter")  # PRD-2's open backorders
        await settle(pilot)
        assert (queue.spec.view, queue.spec.product, queue.spec.text) == ("open", "PRD-2", "")
        await reads(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ReportsScreen)
        assert app.screen.shown == "products" and _cursor_key(app, "products") == "PRD-2"
        await reads(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, ReportsScreen)
        assert (queue.spec.view, queue.spec.text, queue.current.id) == before
        await pilot.press("R")  # and an aging row's jump comes back to that bucket
        await settle(pilot)
        await pilot.press("j", "enter")
        await settle(pilot)
        await reads(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen.shown == "aging" and _cursor_key(app, "aging") == "4-7"


@pilot_test
async def test_marks_are_cleared_by_another_view_and_it_says_so(shop: Service) -> None:
    """Marks made in one view acted later on rows another view did not show; now, as in k9s
    and lazygit, another view clears them, and a toast says how many."""
    app = BotuiApp(shop, delay_detection=False)
    async with running(app, notifications=True) as pilot:
        queue = app.screen.query_one("#queue")
        await pilot.press("space", "space")
        await settle(pilot)
        assert len(queue.marks) == 2
        assert "2 marked" in str(app.screen.query_one("#status").render())
        await pilot.press("slash", *"A", "enter")  # a filter keeps them: the same view
        await settle(pilot)
        assert len(queue.marks) == 2
        await pilot.press("escape", "0")
        await settle(pilot)
        assert queue.marks == set() and queue.spec.view == "all"
        assert "2 marks cleared: marks stay in their view" in toasts(app)
        assert "marked" not in str(app.screen.query_one("#status").render())


@pilot_test
async def test_enter_on_an_aging_bucket_shows_backorders_of_that_age(shop: Service) -> None:
    app = BotuiApp(shop, delay_detection=False)
    async with running(app) as pilot:
        await pilot.press("R")
        await settle(pilot)
        await pilot.press("enter")  # 0-3 days: A1 (today) and A2 (3 days and 23:59:59)
        await settle(pilot)
        assert sorted(_queue_ids(app)) == ["A1", "A2"]
        assert "age: 0-3 days" in str(app.screen.query_one("#status").render())
        await reads(pilot)
        await pilot.press("R")
        await settle(pilot)
        await pilot.press("down", "enter")  # 4-7: A3, exactly four days old
        await settle(pilot)
        assert _queue_ids(app) == ["A3"]


@pilot_test
async def test_the_reports_follow_what_others_do(shop: Service) -> None:
    app = BotuiApp(shop, delay_detection=False)
    async with running(app) as pilot:
        await pilot.press("R")
        await settle(pilot)
        assert _table(app, "aging")[0][1] == "2"
        # Another session creates a backorder today and cancels the 46+ one.
        other_db = open_database(shop.path)
        other = Service(other_db)
        other.create(
            {"business": "BIZ-1", "customer": "CUS-1", "product": "PRD-1", "quantity": 1,
             "price": 100}
        )  # fmt: skip
        other.cancel({"id": "A8"})
        other_db.close()
        await wait_until(pilot, lambda: _table(app, "aging")[0][1] == "3", "the report redrawn")
        await settle(pilot)
        aging = _table(app, "aging")
        assert aging[0][1] == "3" and aging[6][1] == "0"


@pilot_test
async def test_r_is_in_the_help_and_the_palette(shop: Service) -> None:
    app = BotuiApp(shop, delay_detection=False)
    async with running(app, (100, 40)) as pilot:
        assert ("R", "Reports: aging, products, service") in help_rows(
            app.screen.active_bindings.values()
        )
        await pilot.press("ctrl+p", *"reports", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ReportsScreen)


@pilot_test
async def test_the_products_report_fits_the_width_its_last_column_whole(shop: Service) -> None:
    """At 80 columns the demo's products report was cut at the edge, its last column reading
    "2" (trial): now the product's id goes first (SKU and name tell it), then names are cut
    ending in …, and the last column shown is whole."""
    app = BotuiApp(shop, delay_detection=False)
    async with running(app, (70, 24)) as pilot:
        await pilot.press("R", "2")
        await settle(pilot)
        table = app.screen.query_one("#products-table", DataTable)
        assert [str(c.key.value) for c in table.columns.values()][-2:] == [
            "value",
            "oldestCreatedAt",
        ]
        assert table.virtual_size.width <= table.size.width
        lines = [table.render_line(y).text.rstrip() for y in range(1, 3)]
        assert lines[0].endswith("2026-08-12") and lines[1].endswith("2026-06-13")
        assert "Storm [lantern]" not in lines[1] and "Storm [lant" in lines[1]
        assert "…" in lines[1]
        await pilot.resize_terminal(120, 24)  # room again: every column, names whole
        await settle(pilot)
        assert [str(c.key.value) for c in table.columns.values()][-1] == "product"
        assert "Storm [lantern]" in table.render_line(2).text
