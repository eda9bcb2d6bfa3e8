"""The queue window: keyset pages across edges, jumps, every sort, and rows changing under it."""

from __future__ import annotations

import itertools
import random
import re
import shutil
import threading
from pathlib import Path
from typing import Any

import pytest
from conftest import at

from botui.domain import queue
from botui.domain.queue import QueueSpec, Window
from botui.domain.service import Service
from botui.store.db import open_database
from botui.tui.app import BotuiApp
from botui.tui.widgets.queue_table import HEADER_LINES, QueueTable
from botui.tui.widgets.status_line import StatusLine, status_text
from tests.conftest import DAY, NOW
from tests.pilot import pilot_test, running, settle, wait_until

COUNT = 150
PRIORITIES = ("rush", "expedited", "standard")


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """150 open backorders, written once per module: shuffled priorities, ages with ties,
    some without a ship date."""
    path = tmp_path_factory.mktemp("window") / "template.db"
    db = open_database(path)
    service = Service(db, clock=lambda: NOW, actor=lambda: "tester")
    service.create_business({"id": "BIZ-1", "name": "Shop"})
    service.create_customer({"id": "CUS-1", "name": "Ada Lovelace"})
    service.create_product({"id": "PRD-1", "sku": "TENT-2P", "name": "Two-person tent"})
    rnd = random.Random(3)
    with db.atomic():
        for number in range(1, COUNT + 1):
            ship = None if number % 7 == 0 else NOW + rnd.randrange(-20, 40) * DAY
            payload = {
                "id": f"W-{number:03d}",
                "product": "PRD-1",
                "business": "BIZ-1",
                "customer": "CUS-1",
                "quantity": 1,
                "price": 100,
                "priorityLevel": rnd.choice(PRIORITIES),
                "estimatedShipDate": ship,
            }
            at(service, NOW - rnd.randrange(0, 40) * DAY).create(payload)
    db.close()
    return path


@pytest.fixture
def many(template: Path, tmp_path: Path) -> Service:
    """A fresh copy of the template for each test."""
    path = tmp_path / "window.db"
    shutil.copy(template, path)
    db = open_database(path)
    yield Service(db)
    db.close()


def expected_order(service: Service, spec: QueueSpec) -> list[str]:
    """Every matching id, sorted in Python the way the queue promises to sort."""
    rows = queue.page(QueueSpec(spec.view, "triage", False, spec.text), NOW, 10_000)
    rank = {"rush": 0, "expedited": 1, "standard": 2}

    def key(row: queue.QueueRow) -> tuple:
        if spec.sort == "ship":
            return (row.estimated_ship_date, row.id)
        if spec.sort == "created":
            return (row.created_at, row.id)
        return (rank[row.priority_level], row.created_at, row.id)

    if spec.sort == "status":  # statuses in the order of a life, triage within each
        life = {"key": lambda row: (queue.STATUS_ORDER.index(row.status), *key(row))}
        ordered = sorted(rows, **life, reverse=spec.descending)
    elif spec.sort == "ship":  # rows without a ship date last, whichever the direction
        dated = [row for row in rows if row.estimated_ship_date is not None]
        undated = [row for row in rows if row.estimated_ship_date is None]
        ordered = sorted(dated, key=key, reverse=spec.descending)
        ordered += sorted(undated, key=lambda row: row.id, reverse=spec.descending)
    else:
        ordered = sorted(rows, key=key, reverse=spec.descending)
    return [row.id for row in ordered]


def visible(window: Window, top: int, height: int) -> list[str]:
    rows = [window.row(i) for i in range(top, min(top + height, window.total))]
    assert None not in rows, (
        f"rows {top}..{top + height} not loaded in {window.start}..{window.end}"
    )
    return [row.id for row in rows]


@pytest.mark.parametrize("sort", queue.SORTS)
@pytest.mark.parametrize("descending", [False, True])
def test_scrolling_across_page_edges_matches_the_full_order(
    many: Service, sort: str, descending: bool
) -> None:
    spec = QueueSpec("open", sort, descending)
    full = expected_order(many, spec)
    window, height = None, 9
    for top in [*range(0, COUNT, 7), *range(COUNT - height, -1, -11)]:
        window = queue.load(spec, NOW, top, height, window, margin=5)
        assert window.total == COUNT
        assert visible(window, top, height) == full[top : top + height]
        assert len(window.rows) <= height + 2 * 5  # a window, never the whole queue


