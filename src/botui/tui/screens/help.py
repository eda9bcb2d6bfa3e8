"""The key help, built from the bindings active where `?` was pressed, so it never goes stale."""

from __future__ import annotations

from collections.abc import Iterable

from rich.table import Table
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import ActiveBinding, Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from botui.tui.keymap import key_label
from botui.tui.styles import css


def ours(bindings: Iterable[ActiveBinding]) -> list[ActiveBinding]:
    """botui's bindings (each has an id) and the palette: the screen's first, the app's last."""
    chosen = [
        active
        for active in bindings
        if active.binding.description
        and (active.binding.id is not None or active.binding.action == "command_palette")
    ]

    def rank(active: ActiveBinding) -> int:
        if isinstance(active.node, Screen):
            return 0
        return 2 if isinstance(active.node, App) else 1

    return sorted(chosen, key=rank)


def same_action(binding: Binding) -> tuple[str, str]:
    """What a binding does, so that aliases merge: "app.quit" bound on a screen is "quit"."""
    return binding.description, binding.action.removeprefix("app.")


def help_rows(bindings: Iterable[ActiveBinding]) -> list[tuple[str, str]]:
    """(keys, description) for each action, its aliases joined: ("↓ j", "Next row")."""
    rows: dict[tuple[str, str], list[str]] = {}
    for active in ours(bindings):
        binding: Binding = active.binding
        label = key_label(binding.key)
        keys = rows.setdefault(same_action(binding), [])
        if label not in keys:
            keys.append(label)
    return [(" ".join(keys), description) for (description, _), keys in rows.items()]


class HelpScreen(ModalScreen[None]):
    """Every key that works where help was opened; any of Escape, ? or q closes it."""

    DEFAULT_CSS = css("screens", "HelpScreen")

    BINDINGS = [
        Binding("escape", "close", "Close help", id="help.close", show=False),
        Binding("question_mark", "close", "Close help", id="help.close-question", show=False),
        Binding("q", "close", "Close help", id="help.close-q", show=False),
    ]

    def __init__(self, rows: list[tuple[str, str]]) -> None:
        super().__init__()
        self._rows = rows

    @property
    def rows(self) -> list[tuple[str, str]]:
        """What the help lists: (keys, description), one per line, in order."""
        return list(self._rows)

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        for keys, description in self._rows:
            table.add_row(Text(keys), Text(description))
        with VerticalScroll(id="help-box") as box:
            box.border_title = "Keys (Esc closes)"
            yield Static(table)

    def action_close(self) -> None:
        self.dismiss(None)
