"""Pilot tests of the detail screen, the backorder form and the action dialogs, through keys."""

from __future__ import annotations

import io
import threading
from collections.abc import Callable
from typing import Any

import pytest
from rich.console import Console
from rich.style import Style
from textual.app import App
from textual.screen import Screen
from textual.widgets import Input, Select, Static, TextArea

from botui.domain.service import Service
from botui.tui.dialogs._fields import InputErrors
from botui.tui.dialogs.estimate import EstimateDialog
from botui.tui.dialogs.notify import NotifyDialog
from botui.tui.dialogs.receive import ReceiveDialog
from botui.tui.formatting.outcome import Outcome
from botui.tui.keys import QUIET_SECONDS
from botui.tui.screens.detail import DetailScreen
from botui.tui.screens.form import BackorderForm, format_metadata, parse_metadata
from tests.conftest import DAY, NOW
from tests.pilot import pilot_test, running, screen_lines, settle, toasts, wait_until

UNSET = object()
END_OF_DAY = 86_399


class Host(App[None]):
    """A bare app that pushes one screen and keeps what it was dismissed with."""

    def __init__(self, make: Callable[[], Screen[Any]]) -> None:
        super().__init__()
        self.make = make
        self.result: Any = UNSET
        self.calls: list[tuple[str, list[str]]] = []

    def on_mount(self) -> None:
        self.push_screen(self.make(), self._done)

    def _done(self, result: Any) -> None:
        self.result = result


class TriageHost(Host):
    """A host with the core app's `run_triage` entry point, recording calls and confirming."""

    def __init__(self, make: Callable[[], Screen[Any]], service: Service) -> None:
        super().__init__(make)
        self.service = service

    def run_triage(self, action: str, ids: list[str]) -> None:
        self.calls.append((action, ids))
        for backorder_id in ids:
            getattr(self.service, action)({"id": backorder_id})


def text(widget: Static) -> str:
    """What a Static shows, as plain text."""
    console = Console(width=120, file=io.StringIO(), color_system=None)
    with console.capture() as captured:
        console.print(widget.content)
    return captured.get().strip()


async def type_into(pilot: Any, selector: str, value: str) -> None:
    """Replace the value of an input with `value` by typing it."""
    widget = pilot.app.screen.query_one(selector)
    widget.focus()
    if isinstance(widget, TextArea):
        widget.text = ""
    else:
        widget.value = ""
    await pilot.press(*list(value) if value else [])


@pytest.fixture
def backorder(service: Service, refs: dict[str, str]) -> str:
    created = service.create(
        {
            "id": "BO-7",
            "product": refs["product"],
            "business": refs["business"],
            "customer": refs["customer"],
            "order": refs["order"],
            "quantity": 5,
            "price": 1250,
            "estimatedShipDate": NOW + 3 * DAY,
        }
    )
    return created.id


# -- detail ------------------------------------------------------------------------------


@pilot_test
async def test_detail_shows_fields_records_and_timeline(service: Service, backorder: str) -> None:
    service.confirm({"id": backorder})
    service.receive_inventory({"product": "PRD-1", "quantity": 2, "receipt": "R-1"})
    service.notify_customer({"id": backorder, "channel": "email", "template": "status"})
    app = Host(lambda: DetailScreen(service, backorder))
    async with running(app):
        facts = text(app.screen.query_one("#facts", Static))
        timeline = text(app.screen.query_one("#timeline", Static))
        notices = text(app.screen.query_one("#notifications", Static))
    assert "confirmed" in facts and "2 of 5 (3 short)" in facts
    assert "Two-person tent" in facts and "Ada Lovelace" in facts and "SO-1001" in facts
    assert "in 3d" in facts
    assert "created: 5 units" in timeline and "confirmed" in timeline
    assert "2 units arrived from receipt R-1" in timeline and "tester" in timeline
    assert "queued" in notices and "ada@example.com" in notices


