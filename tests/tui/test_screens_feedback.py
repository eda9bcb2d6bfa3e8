"""Pilot tests of what a new user found confusing: honest dialogs, every error at once, words."""

from __future__ import annotations

import pytest
from test_screens import (
    UNSET,
    Host,
    error_text,
    text,
    type_into,
)
from textual.widgets import Input, Select, Static

from botui.domain.service import Service
from botui.tui.app import BotuiApp
from botui.tui.dialogs.estimate import EstimateDialog
from botui.tui.dialogs.notify import NotifyDialog
from botui.tui.dialogs.receive import ReceiveDialog
from botui.tui.screens.detail import DetailScreen
from botui.tui.screens.form import BackorderForm
from tests.conftest import NOW
from tests.pilot import notifications, pilot_test, running, settle


def at(service: Service, when: int) -> Service:
    return Service(service.db, clock=lambda: when)


@pytest.fixture
def knives(service: Service, refs: dict[str, str]) -> Service:
    """PRD-7 has no stock; BO-1 (rush, 60) and BO-2 (40) are before BO-3 (2), then BO-4 (5)."""
    service.create_product({"id": "PRD-7", "sku": "KN-7", "name": "Chef's knife"})
    base = {"business": "BIZ-1", "customer": "CUS-1", "product": "PRD-7", "price": 1200}
    at(service, NOW - 500).create({**base, "id": "BO-1", "quantity": 60, "priorityLevel": "rush"})
    at(service, NOW - 400).create({**base, "id": "BO-2", "quantity": 40})
    at(service, NOW - 300).create({**base, "id": "BO-3", "quantity": 2})
    at(service, NOW - 200).create({**base, "id": "BO-4", "quantity": 5})
    return service


# -- receive: the units go by priority across the product ---------------------------------


@pilot_test
async def test_receive_dialog_says_who_is_served_first(knives: Service) -> None:
    app = Host(lambda: ReceiveDialog(knives, ["BO-3"]))
    async with running(app, (60, 20)) as pilot:
        title = text(app.screen.query_one("#dialog-title", Static))
        note = text(app.screen.query_one("#queue-note", Static))
        assert title == "Receive stock of Chef's knife (PRD-7)"
        assert "BO-3" not in title
        assert (
            "Chef's knife (PRD-7): 0 free; its open backorders lack 107 units in all. BO-3 "
            "lacks 2; the 2 backorders before it lack 100 first, so a receipt of 102 fills it; "
            "those after "
            "it lack 5 more." in " ".join(note.split())
        )
        await type_into(pilot, "#quantity", "101")
        await settle(pilot)
        note = " ".join(text(app.screen.query_one("#queue-note", Static)).split())
        assert "Receiving 101: BO-1 gets 60, BO-2 gets 40, BO-3 gets 1; 0 left free." in note
        await type_into(pilot, "#quantity", "110")
        await settle(pilot)
        note = " ".join(text(app.screen.query_one("#queue-note", Static)).split())
        assert "BO-3 gets 2, BO-4 gets 5; 3 left free." in note
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert [o.message for o in app.result] == [
        "BO-3 got 2 units; 100 went first to BO-1 (60) and BO-2 (40), ahead of it in line; "
        "5 to BO-4 (5) after it; 3 left free"
    ]


@pilot_test
async def test_receive_dialog_for_a_backorder_first_in_line(knives: Service) -> None:
    app = Host(lambda: ReceiveDialog(knives, ["BO-1"]))
    async with running(app):
        note = " ".join(text(app.screen.query_one("#queue-note", Static)).split())
    # First in line, yet others wait behind it: the note says both.
    assert "BO-1 is first in line and lacks 60; those after it lack 47 more." in note


# -- the form: every error at once, in the form's words ------------------------------------


@pilot_test
async def test_edit_shows_every_field_error_at_once(knives: Service) -> None:
    app = Host(lambda: BackorderForm(knives, "BO-3"))
    async with running(app) as pilot:
        await type_into(pilot, "#quantity", "0")
        await type_into(pilot, "#estimatedShipDate", "2027-13-45")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Quantity must be a whole number from 1 to 1,000,000" in error_text(app, "quantity")
        assert "2027-13-45 is no date: a month is 01 to 12" in error_text(app, "estimatedShipDate")
        assert app.result is UNSET
    assert knives.get({"id": "BO-3"}).version == 1


@pilot_test
async def test_new_form_shows_every_field_error_at_once(knives: Service) -> None:
    app = Host(lambda: BackorderForm(knives, None))
    async with running(app) as pilot:
        await type_into(pilot, "#quantity", "0")
        await type_into(pilot, "#price", "12")
        await type_into(pilot, "#estimatedDeliveryDate", "tomorrow")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Quantity must be" in error_text(app, "quantity")
        assert "Delivery estimate must be a date" in error_text(app, "estimatedDeliveryDate")
        for field in ("product", "business", "customer"):
            assert f"{field.title()} is required" in error_text(app, field)
        assert error_text(app, "price") == ""


