"""Every key does what the person meant (issue 8, keys): raw bytes as tmux and SSH send them,
keys one at a time at typing speed, typed work never lost without a question, one rule for
what asks, partial fulfil, numbers read by one rule, reasons that keep their lines."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import create
from textual import events
from textual.widgets import Input, Static, TextArea

from botui.domain.service import Service
from botui.tui.app import BotuiApp
from botui.tui.dialogs.confirm import Question
from botui.tui.dialogs.discard import DiscardDialog
from botui.tui.keys import QUIET_SECONDS, KeyGuard, describe, install_glued_escape
from botui.tui.screens.form import BackorderForm
from botui.tui.screens.queue import QueueScreen
from botui.tui.widgets.queue_table import QueueTable
from tests.conftest import DAY, NOW
from tests.pilot import (
    TYPING_SECONDS,
    cursor_on,
    keyboard_quiet,
    parse_bytes,
    pilot_test,
    reads,
    running,
    send_bytes,
    settle,
    toasts,
    type_slowly,
    use_typing_clock,
    wait_until,
)

IDS = ("BO-1", "BO-2", "BO-3", "BO-4", "BO-5")


def everything(service: Service) -> dict[str, Any]:
    """Every backorder as JSON, every event and the stock: what no stray key may change."""
    backorders = {}
    for backorder_id in IDS:
        try:
            backorders[backorder_id] = service.get({"id": backorder_id}).to_json()
        except Exception:  # noqa: BLE001 - a deleted one counts as a change too
            backorders[backorder_id] = None
    events_seen = [e.id for e in service.events({"limit": 1000}).data]
    return {"backorders": backorders, "events": events_seen}


def table(app: BotuiApp) -> QueueTable:
    return app.query_one(QueueTable)


@pytest.fixture
def app(shop: Service) -> BotuiApp:
    """The real app, its key guard on a clock that moves only as the test types and pauses:
    the seconds between keys are what each test says, however loaded the machine is."""
    app = BotuiApp(shop, delay_detection=False)
    use_typing_clock(app)
    return app


async def said(pilot: Any, text: str) -> None:
    """Wait for the toast saying `text` (the guard speaks once the burst is over)."""
    await wait_until(pilot, lambda: text in toasts(pilot.app), f"a toast saying {text!r}")


async def mark(pilot: Any, *backorder_ids: str) -> None:
    """Mark backorders of the open view with Space."""
    for backorder_id in backorder_ids:
        await cursor_on(pilot, backorder_id)
        await pilot.press("space")


async def open_question(pilot: Any, key: str, marked: list[str], cursor: str | None) -> None:
    """Mark `marked`, put the cursor on `cursor` (if any) and press the question's key."""
    await settle(pilot)
    await mark(pilot, *marked)
    if cursor:
        await cursor_on(pilot, cursor)
    await pilot.press(key)


# -- 1. an Esc glued to the next key --------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "key"),
    [
        (b"\x1b\r", "alt+enter"),
        (b"\x1b\t", "shift+tab"),  # some terminals send this for shift+tab
        (b"\x1b\x13", "alt+ctrl+s"),
        (b"\x1by", "alt+y"),
        (b"\x1b", "escape"),
        (b"\x1b\x7f", "ctrl+w"),  # Esc-Backspace: Textual's own "delete a word"
        (b"\r", "enter"),
        (b"y", "y"),
    ],
)
def test_textuals_parser_reports_a_glued_escape_as_alt(data: bytes, key: str) -> None:
    install_glued_escape()  # as the app does when it starts
    assert [k.key for k in parse_bytes(data)] == [key]


QUESTIONS = [
    ("x", [], "BO-2"),  # cancel, with its reason box
    ("d", [], "BO-3"),  # delete
    ("f", [], "BO-4"),  # fulfil one: ready to ship, with its quantity box
    ("f", ["BO-1", "BO-4"], None),  # fulfil marked rows
    ("c", ["BO-2", "BO-3"], None),  # confirm marked rows
    ("x", ["BO-2", "BO-3"], None),  # cancel marked rows
    ("d", ["BO-2", "BO-3"], None),  # delete marked rows
]