@pilot_test
async def test_a_split_backorder_says_when_it_was_split_off_and_from_which(
    service: Service, backorder: str
) -> None:
    """A split keeps the original's createdAt (the contract copies it): its detail says when it
    was split off and from which backorder, not only "Created" with the original's date."""
    service.confirm({"id": backorder})
    service.receive_inventory({"product": "PRD-1", "quantity": 5})
    later = Service(service.db, clock=lambda: NOW + 2 * DAY)
    later.fulfill({"id": backorder, "quantity": 2})
    split = next(e for e in service.events({}).data if e.data.get("splitFrom") == backorder)
    app = Host(lambda: DetailScreen(service, split.backorder))
    async with running(app):
        facts = " ".join(text(app.screen.query_one("#facts", Static)).split())
    assert "Split off 2026-09-23 14:13 UTC" in facts, facts
    assert f"Split from {backorder}" in facts and "First created 2026-09-21 14:13" in facts
    original = Host(lambda: DetailScreen(service, backorder))
    async with running(original):
        facts = " ".join(text(original.screen.query_one("#facts", Static)).split())
    assert "Created 2026-09-21 14:13 UTC" in facts and "Split" not in facts, facts


@pilot_test
async def test_detail_follows_a_change_made_elsewhere(service: Service, backorder: str) -> None:
    app = Host(lambda: DetailScreen(service, backorder))
    async with running(app) as pilot:
        other = Service(service.db, actor=lambda: "bob")
        worker = threading.Thread(target=lambda: other.cancel({"id": backorder, "reason": "gone"}))
        worker.start()
        worker.join()
        screen = app.screen
        assert isinstance(screen, DetailScreen)
        await wait_until(  # the screen looks for new events each second
            pilot, lambda: "bob" in text(screen.query_one("#timeline", Static)), "bob's cancel"
        )
        await settle(pilot)
        timeline = text(screen.query_one("#timeline", Static))
        refunds = text(screen.query_one("#refunds", Static))
    assert "bob" in timeline and "cancelled, refund $62.50 (reason: gone)" in timeline
    assert "62.50 by bob: gone" in refunds


@pilot_test
async def test_detail_triage_keys_call_the_app(service: Service, backorder: str) -> None:
    app = TriageHost(lambda: DetailScreen(service, backorder), service)
    async with running(app) as pilot:
        await pilot.press("c")
        await settle(pilot)
        facts = text(app.screen.query_one("#facts", Static))
    assert app.calls == [("confirm", [backorder])]
    assert service.get({"id": backorder}).status == "confirmed"
    assert "confirmed" in facts


def footer_actions(screen: Screen[Any]) -> set[str]:
    """The actions the screen's footer offers now (bindings its check_action allows)."""
    return {active.binding.action for active in screen.active_bindings.values()}


@pilot_test
async def test_detail_offers_only_what_the_status_allows(service: Service, backorder: str) -> None:
    """Pending: confirm but no fulfil; confirmed: fulfil but no confirm; fulfilled: neither,
    no cancel, no dates; a key pressed for a withheld action says why and changes nothing."""
    triage = {"triage('confirm')", "triage('fulfill')", "triage('cancel')", "estimate"}
    app = TriageHost(lambda: DetailScreen(service, backorder), service)
    async with running(app) as pilot:
        assert footer_actions(app.screen) & triage == triage - {"triage('fulfill')"}
        await pilot.press("f")
        await settle(pilot)
        assert app.calls == [] and service.get({"id": backorder}).status == "pending"
        assert "is pending: confirm it first, then fulfil it" in toasts(app)
        await pilot.press("c")
        await settle(pilot)
        assert footer_actions(app.screen) & triage == triage - {"triage('confirm')"}
        service.receive_inventory({"product": "PRD-1", "quantity": 5})
        await pilot.press("f")
        await settle(pilot)
        assert service.get({"id": backorder}).status == "fulfilled"
        assert footer_actions(app.screen) & triage == set()
        assert {"triage('delete')", "edit", "notify_customer"} <= footer_actions(app.screen)
        version = service.get({"id": backorder}).version
        for key in ("c", "f", "x", "t"):
            await pilot.press(key)
            await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
    assert app.calls == [("confirm", [backorder]), ("fulfill", [backorder])]
    assert service.get({"id": backorder}).version == version


