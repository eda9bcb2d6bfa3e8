"""Keys on the cursor's row while another view's rows are still on screen.

A new user's second trial typed `2 j c` as botui opened: the view bar said pending, but the
rows on screen were still the open view's (the pending read was on its way), and `c` confirmed
the open view's second row. A key that acts on the cursor's row now waits for the rows of the
view asked for: it does nothing and says so.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from textual.widgets import TextArea

from botui.domain.service import Service
from botui.tui.app import BotuiApp
from botui.tui.widgets.queue_table import QueueTable
from tests.pilot import cursor_on, pilot_test, send_bytes, settle, toasts, wait_until


@pytest.mark.parametrize("key", ["c", "enter", "e"])
@pilot_test
async def test_a_key_on_the_row_waits_for_the_views_rows(
    shop: Service, monkeypatch: pytest.MonkeyPatch, key: str
) -> None:
    before = {i: shop.get({"id": i}).model_dump() for i in ("BO-1", "BO-2", "BO-3", "BO-4")}
    held = threading.Event()

    def pending_held(read: Any) -> Any:
        def reading(spec: Any, *args: Any, **kwargs: Any) -> Any:
            if getattr(spec, "view", None) == "pending":
                held.wait(10)
            return read(spec, *args, **kwargs)

        return reading

    for name in ("queue_first_rows", "queue_window", "queue_offset", "queue_count"):
        monkeypatch.setattr(shop, name, pending_held(getattr(shop, name)))
    app = BotuiApp(shop, delay_detection=False)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            table = app.screen.table
            await wait_until(pilot, lambda: table.window.counted, "the open view's rows")
            await pilot.press("2", "j", key)  # pending asked for, its rows not read yet
            await pilot.pause(0.3)  # not settle: it waits for the held read
            assert table.window.spec.view == "open"  # still the open view's rows
            assert app.screen is not None and app.screen.__class__.__name__ == "QueueScreen"
            assert "Still reading the pending view" in toasts(app)
            held.set()
            await wait_until(pilot, lambda: table.window.spec.view == "pending", "pending rows")
            assert table.current is not None and table.current.status == "pending"
            screen = app.screen
            await wait_until(pilot, lambda: bool(screen.query("#first-steps")), "the rest")
    finally:
        held.set()
    assert {i: shop.get({"id": i}).model_dump() for i in before} == before


@pytest.mark.parametrize(("typed", "box", "expected"), [(b"xsupplier", "#reason", "supplier")])
@pilot_test
async def test_keys_in_one_read_with_the_key_that_opens_a_dialog_land_in_it_in_order(
    app: BotuiApp, shop: Service, typed: bytes, box: str, expected: str
) -> None:
    """Keys that come in one read (as botui opens, or over a slow link) wait in the queue's
    line while the first of them opens a dialog; they reached the queue after it was covered
    and were lost: `x supplier` typed as botui opened gave the reason 'upplier' (second
    trial). They go to the dialog now, in the order typed."""
    before = {i: shop.get({"id": i}).model_dump() for i in ("BO-1", "BO-2", "BO-3", "BO-4")}
    async with app.run_test(size=(80, 24)) as pilot:
        await cursor_on(pilot, "BO-2")
        await send_bytes(pilot, typed)
        await wait_until(pilot, lambda: bool(app.screen.query(box)), "the dialog's box")
        await settle(pilot)
        assert app.screen.query_one(box, TextArea).text == expected
        assert app.screen.__class__.__name__ == "CancelQuestion"
        assert app.query_one(QueueTable).spec.sort == "triage"  # no key reached the queue
    assert {i: shop.get({"id": i}).model_dump() for i in before} == before