@pytest.mark.parametrize(("key", "marked", "cursor"), QUESTIONS)
@pytest.mark.parametrize("glued", [b"\x1b\r", b"\x1by", b"\x1b\x13", b"\x1b "])
@pilot_test
async def test_an_esc_glued_to_a_key_answers_no_to_every_question(
    app: BotuiApp, shop: Service, key: str, marked: list[str], cursor: str | None, glued: bytes
) -> None:
    before = everything(shop)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_question(pilot, key, marked, cursor)
        await settle(pilot)
        assert isinstance(app.screen, Question)
        await send_bytes(pilot, glued)
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        await keyboard_quiet(pilot, QUIET_SECONDS)
    assert everything(shop) == before


@pytest.mark.parametrize(("key", "marked", "cursor"), QUESTIONS)
@pilot_test
async def test_enter_alone_answers_no_question(
    app: BotuiApp, shop: Service, key: str, marked: list[str], cursor: str | None
) -> None:
    before = everything(shop)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_question(pilot, key, marked, cursor)
        await reads(pilot)
        question = app.screen
        assert isinstance(question, Question)
        if key == "f" and not marked:  # in the quantity box Enter moves on, never ships
            await pilot.press("1", "enter")
            await send_bytes(pilot, b"\r")
        else:
            await send_bytes(pilot, b"\r")
            if key != "x":  # the reason box makes Enter a new line; elsewhere it explains
                shown = str(question.query_one("#error-general").render())
                assert "Enter does not answer" in shown and "ctrl+s" in shown
        await settle(pilot)
        assert app.screen is question
    assert everything(shop) == before


@pilot_test
async def test_an_esc_glued_to_y_keeps_the_typing_of_a_form(app: BotuiApp, shop: Service) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await cursor_on(pilot, "BO-3")
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, BackorderForm)
        form.query_one("#quantity", Input).value = "7"
        await send_bytes(pilot, b"\x1b")  # Esc: asks
        assert isinstance(app.screen, DiscardDialog)
        await send_bytes(pilot, b"\x1by")  # Esc glued to y: keep editing, not "yes, discard"
        assert app.screen is form
        assert form.query_one("#quantity", Input).value == "7"
    assert shop.get({"id": "BO-3"}).quantity == 1


# -- 2. typing into a question never reaches the queue -------------------------------------


@pilot_test
async def test_a_reason_typed_at_once_goes_into_the_reason_box(
    app: BotuiApp, shop: Service
) -> None:
    before = everything(shop)
    async with app.run_test(size=(80, 24)) as pilot:
        await cursor_on(pilot, "BO-2")
        sort = table(app).spec.sort
        await pilot.press("x")
        await type_slowly(pilot, "no, customer cancelled")
        await settle(pilot)
        question = app.screen
        assert isinstance(question, Question)  # "n" did not close it
        assert question.query_one("#reason", TextArea).text == "no, customer cancelled"
        assert everything(shop) == before  # "c" confirmed nothing
        assert table(app).spec.sort == sort  # "s" did not sort the queue behind
        await pilot.press("ctrl+s")
        await settle(pilot)
    cancelled = [e for e in shop.events({"backorder": "BO-2"}).data if e.type == "cancelled"]
    assert cancelled[-1].data["reason"] == "no, customer cancelled"


