"""The queue's export key: the current view and filter to a CSV file here, and a toast naming it."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from textual.widgets._toast import Toast, ToastRack

from botui.domain.service import Service
from botui.tui.app import BotuiApp
from botui.tui.screens.queue import short_folder
from tests.cli.runner import botui
from tests.pilot import pilot_test, running, settle, toasts, wait_until

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
        first = tmp_path / f"botui-ready-{STAMP}.csv"
        folder = short_folder(tmp_path, 33)
        assert f"Exported 2 backorders to\n{first.name}\nin {folder}" in toasts(app)
        with first.open(encoding="utf-8", newline="") as handle:
            assert [row["id"] for row in csv.DictReader(handle)] == ["BO-1", "BO-4"]
        first.unlink()
        await pilot.press("0", "slash", *"lamp", "enter")  # all views, filtered by product
        await settle(pilot)
        await pilot.press("X")
        await settle(pilot)
        second = tmp_path / f"botui-all-{STAMP}.csv"
        with second.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        assert [row["id"] for row in rows] == ["BO-1", "BO-4"]
        assert {row["productName"] for row in rows} == {"Desk lamp"}
        assert f"Exported 2 backorders to\n{second.name}" in toasts(app)


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


@pilot_test
async def test_export_toast_names_the_file_whole_at_80_columns(
    app: BotuiApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The toast names the file on a line of its own, uncut at 80x24, with its folder and the
    unit of its prices (a new user saw the path wrapped mid-name and took the cents for
    dollars)."""
    folder = tmp_path / "a-rather-long-folder-name-for-the-shops-exports"
    folder.mkdir()
    monkeypatch.chdir(folder)
    async with running(app, (80, 24), notifications=True) as pilot:
        await pilot.press("X")
        await settle(pilot)
        name = f"botui-open-{STAMP}.csv"
        assert (folder / name).is_file()
        await wait_until(pilot, lambda: app.screen.query(Toast), "the toast on screen")
        [toast] = app.screen.query_one(ToastRack).query(Toast)
        assert toast.region.height == 4  # four lines, none wrapped
        assert toasts(app).splitlines()[1] == name
        assert "price in cents" in toasts(app)
        shown = short_folder(folder, 33)
        assert f"\nin {shown}\n" in toasts(app)
        assert len(shown) == 33 and shown.startswith("…") and shown.endswith("exports")


@pilot_test
async def test_export_key_writes_what_botui_export_writes(
    app: BotuiApp, shop: Service, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The key and the command share one writer: the same columns, units and rows, byte for
    byte (price in integer cents, dates ISO 8601 UTC)."""
    monkeypatch.chdir(tmp_path)
    async with running(app, (100, 30)) as pilot:
        await pilot.press("1")  # open
        await settle(pilot)
        await pilot.press("X")
        await settle(pilot)
    written = (tmp_path / f"botui-open-{STAMP}.csv").read_bytes()
    done = botui("export", "--db", str(shop.db.database), "--view", "open")
    assert done.status == 0, done.stderr
    assert written == done.stdout.encode()
    header = written.decode().splitlines()[0].split(",")
    assert "price" in header and "customerName" in header