@pilot_test
async def test_service_errors_use_the_form_labels(knives: Service) -> None:
    app = Host(lambda: BackorderForm(knives, "BO-3"))
    async with running(app) as pilot:
        await type_into(pilot, "#estimatedShipDate", "2026-10-10")
        await type_into(pilot, "#estimatedDeliveryDate", "2026-10-01")
        await pilot.press("ctrl+s")
        await settle(pilot)
        shown = error_text(app, "estimatedDeliveryDate")
        assert "Delivery estimate must not be before the ship estimate" in shown
        assert "estimatedShipDate" not in shown
        labels = [text(label) for label in app.screen.query(".field-label")]
        assert "Delivery estimate" in labels and "Ship estimate" in labels


@pilot_test
async def test_estimate_dialog_clears_a_stale_error_when_the_field_is_edited(
    knives: Service,
) -> None:
    app = Host(lambda: EstimateDialog(knives, ["BO-3"]))
    async with running(app) as pilot:
        await type_into(pilot, "#estimatedShipDate", "2026-10-10")
        await type_into(pilot, "#estimatedDeliveryDate", "2026-10-01")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Delivery estimate must not be before the ship estimate" in error_text(
            app, "estimatedDeliveryDate"
        )
        await type_into(pilot, "#estimatedDeliveryDate", "2026-10-12")
        await pilot.pause()
        assert error_text(app, "estimatedDeliveryDate") == ""
        await type_into(pilot, "#estimatedDeliveryDate", "2026-10-01")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "must not be before" in error_text(app, "estimatedDeliveryDate")
        await type_into(pilot, "#estimatedShipDate", "2026-09-30")  # fixed from the other side
        await pilot.pause()
        assert error_text(app, "estimatedDeliveryDate") == ""
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert app.result is not None and app.result[0].ok


# -- a backorder deleted by someone else ---------------------------------------------------


@pilot_test
async def test_detail_action_on_a_backorder_deleted_elsewhere_names_who(knives: Service) -> None:
    app = BotuiApp(knives, delay_detection=False)
    async with running(app) as pilot:
        app.open_detail("BO-3")
        await settle(pilot)
        detail = app.screen
        assert isinstance(detail, DetailScreen)
        Service(knives.db, actor=lambda: "bob").delete({"id": "BO-3"})
        for key in ("c", "e"):
            await pilot.press(key)
            await settle(pilot)
            assert app.screen is detail
        toasts = [str(n.message) for n in notifications(app)]
        banner = text(detail.query_one("#detail-banner", Static))
    assert toasts and all("BO-3 was deleted by bob at 14:13 UTC" in t for t in toasts)
    assert not any("check the id" in t for t in toasts)
    assert banner.startswith("BO-3 was deleted by bob at 14:13 UTC")


@pilot_test
async def test_dialog_applied_to_a_backorder_deleted_meanwhile_names_who(
    knives: Service,
) -> None:
    app = Host(lambda: EstimateDialog(knives, ["BO-3"]))
    async with running(app) as pilot:
        Service(knives.db, actor=lambda: "carol").delete({"id": "BO-3"})
        await type_into(pilot, "#estimatedShipDate", "2026-10-10")
        await pilot.press("ctrl+s")
        await settle(pilot)
        shown = error_text(app, "general")
    assert "BO-3 was deleted by carol at 14:13 UTC" in shown and "check the id" not in shown


@pilot_test
async def test_edit_saved_after_a_delete_elsewhere_names_who(knives: Service) -> None:
    app = Host(lambda: BackorderForm(knives, "BO-3"))
    async with running(app) as pilot:
        Service(knives.db, actor=lambda: "carol").delete({"id": "BO-3"})
        await type_into(pilot, "#quantity", "3")
        await pilot.press("ctrl+s")
        await settle(pilot)
        shown = error_text(app, "general")
    assert "BO-3 was deleted by carol at 14:13 UTC" in shown


# -- notify: what a user can actually do -----------------------------------------------------


@pytest.fixture
def no_phone(knives: Service) -> Service:
    knives.create_customer({"id": "CUS-2", "name": "Mail Only", "email": "m@example.com"})
    knives.create(
        {
            "id": "BO-20",
            "product": "PRD-7",
            "business": "BIZ-1",
            "customer": "CUS-2",
            "quantity": 1,
            "price": 100,
        }
    )
    return knives


