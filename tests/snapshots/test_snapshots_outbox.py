"""SVG snapshot of the outbox screen at 80x24, on frozen time (BOTUI_NOW) and fixed data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.app import App

from botui.domain.service import Service
from botui.settings import Loaded, Settings
from botui.tui.screens.outbox import OutboxScreen
from tests.pilot import settle

CONFIG = Loaded(
    Settings.model_validate(
        {"mail": {"host": "mail.example", "port": 2525, "from": "Shop <orders@nw.example>"}}
    ),
    Path("shop.toml"),
    "given by --config",
    True,
)


class Host(App[None]):
    """A bare app that shows the outbox screen on its own."""

    def __init__(self, service: Service) -> None:
        super().__init__()
        self.service = service

    def on_mount(self) -> None:
        self.push_screen(OutboxScreen(self.service, CONFIG))


@pytest.fixture
def outbox(service: Service, refs: dict[str, str]) -> Service:
    """Three queued messages (one backing off after two refusals, one whose subject looks like
    markup), one failed and one sent; the database's own id (in each Message-ID) fixed."""
    service.db.execute_sql("UPDATE meta SET value = '0123456789abcdef' WHERE key = 'database_id'")
    service = Service(service.db)  # a service that reads the fixed one
    service.create_customer({"id": "CUS-2", "name": "Bo Chen", "phone": "+44 7700 900123"})
    for number, customer in ((1, "CUS-1"), (2, "CUS-2"), (3, "CUS-1"), (4, "CUS-1")):
        service.create(
            {
                "id": f"BO-{number}",
                "business": refs["business"],
                "customer": customer,
                "product": refs["product"],
                "quantity": 1,
                "price": 1000,
            }
        )
    notes = [
        ("BO-1", "email", "Your tent is late", "It ships on Monday.\nSorry for the wait."),
        ("BO-2", "sms", None, "Your tent ships Monday."),
        ("BO-3", "email", "[b]Bold[/] offer", "A subject that looks like markup."),
        ("BO-4", "email", "Refund sent", "Your refund is on its way."),
        ("BO-1", "email", "Delivered?", "Did the tent arrive?"),
    ]
    for backorder, channel, subject, body in notes:
        note = {"id": backorder, "channel": channel, "message": body}
        service.notify_customer(note | ({"subject": subject} if subject else {}))
    ids = [entry.id for entry in service.outbox({}).data]
    for _ in range(2):
        service.record_outbox_attempt(ids[0], "the mail server refused the message: 452 4.2.2 full")
    for _ in range(8):
        service.record_outbox_attempt(ids[3], "the mail server refused the recipient: 550 no user")
    service.mark_sent({"id": ids[4]})
    return service


def test_outbox_80x24(snap_compare: Any, outbox: Service) -> None:
    assert snap_compare(Host(outbox), terminal_size=(80, 24), run_before=settle)
