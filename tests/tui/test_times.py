"""One zone for every time on screen, named there: the log and the detail screen agree."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

import pytest

from botui.domain.service import Service
from botui.tui.app import BotuiApp
from botui.tui.dialogs._fields import gone, parse_day
from botui.tui.formatting import times
from botui.tui.screens.detail import DetailScreen
from botui.tui.widgets.event_log import EventLog
from tests.conftest import NOW
from tests.pilot import pilot_test, running, screen_lines, settle

AT = 1_790_000_000  # 2026-09-21 14:13:20 UTC, 23:13:20 in Tokyo


@pytest.fixture
def tokyo() -> Iterator[None]:
    """The machine's own zone is Asia/Tokyo for the test, as set by a user's TZ."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "Asia/Tokyo"
    time.tzset()
    try:
        yield
    finally:
        if before is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = before
        time.tzset()


def test_formats_are_of_the_zone_and_can_name_it() -> None:
    assert times.zone_name() == "UTC"
    assert times.clock(AT) == "14:13:20"
    assert times.clock(AT, named=True) == "14:13:20 UTC"
    assert times.day(AT) == "2026-09-21" and times.day(None) == ""
    assert times.stamp(AT) == "2026-09-21 14:13"
    assert times.stamp(AT, named=True) == "2026-09-21 14:13 UTC"
    assert times.stamp(None) == times.stamp(None, named=True) == "-"
    assert times.moment(AT - 3600, AT) == "13:13 UTC"
    assert times.moment(AT - 86_400, AT) == "2026-09-20 14:13 UTC"


def test_formats_ignore_the_machines_zone(tokyo: None) -> None:
    assert time.localtime(AT).tm_hour == 23  # the machine's clock says 23:13 ...
    assert times.clock(AT) == "14:13:20"  # ... the screen says 14:13 UTC
    assert times.stamp(AT) == "2026-09-21 14:13"
    assert times.moment(AT, AT + 9 * 3600) == "14:13 UTC"  # one UTC day, two days in Tokyo


def test_a_typed_day_reads_back_as_typed_at_its_end() -> None:
    last_second = parse_day("2026-09-21", "estimatedShipDate")
    assert last_second is not None and times.day(last_second) == "2026-09-21"
    assert times.stamp(last_second) == "2026-09-21 23:59"


def test_deleted_by_names_the_zone(shop: Service) -> None:
    shop.delete({"id": "BO-3"})
    assert gone(shop, "BO-3") == f"BO-3 was deleted by tester at {times.moment(NOW, NOW)}"
    assert gone(shop, "BO-3").endswith("14:13 UTC")


@pilot_test
async def test_log_and_detail_show_one_clock_and_name_it_whatever_the_machines_zone(
    shop: Service, tokyo: None
) -> None:
    app = BotuiApp(shop, delay_detection=False)
    async with running(app, (100, 30)) as pilot:
        log = app.query_one(EventLog)
        lines = [strip.text for strip in log.lines]
        created = next(line for line in lines if "created" in line and "BO-1 " in line)
        assert created.startswith("16 Sep "), created  # 5 days before NOW: the day, no clock
        confirmed = next(line for line in lines if "confirmed" in line and "BO-2 " in line)
        clock = confirmed.split()[0]
        assert clock == "14:13:20", confirmed  # BO-2 was confirmed at NOW, 14:13:20 UTC
        screen = screen_lines(app)
        assert any("times in UTC" in line for line in screen), "the log names its zone"
        assert not any("23:13" in line for line in screen), "no time of the machine's zone"

        app.push_screen(DetailScreen(shop, "BO-1"))
        await settle(pilot)
        screen = screen_lines(app)
        timeline = next(n for n, line in enumerate(screen) if line.strip().startswith("Timeline"))
        assert "UTC" in screen[timeline]
        created_row = next(line for line in screen[timeline:] if "created:" in line)
        assert "2026-09-16 14:13" in created_row  # the log's 14:13, on the same day
        assert clock[:5] in created_row
        facts = "\n".join(screen[:timeline])
        assert "Created        2026-09-16 14:13 UTC" in facts
        assert "23:13" not in "\n".join(screen)


def test_the_log_shows_the_day_of_an_event_of_an_earlier_day() -> None:
    """An event of today reads as its clock; one of an earlier day as its day, so September's
    '01:48:52 confirmed' never reads as this morning's."""
    now = 1_790_000_000  # 2026-09-21 14:13:20 UTC
    assert times.clock_or_day(now - 60, now) == "14:12:20"
    assert times.clock_or_day(now - 86_400, now) == "20 Sep  "
    assert times.clock_or_day(now - 300 * 86_400, now) == "Nov 2025"