@pilot_test
async def test_notify_without_a_phone_points_to_email_and_to_the_customers_screen(
    no_phone: Service,
) -> None:
    app = Host(lambda: NotifyDialog(no_phone, ["BO-20"]))
    async with running(app) as pilot:
        app.screen.query_one("#channel", Select).value = "sms"
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        shown = error_text(app, "channel")
        assert "has no phone number: send it by email instead" in shown
        assert "customers screen (C from the" in shown  # customer.update: no dead end
        assert "cannot change" not in shown
        app.screen.query_one("#channel", Select).value = "email"
        await pilot.pause()
        assert error_text(app, "channel") == ""
    assert no_phone.outbox({}).data == []


@pilot_test
async def test_the_advice_names_the_keys_of_the_users_keymap(no_phone: Service) -> None:
    app = Host(lambda: NotifyDialog(no_phone, ["BO-20"]))
    app.set_keymap({"queue.customers": "ctrl+u", "records.edit": "E"})
    async with running(app) as pilot:
        app.screen.query_one("#channel", Select).value = "sms"
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        shown = " ".join(error_text(app, "channel").split())  # as one line, unwrapped
        assert "customers screen (^u from the queue, then E on CUS-2)" in shown
    assert no_phone.outbox({}).data == []


@pilot_test
async def test_sms_preview_has_no_subject_unless_one_is_typed(knives: Service) -> None:
    app = Host(lambda: NotifyDialog(knives, ["BO-3"]))
    async with running(app) as pilot:
        assert "Subject: Your backorder BO-3" in text(app.screen.query_one("#preview", Static))
        app.screen.query_one("#channel", Select).value = "sms"
        await settle(pilot)
        preview = text(app.screen.query_one("#preview", Static))
        assert "Subject" not in preview and "Hello Ada Lovelace" in preview
        await type_into(pilot, "#subject", "Knife news")
        await pilot.pause()
        assert "Subject: Knife news" in text(app.screen.query_one("#preview", Static))


# -- new: search-as-you-type for the records ---------------------------------------------------


@pilot_test
async def test_new_form_suggests_records_as_you_type(knives: Service) -> None:
    app = Host(lambda: BackorderForm(knives, None))
    async with running(app, (60, 20)) as pilot:
        await type_into(pilot, "#product", "knif")
        await settle(pilot)
        matches = app.screen.query_one("#suggest-product")
        assert matches.display and matches.option_count == 1
        await pilot.press("down", "enter")
        await settle(pilot)
        assert app.screen.query_one("#product", Input).value == "PRD-7"
        assert app.screen.focused is app.screen.query_one("#business", Input)
        assert not app.screen.query_one("#suggest-product").display
        await pilot.press(*"northw")
        await settle(pilot)
        await pilot.press("tab")
        await settle(pilot)
        assert app.screen.query_one("#business", Input).value == "BIZ-1"
        assert app.screen.focused is app.screen.query_one("#customer", Input)
        await pilot.press(*"LOVELACE")
        await settle(pilot)
        await pilot.press("tab")
        await type_into(pilot, "#quantity", "3")
        await type_into(pilot, "#price", "9.50")
        await pilot.press("ctrl+s")
        await settle(pilot)
    created = app.result
    assert created is not None and created.id == knives.get({"id": created.id}).id
    assert (created.product, created.business, created.customer) == ("PRD-7", "BIZ-1", "CUS-1")


@pilot_test
async def test_tab_with_no_matches_moves_on_and_keeps_the_text(knives: Service) -> None:
    app = Host(lambda: BackorderForm(knives, None))
    async with running(app) as pilot:
        await type_into(pilot, "#product", "zzz")
        await settle(pilot)
        offered = app.screen.query_one("#suggest-product")
        assert offered.option_count == 1 and offered.first_record is None  # only "+ new"
        await pilot.press("tab")
        await settle(pilot)
        assert app.screen.query_one("#product", Input).value == "zzz"
        assert app.screen.focused is app.screen.query_one("#business", Input)


@pilot_test
async def test_suggestions_show_record_text_literally(knives: Service) -> None:
    knives.create_customer({"id": "CUS-EVE", "name": "[bold red]Eve[/] [/]"})
    app = Host(lambda: BackorderForm(knives, None))
    async with running(app) as pilot:
        await type_into(pilot, "#customer", "[/]")
        await settle(pilot)
        matches = app.screen.query_one("#suggest-customer")
        shown = str(matches.get_option_at_index(0).prompt)
    assert "CUS-EVE  [bold red]Eve[/] [/]" in shown


# -- narrow terminals --------------------------------------------------------------------------


@pilot_test
async def test_edit_title_wraps_at_60_columns(knives: Service) -> None:
    app = Host(lambda: BackorderForm(knives, "BO-3"))
    async with running(app, (60, 20)):
        title = app.screen.query_one("#form-title", Static)
        assert title.region.height == 2
        assert "unit price 12.00 (fixed)" in " ".join(text(title).split())
