"""Start-up (issue 12): the first queue rows paint before anything only later screens need loads.

The UI is opened for real (`botui --db FILE`, headless) in a fresh interpreter, and the modules
loaded at the moment the first backorder row is drawn are compared with what the first screen
does not need: pydantic (settings, schemas, reports), PostgreSQL's driver, the e-mail package,
the migration runner, io, and every screen but the queue. The same run goes on until the live
log shows its history, so the lazily loaded schemas are shown to load (in a worker thread)
after the first paint.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from botui.lazy import lazy_module
from tests import postgres

# Runs `botui ARGS` with App.run made headless; at the first paint of a backorder row it keeps
# the names of every loaded module, then waits for the log's history, then quits.
PROBE = r"""
import gc, json, sys, time
import textual.app

run = textual.app.App.run
seen = set()
after = {}

def headless(self, *args, **kwargs):
    table = sys.modules["botui.tui.widgets.queue_table"].QueueTable
    render = table.render_lines
    started = time.monotonic()

    def log_shown():
        log = self.screen.query_one("#log")
        if log.last_id or time.monotonic() - started > 20:
            after["log"] = log.last_id
            after["gc_later"] = gc.isenabled()
            after["widgets_later"] = sorted({type(w).__name__ for w in self.screen.walk_children()})
            after["modules"] = sorted(sys.modules)
            self.exit()

    def first_paint(widget, crop):
        lines = render(widget, crop)
        after.setdefault("first_frame_rows", len(widget.window.rows))
        if widget.window.rows and not seen:
            seen.update(sys.modules)
            after["gc_at_first_paint"] = gc.isenabled()
            after["widgets_first"] = sorted({type(w).__name__ for w in self.screen.walk_children()})
            self.set_interval(0.05, log_shown)
        return lines

    table.render_lines = first_paint
    kwargs["headless"] = True
    return run(self, *args, **kwargs)

textual.app.App.run = headless
from botui.cli import main

status = main(sys.argv[1:])
print(json.dumps({"status": status, "first": sorted(seen), **after}))
"""

# What the first screen never needs (top-level packages, then botui's own modules). On a
# current SQLite file the first rows are read without peewee and the Service, which are opened
# after the first frame (domain.quick, domain.late).
NOT_BEFORE_THE_FIRST_ROW = {"pydantic", "pydantic_core", "psycopg", "email", "playhouse"}
NOT_BEFORE_THE_FIRST_ROW |= {"peewee"}
NOT_BEFORE_THE_FIRST_ROW |= {"argparse"}  # `botui --db FILE` is read without it (cli._ui_only)
BOTUI_NOT_BEFORE_THE_FIRST_ROW = (
    "botui.settings_model",
    "botui.domain.schemas",
    "botui.domain.report_schemas",
    "botui.domain.imports",
    "botui.io",
    "botui.demo",
    "botui.tui.commands",
    # The widgets the first frame does not have: mounted once the first rows are shown.
    "botui.tui.widgets.first_steps",
    "botui.tui.widgets.footer",
    "botui.tui.formatting.outcome",  # an action's outcome
    # The Service and every module that reads through peewee (domain.late).
    "botui.domain.service",
    "botui.domain.core",
    "botui.domain.search",  # (botui.domain.queue itself: see the test, queue_rows is allowed)
    "botui.store.db",
    "botui.store.models",
    "botui.store.reading",
    "botui.store.migrations",
)
# Nor Textual's footer (the queue's keys line is empty until then).
TEXTUAL_NOT_BEFORE_THE_FIRST_ROW = ("textual.widgets._footer",)
FIRST_SCREEN = {"queue", "_filter"}


def _environment(home: Path) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("BOTUI_")}
    # No configuration file (a first-time user): the defaults, taken without pydantic.
    # The terminal's size as the headless app has it (80x24), whatever the caller's.
    size = {"COLUMNS": "80", "LINES": "24"}
    return (
        base | size | {"XDG_CONFIG_HOME": str(home), "BOTUI_NOW": "1790000000", "BOTUI_ACTOR": "t"}
    )


def _open_the_ui(db: Path) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, "--db", str(db)],
        env=_environment(db.parent),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("startup") / "shop.db"
    subprocess.run(
        [sys.executable, "-m", "botui", "demo", "--db", str(db), "--count", "40"],
        env=_environment(db.parent),
        check=True,
        capture_output=True,
    )
    return db


def test_the_first_rows_paint_before_what_only_later_screens_need(demo_db: Path) -> None:
    run = _open_the_ui(demo_db)
    assert run["status"] == 0
    first = set(run["first"])
    # The measure works: the queue, its quick read and Textual are loaded by the first paint,
    # and the Service after it (the queue's own read, then the log, go through it).
    assert {"botui.tui.screens.queue", "botui.domain.quick", "textual"} <= first
    assert {"botui.domain.service", "botui.domain.queue", "peewee"} <= set(run["modules"])
    assert "botui.domain.queue" not in first
    assert not {name.split(".")[0] for name in first} & NOT_BEFORE_THE_FIRST_ROW
    too_early = [n for n in first if n.startswith(BOTUI_NOT_BEFORE_THE_FIRST_ROW)]
    assert too_early == []
    assert [n for n in first if n.startswith(TEXTUAL_NOT_BEFORE_THE_FIRST_ROW)] == []
    screens = {n.rsplit(".", 1)[1] for n in first if n.startswith("botui.tui.screens.")}
    assert screens <= FIRST_SCREEN
    assert [n for n in first if n.startswith("botui.tui.dialogs")] == []  # none is open yet


def test_the_first_frame_mounts_only_what_it_shows_and_the_rest_follows(demo_db: Path) -> None:
    """The first-steps panel and the filter box (hidden) and the log's lines and box are
    mounted once the first rows are shown (QueueScreen.mount_the_rest), not before; the keys
    line too (the footer, an empty line until then)."""
    run = _open_the_ui(demo_db)
    later = {"FirstSteps", "Input", "LogLines", "FilterBox", "KeyFooter"}
    assert not later & set(run["widgets_first"])
    assert {"QueueTable", "ViewBar", "StatusLine", "EventLog"} <= set(run["widgets_first"])
    assert later <= set(run["widgets_later"])


def test_the_queue_first_frame_has_rows_read_while_textual_loaded(demo_db: Path) -> None:
    """`botui` reads the first rows in a thread before importing Textual (tui.first_rows):
    the queue's very first paint draws them, not an empty table waiting for its read."""
    run = _open_the_ui(demo_db)
    assert run["first_frame_rows"] > 0


