"""The one question before typed work is thrown away: leaving a form or dialog, or quitting."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from botui.tui.styles import css


class DiscardDialog(ModalScreen[bool]):
    """Asks before throwing away what was typed: y discards, n or Escape keeps editing.

    Enter answers nothing: an Enter glued to the Esc that opened this question must not
    discard the work it was meant to keep.
    """

    CSS = css("dialogs", "DiscardDialog")
    BINDINGS = [
        Binding("y", "answer(True)", "Discard", id="discard.yes", tooltip="Lose the typing"),
        Binding("n,escape", "answer(False)", "Keep editing", id="discard.no", tooltip="Go back"),
    ]

    def __init__(self, question: str = "Discard what you typed?", yes: str = "discard and leave"):
        super().__init__()
        self._question = question
        self._yes = yes

    def compose(self) -> ComposeResult:
        yield Static(
            f"{self._question}\n\ny: {self._yes}   n or Escape: keep editing", markup=False
        )

    def action_answer(self, discard: bool) -> None:
        self.dismiss(discard)


def unsaved(screen: Screen) -> bool:
    """Whether a screen holds typing that leaving it would lose (screens say so by `unsaved`)."""
    check = getattr(screen, "unsaved", None)
    return bool(check()) if callable(check) else False


def leave_asking(screen: Screen, leave: Callable[[], object]) -> None:
    """Call `leave` at once when `screen` holds no typing, else only once the person agrees."""
    if not unsaved(screen):
        leave()
        return

    def answered(discard: bool | None) -> None:
        if discard:
            leave()

    question = DiscardDialog()
    guard = getattr(screen.app, "guard_typing", None)
    if guard is not None:  # typing on after a stray Esc must not answer "y"
        guard(question)
    screen.app.push_screen(question, answered)
