"""Pilot tests of what a new user tripped over: the cursor across views, toasts, the footer,
bulk reports, sorting, keys around dialogs, the palette, the log's width and new rows."""

from __future__ import annotations

import pytest
from conftest import create
from textual.command import CommandList, CommandPalette
from textual.widgets._footer import FooterKey
from textual.widgets._toast import Toast, ToastRack

from botui.domain import queue
from botui.domain.service import Service
from botui.store.db import SQLITE
from botui.tui.app import REPORT_SECONDS, TOAST_SECONDS, BotuiApp
from botui.tui.dialogs.confirm import Question
from botui.tui.screens.form import BackorderForm
from botui.tui.screens.queue import QueueScreen
from botui.tui.widgets.event_log import EventLog
from botui.tui.widgets.footer import KeyFooter
from botui.tui.widgets.queue_table import QueueTable
from tests.conftest import DAY, NOW
from tests.pilot import (
    TypingClock,
    keyboard_quiet,
    notifications,
    palette_offers,
    pilot_test,
    reads,
    running,
    screen_lines,
    settle,
    toasts,
    use_typing_clock,
    wait_until,
)


def table(app: BotuiApp) -> QueueTable:
    return app.query_one(QueueTable)


def current(app: BotuiApp) -> str | None:
    row = table(app).current
    return row.id if row else None


def on_screen(app: BotuiApp) -> bool:
    """Whether the cursor's row is inside the rows the queue shows."""
    queue = table(app)
    top = int(queue.scroll_offset.y)
    return top <= queue.cursor < top + queue.size.height - 1


async def select(pilot, backorder_id: str) -> None:
    """Move the cursor down to a backorder of the current view."""
    await settle(pilot)
    for _ in range(60):
        if current(pilot.app) == backorder_id:
            return
        await pilot.press("j")
        await settle(pilot, rounds=1)
    raise AssertionError(f"{backorder_id} is not in the view")


def shown_toasts(app: BotuiApp) -> list[Toast]:
    return list(app.screen.query_one(ToastRack).query(Toast))


@pytest.fixture
def typing_clock(app: BotuiApp) -> TypingClock:
    """The key guard on a clock that moves only when the test pauses: Pilot's keys sent
    together fall inside one burst however busy the machine is."""
    return use_typing_clock(app)


# -- 1. the selected backorder stays selected --------------------------------------------


@pilot_test
async def test_clearing_a_filter_keeps_the_selected_backorder_in_view(crowd_app: BotuiApp) -> None:
    app = crowd_app
    async with running(app) as pilot:
        await pilot.press("slash", *"quinn", "enter")
        await settle(pilot)
        assert [row.id for row in table(app).window.rows] == [
            "BO-7",
            "BO-14",
            "BO-21",
            "BO-28",
            "BO-35",
        ]
        await pilot.press("j", "j")
        assert current(app) == "BO-21"
        await pilot.press("escape")
        await settle(pilot)
        assert table(app).spec.text == "" and table(app).total == 40
        assert current(app) == "BO-21" and table(app).cursor == 20
        assert on_screen(app)
        assert "21 of 40" in str(app.query_one("#status").render())


@pilot_test
async def test_typing_a_filter_starts_at_its_first_match(crowd_app: BotuiApp) -> None:
    app = crowd_app
    async with app.run_test(size=(80, 24)) as pilot:
        await select(pilot, "BO-28")
        await pilot.press("slash", *"quinn")
        await settle(pilot)
        assert current(app) == "BO-7"


@pilot_test
async def test_views_and_sorts_keep_the_selected_backorder(crowd_app: BotuiApp) -> None:
    app = crowd_app
    async with app.run_test(size=(80, 24)) as pilot:
        await select(pilot, "BO-26")  # pending, the 26th row
        await pilot.press("2")  # pending: BO-26 is its 18th row
        await settle(pilot)
        assert current(app) == "BO-26" and table(app).cursor == 17 and on_screen(app)
        await pilot.press("s")
        await settle(pilot)
        assert current(app) == "BO-26" and on_screen(app)
        await pilot.press("S")
        await settle(pilot)
        assert current(app) == "BO-26" and on_screen(app)
        await pilot.press("4")  # ready to ship: nothing here
        await settle(pilot)
        assert current(app) is None and table(app).total == 0


@pilot_test
async def test_a_view_chosen_in_the_palette_keeps_the_selected_backorder(
    crowd_app: BotuiApp,
) -> None:
    app = crowd_app
    async with app.run_test(size=(80, 24)) as pilot:
        await select(pilot, "BO-26")
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"View: pending")
        await settle(pilot)  # the palette searches its providers in a worker
        await wait_until(pilot, lambda: palette_offers(app, "View: pending"), "the view offered")
        await pilot.press("enter")
        await settle(pilot)
        assert table(app).spec.view == "pending"
        assert current(app) == "BO-26" and on_screen(app)


