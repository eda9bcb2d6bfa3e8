"""Quit pressed before the queue finished its first mount: no traceback, a clean exit.

The queue mounts its footer, first-steps panel, filter box and log only once its first rows are
shown (QueueTable.FirstShown, issue 12). A person who presses q at once can quit while that
message is still on its way to the screen: the app is exiting (`is_attached` is False from
`App.exit()` on), and mounting then raised a MountError (or, later, NoMatches for a panel that
was never mounted). `QueueScreen._start_polling` returns early in that case; this test fails
without that guard.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest

from botui.domain.service import Service
from botui.tui.app import BotuiApp
from botui.tui.widgets.footer import KeyFooter
from botui.tui.widgets.queue_table import QueueTable
from tests.pilot import pilot_test, wait_until


@pilot_test
async def test_quit_before_the_first_rows_finished_mounting_exits_cleanly(
    shop: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The table says FirstShown once the ends of the view are read ahead: held here, so the
    # screen has not had its FirstShown yet when q comes (as on a slow start).
    held = threading.Event()
    read_ends = shop.queue_ends

    def ends_held(*args: Any, **kwargs: Any) -> Any:
        held.wait(10)
        return read_ends(*args, **kwargs)

    monkeypatch.setattr(shop, "queue_ends", ends_held)
    app = BotuiApp(shop, delay_detection=False)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            screen = app.screen
            await wait_until(pilot, lambda: screen.table.window.counted, "the first rows")
            assert not screen.query(KeyFooter)  # the first mount has not happened
            # The first rows are shown: FirstShown is on its way to the screen. In the same
            # turn of the event loop the person's q is handled (the action q is bound to;
            # nothing holds typing, so it exits at once), before the screen reads its message.
            screen.post_message(QueueTable.FirstShown())
            await app.action_quit()
            assert not screen.is_attached
    finally:
        held.set()
    assert app._exception is None, app._exception
    assert app.return_code == 0
    assert not screen.query(KeyFooter)  # nothing was mounted on the closing screen
