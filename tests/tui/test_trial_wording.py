"""What a new user's trial read wrong: a desk that lost a race to another, advice that did not
fit the status, the delete question, dates, receipts, and the small words around them."""

from __future__ import annotations

from textual.widgets import Input, Static

from botui.domain.schemas import Allocation, Event
from botui.domain.service import Service
from botui.tui.app import BotuiApp
from botui.tui.dialogs.confirm import Question
from botui.tui.dialogs.receive import named_grants
from botui.tui.formatting.events import summary
from botui.tui.keys import QUIET_SECONDS
from tests.conftest import NOW
from tests.pilot import (
    cursor_on,
    keyboard_quiet,
    palette_offers,
    pilot_test,
    reads,
    running,
    settle,
    toasts,
    wait_until,
)


def shown(app: BotuiApp, selector: str) -> str:
    """The text of one widget of the screen on top, as the person reads it."""
    return str(app.screen.query_one(selector, Static).render())


def visible(app: BotuiApp, selector: str) -> bool:
    """Whether a widget of the screen on top, and every container around it, is displayed."""
    node = app.screen.query_one(selector)
    while node is not None and node is not app.screen:
        if not node.display:
            return False
        node = node.parent
    return True


def bob(shop: Service) -> Service:
    """The other desk, acting a moment before now."""
    return Service(shop.db, clock=lambda: NOW - 60, actor=lambda: "bob")


# -- 1. the desk that lost a race ----------------------------------------------------------


@pilot_test
async def test_fulfil_after_another_desk_cancelled_says_one_thing(
    app: BotuiApp, shop: Service
) -> None:
    """f open on BO-4 while bob cancels it, then y: the question says who cancelled it, that
    nothing shipped and that nothing can, offers only Escape; no stale hint, body or error."""
    async with running(app) as pilot:
        await cursor_on(pilot, "BO-4")
        await pilot.press("f")
        await settle(pilot)
        await reads(pilot)
        bob(shop).cancel({"id": "BO-4"})
        await pilot.press("y")
        await settle(pilot)
        await settle(pilot)
        assert isinstance(app.screen, Question)
        body = shown(app, "#question-body")
        assert "BO-4 was cancelled by bob at" in body
        assert "nothing was shipped" in body and "nothing can be shipped" in body
        assert "Ships to the customer" not in body and "Refused:" not in body
        assert shown(app, "#question-keys") == "Escape: close (nothing can be done)"
        assert not visible(app, "#error-general")
        assert not visible(app, "#hint-quantity")
        assert not app.screen.query_one("#apply").display
    assert shop.get({"id": "BO-4"}).status == "cancelled"


@pilot_test
async def test_confirm_lost_to_another_desk_names_who(app: BotuiApp, shop: Service) -> None:
    """Both desks press c on BO-3: the loser's toast says bob confirmed it first."""
    async with running(app) as pilot:
        await cursor_on(pilot, "BO-3")
        bob(shop).confirm({"id": "BO-3"})
        await pilot.press("c")
        await settle(pilot)
        assert "BO-3 was confirmed by bob at" in toasts(app)
        assert "only a pending backorder can be confirmed" in toasts(app)


@pilot_test
async def test_cancel_after_another_desk_changed_it_names_who(app: BotuiApp, shop: Service) -> None:
    """x open on BO-3 while bob raises its quantity, then y: nothing cancelled or refunded, the
    question names bob and shows the backorder as it is now, ready to be answered again."""
    async with running(app) as pilot:
        await cursor_on(pilot, "BO-3")
        await pilot.press("x")
        await settle(pilot)
        await reads(pilot)
        bob(shop).update({"id": "BO-3", "quantity": 4})
        await pilot.press("ctrl+s")
        await settle(pilot)
        await settle(pilot)
        body = shown(app, "#question-body")
        assert "BO-3 was changed by bob at" in body
        assert "it was not cancelled and nothing was refunded" in body
        assert "4 units" in body
        assert app.screen.query_one("#apply").display
    assert shop.get({"id": "BO-3"}).status == "pending"


