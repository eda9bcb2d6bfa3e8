"""Search-as-you-type for id fields: an input that offers matching records below itself."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from botui.domain.lookup import Suggestion
from botui.domain.text import safe_for_terminal


class Suggestions(OptionList):
    """The records matching what was typed in `field`: Enter or Tab picks, Escape goes back."""

    DEFAULT_CSS = """
    Suggestions {
        display: none; height: auto; max-height: 8; margin: 0 0 0 18;
        background: $boost; border: none; padding: 0;
    }
    Suggestions.-shown { display: block; }
    """
    BINDINGS = [
        Binding("enter,tab", "pick", "Pick", id="suggest.pick", show=False, tooltip="Use this one"),
        Binding("escape", "back", "Back", id="suggest.back", show=False, tooltip="Back to typing"),
    ]

    def __init__(self, field: str) -> None:
        super().__init__(id=f"suggest-{field}", compact=True)
        self.field = field

    def offer(self, matches: list[Suggestion]) -> None:
        """Show `matches` (record text shown literally), or hide the list when there are none."""
        self.set_options(
            Option(Text(safe_for_terminal(m.text), no_wrap=True, overflow="ellipsis"), m.id)
            for m in matches
        )
        self.set_class(bool(matches), "-shown")
        self.highlighted = 0 if matches else None

    @property
    def shown(self) -> bool:
        """Whether there is something to pick."""
        return self.has_class("-shown") and self.option_count > 0

    def hide(self) -> None:
        """Put the list away (what was typed stays)."""
        self.set_class(False, "-shown")

    def _input(self) -> SuggestInput:
        return self.screen.query_one(f"#{self.field}", SuggestInput)

    def action_pick(self) -> None:
        if self.highlighted is not None:
            self._input().take(self.get_option_at_index(self.highlighted).id or "")

    def action_cursor_up(self) -> None:
        if self.highlighted in (None, 0):
            self.action_back()
            return
        super().action_cursor_up()

    def action_back(self) -> None:
        self.hide()
        self.screen.set_focus(self._input())


class SuggestInput(Input):
    """An id input whose Down enters its suggestion list and whose Tab takes the first match.

    Everything happens at once in the key's handler, so keys typed right after (a fast typist,
    a paste) land in the next field rather than racing a message.
    """

    BINDINGS = [
        Binding("down", "enter_list", "Matches", id="suggest.enter", show=False, tooltip="Matches"),
        Binding("tab", "take_first", "Next", id="suggest.first", show=False, tooltip="Take match"),
    ]

    def _list(self) -> Suggestions:
        return self.screen.query_one(f"#suggest-{self.id}", Suggestions)

    def take(self, record_id: str) -> None:
        """Fill in the picked record's id and move on to the next field."""
        self._list().hide()
        self.value = record_id
        self.screen.set_focus(self)
        self.screen.focus_next()

    def action_enter_list(self) -> None:
        found = self._list()
        if found.shown:
            found.highlighted = 0
            self.screen.set_focus(found)

    def action_take_first(self) -> None:
        found = self._list()
        if found.shown:
            self.take(found.get_option_at_index(found.highlighted or 0).id or "")
        else:
            self.screen.focus_next()