def test_jumps_to_the_end_and_middle_read_from_the_nearer_end(many: Service) -> None:
    spec = QueueSpec()
    full = expected_order(many, spec)
    last = queue.load(spec, NOW, COUNT - 10, 10, margin=3)
    assert visible(last, COUNT - 10, 10) == full[-10:]
    middle = queue.load(spec, NOW, 70, 10, last, margin=3)
    assert visible(middle, 70, 10) == full[70:80]
    first = queue.load(spec, NOW, 0, 10, middle, margin=3)
    assert visible(first, 0, 10) == full[:10]


@pytest.mark.parametrize("sort", queue.SORTS)
@pytest.mark.parametrize("descending", [False, True])
def test_jumps_and_positions_match_the_full_order_of_every_sort(
    many: Service, sort: str, descending: bool
) -> None:
    spec = QueueSpec("open", sort, descending)
    full = expected_order(many, spec)
    for top in (0, 61, 120, 125, COUNT - 10):  # the undated rows are the last 21
        window = queue.load(spec, NOW, top, 10, margin=3)  # no window before it: a jump
        assert visible(window, top, 10) == full[top : top + 10]
    for index in [*range(0, COUNT, 9), COUNT - 1]:
        assert queue.offset_of(spec, NOW, full[index]) == index
    assert queue.offset_of(QueueSpec("closed", sort, descending), NOW, full[0]) is None


def test_sorting_by_ship_date_puts_undated_rows_last_both_ways(many: Service) -> None:
    for descending in (False, True):
        rows = queue.page(QueueSpec("open", "ship", descending), NOW, COUNT)
        dates = [row.estimated_ship_date for row in rows]
        undated = dates.index(None)
        assert undated == COUNT - COUNT // 7 and set(dates[undated:]) == {None}
        assert dates[:undated] == sorted(dates[:undated], reverse=descending)


def test_a_row_changing_status_on_screen_is_redrawn_in_place(many: Service) -> None:
    spec = QueueSpec()
    window = queue.load(spec, NOW, 40, 10, margin=5)
    target = window.row(44)
    many.confirm({"id": target.id})
    fresh = queue.refresh(window, NOW, 40, 10, margin=5)
    assert fresh.row(44).id == target.id
    assert fresh.row(44).status == "confirmed" and target.status == "pending"
    assert visible(fresh, 40, 10) == visible(window, 40, 10)


def test_a_row_leaving_the_view_lets_the_next_one_in(many: Service) -> None:
    spec = QueueSpec()
    window = queue.load(spec, NOW, 40, 10, margin=5)
    before = visible(window, 40, 11)
    many.cancel({"id": before[3]})
    fresh = queue.refresh(window, NOW, 40, 10, margin=5)
    assert fresh.total == COUNT - 1
    assert visible(fresh, 40, 10) == before[:3] + before[4:]
    assert visible(fresh, 40, 10) == expected_order(many, spec)[40:50]


def test_a_new_row_at_the_top_shifts_a_window_at_the_start(many: Service) -> None:
    spec = QueueSpec()
    window = queue.load(spec, NOW, 0, 10, margin=5)
    at(many, NOW - 400 * DAY).create(
        {"id": "W-NEW", "product": "PRD-1", "business": "BIZ-1", "customer": "CUS-1",
         "quantity": 1, "price": 1, "priorityLevel": "rush"}
    )  # fmt: skip
    fresh = queue.refresh(window, NOW, 0, 10, margin=5)
    assert visible(fresh, 0, 2)[0] == "W-NEW"
    assert fresh.total == COUNT + 1


@pytest.mark.parametrize(
    "spec", [QueueSpec(text="no such thing"), QueueSpec("closed"), QueueSpec("late", text="zz")]
)
def test_an_empty_result_is_an_empty_window(many: Service, spec: QueueSpec) -> None:
    window = queue.load(spec, NOW, 0, 20)
    assert window.total == 0 and window.rows == ()
    assert window.covers(0, 20)
    assert queue.refresh(window, NOW, 0, 20).total == 0