@pilot_test
async def test_a_selected_backorder_left_out_of_a_view_gives_way_to_the_first(
    crowd_app: BotuiApp,
) -> None:
    app = crowd_app
    async with app.run_test(size=(80, 24)) as pilot:
        await select(pilot, "BO-27")  # confirmed
        await pilot.press("2")
        await settle(pilot)
        assert current(app) == "BO-1" and table(app).cursor == 0


# -- 9. a new backorder is selected once saved -------------------------------------------


@pilot_test
async def test_a_saved_new_backorder_is_selected(crowd_app: BotuiApp, crowd: Service) -> None:
    app = crowd_app
    async with running(app) as pilot:
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, BackorderForm)
        new = create(crowd, NOW, id="BO-NEW", product="PRD-1")  # the newest: the last row
        app.screen.dismiss(crowd.get({"id": new}))
        await settle(pilot)
        assert current(app) == "BO-NEW" and table(app).cursor == 40 and on_screen(app)


# -- 2. toasts ------------------------------------------------------------------------------


@pilot_test
async def test_toasts_stay_clear_of_the_log_and_a_dialogs_keys(crowd_app: BotuiApp) -> None:
    app = crowd_app
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await select(pilot, "BO-2")
        await pilot.press("c")
        await settle(pilot)
        assert "BO-2 confirmed" in toasts(app)
        assert [n.timeout for n in notifications(app)] == [TOAST_SECONDS]
        [toast] = shown_toasts(app)
        log = app.query_one(EventLog)
        assert toast.region.height == 1 and not toast.region.overlaps(log.region)
        table = app.query_one(QueueTable).region
        header_and_top_rows = table._replace(height=6)
        assert not toast.region.overlaps(header_and_top_rows)
        assert toast.region.bottom <= app.screen.region.bottom - 1  # the footer stays clear
        await pilot.press("j", "x")
        await settle(pilot)
        assert isinstance(app.screen, Question)
        keys = app.screen.query_one("#question-keys")
        [toast] = shown_toasts(app)
        assert not toast.region.overlaps(keys.region)
    assert TOAST_SECONDS <= 4 and REPORT_SECONDS <= 6


# -- 3. the footer at 60 columns -------------------------------------------------------------


@pytest.mark.parametrize("size", [(60, 20), (80, 24), (120, 40)])
@pilot_test
async def test_footer_shows_whole_hints_only(app: BotuiApp, size: tuple[int, int]) -> None:
    async with running(app, size) as pilot:
        footer = app.screen.query_one(KeyFooter)

        def palette_key() -> FooterKey | None:
            keys = [key for key in footer.query(FooterKey) if key.has_class("-command-palette")]
            return keys[0] if keys else None

        def laid_out() -> bool:  # the footer redraws its hints once the layout is known
            key = palette_key()
            return key is not None and key.region.right == size[0]

        # No stray cell after "^p palette": the palette key ends at the right edge.
        await wait_until(pilot, laid_out, "the palette key at the footer's right edge")
        keys = list(footer.query(FooterKey))
        palette = palette_key()
        assert palette is not None
        hints = [key for key in keys if key is not palette]
        for key in hints:
            assert key.region.right < palette.region.x
        shown = {key.key for key in hints}
        assert {"c", "f", "x", "question_mark"} <= shown
        assert ("space" in shown) == (size[0] >= 80)
        bottom = screen_lines(app)[-1]
        assert bottom.rstrip().endswith("^p palette")


# -- 4. bulk actions ---------------------------------------------------------------------


@pilot_test
async def test_bulk_lists_ids_in_number_order_and_names_what_succeeded(
    crowd_app: BotuiApp, crowd: Service
) -> None:
    app = crowd_app
    async with app.run_test(size=(80, 24)) as pilot:
        await select(pilot, "BO-2")
        await pilot.press("space")
        await select(pilot, "BO-9")
        await pilot.press("space", "space", "space")  # BO-9 (confirmed), BO-10, BO-11
        assert table(app).selected_ids() == ["BO-2", "BO-9", "BO-10", "BO-11"]
        await pilot.press("c")
        await settle(pilot)
        body = str(app.screen.query_one("#question-body").render())
        assert "BO-2, BO-9, BO-10, BO-11" in body
        await reads(pilot)  # the person reads the question first
        await pilot.press("y")
        await settle(pilot)
        report = toasts(app).splitlines()
        assert report[0] == "! confirm: 3 of 4 done: BO-2, BO-10, BO-11"
        assert report[1].startswith("BO-9 was confirmed by tester")
        assert notifications(app) and notifications(app)[-1].timeout == REPORT_SECONDS


