"""Toasts shown while a dialog is open stay off its buttons and keys (80x24)."""

from __future__ import annotations

from pathlib import Path

import pytest
from queue_shop import build_queue_shop
from textual.geometry import Region
from textual.widgets._toast import Toast

from botui.domain.service import Service
from botui.store.db import open_database
from botui.tui.app import BotuiApp
from botui.tui.dialogs._dialog import FormDialog
from tests.pilot import pilot_test, running, settle, wait_until


@pytest.fixture
def shop(tmp_path: Path) -> Service:
    path = tmp_path / "shop.db"
    build_queue_shop(path)
    db = open_database(path)
    yield Service(db)
    db.close()


@pytest.mark.parametrize("key", ["x", "f", "t", "r"])  # cancel, fulfil, estimate, receive
@pilot_test
async def test_a_toast_over_a_dialog_leaves_its_buttons_and_keys_visible(
    shop: Service, key: str
) -> None:
    """The cancel dialog's `Cancel ^s / Keep esc` row was hidden by a toast at 80x24 (trial):
    over a dialog, toasts now sit in the top right corner, above a centred dialog's foot."""
    app = BotuiApp(shop, delay_detection=False)
    async with running(app, notifications=True) as pilot:
        await pilot.press(key)
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        app.notify("Confirmed BO-1: now confirmed, 2 of 2 held\nand a second line", timeout=30)
        await wait_until(pilot, lambda: app.screen.query(Toast), "the toast")
        await settle(pilot)
        dialog = app.screen.query_one("#dialog").region
        foot = Region(dialog.x, dialog.bottom - 3, dialog.width, 3)  # buttons, border
        kept = [app.screen.query_one("#dialog-buttons").region, foot]
        kept += [w.region for w in app.screen.query("#question-keys")]
        for toast in app.screen.query(Toast):
            assert toast.region.area
            assert not any(toast.region.overlaps(region) for region in kept), (
                toast.region,
                kept,
            )