@pilot_test
async def test_detail_shows_markup_in_data_literally(service: Service, refs: dict) -> None:
    service.create_customer({"id": "CUS-EVE", "name": "[bold red]Eve[/] [/]"})
    service.create_order({"id": "ORD-E", "customer": "CUS-EVE", "business": "BIZ-1"})
    service.create(
        {
            "id": "BO-EVE",
            "product": "PRD-1",
            "business": "BIZ-1",
            "customer": "CUS-EVE",
            "quantity": 1,
            "price": 0,
            "supplierOrder": "[@click=app.quit]x",
            "metadata": {"note": "[/]"},
        }
    )
    app = Host(lambda: DetailScreen(service, "BO-EVE"))
    async with running(app):
        facts = text(app.screen.query_one("#facts", Static))
        title = text(app.screen.query_one("#detail-title", Static))
    assert "[bold red]Eve[/] [/]" in facts and "[bold red]Eve[/] [/]" in title
    assert "[@click=app.quit]x" in facts and "'[/]'" in facts


@pilot_test
async def test_detail_says_who_deleted_it(service: Service, backorder: str) -> None:
    app = Host(lambda: DetailScreen(service, backorder))
    async with running(app) as pilot:
        Service(service.db, actor=lambda: "carol").delete({"id": backorder})
        app.screen.reload()
        await settle(pilot)
        banner = text(app.screen.query_one("#detail-banner", Static))
        await pilot.press("escape")
        await settle(pilot)
        assert app.result is None
    assert "deleted by carol" in banner


# -- form --------------------------------------------------------------------------------


def error_text(app: App[None], field: str) -> str:
    return text(app.screen.query_one(f"#error-{field}", Static))


@pilot_test
async def test_edit_shows_errors_under_fields_then_saves_the_fix(
    service: Service, backorder: str
) -> None:
    app = Host(lambda: BackorderForm(service, backorder))
    async with running(app) as pilot:
        await type_into(pilot, "#quantity", "0")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Quantity must be a whole number from 1 to 1,000,000" in error_text(app, "quantity")
        assert service.get({"id": backorder}).version == 1
        await type_into(pilot, "#quantity", "8")
        await type_into(pilot, "#estimatedShipDate", "2026-13-40")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert error_text(app, "quantity") == ""
        assert "2026-13-40 is no date" in error_text(app, "estimatedShipDate")
        await type_into(pilot, "#estimatedShipDate", "2026-10-01")
        await pilot.press("ctrl+s")
        await settle(pilot)
    saved = service.get({"id": backorder})
    assert app.result == saved
    assert saved.quantity == 8 and saved.estimated_ship_date == 1_790_812_800 + END_OF_DAY
    assert saved.supplier_order is None and saved.version == 2


@pilot_test
async def test_the_form_clears_a_fields_error_as_soon_as_the_field_is_edited(
    service: Service, backorder: str
) -> None:
    """As in the dialogs (one handler, dialogs._fields.clear_errors_on_edit): an error under a
    box or a text area goes once its field changes, before the next ctrl+s; the others stay."""
    app = Host(lambda: BackorderForm(service, backorder))
    async with running(app) as pilot:
        await type_into(pilot, "#quantity", "0")
        await type_into(pilot, "#metadata", "nonsense")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Quantity must be a whole number" in error_text(app, "quantity")
        assert error_text(app, "metadata") != ""
        await type_into(pilot, "#quantity", "7")
        await pilot.pause()
        assert error_text(app, "quantity") == ""
        assert error_text(app, "metadata") != ""  # not edited: its error stays
        await type_into(pilot, "#metadata", "a=1")
        await pilot.pause()
        assert error_text(app, "metadata") == ""
    assert service.get({"id": backorder}).version == 1  # nothing was saved


@pilot_test
async def test_the_form_warns_of_a_past_ship_date_as_the_estimate_dialog_does(
    service: Service, backorder: str
) -> None:
    app = Host(lambda: BackorderForm(service, backorder))
    async with running(app) as pilot:
        await type_into(pilot, "#estimatedShipDate", "2026-09-01")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert error_text(app, "estimatedShipDate") == (
            "warning: 2026-09-01 is 20 days ago: press ctrl+s again to keep it"
        )
        assert service.get({"id": backorder}).version == 1
        await pilot.press("ctrl+s")
        await settle(pilot)
    saved = service.get({"id": backorder})
    assert saved.version == 2 and saved.estimated_ship_date == 1_788_307_199