@pilot_test
async def test_bulk_fulfil_is_spelt_as_everywhere_else(crowd_app: BotuiApp) -> None:
    app = crowd_app
    async with running(app) as pilot:
        await pilot.press("j", "j", "space", "j", "j", "j", "space", "f")  # BO-3, BO-6: confirmed
        await settle(pilot)
        assert str(app.screen.query_one("#dialog-title").render()) == "Fulfil 2 marked backorders?"
        assert "fulfil all 2" in str(app.screen.query_one("#question-keys").render())
        assert "fulfill" not in str(app.screen.query_one("#question-keys").render())


@pilot_test
async def test_a_question_whose_every_row_is_refused_offers_no_yes(crowd_app: BotuiApp) -> None:
    """Fulfil on a pending backorder: the question says why, offers only Escape, and y does
    nothing but say so."""
    app = crowd_app
    async with running(app) as pilot:
        await pilot.press("f")  # BO-1, pending
        await settle(pilot)
        await reads(pilot)
        keys = str(app.screen.query_one("#question-keys").render())
        assert keys == "Escape: close (nothing can be done)"
        assert not app.screen.query_one("#apply").display
        await pilot.press("y")
        await settle(pilot)
        assert "Not done: BO-1 is pending: confirm it first" in str(
            app.screen.query_one("#error-general").render()
        )
    assert app.service.get({"id": "BO-1"}).status == "pending"


@pilot_test
async def test_a_quantity_typed_straight_after_f_goes_into_the_box(crowd_app: BotuiApp) -> None:
    """Digits typed at once after f are the quantity (not dropped as typing on); once the box
    has it, y is a letter there and the keys line says ctrl+s ships."""
    app = crowd_app
    app.service.receive_inventory({"product": "PRD-1", "quantity": 3})  # BO-1..3 get a unit
    async with running(app) as pilot:
        await pilot.press("j", "j", "f", "1")  # BO-3, confirmed, 1 unit
        await settle(pilot)
        box = app.screen.query_one("#quantity")
        assert box.has_focus and box.value == "1"
        assert "ctrl+s: ship the quantity typed" in str(
            app.screen.query_one("#question-keys").render()
        )
        await reads(pilot)  # ctrl+s typed on in the same burst would wait
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert app.service.get({"id": "BO-3"}).status == "fulfilled"


# -- 6. keys around dialogs -----------------------------------------------------------------


@pilot_test
async def test_a_question_swallows_keys_that_are_not_its_own(app: BotuiApp, shop: Service) -> None:
    async with running(app) as pilot:
        await pilot.press("G", "d")  # BO-4, ready to ship
        await settle(pilot)
        assert isinstance(app.screen, Question)
        await pilot.press(*"tcfmre", "space", "j")
        await settle(pilot)
        assert isinstance(app.screen, Question) and len(app.screen_stack) == 2
        assert shop.get({"id": "BO-4"}).status == "confirmed"
        assert table(app).marks == set()


@pilot_test
async def test_keys_typed_on_as_the_palette_closes_do_not_act(
    app: BotuiApp, shop: Service, typing_clock: TypingClock
) -> None:
    async with running(app) as pilot:
        await pilot.press("G")  # BO-4, ready to ship: "f" would ship it at once
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"con", "escape", "f", "n")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        assert shop.get({"id": "BO-4"}).status == "confirmed"
        await keyboard_quiet(pilot)
        await pilot.press("f")  # a moment later the key acts again: it asks
        await reads(pilot)  # the person reads the question first
        await pilot.press("y")
        await settle(pilot)
        assert shop.get({"id": "BO-4"}).status == "fulfilled"


@pilot_test
async def test_a_second_escape_after_closing_help_keeps_the_marks(
    app: BotuiApp, typing_clock: TypingClock
) -> None:
    async with running(app) as pilot:
        await pilot.press("space", "space", "question_mark")
        await settle(pilot)
        await pilot.press("escape", "escape")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        assert table(app).marks == {"BO-1", "BO-2"}


# -- 7. the palette ----------------------------------------------------------------------------


@pilot_test
async def test_the_palette_lists_botuis_actions_and_no_system_commands(app: BotuiApp) -> None:
    async with running(app, (80, 40)) as pilot:
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: palette_offers(app), "the palette listing actions")
        await settle(pilot)  # every provider searched
        assert isinstance(app.screen, CommandPalette)
        options = app.screen.query_one(CommandList)
        names = [str(options.get_option_at_index(i).prompt).split("\n")[0]
                 for i in range(options.option_count)]  # fmt: skip
        assert names[:4] == ["Open", "Confirm", "Fulfil", "Cancel"]
        assert {"Help", "Quit"} <= set(names)
        assert not {"Screenshot", "Keys", "Maximize", "Theme"} & set(names)


