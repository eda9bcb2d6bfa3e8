"""The queue's export key: the current view and filter to a CSV file here, and a toast naming it."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from botui.tui.app import BotuiApp
from tests.pilot import pilot_test, running, settle, toasts

STAMP = "20260921T141320Z"  # NOW, as the file name spells it


@pilot_test
async def test_export_key_writes_the_view_with_its_filter(
    app: BotuiApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    async with running(app, (100, 30)) as pilot:
        await pilot.press("4")  # ready to ship: BO-1 and BO-4
        await settle(pilot)
        await pilot.press("X")
        await settle(pilot)
        first = tmp_path / f"botui-export-ready-{STAMP}.csv"
        assert f"Exported 2 backorders to {first}" in toasts(app)
        with first.open(encoding="utf-8", newline="") as handle:
            assert [row["id"] for row in csv.DictReader(handle)] == ["BO-1", "BO-4"]
        first.unlink()
        await pilot.press("0", "slash", *"lamp", "enter")  # all views, filtered by product
        await settle(pilot)
        await pilot.press("X")
        await settle(pilot)
        second = tmp_path / f"botui-export-all-{STAMP}.csv"
        with second.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        assert [row["id"] for row in rows] == ["BO-1", "BO-4"]
        assert {row["productName"] for row in rows} == {"Desk lamp"}
        assert f"Exported 2 backorders to {second}" in toasts(app)


@pilot_test
async def test_export_failure_is_said_and_the_queue_stays(
    app: BotuiApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = tmp_path / "gone"
    missing.mkdir()
    monkeypatch.chdir(missing)
    missing.rmdir()  # the folder botui was started in no longer exists
    async with running(app, (100, 30)) as pilot:
        await pilot.press("X")
        await settle(pilot)
        assert "Export failed" in toasts(app)
        assert app.screen.query_one("#queue") is not None