@pilot_test
async def test_typing_on_after_a_question_closes_is_dropped_until_a_pause(
    app: BotuiApp, shop: Service
) -> None:
    before = everything(shop)
    async with app.run_test(size=(80, 24)) as pilot:
        await cursor_on(pilot, "BO-3")
        sort = table(app).spec.sort
        await pilot.press("d")  # the delete question has no box: "n" answers no
        await reads(pilot)
        await type_slowly(pilot, "no, customer cancelled")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        assert everything(shop) == before  # neither "c" nor "d" nor "t" acted
        assert table(app).spec.sort == sort and table(app).marks == set()
        assert table(app).current.id == "BO-3"
        await keyboard_quiet(pilot, QUIET_SECONDS + 0.1)
        await said(pilot, "Ignored 'o, customer cancelled'")
        await pilot.press("c")  # after a pause, keys act again
        await settle(pilot)
    assert shop.get({"id": "BO-3"}).status == "confirmed"


@pilot_test
async def test_arrow_keys_pass_while_typing_on_is_dropped(app: BotuiApp, shop: Service) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await cursor_on(pilot, "BO-1")
        await pilot.press("question_mark")
        await settle(pilot)
        await pilot.press("escape", "down", "down", "c")  # BO-3 is pending: "c" would confirm
        await settle(pilot)
        assert table(app).current.id == "BO-3"  # the arrows moved
        await keyboard_quiet(pilot, QUIET_SECONDS + 0.1)
        await said(pilot, "Ignored 'c'")
    assert shop.get({"id": "BO-3"}).status == "pending"


@pytest.mark.parametrize(("key", "cursor"), [("d", "BO-3"), ("f", "BO-4")])
@pilot_test
async def test_a_reason_typed_into_a_question_without_a_box_never_answers_yes(
    app: BotuiApp, shop: Service, key: str, cursor: str
) -> None:
    before = everything(shop)
    async with app.run_test(size=(80, 24)) as pilot:
        await cursor_on(pilot, cursor)
        await pilot.press(key)
        await type_slowly(pilot, "copy by mistake, they said yes")  # a "y" before any "n"
        await settle(pilot)
        assert isinstance(app.screen, Question)  # still asking: the burst was dropped
        await keyboard_quiet(pilot, QUIET_SECONDS + 0.1)
        await said(pilot, "Ignored 'copy by mistake, they said yes'")
        assert everything(shop) == before
        await pilot.press("y")  # after a pause, y answers
        await settle(pilot)
    assert everything(shop) != before


@pilot_test
async def test_one_marked_row_away_from_the_cursor_asks_naming_it(
    app: BotuiApp, shop: Service
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await cursor_on(pilot, "BO-3")
        await pilot.press("space")  # BO-3 marked; the cursor moves on
        await cursor_on(pilot, "BO-1")
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, Question)  # marked rows ask, even one
        title = str(app.screen.query_one("#dialog-title").render())
        assert title == "Confirm 1 marked backorder: BO-3?"
        await keyboard_quiet(pilot, QUIET_SECONDS)
        await pilot.press("y")
        await settle(pilot)
    assert shop.get({"id": "BO-3"}).status == "confirmed"
    assert shop.get({"id": "BO-1"}).status == "pending"


@pilot_test
async def test_a_question_that_cannot_read_its_rows_refuses_yes(
    app: BotuiApp, shop: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    from botui.domain import queue
    from botui.domain.errors import busy

    def locked(ids: list[str]) -> dict:
        raise busy("the database is busy")

    before = everything(shop)
    async with app.run_test(size=(80, 24)) as pilot:
        await cursor_on(pilot, "BO-2")
        monkeypatch.setattr(queue, "rows_by_id", locked)
        await pilot.press("d")
        await settle(pilot)
        body = str(app.screen.query_one("#question-body").render())
        assert "Could not read BO-2" in body and "event log" not in body
        await keyboard_quiet(pilot, QUIET_SECONDS)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, Question)
        assert "could not read them" in str(app.screen.query_one("#error-general").render())
    assert everything(shop) == before