@pilot_test
async def test_a_reason_typed_into_a_cancel_that_lost_is_left_without_asking(
    app: BotuiApp, shop: Service
) -> None:
    """x on BO-3 with a reason typed, bob cancels it first, then ctrl+s: the question says so
    and its box is off; Escape closes at once (it asked "Discard what you typed?" about a
    reason nothing could use any more: second trial)."""
    async with running(app) as pilot:
        await cursor_on(pilot, "BO-3")
        await pilot.press("x")
        await settle(pilot)
        await reads(pilot)
        await pilot.press(*"supplier")
        bob(shop).cancel({"id": "BO-3"})
        await keyboard_quiet(pilot, QUIET_SECONDS + 0.1)
        await pilot.press("ctrl+s")
        await settle(pilot)
        await settle(pilot)
        assert "BO-3 was cancelled by bob at" in shown(app, "#question-body")
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, Question)
        assert app.screen.__class__.__name__ == "QueueScreen"  # no "Discard what you typed?"
    assert shop.get({"id": "BO-3"}).status == "cancelled"


# -- 2. advice that fits the status --------------------------------------------------------


@pilot_test
async def test_fulfil_on_a_cancelled_backorder_says_it_is_closed(
    app: BotuiApp, shop: Service
) -> None:
    """f on the cancelled BO-5: closed, nothing can ship; never "confirm a pending one"."""
    async with running(app) as pilot:
        await pilot.press("5")  # the closed view
        await cursor_on(pilot, "BO-5")
        await pilot.press("f")
        await settle(pilot)
        await reads(pilot)
        body = shown(app, "#question-body")
        assert "BO-5 is cancelled (closed): nothing can be shipped" in body
        assert "confirm" not in body and "Ships to the customer" not in body
        assert not visible(app, "#hint-quantity")


# -- 3. the delete question ------------------------------------------------------------------


@pilot_test
async def test_delete_question_says_it_is_no_cancellation_and_no_refund(
    app: BotuiApp, shop: Service
) -> None:
    async with running(app) as pilot:
        await cursor_on(pilot, "BO-2")
        await pilot.press("d")
        await settle(pilot)
        await reads(pilot)
        body = shown(app, "#question-body")
        assert "Deleting is not cancelling" in body
        assert "no cancellation and no refund (cancel, x, does)" in body
        await pilot.press("n")
        await settle(pilot)
    assert shop.get({"id": "BO-2"}).status == "confirmed"


# -- 4. dates that are in the form but name no day -----------------------------------------


async def typed_date(pilot, app: BotuiApp, text: str) -> str:
    """Type `text` as the ship estimate of the open estimate dialog and apply: the error."""
    box = app.screen.query_one("#estimatedShipDate", Input)
    box.focus()
    box.value = ""
    await pilot.press(*text)
    await pilot.press("ctrl+s")
    await settle(pilot)
    return shown(app, "#error-estimatedShipDate")


@pilot_test
async def test_a_day_that_does_not_exist_is_named_as_such(app: BotuiApp, shop: Service) -> None:
    before = shop.get({"id": "BO-2"}).estimated_ship_date
    async with running(app) as pilot:
        await cursor_on(pilot, "BO-2")
        await pilot.press("t")
        await settle(pilot)
        await reads(pilot)
        error = await typed_date(pilot, app, "2026-02-30")
        assert "2026-02-30 is no date: February 2026 has 28 days" in error
        assert "must be a date as YYYY-MM-DD" not in error
        assert "2024-02-30 is no date: February 2024 has 29 days" in await typed_date(
            pilot, app, "2024-02-30"
        )
        assert "a month is 01 to 12" in await typed_date(pilot, app, "2026-13-01")
        assert "must be a date as YYYY-MM-DD" in await typed_date(pilot, app, "next tuesday")
    assert shop.get({"id": "BO-2"}).estimated_ship_date == before


# -- 5. receiving stock --------------------------------------------------------------------