@pilot_test
async def test_edit_conflict_names_the_other_writer_and_keeps_the_typing(
    service: Service, backorder: str
) -> None:
    app = Host(lambda: BackorderForm(service, backorder))
    async with running(app) as pilot:
        await type_into(pilot, "#quantity", "9")
        bob = Service(service.db, actor=lambda: "bob")

        def second_writer() -> None:
            with service.db.connection_context():
                bob.update({"id": backorder, "quantity": 6, "supplierOrder": "PO-BOB"})

        writer = threading.Thread(target=second_writer)
        writer.start()
        writer.join()
        await pilot.press("ctrl+s")
        await settle(pilot)
        banner = text(app.screen.query_one("#form-banner", Static))
        assert "changed by bob" in banner and "quantity 5 -> 6" in banner
        assert "supplier order none -> PO-BOB" in banner and "You both changed quantity" in banner
        assert app.screen.query_one("#quantity", Input).value == "9"
        assert app.screen.query_one("#supplierOrder", Input).value == "PO-BOB"
        assert service.get({"id": backorder}).quantity == 6
        await pilot.press("ctrl+s")
        await settle(pilot)
    saved = service.get({"id": backorder})
    assert (saved.quantity, saved.supplier_order, saved.version) == (9, "PO-BOB", 3)


@pilot_test
async def test_new_backorder_through_the_form(service: Service, refs: dict) -> None:
    app = Host(lambda: BackorderForm(service, None))
    async with running(app) as pilot:
        await type_into(pilot, "#quantity", "2")
        await type_into(pilot, "#price", "19.99")
        await type_into(pilot, "#product", "PRD-9")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Customer is required" in error_text(app, "customer")
        assert "no product matches 'PRD-9'" in text(app.screen.query_one("#hint-product", Static))
        await type_into(pilot, "#product", "PRD-1")
        await type_into(pilot, "#business", "BIZ-1")
        await type_into(pilot, "#customer", "CUS-1")
        await type_into(pilot, "#metadata", "channel=phone")
        await settle(pilot)
        assert "Two-person tent" in text(app.screen.query_one("#hint-product", Static))
        await pilot.press("ctrl+s")
        await settle(pilot)
    created = app.result
    assert created is not None and created == service.get({"id": created.id})
    assert (created.price, created.quantity, created.status) == (1999, 2, "pending")
    assert created.metadata == {"channel": "phone"}


@pilot_test
async def test_leaving_the_form_asks_only_when_something_was_typed(
    service: Service, backorder: str
) -> None:
    app = Host(lambda: BackorderForm(service, backorder))
    async with running(app) as pilot:
        await type_into(pilot, "#quantity", "4")
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, BackorderForm)
        assert app.screen.query_one("#quantity", Input).value == "4"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert app.result is None
    assert service.get({"id": backorder}).quantity == 5
    untouched = Host(lambda: BackorderForm(service, backorder))
    async with running(untouched) as pilot:
        await pilot.press("escape")
        await settle(pilot)
        assert untouched.result is None


def test_metadata_reads_back_exactly() -> None:
    for metadata in ({}, {"a": "b c"}, {"n": 3, "s": "3"}, {"k": "line\nbreak"}, {"x=y": "z"}):
        assert parse_metadata(format_metadata(metadata)) == metadata
    assert parse_metadata("a = 1\n\nb=two") == {"a": "1", "b": "two"}
    with pytest.raises(InputErrors, match="line 2 must be key=value"):
        parse_metadata("a=1\nnonsense")


# -- dialogs -----------------------------------------------------------------------------


@pilot_test
async def test_estimate_dialog_refuses_inline_then_applies(
    service: Service, backorder: str
) -> None:
    app = Host(lambda: EstimateDialog(service, [backorder]))
    async with running(app) as pilot:
        assert app.screen.query_one("#estimatedShipDate", Input).value == "2026-09-24"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "The dates are unchanged: change at least one" in error_text(
            app, "estimatedShipDate"
        )
        assert service.events({"backorder": backorder}).data[-1].type == "created"
        await type_into(pilot, "#estimatedDeliveryDate", "2026-09-22")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "must not be before the ship estimate" in error_text(app, "estimatedDeliveryDate")
        await type_into(pilot, "#estimatedDeliveryDate", "2026-09-30")
        await type_into(pilot, "#reason", "supplier is late")
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert app.result == [
        Outcome(backorder, True, f"{backorder} re-estimated: ship 2026-09-24, delivery 2026-09-30")
    ]
    events = service.events({"backorder": backorder}).data
    assert events[-1].type == "estimateUpdated" and events[-1].data["reason"] == "supplier is late"


