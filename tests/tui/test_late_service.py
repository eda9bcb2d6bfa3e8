"""The Service opened after the first frame (issue 12: start-up, domain.late).

On a current SQLite file `botui` draws the queue's first rows read without the Service and opens
it right after. Nothing a person does meanwhile may fail: keys pressed in the first moments wait
for it and then act through it. If it cannot be opened after all, botui ends with the message
and exit status it would have given had it opened the Service first.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from botui.domain.errors import storage_error
from botui.domain.late import LateService
from botui.domain.service import Service
from botui.tui.app import BotuiApp
from botui.tui.first_rows import FirstRows
from botui.tui.widgets.queue_table import QueueTable
from tests.pilot import pilot_test, settle, toasts, wait_until

pytestmark = pytest.mark.sqlite_only  # the late Service is for SQLite files only

SIZE = (100, 24)
OPENING_SECONDS = 0.4


def _late(
    shop: Service, path: Path, opened: list[tuple[str, int]], frames: list[Any]
) -> LateService:
    """A LateService on `path` whose opening takes OPENING_SECONDS, noting which thread opened
    it and how many frames of the queue were drawn by then."""

    def opener() -> Service:
        opened.append((threading.current_thread().name, len(frames)))
        time.sleep(OPENING_SECONDS)
        return shop

    return LateService(path, opener)


def _frames(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    frames: list[Any] = []
    render = QueueTable.render_lines

    def recorded(table: QueueTable, crop: Any) -> Any:
        frames.append([row.id for row in table.window.rows])
        return render(table, crop)

    monkeypatch.setattr(QueueTable, "render_lines", recorded)
    return frames


def _status(shop: Service, backorder_id: str) -> str:
    return shop.get({"id": backorder_id}).status


@pilot_test
async def test_the_first_frame_needs_no_service_and_it_opens_after_in_a_worker(
    shop: Service, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    frames = _frames(monkeypatch)
    opened: list[tuple[str, int]] = []
    late = _late(shop, db_path, opened, frames)
    first_rows = FirstRows.from_file(db_path, height=SIZE[1])
    assert first_rows is not None
    app = BotuiApp(late, delay_detection=False, first_rows=first_rows)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: frames, "the first paint")
        assert frames[0] == ["BO-1", "BO-2", "BO-3", "BO-4"]
        await wait_until(pilot, lambda: late.opened, "the Service opened")
        await settle(pilot)
        [(thread, drawn)] = opened  # once, after the first frame, off the event loop
        assert drawn >= 1 and thread != threading.main_thread().name
        assert app.query_one(QueueTable).total == 4  # the queue's own read, counted


@pilot_test
async def test_keys_pressed_while_the_service_opens_wait_and_then_act(
    shop: Service, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`c` on the first row and a view key, pressed as soon as the rows show: the confirm is
    made through the Service once it is open, and the view shows its own rows."""
    frames = _frames(monkeypatch)
    opened: list[tuple[str, int]] = []
    late = _late(shop, db_path, opened, frames)
    app = BotuiApp(
        late, delay_detection=False, first_rows=FirstRows.from_file(db_path, height=SIZE[1])
    )
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: frames, "the first paint")
        assert not late.opened
        await pilot.press("c")
        assert not late.opened  # the key did not wait on the event loop
        await wait_until(pilot, lambda: late.opened, "the Service opened")
        await settle(pilot)
        assert _status(shop, "BO-1") == "confirmed"
        assert "BO-1 confirmed" in toasts(app)
        await pilot.press("2")  # pending
        await settle(pilot)
        ids = [row.id for row in app.query_one(QueueTable).window.rows]
        assert ids == ["BO-3"]


@pilot_test
async def test_a_service_that_cannot_be_opened_ends_the_app_with_its_status(
    shop: Service, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    frames = _frames(monkeypatch)

    def opener() -> Service:
        raise storage_error(f"the database failed: {db_path} went away")

    late = LateService(db_path, opener)
    app = BotuiApp(
        late, delay_detection=False, first_rows=FirstRows.from_file(db_path, height=SIZE[1])
    )
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: late.error is not None, "the failed opening")
        await wait_until(pilot, lambda: app.return_code is not None, "the app's end")
    assert frames  # the first rows were shown before
    assert late.error is not None and app.return_code == late.error.exit_status == 1
    with pytest.raises(type(late.error)):
        late.get({"id": "BO-1"})  # the same error for anyone who asks again


# -- the command: the same message and status whichever way it fails -----------------------

PROBE = r"""
import json, sys
import textual.app
from botui import cli
from botui.domain import quick
from botui.domain.errors import storage_error

run = textual.app.App.run
started = []

def headless(self, *args, **kwargs):
    started.append(True)
    kwargs["headless"] = True
    return run(self, *args, **kwargs)

def failing(db_arg):
    raise storage_error("the database failed: disk I/O error")

textual.app.App.run = headless
cli._open_ui_service = failing
if sys.argv[1] == "first":  # no quick read: the Service is opened before the UI, as ever
    quick.first_rows = lambda *args: None
status = cli.main(sys.argv[2:])
print(json.dumps({"status": status, "ui": bool(started)}))
"""


def _botui(how: str, db: Path) -> tuple[dict[str, Any], str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, how, "--db", str(db)],
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("BOTUI_")},
            "XDG_CONFIG_HOME": str(db.parent),
            "BOTUI_NOW": "1790000000",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1]), done.stderr.strip().splitlines()[-1]


def test_a_failed_late_opening_says_what_an_opening_before_the_ui_says(
    shop: Service, db_path: Path
) -> None:
    late, late_said = _botui("late", db_path)
    first, first_said = _botui("first", db_path)
    assert late["ui"] and not first["ui"]  # the UI started in one, not in the other
    assert late_said == first_said == "botui: the database failed: disk I/O error"
    assert late["status"] == first["status"] == 1
