"""SVG snapshots of the event log focused and filtered, on the frozen shop of tests/log_shop.py."""

from __future__ import annotations

from typing import Any

import pytest
from log_shop import build_log_shop
from textual.pilot import Pilot

from botui.domain.service import Service
from botui.tui.app import BotuiApp
from tests.pilot import settle_still


@pytest.fixture
def app(service: Service) -> BotuiApp:
    build_log_shop(service)
    return BotuiApp(service, delay_detection=False)


async def filtered_by_ben(pilot: Pilot[Any]) -> None:
    """In the log, filtered to ben's lines, the cursor one line up from the newest."""
    await settle_still(pilot)
    await pilot.press("L", "slash", *"ben", "enter", "k")
    await settle_still(pilot)


@pytest.mark.parametrize("size", [(80, 24), (200, 50)], ids=["80x24", "200x50"])
def test_log_focused_and_filtered(snap_compare: Any, app: BotuiApp, size: tuple[int, int]) -> None:
    """Half the screen, a heavy rule titled "▶ Log (focused)" with the filter and its count,
    the cursor's line reversed, the log's keys in the footer."""
    assert snap_compare(app, terminal_size=size, run_before=filtered_by_ben)


def test_log_filter_box_open_80x24(snap_compare: Any, app: BotuiApp) -> None:
    """While typing the filter: the box above the lines, the lines already narrowed."""

    async def typing(pilot: Pilot[Any]) -> None:
        await settle_still(pilot)
        await pilot.press("L", "slash", *"bo-1")
        await settle_still(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=typing)