@pilot_test
async def test_a_receipt_names_who_got_the_units_and_the_log_says_delivery(
    service: Service, refs: dict[str, str]
) -> None:
    """Two backorders of a product without stock, BO-A (45) before BO-B (2): the note reads
    in the singular, receiving 3 without a receipt id names BO-A in the toast, and the log
    says the units came from a delivery, not from stock on hand."""
    service.create_product({"id": "PRD-7", "sku": "KN-7", "name": "Chef's knife"})
    base = {"business": "BIZ-1", "customer": "CUS-1", "product": "PRD-7", "price": 1200}
    Service(service.db, clock=lambda: NOW - 500).create({**base, "id": "BO-A", "quantity": 45})
    Service(service.db, clock=lambda: NOW - 400).create({**base, "id": "BO-B", "quantity": 2})
    app = BotuiApp(service, delay_detection=False)
    async with running(app) as pilot:
        await cursor_on(pilot, "BO-B")
        await pilot.press("r")
        await settle(pilot)
        await reads(pilot)
        note = " ".join(shown(app, "#queue-note").split())
        assert "the backorder before it lacks 45 first, so a receipt of 47 fills it" in note
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "BO-B got no units; 3 went first to BO-A (3), ahead of it in line" in toasts(app)
    arrived = [e for e in service.events({}).data if e.type == "inventoryArrived"]
    assert [(e.backorder, e.data.get("receipt")) for e in arrived] == [("BO-A", None)]
    assert summary(arrived[0]) == "3 units arrived from a delivery (no receipt id)"


def test_a_receipt_toast_names_a_few_then_counts_the_rest() -> None:
    grants = [Allocation(backorder=f"BO-{n}", quantity=n) for n in range(1, 6)]
    assert named_grants(grants[:1]) == "BO-1 (1)"
    assert named_grants(grants[:2]) == "BO-1 (1) and BO-2 (2)"
    assert named_grants(grants) == "BO-1 (1), BO-2 (2), BO-3 (3) and 2 more (9)"


# -- 6. small words ----------------------------------------------------------------------


def test_the_log_writes_a_refund_as_money() -> None:
    event = Event(
        id=1, type="cancelled", backorder="BO-1", at=NOW, actor="ada", data={"refund": 121797}
    )
    assert summary(event) == "cancelled, refund $1,217.97"


@pilot_test
async def test_the_edit_form_says_a_bad_quantity_once(app: BotuiApp, shop: Service) -> None:
    """'abc' as the quantity, then ctrl+s: the error line says it, the hint no longer does."""
    async with running(app) as pilot:
        await cursor_on(pilot, "BO-3")
        await pilot.press("e")
        await settle(pilot)
        await reads(pilot)
        box = app.screen.query_one("#quantity", Input)
        box.focus()
        box.value = ""
        await pilot.press("a", "b", "c")
        await settle(pilot)
        assert visible(app, "#hint-quantity")  # said as it is typed
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "'abc' is not a whole number" in shown(app, "#error-quantity")
        assert not visible(app, "#hint-quantity")
    assert shop.get({"id": "BO-3"}).quantity == 1


@pilot_test
async def test_fulfil_of_one_unit_offers_no_part(app: BotuiApp, shop: Service) -> None:
    async with running(app) as pilot:
        await cursor_on(pilot, "BO-4")  # confirmed, 1 unit
        await pilot.press("f")
        await settle(pilot)
        await reads(pilot)
        assert shown(app, "#hint-quantity") == "ships its 1 unit"


@pilot_test
async def test_help_and_palette_say_export_takes_the_rows_shown(app: BotuiApp) -> None:
    words = "Export rows shown (filter, narrowing, sort)"
    async with running(app, (100, 40)) as pilot:
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"Export rows")
        await settle(pilot)  # the palette searches its providers in a worker
        await wait_until(pilot, lambda: palette_offers(app, words), "export offered")
        await pilot.press("escape")
        await reads(pilot)
        await pilot.press("question_mark")
        await reads(pilot)
        await settle(pilot)
        assert words in [description for _, description in app.screen.rows]