@pilot_test
async def test_escape_while_the_answer_is_applied_does_not_hide_it(
    app: BotuiApp, shop: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    release = threading.Event()
    applying = threading.Event()
    real_delete = shop.delete

    def slow_delete(payload: dict) -> object:
        applying.set()
        release.wait(5)
        return real_delete(payload)

    async with app.run_test(size=(80, 24)) as pilot:
        await cursor_on(pilot, "BO-3")
        monkeypatch.setattr(shop, "delete", slow_delete)
        await pilot.press("d")
        await settle(pilot, rounds=1)
        await keyboard_quiet(pilot, QUIET_SECONDS)
        await pilot.press("y")
        question = app.screen
        await wait_until(pilot, applying.is_set, "the delete on its way")
        await pilot.press("escape")  # while the delete is on its way
        await pilot.pause()
        assert app.screen is question
        assert "Applying" in str(app.screen.query_one("#error-general").render())
        release.set()
        await settle(pilot)
        assert "BO-3 deleted" in toasts(app) and "nothing changed" not in toasts(app)


@pilot_test
async def test_typing_on_after_a_stray_escape_does_not_answer_the_discard_question(
    app: BotuiApp, shop: Service
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await cursor_on(pilot, "BO-2")
        await pilot.press("x")
        await type_slowly(pilot, "customer says")
        await pilot.press("escape")  # a stray Esc mid-sentence
        await keyboard_quiet(pilot, TYPING_SECONDS)
        await type_slowly(pilot, " they moved")  # the "y" must not discard
        await settle(pilot)
        assert isinstance(app.screen, DiscardDialog)
        await keyboard_quiet(pilot, QUIET_SECONDS)
        await pilot.press("n")
        await settle(pilot)
        assert app.screen.query_one("#reason", TextArea).text == "customer says"


@pilot_test
async def test_esc_backspace_in_a_box_deletes_a_word_and_leaves_nothing(app: BotuiApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await cursor_on(pilot, "BO-2")
        await pilot.press("x")
        await type_slowly(pilot, "two words")
        await send_bytes(pilot, b"\x1b\x7f")  # Esc-Backspace: Textual's delete-a-word
        await settle(pilot)
        assert isinstance(app.screen, Question)
        assert app.screen.query_one("#reason", TextArea).text == "two "
        await pilot.press("alt+backspace")  # the same, from a terminal that reports Alt
        await settle(pilot)
        assert isinstance(app.screen, Question)


def test_the_guard_drops_a_burst_and_lets_the_first_key_after_a_pause_through() -> None:
    now = [100.0]
    guard = KeyGuard(quiet=0.5, clock=lambda: now[0])

    def key(name: str, character: str | None = None) -> events.Key:
        return events.Key(name, character if character is not None else name)

    assert not guard.drops(key("c"))  # nothing closed yet
    guard.arm()
    for step, name in enumerate("onfirm"):
        now[0] += 0.4  # each within the quiet time of the last: the burst goes on
        assert guard.drops(key(name)), step
    now[0] += 0.1
    assert not guard.drops(key("down", None))  # navigation always passes
    now[0] += 0.6
    assert not guard.drops(key("c"))  # after a pause
    assert describe(guard.take_dropped()) == "onfirm"
    assert guard.take_dropped() == []


# -- 3. typed work is never lost without a question ------------------------------------------


@pytest.mark.parametrize(
    ("key", "box", "typed"),
    [
        ("t", "#reason", "supplier moved it"),
        ("m", "#subject", "About your lamp"),
        ("r", "#quantity", "12"),
        ("x", "#reason", "customer asked"),
    ],
)
@pilot_test
async def test_escape_in_a_dialog_with_typing_asks_first(
    app: BotuiApp, shop: Service, key: str, box: str, typed: str
) -> None:
    before = everything(shop)
    async with app.run_test(size=(80, 24)) as pilot:
        await cursor_on(pilot, "BO-2")
        await pilot.press(key)
        await settle(pilot)
        dialog = app.screen
        widget = dialog.query_one(box)
        widget.focus()
        await pilot.pause()
        for character in typed:
            await pilot.press("space" if character == " " else character)
        await pilot.press("escape")
        await reads(pilot)
        assert isinstance(app.screen, DiscardDialog)
        await pilot.press("n")  # keep editing: the typing is all there
        await settle(pilot)
        assert app.screen is dialog
        value = widget.text if isinstance(widget, TextArea) else widget.value
        assert value == typed
        await pilot.press("escape")
        await reads(pilot)
        await pilot.press("y")  # discard: the dialog closes, nothing changed
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
    assert everything(shop) == before


@pytest.mark.parametrize("key", ["t", "m", "r", "x", "d"])
@pilot_test
async def test_escape_in_a_dialog_without_typing_closes_at_once(app: BotuiApp, key: str) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await cursor_on(pilot, "BO-2")
        await pilot.press(key)
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)


@pilot_test
async def test_ctrl_q_in_the_form_with_typing_asks_before_quitting(
    app: BotuiApp, shop: Service
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await cursor_on(pilot, "BO-3")
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        form.query_one("#supplierOrder", Input).focus()
        await pilot.press(*"PO-9")
        await pilot.press("ctrl+q")
        await reads(pilot)
        assert isinstance(app.screen, DiscardDialog) and app.is_running
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is form and form.query_one("#supplierOrder", Input).value == "PO-9"
        await reads(pilot)  # ctrl+s right after a close would be dropped with the burst
        await pilot.press("ctrl+s")
        await settle(pilot)
        await keyboard_quiet(pilot, QUIET_SECONDS)
        await pilot.press("ctrl+q")  # nothing typed anywhere now: quits at once
        await settle(pilot)
    assert shop.get({"id": "BO-3"}).supplier_order == "PO-9"
    assert app.return_code in (0, None)


@pilot_test
async def test_ctrl_q_with_a_typed_reason_asks_and_yes_quits(app: BotuiApp, shop: Service) -> None:
    before = everything(shop)
    async with app.run_test(size=(80, 24)) as pilot:
        await cursor_on(pilot, "BO-2")
        await pilot.press("x", *"late")
        await pilot.press("ctrl+q")
        await reads(pilot)
        assert isinstance(app.screen, DiscardDialog)
        await pilot.press("y")
        await settle(pilot)
        assert not app.is_running
    assert everything(shop) == before


# -- 4 and 5. one rule for what asks; partial fulfil ------------------------------------------


@pilot_test
async def test_a_single_f_asks_and_confirm_acts_at_once(app: BotuiApp, shop: Service) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await cursor_on(pilot, "BO-4")
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, Question)
        body = str(app.screen.query_one("#question-body").render())
        assert "Shipping cannot be undone" in body
        await pilot.press("escape")
        await settle(pilot)
        await keyboard_quiet(pilot, QUIET_SECONDS)
        await cursor_on(pilot, "BO-3")
        await pilot.press("c")  # confirm is no shipment, no refund: at once
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
    assert shop.get({"id": "BO-4"}).status == "confirmed"
    assert shop.get({"id": "BO-3"}).status == "confirmed"


@pilot_test
async def test_fulfil_ships_part_and_keeps_the_rest_open(app: BotuiApp, shop: Service) -> None:
    shop.confirm({"id": "BO-1"})  # 2 units, both held
    async with app.run_test(size=(80, 24)) as pilot:
        await cursor_on(pilot, "BO-1")
        await pilot.press("f")
        await reads(pilot)
        box = app.screen.query_one("#quantity", Input)
        assert box.value == "2" and not box.has_focus  # "y" would ship all 2
        await pilot.press("1")  # a digit goes into the box, in place of the 2
        await pilot.pause()
        assert box.value == "1" and box.has_focus
        hint = str(app.screen.query_one("#hint-quantity", Static).render())
        assert "ships 1 now; the other 1 stays open" in hint
        await pilot.press("ctrl+s")
        await settle(pilot)
        await said(pilot, "BO-1 fulfilled: 1 shipped; BO-6 holds the rest")
    shipped, rest = shop.get({"id": "BO-1"}), shop.get({"id": "BO-6"})
    assert (shipped.status, shipped.quantity) == ("fulfilled", 1)
    assert (rest.status, rest.quantity, rest.allocated_quantity) == ("confirmed", 1, 1)
    assert rest.metadata["splitFrom"] == "BO-1"


@pilot_test
async def test_fulfil_of_more_than_the_quantity_is_refused_in_the_question(
    app: BotuiApp, shop: Service
) -> None:
    before = everything(shop)
    async with app.run_test(size=(80, 24)) as pilot:
        await cursor_on(pilot, "BO-4")
        await pilot.press("f")
        await reads(pilot)
        await pilot.press("5", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, Question)
        assert "at most 1" in str(app.screen.query_one("#error-quantity").render())
    assert everything(shop) == before


@pytest.mark.parametrize("key", ["x", "f"])
@pilot_test
async def test_a_backorder_changed_by_another_desk_while_asked_is_asked_again(
    app: BotuiApp, shop: Service, key: str
) -> None:
    """Yes applies to what the question showed: another desk changing the backorder meanwhile
    (a quantity raised) is refused as a conflict, the question shows the new numbers, and only
    the next yes applies (the refund of the 5 units then, never one nobody read)."""
    backorder = "BO-2" if key == "x" else "BO-1"
    if key == "f":
        shop.confirm({"id": "BO-1"})  # 2 units held: ready to ship
    async with app.run_test(size=(80, 24)) as pilot:
        await cursor_on(pilot, backorder)
        await pilot.press(key)
        await reads(pilot)
        question = app.screen
        assert isinstance(question, Question)
        shown = str(question.query_one("#question-body").render())
        if key == "x":
            assert "$75.00" in shown
            await type_slowly(pilot, "dup")
            shop.update({"id": backorder, "quantity": 5})  # another desk, meanwhile
        else:
            assert "2 of 2" in shown or "2 units" in shown
            assert question.query_one("#quantity", Input).value == "2"  # as read: ship all
            shop.receive_inventory({"product": "PRD-2", "quantity": 1})  # another desk:
            shop.update({"id": backorder, "quantity": 3})  # 3 units now, all held
        before = everything(shop)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is question  # refused: still asking
        said_once = str(question.query_one("#question-body").render()) + str(
            question.query_one("#error-general").render()
        )
        assert "after you read it" in said_once  # who changed it, what did not happen
        assert everything(shop) == before
        new = "$125.00" if key == "x" else "3 units"
        await wait_until(
            pilot,
            lambda: new in str(question.query_one("#question-body").render()),
            "the question showing the new numbers",
        )
        if key == "f":  # the box held what was read, not what was typed: all 3 now
            assert question.query_one("#quantity", Input).value == "3"
        await reads(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
    answer = shop.get({"id": backorder})
    if key == "x":
        assert answer.status == "cancelled"
        cancelled = [e for e in shop.events({"backorder": backorder}).data if e.type == "cancelled"]
        assert cancelled[-1].data["refund"] == 12_500
    else:
        assert (answer.status, answer.quantity) == ("fulfilled", 3)  # all of it, no split


@pilot_test
async def test_fulfil_of_no_units_is_refused_in_the_hints_own_words(
    app: BotuiApp, shop: Service
) -> None:
    before = everything(shop)
    async with app.run_test(size=(80, 24)) as pilot:
        await cursor_on(pilot, "BO-4")
        await pilot.press("f")
        await reads(pilot)
        await pilot.press("0")
        await reads(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, Question)
        error = str(app.screen.query_one("#error-quantity").render())
        assert "from 1 to 1" in error and "1,000,000" not in error
    assert everything(shop) == before


# -- 6. money typed with a decimal comma ----------------------------------------------------


@pilot_test
async def test_a_decimal_comma_in_the_price_is_refused_and_a_grouped_one_is_read(
    app: BotuiApp, shop: Service
) -> None:
    async with running(app) as pilot:
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        for name, value in (("product", "PRD-1"), ("business", "BIZ-1"), ("customer", "CUS-1")):
            form.query_one(f"#{name}", Input).value = value
        form.query_one("#quantity", Input).value = "2"
        price = form.query_one("#price", Input)
        price.value = "12,50"
        await pilot.pause()
        assert "write cents after a point (12.50)" in str(form.query_one("#hint-price").render())
        await pilot.press("ctrl+s")
        await settle(pilot)
        error = str(form.query_one("#error-price").render())
        assert "Unit price" in error and "12.50" in error and app.screen is form
        price.value = "1,250.00"
        await pilot.pause()
        assert "reads as $1,250.00" in str(form.query_one("#hint-price").render())
        await pilot.press("ctrl+s")
        await settle(pilot)
    created = [b for b in shop.list({"limit": 100}).data if b.id not in IDS]
    assert [(b.price, b.quantity) for b in created] == [(125_000, 2)]


# -- 7. reasons keep every line -------------------------------------------------------------


@pytest.mark.parametrize("key", ["x", "t"])
@pilot_test
async def test_a_pasted_reason_keeps_all_its_lines(app: BotuiApp, shop: Service, key: str) -> None:
    reason = "supplier wrote:\n  the lamps are late\nnew date next week"
    async with app.run_test(size=(80, 24)) as pilot:
        await cursor_on(pilot, "BO-2")
        await pilot.press(key)
        await settle(pilot)
        box = app.screen.query_one("#reason", TextArea)
        if key == "t":
            app.screen.query_one("#estimatedShipDate", Input).value = "2027-01-05"
        box.focus()
        await pilot.pause()
        app.post_message(events.Paste(reason))  # as the terminal sends it: to the app
        await pilot.pause()
        assert box.text == reason
        await pilot.press("ctrl+s")
        await settle(pilot)
    kinds = {"x": "cancelled", "t": "estimateUpdated"}
    found = [e for e in shop.events({"backorder": "BO-2"}).data if e.type == kinds[key]]
    assert found and found[-1].data["reason"] == reason


# -- second trial: a pause mid-sentence, keys before a box has focus, ctrl+s in the burst ----


@pilot_test
async def test_a_pause_in_a_sentence_typed_into_the_delete_question_never_answers_yes(
    app: BotuiApp, shop: Service
) -> None:
    before = everything(shop)
    async with app.run_test(size=(80, 24)) as pilot:
        await cursor_on(pilot, "BO-3")
        await pilot.press("d")
        await type_slowly(pilot, "customer")
        await keyboard_quiet(pilot, QUIET_SECONDS + 0.3)  # a pause to think, mid-sentence
        await type_slowly(pilot, " says copy")  # "s", "a" are typing: the "y" is dropped
        await settle(pilot)
        assert isinstance(app.screen, Question)
        await keyboard_quiet(pilot, QUIET_SECONDS + 0.1)
        await said(pilot, "the question is still open")
    assert everything(shop) == before


@pytest.mark.parametrize(("key", "box"), [("r", "#quantity"), ("e", "#quantity")])
@pilot_test
async def test_digits_typed_as_a_dialog_or_form_opens_land_in_its_first_box(
    app: BotuiApp, key: str, box: str
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await cursor_on(pilot, "BO-2")
        await pilot.press(key, "1", "2")  # as fast as keys come: before focus lands
        await wait_until(
            pilot,
            lambda: isinstance(app.focused, Input) and f"#{app.focused.id}" == box,
            f"the focus in {box}",
        )
        await settle(pilot)
        assert app.screen.query_one(box, Input).value == "12"


@pilot_test
async def test_a_quantity_typed_at_typing_speed_into_fulfil_keeps_every_digit(
    app: BotuiApp, shop: Service
) -> None:
    """The first digit opens the quantity box; the box then took the focus and selected what
    it held, so the second digit replaced the first: a new user typed `f 2 5` and shipped 5
    of 50 (the third trial). Each digit must add to the ones before."""
    shop.create_product({"id": "PRD-3", "sku": "TENT-1", "name": "Tent", "stockOnHand": 50})
    backorder = create(shop, NOW - DAY, product="PRD-3", quantity=50)
    shop.confirm({"id": backorder})  # 50 units held: ready to ship
    async with app.run_test(size=(80, 24)) as pilot:
        await cursor_on(pilot, backorder)
        await pilot.press("f")
        await wait_until(pilot, lambda: isinstance(app.screen, Question), "the fulfil question")
        await settle(pilot)
        for digit in "25":
            await pilot.press(digit)
            await keyboard_quiet(pilot, TYPING_SECONDS)
        await settle(pilot)
        assert app.screen.query_one("#quantity", Input).value == "25"
        await keyboard_quiet(pilot, QUIET_SECONDS + 0.1)
        await pilot.press("ctrl+s")
        await settle(pilot)
    shipped = shop.get({"id": backorder})
    assert (shipped.status, shipped.quantity) == ("fulfilled", 25)


@pilot_test
async def test_ctrl_s_in_the_burst_that_opened_the_cancel_question_waits(
    app: BotuiApp, shop: Service
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await cursor_on(pilot, "BO-2")
        await pilot.press("x", "ctrl+s")  # x then ctrl+s at once: not read yet
        await settle(pilot)
        assert isinstance(app.screen, Question)
        assert shop.get({"id": "BO-2"}).status == "confirmed"
        await pilot.press(*"late", "ctrl+s")  # a reason typed: the person is answering
        await settle(pilot)
    assert shop.get({"id": "BO-2"}).status == "cancelled"


@pilot_test
async def test_ctrl_s_after_a_quantity_typed_in_the_burst_that_opened_fulfil_waits(
    app: BotuiApp, shop: Service
) -> None:
    """Digits are no reason: f, 1, ctrl+s typed on at 150 ms ships nothing until a pause
    (a new user shipped with 'f 1 ctrl+s' in one burst; a shipment cannot be undone)."""
    shop.confirm({"id": "BO-1"})  # 2 units held: ready to ship
    before = everything(shop)
    async with app.run_test(size=(80, 24)) as pilot:
        await cursor_on(pilot, "BO-1")
        await pilot.press("f")
        await keyboard_quiet(pilot, TYPING_SECONDS)
        await pilot.press("1")
        await keyboard_quiet(pilot, TYPING_SECONDS)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, Question)
        assert app.screen.query_one("#quantity", Input).value == "1"  # the digit is kept
        assert everything(shop) == before
        await keyboard_quiet(pilot, QUIET_SECONDS + 0.1)
        await said(pilot, "Ignored '<ctrl+s>'")
        await pilot.press("ctrl+s")  # after a pause: ships the 1 typed
        await settle(pilot)
    shipped = shop.get({"id": "BO-1"})
    assert (shipped.status, shipped.quantity) == ("fulfilled", 1)


@pilot_test
async def test_keys_typed_straight_after_leaving_the_detail_screen_act(app: BotuiApp) -> None:
    """The detail screen takes no typing, so nothing typed there can leak: after Esc the next
    keys are meant for the queue (a new member of staff lost '3/BO-3' to the guard)."""
    async with app.run_test(size=(80, 24)) as pilot:
        await cursor_on(pilot, "BO-1")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("escape", "3", "slash", *"BO-1")
        await settle(pilot)
        assert table(app).spec.view == "late" and table(app).spec.text == "BO-1"
        assert "Ignored" not in toasts(app)
