"""The UI on PostgreSQL: the queue opens, a key acts, and another desk's event reaches the live
log through LISTEN/NOTIFY (well before the 5 s fallback poll), within the contract's 2 s."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from conftest import create

from botui.domain.service import Service
from botui.store.db import open_database
from botui.tui.app import BotuiApp
from botui.tui.live import FALLBACK_SECONDS
from botui.tui.widgets.event_log import EventLog
from botui.tui.widgets.queue_table import QueueTable
from tests import postgres
from tests.conftest import DAY, NOW
from tests.pilot import cursor_on, pilot_test, running, settle, toasts, wait_until

pytestmark = pytest.mark.skipif(
    "postgres" not in postgres.ENGINES, reason="BOTUI_TEST_ENGINES leaves PostgreSQL out"
)


@pytest.fixture
def pg_shop() -> Iterator[Service]:
    """Three backorders on a fresh PostgreSQL database, written through the service."""
    with postgres.fresh_database() as url:
        db = open_database(url)
        service = Service(db)
        service.create_business({"id": "BIZ-1", "name": "Northwind Outfitters"})
        service.create_customer({"id": "CUS-1", "name": "Ada Lovelace"})
        service.create_product({"id": "PRD-1", "sku": "TENT-2P", "name": "Two-person tent"})
        create(service, NOW - 3 * DAY, id="BO-1", product="PRD-1", priorityLevel="rush")
        create(service, NOW - 2 * DAY, id="BO-2", product="PRD-1")
        create(service, NOW - 1 * DAY, id="BO-3", product="PRD-1")
        yield service
        db.close()


def logged(log: EventLog, actor: str, kind: str, backorder_id: str) -> bool:
    return any(line.text.split()[1:4] == [actor, kind, backorder_id] for line in log.lines)


async def seconds_until_logged(pilot, actor: str, kind: str, backorder_id: str) -> float:
    """How long the event took to reach the log pane; fails past the contract's 2 s."""
    log = pilot.app.query_one(EventLog)
    started = time.monotonic()
    seen = f"{actor}'s {kind} {backorder_id} in the log"
    await wait_until(pilot, lambda: logged(log, actor, kind, backorder_id), seen, timeout=2)
    return time.monotonic() - started


@pilot_test
async def test_the_queue_on_postgresql_acts_and_follows_another_desk(pg_shop: Service) -> None:
    app = BotuiApp(pg_shop, delay_detection=False)
    async with running(app) as pilot:
        assert [row.id for row in app.query_one(QueueTable).window.rows] == [
            "BO-1",
            "BO-2",
            "BO-3",
        ]
        await cursor_on(pilot, "BO-2")
        await pilot.press("c")
        await settle(pilot)
        assert pg_shop.get({"id": "BO-2"}).status == "confirmed"
        assert "BO-2 confirmed" in toasts(app)
        await seconds_until_logged(pilot, "tester", "confirmed", "BO-2")

        def other_desk() -> None:  # another service, on its own connection
            Service(pg_shop.db, actor=lambda: "other-desk").confirm({"id": "BO-3"})
            pg_shop.db.close()

        writer = threading.Thread(target=other_desk)
        writer.start()
        writer.join()
        waited = await seconds_until_logged(pilot, "other-desk", "confirmed", "BO-3")
        assert waited < 2 < FALLBACK_SECONDS  # woken by NOTIFY, not the slow poll
        await settle(pilot)
        assert app.query_one(QueueTable).window.row(2).status == "confirmed"
