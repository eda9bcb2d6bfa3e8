"""The narrowing picker (`=` on the queue): keep only the backorders that share one of the
row's values, its customer, product, business, status or priority."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from botui.domain.queue import NARROWINGS, QueueRow
from botui.domain.text import safe_for_terminal
from botui.tui.styles import css

# The key that picks each column in the picker, as its first letter where it is free.
PICK_KEYS = {
    "customer": "c",
    "product": "p",
    "business": "b",
    "status": "s",
    "priority": "r",
}


def shown_value(row: QueueRow, column: str) -> str:
    """The row's value in a column as staff read it: a name, a status, a priority level."""
    if column in ("customer", "product", "business"):
        return str(getattr(row, column))
    return row.narrowing(column)


def _option(row: QueueRow, column: str) -> Option:
    prompt = Text.assemble(
        (PICK_KEYS[column], "bold"),
        f"  {column:<9} ",
        safe_for_terminal(shown_value(row, column)),
        no_wrap=True,
        overflow="ellipsis",
    )
    return Option(prompt, id=column)


def _pick(column: str) -> Binding:
    return Binding(
        PICK_KEYS[column],
        f"pick('{column}')",
        f"Narrow to this {column}",
        id=f"narrow.{column}",
        tooltip=f"Keep only the backorders of the row's {column}",
        show=False,
    )


class NarrowPicker(ModalScreen[str | None]):
    """Asks which of the row's values to narrow the queue to; closes with the column chosen
    (None on Escape)."""

    DEFAULT_CSS = css("dialogs", "NarrowPicker")

    BINDINGS = [
        Binding(
            "escape",
            "close",
            "Back",
            id="narrow.close",
            tooltip="Close without narrowing",
            show=False,
        ),
        *(_pick(column) for column in NARROWINGS),
    ]

    def __init__(self, row: QueueRow) -> None:
        super().__init__()
        self.row = row

    def compose(self) -> ComposeResult:
        options = OptionList(*(_option(self.row, c) for c in NARROWINGS), id="narrow-options")
        options.border_title = f"Narrow to {self.row.id}'s… (Esc: back)"
        yield options

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_pick(self, column: str) -> None:
        self.dismiss(column)

    def action_close(self) -> None:
        self.dismiss(None)