@pilot_test
async def test_estimate_dialog_warns_of_a_past_date_before_saving_it(
    service: Service, backorder: str
) -> None:
    """A ship date years back is allowed by the contract but is far more often a slip: the
    first ctrl+s only warns under the field; the same date saved again is kept."""
    app = Host(lambda: EstimateDialog(service, [backorder]))
    async with running(app) as pilot:
        await type_into(pilot, "#estimatedShipDate", "2023-01-01")
        await pilot.press("ctrl+s")
        await settle(pilot)
        warning = error_text(app, "estimatedShipDate")
        assert warning == "warning: 2023-01-01 is 3 years ago: press ctrl+s again to keep it"
        assert app.screen.query_one("#error-estimatedShipDate").has_class("-warning")
        assert service.events({"backorder": backorder}).data[-1].type == "created"
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert app.result is not None and app.result[0].ok
    saved = service.get({"id": backorder}).estimated_ship_date
    assert saved == 1_672_531_200 + END_OF_DAY


@pytest.mark.parametrize("no_color", [False, True])
@pilot_test
async def test_a_dialogs_placeholders_are_italic_and_dim_unlike_values(
    service: Service, backorder: str, no_color: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A placeholder ("YYYY-MM-DD", "optional, e.g. supplier delay") looked like a value
    (trial): it is drawn italic and dim, which still shows with NO_COLOR; typing is not."""
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    app = Host(lambda: EstimateDialog(service, [backorder, backorder]))  # nothing prefilled
    async with running(app) as pilot:
        assert app.no_color is no_color

        def styles_of(selector: str, words: str) -> list[Style]:
            widget = app.screen.query_one(selector)
            strips = [widget.render_line(y) for y in range(widget.size.height)]
            found = [s.style for strip in strips for s in strip if words in s.text]
            assert found, f"{words!r} is not drawn in {selector}"
            return [style for style in found if style is not None]

        for selector, words in (
            ("#estimatedDeliveryDate", "YYYY-MM-DD"),
            ("#reason", "supplier delay"),
        ):
            assert all(style.italic for style in styles_of(selector, words)), selector
        await type_into(pilot, "#estimatedShipDate", "2026-10-01")
        await pilot.press("tab")
        await settle(pilot)
        assert not any(style.italic for style in styles_of("#estimatedShipDate", "2026-10-01"))


@pilot_test
async def test_estimate_dialog_on_marked_rows_reports_each(
    service: Service, backorder: str
) -> None:
    other = service.create(
        {"product": "PRD-1", "business": "BIZ-1", "customer": "CUS-1", "quantity": 1, "price": 0}
    )
    service.cancel({"id": other.id})
    app = Host(lambda: EstimateDialog(service, [backorder, other.id]))
    async with running(app) as pilot:
        assert app.screen.query_one("#estimatedShipDate", Input).value == ""
        await type_into(pilot, "#estimatedShipDate", "2026-11-02")
        await pilot.press("ctrl+s")
        await settle(pilot)
    first, second = app.result
    assert first.ok and not second.ok and "closed" in second.message
    assert service.get({"id": backorder}).estimated_ship_date == 1_793_577_600 + END_OF_DAY


@pilot_test
async def test_notify_dialog_previews_and_queues(service: Service, backorder: str) -> None:
    app = Host(lambda: NotifyDialog(service, [backorder]))
    async with running(app) as pilot:
        preview = text(app.screen.query_one("#preview", Static))
        assert "to ada@example.com" in preview and "Hello Ada Lovelace" in preview
        assert "Subject: Your backorder BO-7: pending" in preview
        app.screen.query_one("#template", Select).focus()
        await pilot.press("enter", "down", "down", "down", "down", "enter")
        await type_into(pilot, "#message", "Hi [b]Ada[/b], soon.")
        await pilot.pause()
        preview = text(app.screen.query_one("#preview", Static))
        assert "Hi [b]Ada[/b], soon." in preview and "About your backorder BO-7" in preview
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert app.result is not None and app.result[0].ok
    assert "queued for ada@example.com" in app.result[0].message
    entries = service.outbox({}).data
    assert [(e.channel, e.to, e.body) for e in entries] == [
        ("email", "ada@example.com", "Hi [b]Ada[/b], soon.")
    ]


@pilot_test
async def test_notify_dialog_says_why_a_channel_cannot_reach(service: Service, refs: dict) -> None:
    service.create_customer({"id": "CUS-2", "name": "No Phone", "email": "np@example.com"})
    service.create(
        {
            "id": "BO-2",
            "product": "PRD-1",
            "business": "BIZ-1",
            "customer": "CUS-2",
            "quantity": 1,
            "price": 100,
        }
    )
    app = Host(lambda: NotifyDialog(service, ["BO-2"]))
    async with running(app) as pilot:
        app.screen.query_one("#channel", Select).focus()
        await pilot.press("enter", "down", "enter")
        await pilot.pause()
        assert "has no phone number" in text(app.screen.query_one("#preview", Static))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "has no phone number" in error_text(app, "channel")
        assert app.result is UNSET
    assert service.outbox({}).data == []


@pilot_test
async def test_receive_dialog_allocates_and_refuses_a_repeated_receipt(
    service: Service, backorder: str
) -> None:
    app = Host(lambda: ReceiveDialog(service, [backorder]))
    async with running(app) as pilot:
        await type_into(pilot, "#quantity", "3")
        await type_into(pilot, "#receipt", "R-9")
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert app.result == [Outcome(backorder, True, f"{backorder} got 3 units; 0 left free")]
    assert service.get({"id": backorder}).allocated_quantity == 3
    again = Host(lambda: ReceiveDialog(service, [backorder]))
    async with running(again) as pilot:
        await type_into(pilot, "#quantity", "3")
        await type_into(pilot, "#receipt", "R-9")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "already received" in error_text(again, "receipt")
    assert service.get({"id": backorder}).allocated_quantity == 3


@pilot_test
async def test_receive_dialog_with_two_products_receives_one(
    service: Service, backorder: str
) -> None:
    service.create_product({"id": "PRD-2", "sku": "MAT-1", "name": "Sleeping mat"})
    service.create(
        {
            "id": "BO-8",
            "product": "PRD-2",
            "business": "BIZ-1",
            "customer": "CUS-1",
            "quantity": 2,
            "price": 100,
        }
    )
    app = Host(lambda: ReceiveDialog(service, [backorder, "BO-8"]))
    async with running(app) as pilot:
        note = text(app.screen.query_one("#products-note", Static))
        assert "1 marked backorder of another product left out (BO-8)" in note
        await type_into(pilot, "#quantity", "10")
        await pilot.press("ctrl+s")
        await settle(pilot)
    first, second = app.result
    assert first == Outcome(backorder, True, f"{backorder} got 5 units; 5 left free")
    assert not second.ok and "product PRD-2" in second.message
    assert service.get({"id": "BO-8"}).allocated_quantity == 0


# -- through the real app ----------------------------------------------------------------


@pilot_test
async def test_detail_edit_and_dialog_inside_the_botui_app(
    service: Service, backorder: str
) -> None:
    from botui.tui.app import BotuiApp

    app = BotuiApp(service, delay_detection=False)
    async with running(app) as pilot:
        await pilot.press("enter")
        await settle(pilot)
        detail = app.screen
        assert isinstance(detail, DetailScreen) and detail.backorder_id == backorder
        await pilot.press("c")
        await wait_until(pilot, lambda: "confirmed" in text(detail.query_one("#timeline", Static)))
        assert service.get({"id": backorder}).status == "confirmed"
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, EstimateDialog)
        await type_into(pilot, "#estimatedShipDate", "2026-10-05")
        await pilot.press("ctrl+s")
        await wait_until(
            pilot, lambda: "re-estimated" in text(detail.query_one("#timeline", Static))
        )
        assert app.screen is detail
        await pilot.pause(QUIET_SECONDS)  # keys right after a dialog closes are dropped
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, BackorderForm)
        await type_into(pilot, "#quantity", "6")
        await pilot.press("ctrl+s")
        await wait_until(
            pilot, lambda: "quantity 5 -> 6" in text(detail.query_one("#timeline", Static))
        )
        await pilot.pause(QUIET_SECONDS)
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, DetailScreen)
    saved = service.get({"id": backorder})
    assert (saved.status, saved.quantity, saved.estimated_ship_date) == (
        "confirmed",
        6,
        1_791_158_400 + END_OF_DAY,
    )


@pilot_test
async def test_edit_of_a_missing_backorder_says_so_and_leaves(service: Service, refs: dict) -> None:
    app = Host(lambda: BackorderForm(service, "BO-404"))
    async with running(app) as pilot:
        assert "BO-404 no longer exists" in error_text(app, "general")
        await pilot.press("escape")
        await settle(pilot)
        assert app.result is None


@pilot_test
async def test_notify_dialog_starts_on_the_channel_the_customer_has(
    service: Service, refs: dict
) -> None:
    service.create_customer({"id": "CUS-3", "name": "Phone Only", "phone": "+1 555 0100"})
    service.create(
        {
            "id": "BO-3",
            "product": "PRD-1",
            "business": "BIZ-1",
            "customer": "CUS-3",
            "quantity": 1,
            "price": 100,
        }
    )
    app = Host(lambda: NotifyDialog(service, ["BO-3"]))
    async with running(app, (60, 20)) as pilot:
        assert app.screen.query_one("#channel", Select).value == "sms"
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert [(e.channel, e.to) for e in service.outbox({}).data] == [("sms", "+1 555 0100")]


@pilot_test
async def test_edit_of_a_fulfilled_backorder_offers_only_what_can_change(
    service: Service, backorder: str
) -> None:
    service.receive_inventory({"product": "PRD-1", "quantity": 5})
    service.confirm({"id": backorder})
    service.fulfill({"id": backorder})
    app = Host(lambda: BackorderForm(service, backorder))
    async with running(app) as pilot:
        screen = app.screen
        enabled = {w.id for w in screen.query("Input, Select, TextArea") if not w.disabled}
        assert enabled == {"actualDeliveryDate", "metadata"}
        assert screen.focused is not None and screen.focused.id == "actualDeliveryDate"
        await type_into(pilot, "#actualDeliveryDate", "2026-09-25")
        await type_into(pilot, "#metadata", '{"rating": 5}')
        await pilot.press("ctrl+s")
        await settle(pilot)
    saved = service.get({"id": backorder})
    assert saved.actual_delivery_date == 1_790_294_400 + END_OF_DAY and saved.metadata == {
        "rating": 5
    }


@pilot_test
async def test_detail_of_a_reused_id_shows_only_its_own_history(
    service: Service, backorder: str
) -> None:
    service.cancel({"id": backorder, "reason": "first life"})
    service.delete({"id": backorder})
    service.create(
        {
            "id": backorder,
            "product": "PRD-1",
            "business": "BIZ-1",
            "customer": "CUS-1",
            "quantity": 2,
            "price": 0,
        }
    )
    app = Host(lambda: DetailScreen(service, backorder))
    async with running(app):
        timeline = text(app.screen.query_one("#timeline", Static))
    assert "created: 2 units" in timeline
    assert "created: 5 units" not in timeline and "first life" not in timeline


@pilot_test
async def test_delivered_on_the_day_it_shipped_is_accepted(
    service: Service, backorder: str
) -> None:
    service.receive_inventory({"product": "PRD-1", "quantity": 5})
    service.confirm({"id": backorder})
    service.fulfill({"id": backorder})  # shipped at NOW, 2026-09-21 14:13 UTC
    app = Host(lambda: BackorderForm(service, backorder))
    async with running(app) as pilot:
        await type_into(pilot, "#actualDeliveryDate", "2026-09-21")
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert service.get({"id": backorder}).actual_delivery_date == NOW - NOW % DAY + END_OF_DAY


@pilot_test
async def test_a_phone_number_is_never_broken_across_lines(service: Service, refs: dict) -> None:
    service.create_customer(
        {
            "id": "CUS-P",
            "name": "Bartholomew Featherstonehaugh-Worthington",
            "email": "bartholomew.featherstonehaugh@example.com",
            "phone": "+44 (0)20 7946 0958 1234",
        }
    )
    created = service.create(
        {"product": "PRD-1", "business": "BIZ-1", "customer": "CUS-P", "quantity": 1, "price": 1}
    )
    app = Host(lambda: DetailScreen(service, created.id))
    async with running(app, (60, 40)):
        shown = screen_lines(app)
    phone = [line for line in shown if "Phone" in line]
    assert len(phone) == 1 and "+44 (0)20 7946 0958 1234" in phone[0]
    assert any("bartholomew.featherstonehaugh@example.com" in line for line in shown)


@pilot_test
async def test_the_field_being_typed_into_shows_by_an_attribute_not_colour_alone(
    service: Service, backorder: str
) -> None:
    app = Host(lambda: BackorderForm(service, backorder))
    async with running(app) as pilot:
        for _ in range(3):
            await pilot.press("tab")
            await pilot.pause()
            focused = app.screen.focused
            assert focused is not None
            labels = {
                str(label.render()): "reverse" in str(label.styles.text_style)
                for label in app.screen.query(".field-label")
            }
            line = focused.parent
            while line is not None and "field-line" not in line.classes:
                line = line.parent
            assert line is not None
            mine = str(line.query_one(".field-label").render())
            assert labels.pop(mine) is True
            assert not any(labels.values())  # only the focused field's label


async def orders_offered(pilot: Any, business: str) -> list[str]:
    """Fill in PRD-1, `business` and CUS-1, enter the empty order field: the orders it offers."""
    await type_into(pilot, "#product", "PRD-1")
    await type_into(pilot, "#business", business)
    await type_into(pilot, "#customer", "CUS-1")
    await settle(pilot)
    pilot.app.screen.query_one("#order", Input).focus()
    await settle(pilot)
    offered = pilot.app.screen.query_one("#suggest-order")
    return [str(offered.get_option_at_index(i).prompt) for i in range(offered.option_count)]


@pilot_test
async def test_the_order_field_takes_the_number_people_see_and_offers_the_customers_orders(
    service: Service, refs: dict
) -> None:
    service.create_customer({"id": "CUS-2", "name": "Grace Hopper"})
    service.create_order(
        {"id": "ORD-2", "number": "SO-2002", "customer": "CUS-2", "business": "BIZ-1"}
    )
    app = Host(lambda: BackorderForm(service, None))
    async with running(app, (100, 40)) as pilot:
        shown = await orders_offered(pilot, "BIZ-1")
        assert shown == ["ORD-1  SO-1001 at Northwind Outfitters"]  # only CUS-1's, not SO-2002
        await pilot.press(*"SO-1001")
        await settle(pilot)
        hint = text(app.screen.query_one("#hint-order", Static))
        assert "order SO-1001 (ORD-1) of Ada Lovelace at Northwind Outfitters" in hint
        await type_into(pilot, "#quantity", "1")
        await type_into(pilot, "#price", "5")
        await pilot.press("ctrl+s")
        await settle(pilot)
    created = app.result
    assert created is not None and created.order == "ORD-1"


@pilot_test
async def test_the_order_field_offers_only_the_chosen_business_and_tab_past_it_leaves_it_empty(
    service: Service, refs: dict
) -> None:
    """A new user tabbed past the empty Order field and found an order of another business
    filled in, refused on save."""
    service.create_business({"id": "BIZ-2", "name": "Blue Ridge Cycles"})
    service.create_order(
        {"id": "ORD-3", "number": "SO-3003", "customer": "CUS-1", "business": "BIZ-2"}
    )
    app = Host(lambda: BackorderForm(service, None))
    async with running(app, (100, 40)) as pilot:
        shown = await orders_offered(pilot, "BIZ-2")
        assert shown == ["ORD-3  SO-3003 at Blue Ridge Cycles"]  # not ORD-1 of BIZ-1
        await pilot.press("tab")  # past the optional field: it stays empty
        await settle(pilot)
        assert app.screen.query_one("#order", Input).value == ""
        assert app.focused is not app.screen.query_one("#order", Input)
        await type_into(pilot, "#quantity", "1")
        await type_into(pilot, "#price", "5")
        await pilot.press("ctrl+s")
        await settle(pilot)
    created = app.result
    assert created is not None and created.order is None and created.business == "BIZ-2"


@pilot_test
async def test_the_edit_title_names_the_product_and_customer(
    service: Service, backorder: str
) -> None:
    app = Host(lambda: BackorderForm(service, backorder))
    async with running(app, (100, 30)):
        title = text(app.screen.query_one("#form-title", Static))
    assert "Two-person tent for Ada Lovelace, unit price" in title
    assert "PRD-1" not in title and "CUS-1" not in title
