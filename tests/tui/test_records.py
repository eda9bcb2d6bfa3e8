"""The records screens (P, C, B, O), their dialogs, the New form's create-on-the-way, and the
first steps an empty database shows: keys pressed in the real app, results read back through
the service."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import DataTable, Input, Static
from unit.helpers import snapshot_db

from botui.domain import records
from botui.domain.service import Service
from botui.store.db import open_database
from botui.tui.app import BotuiApp
from botui.tui.commands import BindingCommands
from botui.tui.dialogs.record_dialog import RecordDialog
from botui.tui.screens.form import BackorderForm
from botui.tui.screens.records import RecordsScreen
from botui.tui.widgets.first_steps import FirstSteps
from tests import postgres
from tests.pilot import pilot_test, reads, running, screen_lines, settle, toasts, wait_until


async def typed(pilot: Any, selector: str, value: str) -> None:
    """Empty an input, then type `value` into it key by key."""
    box = pilot.app.screen.query_one(selector, Input)
    box.focus()
    box.value = ""
    await pilot.press(*value)


def shown(widget: Static) -> str:
    return str(widget.render())


def error_under(app: BotuiApp, field: str) -> str:
    return shown(app.screen.query_one(f"#error-{field}", Static))


def all_of(service: Service, kind: str) -> list[Any]:
    with service.db.connection_context():
        return records.page(service, kind).rows


@pilot_test
async def test_an_empty_database_shows_first_steps_until_someone_adds_a_backorder(
    service: Service,
) -> None:
    app = BotuiApp(service, delay_detection=False)
    async with running(app) as pilot:
        panel = app.screen.query_one(FirstSteps)
        assert panel.display and not app.screen.query_one("#queue").display
        words = shown(panel)
        assert f"botui import FILE --db {service.path}" in words
        assert "a new backorder" in words and "P C B" in words
        # Another person adds the first backorder: the live log brings the queue back.
        service.create_business({"id": "BIZ-1", "name": "Northwind"})
        service.create_customer({"id": "CUS-1", "name": "Ada"})
        service.create_product({"id": "PRD-1", "sku": "TENT", "name": "Tent"})
        service.create(
            {"product": "PRD-1", "business": "BIZ-1", "customer": "CUS-1", "quantity": 1,
             "price": 100}
        )  # fmt: skip
        # The live log polls once a second; a loaded machine is slower.
        await wait_until(pilot, lambda: not panel.display, "the queue back", timeout=10)
        await settle(pilot)
        assert not panel.display and app.screen.query_one("#queue").display
        assert app.screen.query_one("#queue").total == 1


@pilot_test
async def test_each_kind_is_created_from_its_list(service: Service) -> None:
    app = BotuiApp(service, delay_detection=False)
    async with running(app) as pilot:
        await pilot.press("B")
        await settle(pilot)
        assert isinstance(app.screen, RecordsScreen) and app.screen.kind == "business"
        await pilot.press("n")
        await reads(pilot)
        await pilot.press(*"Northwind", "ctrl+s")
        await reads(pilot)
        await pilot.press("C", "n")
        await reads(pilot)
        await pilot.press(*"Ada Lovelace", "tab", *"ada@example.com", "ctrl+s")
        await reads(pilot)
        await pilot.press("P", "n")
        await reads(pilot)
        await pilot.press(*"TENT-2P", "tab", *"Two-person tent", "tab", *"1,200", "ctrl+s")
        await reads(pilot)
        assert isinstance(app.screen, RecordsScreen) and app.screen.kind == "product"
        assert app.screen.query_one(DataTable).row_count == 1
        await pilot.press("O", "n")
        await reads(pilot)
        await pilot.press(*"SO-1", "tab", *"ada", "tab", *"north", "tab", "ctrl+s")
        await reads(pilot)
        assert "Order ORD-1 saved" in toasts(app)
    assert [(b.id, b.name) for b in all_of(service, "business")] == [("BIZ-1", "Northwind")]
    customer = all_of(service, "customer")[0]
    assert (customer.name, customer.email, customer.phone) == (
        "Ada Lovelace",
        "ada@example.com",
        None,
    )
    product = all_of(service, "product")[0]
    assert (product.sku, product.name, product.stock_on_hand) == (
        "TENT-2P",
        "Two-person tent",
        1_200,
    )
    order = all_of(service, "order")[0]
    assert (order.number, order.customer, order.business) == ("SO-1", "CUS-1", "BIZ-1")


@pilot_test
async def test_a_refused_duplicate_sku_changes_nothing_and_keeps_the_typing(
    service: Service, refs: dict[str, str]
) -> None:
    service.create_product({"id": "PRD-2", "sku": "LAMP-1", "name": "Desk lamp", "stockOnHand": 3})
    app = BotuiApp(service, delay_detection=False)
    async with running(app) as pilot:
        await pilot.press("P")
        await settle(pilot)
        await pilot.press("enter")  # the cursor is on PRD-1, the first by id
        await reads(pilot)
        dialog = app.screen
        assert isinstance(dialog, RecordDialog) and dialog.record.id == "PRD-1"
        assert "0 free units" in shown(dialog.query_one("#stock", Static))
        await typed(pilot, "#sku", "LAMP-1")
        await typed(pilot, "#name", "Big tent")
        before = snapshot_db(service.db)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is dialog
        assert "already exists" in error_under(app, "sku")
        assert dialog.query_one("#sku", Input).value == "LAMP-1"
        assert dialog.query_one("#name", Input).value == "Big tent"
        assert snapshot_db(service.db) == before
        await typed(pilot, "#sku", "TENT-3P")
        await pilot.press("ctrl+s")
        await reads(pilot)
        assert isinstance(app.screen, RecordsScreen)
    product = service.receive_inventory({"product": "PRD-1", "quantity": 1}).product
    assert (product.sku, product.name) == ("TENT-3P", "Big tent")


@pilot_test
async def test_editing_a_customer_and_filtering_the_list(
    service: Service, refs: dict[str, str]
) -> None:
    for number in range(2, 130):
        service.create_customer({"id": f"CUS-{number:03}", "name": f"Person {number}"})
    app = BotuiApp(service, delay_detection=False)
    async with running(app) as pilot:
        await pilot.press("C")
        await settle(pilot)
        screen = app.screen
        assert "1-100 of 129" in shown(screen.query_one("#records-status", Static))
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert screen.query_one(DataTable).row_count == 29
        await pilot.press("slash", *"lovelace")
        table = screen.query_one(DataTable)
        await wait_until(pilot, lambda: table.row_count == 1, "the list narrowed to Lovelace")
        await settle(pilot)
        await pilot.press("enter", "e")
        await reads(pilot)
        await typed(pilot, "#phone", "")
        await typed(pilot, "#name", "Ada King")
        await pilot.press("ctrl+s")
        await reads(pilot)
        assert "Customer CUS-1 saved" in toasts(app)
    customer = next(c for c in all_of(service, "customer") if c.id == "CUS-1")
    assert (customer.name, customer.email, customer.phone) == ("Ada King", "ada@example.com", None)


@pilot_test
async def test_the_customers_list_fits_80_columns_cutting_the_longest_text(
    service: Service, refs: dict[str, str]
) -> None:
    """At 80 columns every phone shows whole and a long e-mail ends in `…` (a new user saw
    phones cut at the screen's edge with no sign); wider, the e-mail shows whole again."""
    email = "anders.garcia-lindqvist105@mail.northwind-outfitters.example.com"
    for number in range(2, 40):
        service.create_customer(
            {
                "id": f"CUS-{number}",
                "name": f"Bartholomew Featherstonehaugh {number}",
                "email": email if number == 2 else f"p{number}@example.com",
                "phone": f"+1 555 {number:03} 5530",
            }
        )
    app = BotuiApp(service, delay_detection=False)
    async with running(app, (80, 24)) as pilot:
        await pilot.press("C")
        await settle(pilot)
        lines = screen_lines(app)
        row = next(line for line in lines if "CUS-2 " in line)
        assert "+1 555 002 5530" in row and "…" in row and email not in row, row
        rows = [line for line in lines if line.startswith(" CUS-") and "CUS-1 " not in line]
        phones = [f"+1 555 {int(line.split()[0][4:]):03} 5530" for line in rows]
        assert len(rows) > 10 and all(p in line for p, line in zip(phones, rows, strict=True))
        await pilot.resize_terminal(200, 24)
        await settle(pilot)
        row = next(line for line in screen_lines(app) if "CUS-2 " in line)
        assert email in row and "…" not in row, row


@pilot_test
async def test_j_and_k_move_in_a_records_list_as_in_the_queue(
    service: Service, refs: dict[str, str]
) -> None:
    for number in range(2, 6):
        service.create_customer({"id": f"CUS-{number}", "name": f"Person {number}"})
    app = BotuiApp(service, delay_detection=False)
    async with running(app) as pilot:
        await pilot.press("C")
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        await pilot.press("j", "j")
        assert table.cursor_row == 2
        await pilot.press("k")
        assert table.cursor_row == 1
        await pilot.press("e")
        await reads(pilot)
        assert app.screen.query_one("#name", Input).value == "Person 2"  # the row j reached


@pilot_test
async def test_the_new_form_creates_a_missing_customer_and_product_on_the_way(
    service: Service, refs: dict[str, str]
) -> None:
    app = BotuiApp(service, delay_detection=False)
    async with running(app) as pilot:
        await pilot.press("n")
        await reads(pilot)
        form = app.screen
        assert isinstance(form, BackorderForm)
        await typed(pilot, "#quantity", "2")
        await typed(pilot, "#price", "49.50")
        await typed(pilot, "#product", "KAYAK-1")
        await settle(pilot)
        assert "creates a new product" in shown(form.query_one("#hint-product", Static))
        await pilot.press("down", "enter")
        await reads(pilot)
        assert isinstance(app.screen, RecordDialog)
        assert app.screen.query_one("#sku", Input).value == "KAYAK-1"
        await pilot.press("tab", *"Sea kayak", "ctrl+s")
        await reads(pilot)
        assert app.screen is form and form.query_one("#product", Input).value == "PRD-2"
        await typed(pilot, "#customer", "Zed Quinn")
        await settle(pilot)
        await pilot.press("down", "enter")
        await reads(pilot)
        assert app.screen.query_one("#name", Input).value == "Zed Quinn"
        await pilot.press("ctrl+s")
        await reads(pilot)
        assert form.query_one("#customer", Input).value == "CUS-2"
        assert form.query_one("#quantity", Input).value == "2"  # the other typing is kept
        await typed(pilot, "#business", "BIZ-1")
        await pilot.press("ctrl+s")
        await reads(pilot)
        assert "saved" in toasts(app)
    (created,) = service.list({"customer": "CUS-2"}).data
    assert (created.product, created.quantity, created.price) == ("PRD-2", 2, 4950)
    kayak = service.receive_inventory({"product": "PRD-2", "quantity": 1}).product
    assert (kayak.sku, kayak.name) == ("KAYAK-1", "Sea kayak")


@pilot_test
async def test_the_records_keys_are_palette_commands(
    service: Service, refs: dict[str, str]
) -> None:
    app = BotuiApp(service, delay_detection=False)
    async with running(app) as pilot:
        commands = {
            description: run for description, _, run in BindingCommands(app.screen).commands()
        }
        assert {"Products", "Customers", "Businesses", "Orders"} <= set(commands)
        await commands["Orders"]()
        await settle(pilot)
        assert isinstance(app.screen, RecordsScreen) and app.screen.kind == "order"
        assert app.screen.query_one(DataTable).row_count == 1
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, RecordsScreen)


