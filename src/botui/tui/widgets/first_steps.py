"""What to do first on a database without a single backorder, shown instead of an empty queue."""

from __future__ import annotations

import shlex
from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.message import Message
from textual.widgets import Static

from botui.domain.service import Service
from botui.domain.text import safe_for_terminal
from botui.tui.attempt import attempt
from botui.tui.styles import css


def first_steps(path: str) -> Text:
    """The panel's words: import a file, or add a backorder, or the records it needs first."""
    db = safe_for_terminal(shlex.quote(path))
    return Text.assemble(
        ("No backorders yet. To start:\n\n", "bold"),
        "  Import the shop's orders from a terminal:\n",
        (f"    botui import FILE --db {db}\n", "bold"),
        "    (a botui CSV or JSON Lines file, or --format shopify)\n\n",
        "  Or add them here:\n",
        ("    n      ", "bold"),
        "a new backorder; it creates a missing product or customer\n",
        ("    P C B  ", "bold"),
        "products, customers, businesses: a backorder needs all three\n",
        ("    O      ", "bold"),
        "orders (optional)\n\n",
        "The queue shows up as soon as there is a backorder, whoever adds it.",
    )


class FirstSteps(Static):
    """Shown, with the queue table hidden, while the database holds no backorder at all."""

    DEFAULT_CSS = css("widgets", "FirstSteps")

    @dataclass
    class Checked(Message):
        """Whether the database holds no backorder (None: the read failed; change nothing)."""

        empty: bool | None

    def __init__(self, service: Service, *, id: str | None = None) -> None:
        super().__init__(first_steps(service.path), id=id, markup=False)
        self.service = service
        self.empty = False

    def check(self) -> None:
        """Look again whether there is any backorder, in a worker (an index probe)."""
        self._check()

    @work(thread=True, exclusive=True, group="first-steps")
    def _check(self) -> None:
        found, _ = attempt(self.service, lambda: self.service.has_backorders())
        self.post_message(self.Checked(None if found is None else not found))

    @on(Checked)
    def _checked(self, message: Checked) -> None:
        message.stop()
        if message.empty is None or message.empty == self.empty:
            return
        self.empty = message.empty
        self.display = message.empty
        table = self.screen.query_one("#queue")
        table.display = not message.empty
        for counts in self.screen.query("#views"):  # a bar of zeros says nothing here
            counts.display = not message.empty
        if not message.empty:
            table.focus()
