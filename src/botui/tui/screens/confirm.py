"""A yes/no question before a change that cannot be undone, with an optional reason field."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from botui.domain.queue import QueueRow
from botui.domain.text import safe_for_terminal
from botui.tui.widgets.cells import money


def _units(count: int) -> str:
    return f"{count:,} unit" + ("" if count == 1 else "s")


def question_body(action: str, rows: list[QueueRow], missing: list[str]) -> Text:
    """What a cancel or delete will do, in words: whose, the refund, the units released."""
    body = Text()
    open_rows = [r for r in rows if r.status not in ("fulfilled", "cancelled")]
    if len(rows) == 1:
        row = rows[0]
        body.append(f"{row.id} ({row.status}) for ")
        body.append(safe_for_terminal(row.customer), style="bold")
        body.append(f": {_units(row.quantity)} of {safe_for_terminal(row.product)}")
        body.append(f" at {money(row.price)}\n")
    if action == "cancel":
        refund = sum(r.price * r.quantity for r in open_rows)
        body.append("Refund: ", style="bold")
        body.append(money(refund) if refund else "none (the price is 0)")
        if len(rows) > 1:
            body.append(f" in total for {len(open_rows):,} open backorders")
        closed = len(rows) - len(open_rows)
        if closed:
            body.append(f"\n{closed:,} already closed will be refused.")
    else:
        body.append("The event log keeps its history.")
    held = sum(r.allocated for r in open_rows)
    if held:
        body.append(f"\n{_units(held)} held go back to stock for the next in line.")
    if missing:
        body.append(f"\n{len(missing):,} no longer exist: {', '.join(missing[:3])}")
    return body


class ConfirmDialog(ModalScreen[str | None]):
    """Dismisses with the reason typed ("" when none) on yes, or None on no.

    `y` or Enter says yes, `n` or Escape says no; Tab reaches the reason field, where
    Enter still says yes and Escape no.
    """

    DEFAULT_CSS = """
    ConfirmDialog { align: center middle; }
    ConfirmDialog #confirm-box {
        width: 64; max-width: 100%; height: auto; max-height: 100%;
        border: round $warning; background: $surface; padding: 0 1;
    }
    ConfirmDialog #confirm-title { text-style: bold; }
    ConfirmDialog #confirm-body { margin: 1 0 0 0; }
    ConfirmDialog #confirm-label { margin: 1 0 0 0; }
    ConfirmDialog Input { background: $boost; }
    ConfirmDialog #confirm-keys { margin: 1 0 0 0; color: $text-muted; }
    """

    AUTO_FOCUS = ""  # nothing focused: y and n answer until Tab moves into the reason field
    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes", show=True),
        Binding("enter", "answer(True)", "Yes", id="confirm.yes-enter", show=False),
        Binding("n", "answer(False)", "No", id="confirm.no", show=True),
        Binding("escape", "answer(False)", "No", id="confirm.no-escape", show=False),
    ]

    def __init__(
        self,
        title: str,
        body: Text,
        *,
        yes: str = "yes",
        no: str = "no",
        reason: str | None = None,
    ) -> None:
        super().__init__()
        self._title = title
        self._body = body
        self._yes = yes
        self._no = no
        self._reason = reason

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Static(Text(self._title), id="confirm-title")
            yield Static(self._body, id="confirm-body")
            if self._reason is not None:
                yield Static(Text("Reason (optional, Tab to type it):"), id="confirm-label")
                yield Input(
                    self._reason,
                    placeholder="no reason given",
                    max_length=500,
                    compact=True,
                    id="confirm-reason",
                )
            keys = f"y / Enter: {self._yes}    n / Escape: {self._no}"
            yield Static(Text(keys), id="confirm-keys")

    def _typed(self) -> str:
        found = self.query("#confirm-reason")
        return found.first(Input).value.strip() if found else ""

    def action_answer(self, yes: bool) -> None:
        self.dismiss(self._typed() if yes else None)

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_answer(True)