@pilot_test
async def test_a_read_only_database_refuses_new_and_edit(
    service: Service, refs: dict[str, str], db_path: Path
) -> None:
    readonly = Service(open_database(db_path, readonly=True))
    app = BotuiApp(readonly, delay_detection=False)
    async with running(app) as pilot:
        await pilot.press("C", "n")
        await settle(pilot)
        assert isinstance(app.screen, RecordsScreen)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, RecordsScreen)
        assert "read-only" in toasts(app)


def cell(screen: RecordsScreen, row: int, column: str) -> str:
    return str(screen.query_one(DataTable).get_cell_at((row, COLUMNS_OF[column])))


COLUMNS_OF = {"Id": 0, "Name": 1, "Email": 2, "Phone": 3}


@pytest.mark.parametrize("engine", postgres.ENGINES, indirect=True)  # records' SQL differs
@pilot_test
async def test_a_save_over_another_desks_change_shows_it_keeps_the_typing_then_saves_on_purpose(
    service: Service, refs: dict[str, str]
) -> None:
    """The trial: two desks edit CUS-1's phone; the second to save was told nothing and the
    first's phone was lost."""
    app = BotuiApp(service, delay_detection=False)
    async with running(app) as pilot:
        await pilot.press("C")
        await settle(pilot)
        records_screen = app.screen
        await pilot.press("e")
        await reads(pilot)
        dialog = app.screen
        assert isinstance(dialog, RecordDialog) and dialog.record.id == "CUS-1"
        await typed(pilot, "#phone", "+1 555 000 2222")
        # Meanwhile another desk saves the same customer: a new phone and a new e-mail.
        service.update_customer(
            {"id": "CUS-1", "phone": "+1 555 000 1111", "email": "ada@desk-a.example"}
        )
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is dialog  # refused: the dialog stays, nothing of it saved
        assert dialog.query_one("#phone", Input).value == "+1 555 000 2222"  # typing kept
        assert "'+1 555 000 1111'" in error_under(app, "phone")  # what they saved, where
        assert "changed by someone else" in error_under(app, "general")
        # The e-mail, left as read, now shows theirs: saving yours will not undo it.
        assert dialog.query_one("#email", Input).value == "ada@desk-a.example"
        customer = service.record("customer", "CUS-1")
        assert (customer.phone, customer.email) == ("+1 555 000 1111", "ada@desk-a.example")
        await pilot.press("ctrl+s")  # having seen it, save yours on purpose
        await reads(pilot)
        assert app.screen is records_screen
        assert "Customer CUS-1 saved" in toasts(app)
        assert cell(records_screen, 0, "Phone") == "+1 555 000 2222"
    customer = service.record("customer", "CUS-1")
    assert (customer.phone, customer.email) == ("+1 555 000 2222", "ada@desk-a.example")


@pilot_test
async def test_another_desks_edit_of_another_field_merges_and_the_list_reads_again(
    service: Service, refs: dict[str, str]
) -> None:
    app = BotuiApp(service, delay_detection=False)
    async with running(app) as pilot:
        await pilot.press("C")
        await settle(pilot)
        records_screen = app.screen
        assert isinstance(records_screen, RecordsScreen)
        service.update_customer({"id": "CUS-1", "email": "ada@desk-a.example"})
        await pilot.press("e")
        await reads(pilot)
        await pilot.press("escape")  # left unchanged: the list shows what is there now
        await reads(pilot)
        assert app.screen is records_screen
        assert cell(records_screen, 0, "Email") == "ada@desk-a.example"
        service.update_customer({"id": "CUS-1", "email": "ada@desk-b.example"})
        await pilot.press("e")
        await reads(pilot)
        await typed(pilot, "#name", "Ada King")
        await pilot.press("ctrl+s")
        await reads(pilot)
        assert app.screen is records_screen and "Customer CUS-1 saved" in toasts(app)
        assert cell(records_screen, 0, "Email") == "ada@desk-b.example"
    customer = service.record("customer", "CUS-1")
    assert (customer.name, customer.email) == ("Ada King", "ada@desk-b.example")