def test_filter_text_matches_through_the_search_index(many: Service) -> None:
    window = queue.load(QueueSpec(text="W-12"), NOW, 0, 50)
    assert sorted(row.id for row in window.rows) == [f"W-{n}" for n in range(120, 130)]


def test_views_split_the_rows(many: Service) -> None:
    many.confirm({"id": "W-001"})
    many.cancel({"id": "W-002"})
    counts = {view: queue.count(QueueSpec(view), NOW) for view in queue.VIEWS}
    assert counts["open"] == COUNT - 1 and counts["closed"] == 1 and counts["all"] == COUNT
    assert counts["pending"] == COUNT - 2
    late = [r for r in queue.page(QueueSpec(), NOW, 1000) if (r.estimated_ship_date or NOW) < NOW]
    assert counts["late"] == len(late) > 0
    assert counts["ready"] == 0  # no stock anywhere


@pilot_test
async def test_paging_the_widget_through_the_whole_queue(many: Service) -> None:
    full = expected_order(many, QueueSpec())
    app = BotuiApp(many, delay_detection=False)
    async with running(app) as pilot:
        table = app.query_one(QueueTable)
        seen = []
        for _ in range(COUNT):
            await settle(pilot, rounds=1)
            seen.append(table.current.id)
            if table.cursor == COUNT - 1:
                break
            await pilot.press("j" if len(seen) % 3 else "pagedown")
        assert seen == [full[i] for i in sorted({full.index(s) for s in seen})]
        assert seen[-1] == full[-1]
        assert len(table.window.rows) <= table.size.height + 2 * queue.MARGIN < COUNT
        await pilot.press("g")
        await settle(pilot)
        assert table.current.id == full[0]
        await pilot.press("G")
        await settle(pilot)
        assert table.current.id == full[-1]


# The service's reads of queue windows (the ends read ahead come from queue_ends).
WINDOW_READS = ("queue_offset", "queue_window", "queue_first_rows", "queue_count", "queue_refresh")


def watch_window_reads(
    service: Service, monkeypatch: pytest.MonkeyPatch, hold: threading.Event | None = None
) -> list[str]:
    """The window reads the UI asks `service` for from now on, by name; each waits for
    `hold` to be set first, when given."""
    asked: list[str] = []
    for name in WINDOW_READS:
        real = getattr(service, name)

        def read(*args: Any, name: str = name, real: Any = real, **kwargs: Any) -> Any:
            asked.append(name)
            if hold is not None:
                hold.wait(10)
            return real(*args, **kwargs)

        monkeypatch.setattr(service, name, read)
    return asked


