"""The configuration reaches the UI: [display] timezone is the screens' zone, [keys] the keymap."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from botui.domain.service import Service
from botui.settings import Settings
from botui.tui import app as app_module
from botui.tui import times


def test_run_app_takes_the_zone_and_the_keymap(
    service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(times, "ZONE", times.ZONE)  # restored after the test
    seen: dict = {}

    def run(self: app_module.BotuiApp) -> int:
        seen["keymap"] = dict(self._keymap)
        seen["zone"] = times.zone_name()
        return 0

    monkeypatch.setattr(app_module.BotuiApp, "run", run)
    chosen = Settings.model_validate(
        {"display": {"timezone": "Asia/Tokyo"}, "keys": {"fulfil": "F"}}
    )
    assert app_module.run_app(service, chosen) == 0
    assert seen == {"keymap": {"fulfil": "F"}, "zone": "Asia/Tokyo"}
    assert zoneinfo.ZoneInfo("Asia/Tokyo") == times.ZONE
    assert app_module.run_app(service) == 0
    assert times.ZONE is dt.UTC and seen["keymap"] == {}
