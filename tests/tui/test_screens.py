"""Pilot tests of the detail screen, the backorder form and the action dialogs, through keys."""

from __future__ import annotations

import asyncio
import functools
import io
import threading
from collections.abc import Callable
from typing import Any

import pytest
from rich.console import Console
from textual.app import App
from textual.screen import Screen
from textual.widgets import Static, TextArea

from botui.domain.service import Service
from botui.tui.screens.detail import DetailScreen

UNSET = object()
DAY = 86_400
NOW = 1_790_000_000


def pilot(test: Callable[..., Any]) -> Callable[..., None]:
    """Run an async Pilot test in its own event loop (the suite has no async plugin)."""

    @functools.wraps(test)
    def run(*args: Any, **kwargs: Any) -> None:
        asyncio.run(test(*args, **kwargs))

    return run


class Host(App[None]):
    """A bare app that pushes one screen and keeps what it was dismissed with."""

    def __init__(self, make: Callable[[], Screen[Any]]) -> None:
        super().__init__()
        self.make = make
        self.result: Any = UNSET
        self.calls: list[tuple[str, list[str]]] = []

    def on_mount(self) -> None:
        self.push_screen(self.make(), self._done)

    def _done(self, result: Any) -> None:
        self.result = result


class TriageHost(Host):
    """A host with the core app's `run_triage` entry point, recording calls and confirming."""

    def __init__(self, make: Callable[[], Screen[Any]], service: Service) -> None:
        super().__init__(make)
        self.service = service

    def run_triage(self, action: str, ids: list[str]) -> None:
        self.calls.append((action, ids))
        for backorder_id in ids:
            getattr(self.service, action)({"id": backorder_id})


def text(widget: Static) -> str:
    """What a Static shows, as plain text."""
    console = Console(width=120, file=io.StringIO(), color_system=None)
    with console.capture() as captured:
        console.print(widget.content)
    return captured.get()


async def settle(pilot: Any) -> None:
    """Let every worker finish and every message land."""
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def type_into(pilot: Any, selector: str, value: str) -> None:
    """Replace the value of an input with `value` by typing it."""
    widget = pilot.app.screen.query_one(selector)
    widget.focus()
    if isinstance(widget, TextArea):
        widget.text = ""
    else:
        widget.value = ""
    await pilot.press(*list(value) if value else [])


@pytest.fixture
def backorder(service: Service, refs: dict[str, str]) -> str:
    created = service.create(
        {
            "id": "BO-7",
            "product": refs["product"],
            "business": refs["business"],
            "customer": refs["customer"],
            "order": refs["order"],
            "quantity": 5,
            "price": 1250,
            "estimatedShipDate": NOW + 3 * DAY,
        }
    )
    return created.id


# -- detail ------------------------------------------------------------------------------


@pilot
async def test_detail_shows_fields_records_and_timeline(service: Service, backorder: str) -> None:
    service.confirm({"id": backorder})
    service.receive_inventory({"product": "PRD-1", "quantity": 2, "receipt": "R-1"})
    service.notify_customer({"id": backorder, "channel": "email", "template": "status"})
    app = Host(lambda: DetailScreen(service, backorder))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        facts = text(app.screen.query_one("#facts", Static))
        timeline = text(app.screen.query_one("#timeline", Static))
        notices = text(app.screen.query_one("#notifications", Static))
    assert "confirmed" in facts and "2 of 5 (3 short)" in facts
    assert "Two-person tent" in facts and "Ada Lovelace" in facts and "SO-1001" in facts
    assert "in 3d" in facts
    assert "created: 5 units" in timeline and "confirmed" in timeline
    assert "2 units arrived from receipt R-1" in timeline and "tester" in timeline
    assert "queued" in notices and "ada@example.com" in notices


@pilot
async def test_detail_follows_a_change_made_elsewhere(service: Service, backorder: str) -> None:
    app = Host(lambda: DetailScreen(service, backorder))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        other = Service(service.db, actor=lambda: "bob")
        worker = threading.Thread(target=lambda: other.cancel({"id": backorder, "reason": "gone"}))
        worker.start()
        worker.join()
        screen = app.screen
        assert isinstance(screen, DetailScreen)
        screen._poll()
        await settle(pilot)
        timeline = text(screen.query_one("#timeline", Static))
        refunds = text(screen.query_one("#refunds", Static))
    assert "bob" in timeline and "cancelled, refund 62.50 (reason: gone)" in timeline
    assert "62.50 by bob: gone" in refunds


@pilot
async def test_detail_triage_keys_call_the_app(service: Service, backorder: str) -> None:
    app = TriageHost(lambda: DetailScreen(service, backorder), service)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        facts = text(app.screen.query_one("#facts", Static))
    assert app.calls == [("confirm", [backorder])]
    assert service.get({"id": backorder}).status == "confirmed"
    assert "confirmed" in facts


@pilot
async def test_detail_shows_markup_in_data_literally(service: Service, refs: dict) -> None:
    service.create_customer({"id": "CUS-EVE", "name": "[bold red]Eve[/] [/]"})
    service.create_order({"id": "ORD-E", "customer": "CUS-EVE", "business": "BIZ-1"})
    service.create(
        {
            "id": "BO-EVE",
            "product": "PRD-1",
            "business": "BIZ-1",
            "customer": "CUS-EVE",
            "quantity": 1,
            "price": 0,
            "supplierOrder": "[@click=app.quit]x",
            "metadata": {"note": "[/]"},
        }
    )
    app = Host(lambda: DetailScreen(service, "BO-EVE"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        facts = text(app.screen.query_one("#facts", Static))
        title = text(app.screen.query_one("#detail-title", Static))
    assert "[bold red]Eve[/] [/]" in facts and "[bold red]Eve[/] [/]" in title
    assert "[@click=app.quit]x" in facts and "'[/]'" in facts


@pilot
async def test_detail_says_who_deleted_it(service: Service, backorder: str) -> None:
    app = Host(lambda: DetailScreen(service, backorder))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        Service(service.db, actor=lambda: "carol").delete({"id": backorder})
        app.screen.reload()
        await settle(pilot)
        banner = text(app.screen.query_one("#detail-banner", Static))
        await pilot.press("escape")
        await settle(pilot)
        assert app.result is None
    assert "deleted by carol" in banner
