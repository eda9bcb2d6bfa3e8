"""The queue's export key: the current view and filter to a CSV file here, and a toast naming it."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from queue_shop import build_queue_shop
from textual.widgets._toast import Toast, ToastRack

from botui.domain.service import Service
from botui.store.db import open_database
from botui.tui.app import BotuiApp
from botui.tui.screens.queue import short_folder
from tests.cli.runner import botui
from tests.pilot import cursor_on, pilot_test, reads, running, settle, toasts, wait_until

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


@pytest.fixture
def eight(tmp_path: Path) -> Service:
    """tests/queue_shop.py: eight backorders of three customers, two products, every status."""
    path = tmp_path / "eight.db"
    build_queue_shop(path)
    db = open_database(path)
    yield Service(db)
    db.close()


def _shown(app: BotuiApp) -> list[str]:
    """Every row the queue holds for its spec (all of them fit on the screen here)."""
    table = app.screen.query_one("#queue")
    assert table.window.counted and table.window.total == len(table.window.rows)
    return [row.id for row in table.window.rows]


def _written(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [row["id"] for row in csv.DictReader(handle)]


async def _export(pilot, app: BotuiApp, path: Path) -> list[str]:
    await reads(pilot)  # a key right after a picker closes is dropped (tui.keys)
    await pilot.press("X")
    await wait_until(pilot, path.is_file, f"{path.name} written")
    await settle(pilot)
    return _written(path)


@pilot_test
async def test_export_after_narrowing_holds_exactly_the_rows_on_screen(
    eight: Service, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A narrowing (=) is part of what the screen shows: the file holds those rows and no
    others, in the screen's order, and the toast says what narrowed them."""
    monkeypatch.chdir(tmp_path)
    app = BotuiApp(eight, delay_detection=False)
    async with running(app, (100, 30), notifications=True) as pilot:
        await pilot.press("0")  # all: eight backorders
        await settle(pilot)
        await cursor_on(pilot, "A1")  # Ada Lovelace's
        await pilot.press("equals_sign")
        await settle(pilot)
        await pilot.press("c")  # narrow to her backorders
        await settle(pilot)
        on_screen = _shown(app)
        assert on_screen == ["A1", "A3", "A2", "A4"]
        path = tmp_path / f"botui-all-{STAMP}.csv"
        assert await _export(pilot, app, path) == on_screen
        said = toasts(app)
        assert "Exported 4 backorders to" in said
        assert "customer: Ada Lovelace" in said
        path.unlink()
        # Narrowed again (status) and sorted the other way: still the screen, in its order.
        await cursor_on(pilot, "A2")
        await pilot.press("equals_sign")
        await settle(pilot)
        await pilot.press("s")  # confirmed
        await reads(pilot)
        await pilot.press("slash", *"lantern", "enter")
        await settle(pilot)
        assert _shown(app) == ["A2"]
        await pilot.press("escape")  # the filter goes, the narrowings stay
        await settle(pilot)
        await reads(pilot)
        await pilot.press("s", "S")  # sort by ship date, latest first
        await settle(pilot)
        on_screen = _shown(app)
        assert on_screen == ["A2"]  # her only confirmed one
        assert await _export(pilot, app, path) == on_screen
        assert "status: confirmed" in toasts(app) and "sort: ship date" in toasts(app)


@pilot_test
async def test_export_in_a_sorted_narrowed_view_keeps_the_screens_order(
    eight: Service, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = BotuiApp(eight, delay_detection=False)
    async with running(app, (100, 30), notifications=True) as pilot:
        await pilot.press("0", "s", "S")  # all, by ship date, latest first
        await settle(pilot)
        await cursor_on(pilot, "G2")  # Two-person tent
        await pilot.press("equals_sign")
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        on_screen = _shown(app)
        assert on_screen == ["G2", "A1", "G1", "A3"]  # dated latest first, then the undated
        path = tmp_path / f"botui-all-{STAMP}.csv"
        assert await _export(pilot, app, path) == on_screen
        said = toasts(app)
        assert "Exported 4 backorders to" in said and "product: Two-person tent" in said
        assert "sort: ship date ▼" in said


@pilot_test
async def test_export_after_a_reports_row_holds_that_rows_backorders(
    eight: Service, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Enter on a report's row (an aging bucket, a product) shows only its backorders: the
    export holds those, and the toast says which bucket or product."""
    monkeypatch.chdir(tmp_path)
    app = BotuiApp(eight, delay_detection=False)
    async with running(app, (100, 30), notifications=True) as pilot:
        await pilot.press("R")
        await settle(pilot)
        await pilot.press("down", "enter")  # aging 4-7 days
        await settle(pilot)
        on_screen = _shown(app)
        assert on_screen == ["A1", "A2", "G1"]  # open ones only (A4 is cancelled)
        path = tmp_path / f"botui-open-{STAMP}.csv"
        assert await _export(pilot, app, path) == on_screen
        assert "Exported 3 backorders to" in toasts(app)
        assert "age: 4-7 days" in toasts(app)
