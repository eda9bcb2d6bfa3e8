"""The configuration reaches the UI: [display] timezone is the screens' zone, [keys] the keymap."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
import zoneinfo
from pathlib import Path

import pytest

from botui.domain.service import Service
from botui.settings import Settings
from botui.tui import app as app_module
from botui.tui import keymap
from botui.tui.commands import BindingCommands
from botui.tui.dialogs.confirm import Question
from botui.tui.formatting import times
from botui.tui.screens.help import help_rows
from tests.pilot import pilot_test, running, settle

BOTUI = shutil.which("botui", path=str(Path(sys.executable).parent)) or "botui"


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
    # "fulfil" (the contract's example) names the fulfil action on every screen that has it.
    assert seen == {
        "keymap": {"queue.fulfill": "F", "detail.fulfill": "F"},
        "zone": "Asia/Tokyo",
    }
    assert zoneinfo.ZoneInfo("Asia/Tokyo") == times.ZONE
    assert app_module.run_app(service) == 0
    assert times.ZONE is dt.UTC and seen["keymap"] == {}


def test_a_keys_entry_may_be_an_id_or_an_action_and_an_id_wins() -> None:
    assert keymap.expand({"queue.confirm": "C"}) == {"queue.confirm": "C"}
    assert keymap.expand({"fulfill": "F", "detail.fulfill": "ctrl+f"}) == {
        "queue.fulfill": "F",
        "detail.fulfill": "ctrl+f",
    }


def test_a_keys_entry_that_names_no_binding_is_refused_with_its_line(tmp_path: Path) -> None:
    """The UI does not open; the message names the file, the line and the entry."""
    path = tmp_path / "config.toml"
    path.write_text('[display]\ntimezone = "UTC"\n\n[keys]\nfulfil = "F"\nfrobnicate = "z"\n')
    done = subprocess.run(
        [BOTUI, "--config", str(path), "--db", str(tmp_path / "shop.db")],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 2
    assert f"{path}:6: [keys] 'frobnicate' names no key binding" in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""


@pilot_test
async def test_the_users_keys_work_and_show_in_help_and_palette(shop: Service) -> None:
    app = app_module.BotuiApp(shop, delay_detection=False)
    app.set_keymap(keymap.expand({"fulfil": "F", "queue.cancel": "K"}))
    async with running(app, (100, 30)) as pilot:
        assert ("F", "Fulfil") in help_rows(app.screen.active_bindings.values())
        assert ("K", "Cancel") in help_rows(app.screen.active_bindings.values())
        palette = {
            description: keys for description, keys, _ in BindingCommands(app.screen).commands()
        }
        assert palette["Fulfil"] == "F" and palette["Cancel"] == "K"
        await pilot.press("f")  # the old key no longer fulfils
        await settle(pilot)
        assert not isinstance(app.screen, Question)
        await pilot.press("K")
        await settle(pilot)
        assert isinstance(app.screen, Question)
