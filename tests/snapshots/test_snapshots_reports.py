"""SVG snapshots of the reports screen at 80x24, on the frozen shop of tests/reports_shop.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from reports_shop import build_shop
from textual.pilot import Pilot

from botui.domain.service import Service
from botui.store.db import open_database
from botui.tui.app import BotuiApp
from tests.pilot import settle

SIZE = (80, 24)


@pytest.fixture
def shop(tmp_path: Path) -> Service:
    path = tmp_path / "shop.db"
    build_shop(path)
    db = open_database(path)
    yield Service(db)
    db.close()


def _open(*keys: str):
    """Open the reports (R) once the queue is up, then press `keys`."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        if keys:
            await pilot.press(*keys)
            await settle(pilot)

    return run_before


@pytest.mark.parametrize(("name", "keys"), [("aging", ()), ("products", ("2",)),
                                            ("service", ("3",))])  # fmt: skip
def test_reports(snap_compare: Any, shop: Service, name: str, keys: tuple[str, ...]) -> None:
    app = BotuiApp(shop, delay_detection=False)
    assert snap_compare(app, terminal_size=SIZE, run_before=_open(*keys))


def test_reports_service_without_colour(
    snap_compare: Any, shop: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = BotuiApp(shop, delay_detection=False)
    assert snap_compare(app, terminal_size=SIZE, run_before=_open("3"))