# -- 8. the log uses the width it has -----------------------------------------------------


@pilot_test
async def test_log_lines_grow_with_the_terminal(app: BotuiApp, shop: Service) -> None:
    shop.update({"id": "BO-3", "quantity": 4, "supplierOrder": "PO-7781-NORTHWIND"})
    full = "updated: quantity 1 -> 4, supplier order none -> PO-7781-NORTHWIND"
    async with running(app) as pilot:
        log = app.query_one(EventLog)
        assert full not in log.lines[-1].text and "…" in log.lines[-1].text
        await pilot.resize_terminal(120, 30)
        await settle(pilot)
        assert full in log.lines[-1].text
        assert log.last_id == max(e.id for e in shop.events({}).data)


# -- 10. a backorder deleted by someone else ---------------------------------------------------


@pilot_test
async def test_acting_on_a_backorder_deleted_elsewhere_says_who_deleted_it(
    app: BotuiApp, shop: Service
) -> None:
    async with running(app) as pilot:
        await pilot.press("j", "j")  # BO-3
        Service(shop.db, clock=lambda: NOW - DAY // 2, actor=lambda: "bob").delete({"id": "BO-3"})
        await pilot.press("c")
        await settle(pilot)
        assert "BO-3 was deleted by bob at" in toasts(app)
        assert "check the id" not in toasts(app)


@pilot_test
async def test_a_read_interrupted_for_a_newer_one_is_no_error(
    app: BotuiApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise SQLITE.OperationalError("interrupted")  # as the driver raises it mid-read

    async with running(app) as pilot:
        monkeypatch.setattr(queue, "offset_of", interrupted)
        monkeypatch.setattr(queue, "first_rows", interrupted)
        await pilot.press("2")
        await settle(pilot)
        assert not notifications(app)


@pilot_test
async def test_rush_on_the_cursor_row_is_bold_in_the_cursors_colour(app: BotuiApp) -> None:
    """Red (or yellow) on the cursor's background is unreadable in 16 colours: weight only."""
    async with running(app, (100, 30)) as pilot:
        table = app.query_one(QueueTable)
        assert table.current is not None and table.current.priority_level == "rush"

        def rush_style(y: int):
            strip = table.render_line(y)
            return next(seg.style for seg in strip if seg.text.strip() == "rush")

        cursor = table.rich_style + table.get_component_rich_style("queue-table--cursor")
        on_cursor = rush_style(1)
        assert on_cursor.bold and on_cursor.color == cursor.color
        await pilot.press("j")
        await settle(pilot)
        off_cursor = rush_style(1)
        assert off_cursor.bold and off_cursor.color != cursor.color


@pilot_test
async def test_an_id_filtered_in_a_view_that_does_not_hold_it_says_where_it_is(
    app: BotuiApp, shop: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new user typed /BO-26 in the open view, saw 'no backorders here' and thought it gone:
    it was cancelled, in the closed view. Only a filter that could be an id is looked up,
    once the typing stops, and told only while the queue still shows that filter."""
    asked: list[str] = []
    get = shop.get

    def counted(payload: dict) -> object:
        asked.append(payload["id"])
        return get(payload)

    monkeypatch.setattr(shop, "get", counted)

    def told(text: str) -> int:
        return toasts(app).count(text)

    cancelled = "BO-5 is cancelled: it is in the closed view (5) and in all (0), not in open"
    async with running(app) as pilot:
        await pilot.press("slash", *"qwerty", "enter")  # no id: nothing is looked up
        await pilot.pause(1.0)
        assert asked == []
        await pilot.press("slash", "ctrl+u", *"bo-5", "enter")  # ids are matched in capitals
        await wait_until(pilot, lambda: told(cancelled) == 1, "the toast saying where BO-5 is")
        await pilot.press("slash", "ctrl+u", "enter")  # cleared, then the same id again
        await settle(pilot)
        await pilot.press("slash", *"BO-5", "enter")
        await wait_until(pilot, lambda: told(cancelled) == 2, "the same toast a second time")
        await pilot.press("5", "slash", "ctrl+u", *"BO-12", "enter")  # typed through BO-1
        await pilot.pause(1.0)
        await settle(pilot)
        assert "BO-1 is" not in toasts(app)  # only the filter the typing stopped at is asked
        await pilot.press("3", "slash", "ctrl+u", *"BO-3", "enter")  # pending, not late
        await wait_until(
            pilot,
            lambda: "BO-3 is pending: it is in the open view (1)" in toasts(app),
            "the toast saying where BO-3 is",
        )
        assert "BO-12" not in toasts(app)