def test_the_schemas_load_after_the_first_rows_and_the_log_shows_its_history(
    demo_db: Path,
) -> None:
    """The log's history is read after the first paint, through the lazily loaded schemas."""
    run = _open_the_ui(demo_db)
    assert run["log"], "the live log never showed the demo's events"
    later = set(run["modules"])
    assert {"botui.domain.schemas", "pydantic"} <= later
    assert "botui.domain.schemas" not in set(run["first"])
    # No garbage collection while starting; collection is back once the first rows are shown.
    assert (run["gc_at_first_paint"], run["gc_later"]) == (False, True)


# -- botui.lazy ---------------------------------------------------------------------------


def test_a_lazy_module_loads_at_its_first_name_once_whatever_the_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "lazy_probe_mod.py").write_text(
        "import time\nLOADS = []\nLOADS.append(1)\ntime.sleep(0.05)\nVALUE = object()\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "lazy_probe_mod", raising=False)
    module = lazy_module("lazy_probe_mod")
    assert "lazy_probe_mod" not in sys.modules  # nothing loaded yet
    found: list[object] = []
    threads = [threading.Thread(target=lambda: found.append(module.VALUE)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    real = sys.modules["lazy_probe_mod"]
    assert found == [real.VALUE] * 8 and real.LOADS == [1]  # one import, the same object
    with pytest.raises(AttributeError):
        _ = module.MISSING


# -- store.drivers ------------------------------------------------------------------------

DRIVERS = r"""
import sys
from botui.domain import drivers
drivers.load_for(sys.argv[1])
import peewee
print("psycopg" in sys.modules, peewee.psycopg is not None)
if len(sys.argv) > 2:
    from botui.domain.service import open_service
    service = open_service(sys.argv[2])
    print(service.list({}).model_dump(by_alias=True)["data"] == [])
"""


def _drivers(*args: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", DRIVERS, *args], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.split()


def test_a_sqlite_file_loads_no_postgresql_driver_and_a_url_does() -> None:
    assert _drivers("shop.db") == ["False", "False"]
    assert _drivers("postgresql://botui@localhost/shop") == ["True", "True"]


@pytest.mark.skipif("postgres" not in postgres.ENGINES, reason="PostgreSQL tests are off")
def test_postgresql_still_opens_after_peewee_was_imported_without_its_driver() -> None:
    with postgres.fresh_database() as url:
        assert _drivers("shop.db", url) == ["False", "False", "True"]
