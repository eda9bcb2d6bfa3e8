"""The yardstick of `bench_startup.py`: an empty Textual app (same Textual, same venv) that
shows one line, `python bench/empty_app.py TEXT`, and waits for q."""

from __future__ import annotations

import sys

from textual.app import App, ComposeResult
from textual.widgets import Static


class EmptyApp(App[None]):
    BINDINGS = [("q", "quit", "Quit")]

    def __init__(self, line: str) -> None:
        super().__init__()
        self.line = line

    def compose(self) -> ComposeResult:
        yield Static(self.line, markup=False)


if __name__ == "__main__":
    EmptyApp(sys.argv[1] if len(sys.argv) > 1 else "BO-1").run()
