"""Search-as-you-type for id fields: an input that offers matching records below itself."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from botui.domain.lookup import Suggestion
from botui.domain.service import Service
from botui.domain.text import safe_for_terminal
from botui.tui.styles import css

# The id of the "create one" choice: a `+` is never in a record id, so no record can clash.
CREATE = "+create"


class Suggestions(OptionList):
    """The records matching what was typed in `field`: Enter or Tab picks, Escape goes back."""

    DEFAULT_CSS = css("dialogs", "Suggestions")
    BINDINGS = [
        Binding("enter,tab", "pick", "Pick", id="suggest.pick", show=False, tooltip="Use this one"),
        Binding("escape", "back", "Back", id="suggest.back", show=False, tooltip="Back to typing"),
    ]

    @dataclass
    class CreateAsked(Message):
        """The person picked "create one" under `field`: the screen opens the create dialog."""

        field: str

    def __init__(self, field: str) -> None:
        super().__init__(id=f"suggest-{field}", compact=True)
        self.field = field

    def offer(self, matches: list[Suggestion], create: str | None = None) -> None:
        """Show `matches` (record text shown literally), then the `create` choice when given;
        hide the list when there is nothing."""
        options = [
            Option(Text(safe_for_terminal(m.text), no_wrap=True, overflow="ellipsis"), m.id)
            for m in matches
        ]
        if create is not None:
            label = Text(safe_for_terminal(create), no_wrap=True, overflow="ellipsis")
            options.append(Option(label, CREATE))
        self.set_options(options)
        self.set_class(bool(options), "-shown")
        self.highlighted = 0 if options else None

    @property
    def first_record(self) -> str | None:
        """The id of the first matching record (not the "create one" choice), if any."""
        if self.option_count and self.get_option_at_index(0).id != CREATE:
            return self.get_option_at_index(0).id
        return None

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
        if self.highlighted is None:
            return
        picked = self.get_option_at_index(self.highlighted).id or ""
        if picked == CREATE:
            self.hide()
            self.screen.set_focus(self._input())
            self.post_message(self.CreateAsked(self.field))
        else:
            self._input().take(picked)

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
        """Take the first matching record; Tab never creates one (only a pick in the list).
        An empty box stays empty: Tab past an optional field (the order) moves on, even when
        the box offers records unasked (Down, then Enter picks one of those)."""
        found = self._list()
        first = found.first_record if found.shown and self.value.strip() else None
        if first is not None:
            self.take(first)
        else:
            found.hide()
            self.screen.focus_next()


class SearchingInput(SuggestInput):
    """A SuggestInput that looks its matches up itself, for dialogs with a reference field."""

    @dataclass
    class Found(Message):
        """The matches of what was typed (`typed`) in the input."""

        typed: str
        matches: list[Suggestion]

    def __init__(self, service: Service, kind: str, *, placeholder: str = "") -> None:
        super().__init__(id=kind, compact=True, placeholder=placeholder)
        self.service = service
        self.kind = kind

    @on(Input.Changed)
    def _search(self, event: Input.Changed) -> None:
        typed = event.value.strip()
        if typed and self.has_focus:  # a picked id is filled in as focus moves on
            self._look_up(typed)
        else:
            self._list().hide()

    @work(thread=True, exclusive=True, group="searching-input")
    def _look_up(self, typed: str) -> None:
        try:
            found = self.service.suggest(self.kind, typed)
        except Exception:  # no matches offered; saving still names a wrong id
            found = []
        self.post_message(self.Found(typed, found))

    @on(Found)
    def _offer(self, message: Found) -> None:
        message.stop()
        if self.value.strip() == message.typed and self.has_focus:
            self._list().offer(message.matches)

    def on_blur(self) -> None:
        if not self.screen.focused or self.screen.focused.id != f"suggest-{self.id}":
            self._list().hide()