@pilot_test
async def test_g_and_shift_g_show_the_ends_read_ahead_without_waiting(
    many: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    full = expected_order(many, QueueSpec())
    app = BotuiApp(many, delay_detection=False)
    async with running(app) as pilot:
        table = app.query_one(QueueTable)
        hold = threading.Event()
        watch_window_reads(many, monkeypatch, hold)  # from here on, no read completes
        try:
            await pilot.press("G")
            assert table.current is not None and table.current.id == full[-1]
            await pilot.press("g")
            assert table.current is not None and table.current.id == full[0]
            await pilot.press("end")
            assert table.current is not None and table.current.id == full[-1]
        finally:
            hold.set()


@pilot_test
async def test_shift_g_draws_the_status_line_once(
    many: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    """G scrolls to the last screen read ahead and moves the cursor: one key, one status line
    (it was drawn twice, 0.5 ms of the event loop at each jump of a long queue)."""
    app = BotuiApp(many, delay_detection=False)
    async with running(app) as pilot:
        table = app.query_one(QueueTable)
        await wait_until(pilot, lambda: table.window.counted and table.total == COUNT, "counted")
        await settle(pilot)
        shown: list[str] = []
        real = StatusLine.show

        def show(line: StatusLine, shown_table: QueueTable, *rest: Any) -> None:
            shown.append(status_text(shown_table).plain)
            real(line, shown_table, *rest)

        monkeypatch.setattr(StatusLine, "show", show)
        await pilot.press("G")
        await settle(pilot)
        assert len(shown) == 1, shown
        assert f"row {COUNT} of {COUNT}" in shown[0]


@pilot_test
async def test_a_row_is_drawn_as_one_segment_per_run_of_style(many: Service) -> None:
    """A row's neighbouring cells of one style are one segment (a row was ~26): G at a million
    rows draws ~28 rows never drawn before, and every segment costs again in Textual's line
    cache, its filters and the compositor. The rush priority and a late ship date keep their
    colour, and only their cells have it."""
    app = BotuiApp(many, delay_detection=False)
    async with running(app) as pilot:
        table = app.query_one(QueueTable)
        await wait_until(pilot, lambda: table.window.counted and table.total == COUNT, "counted")
        await settle(pilot)
        accents = {
            "rush": table.get_component_rich_style("queue-table--rush").color,
            "late": table.get_component_rich_style("queue-table--late").color,
        }
        seen = set()
        for y in range(HEADER_LINES, table.size.height):
            segments = list(table.render_line(y))
            styles = [segment.style for segment in segments]
            assert all(a != b for a, b in itertools.pairwise(styles)), segments
            if int(table.scroll_offset.y) + y - HEADER_LINES == table.cursor:
                continue  # the cursor row marks accents by weight, not colour
            cells = [(char, segment.style) for segment in segments for char in segment.text]
            text = "".join(char for char, _ in cells)
            for word, colour in accents.items():
                found = re.search(rf" ((\d+[a-z]+ )?{word}) ", text)
                if found is None:
                    continue
                seen.add(word)
                start, end = found.span(1)
                assert {cells[i][1].color for i in range(start, end)} == {colour}, text
                assert cells[1][1].color != colour, text  # the id: plain
        assert seen == set(accents)


@pilot_test
async def test_the_scroll_bar_scrolls_to_where_it_is_pressed_and_dragged(many: Service) -> None:
    """The queue draws its own scroll bar in the last column: pressing it at the bottom shows
    the last rows, dragging it to the top the first; the cursor stays on screen as with any
    scroll (a click on the bar is no click on a row)."""
    full = expected_order(many, QueueSpec())
    app = BotuiApp(many, delay_detection=False)
    async with running(app) as pilot:
        table = app.query_one(QueueTable)
        await wait_until(pilot, lambda: table.window.counted and table.total == COUNT, "counted")
        await settle(pilot)
        bar_x = table.size.width - 1
        bottom = table.size.height - 1
        await pilot.click(QueueTable, offset=(bar_x, bottom))
        await settle(pilot)
        assert table.scroll_offset.y == table.max_scroll_y
        assert table.window.row(COUNT - 1) is not None
        assert table.current is not None and table.current.id == full[-table.size.height + 1]
        await pilot.mouse_down(QueueTable, offset=(bar_x, bottom))
        await pilot.hover(QueueTable, offset=(bar_x, 0))
        await pilot.mouse_up(QueueTable, offset=(bar_x, 0))
        await settle(pilot)
        assert table.scroll_offset.y == 0
        assert table.window.row(0) is not None and table.window.row(0).id == full[0]
        assert table.cursor < table.size.height  # kept on screen, as any scroll does
        await pilot.click(QueueTable, offset=(5, HEADER_LINES + 2))  # a row, left of the bar
        await settle(pilot)
        assert table.current is not None and table.current.id == full[2]


@pilot_test
async def test_shift_g_before_the_ends_arrive_shows_them_as_they_land_without_reading_again(
    many: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    full = expected_order(many, QueueSpec())
    released = threading.Event()
    real_ends = queue.ends

    def slow_ends(*args: object, **kwargs: object) -> tuple[Window, ...]:
        released.wait(10)
        return real_ends(*args, **kwargs)

    monkeypatch.setattr(queue, "ends", slow_ends)
    app = BotuiApp(many, delay_detection=False)
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(QueueTable)
        await wait_until(
            pilot, lambda: table.window.counted and table.total == COUNT, "the rows counted"
        )
        reads = watch_window_reads(many, monkeypatch)
        await pilot.press("G")
        await pilot.pause()
        assert table.current is None  # the last rows are still on their way
        released.set()
        await settle(pilot)
        assert table.current is not None and table.current.id == full[-1]
        assert reads == []  # shown from the ends read ahead, not read a second time
