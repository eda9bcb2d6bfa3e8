"""Keyboard safety: an Esc glued to the next key means Esc, and typing on never acts.

Two faults of real terminals are handled here, once for every screen:

- **Glued Esc.** tmux and SSH deliver a quick Esc-then-key as one read (`ESC CR`). Textual
  reports Esc glued to a printable key as `alt+KEY`, but Esc glued to Enter or a control key
  as the bare key, so a question taking Enter as "yes" would say yes to what was an Esc.
  `install_glued_escape()` makes those arrive as `alt+KEY` too, and the app turns any `alt+`
  key into the Esc the person pressed (`is_glued_escape`); botui binds no Alt keys. Two pairs
  are Textual's own named sequences and stay so: `ESC TAB` is shift+tab and `ESC DEL`
  (Esc-Backspace) deletes a word in a text box; neither can answer a question.
- **Typing on after a dialog closes.** A person typing a reason who closes the question with
  one key keeps typing for a moment; those keys must not reach the queue as commands.
  `KeyGuard` drops every key but plain navigation after a screen closes until the keyboard has
  been quiet for `QUIET_SECONDS`, and says what it dropped.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator

from textual import events
from textual._xterm_parser import XTermParser

QUIET_SECONDS = 0.5
# Keys that only move the cursor or scroll: harmless however they arrive, so never dropped.
NAVIGATION = frozenset({"up", "down", "left", "right", "pageup", "pagedown", "home", "end"})
GLUED = "alt+"
TEXT_BOX_ALT_KEYS = frozenset({"alt+backspace", "alt+delete"})  # Input and TextArea word deletes


def install_glued_escape() -> None:
    """Make Textual's input parser report Esc glued to any key as `alt+KEY` (idempotent).

    Textual 8.2.8 drops the Alt it reads from a leading Esc when the next byte maps to a named
    key (`\\r` -> enter, `\\t` -> tab, `\\x13` -> ctrl+s), so `ESC CR` became a plain Enter.
    """
    original = XTermParser._sequence_to_key_events
    if getattr(original, "botui_glued", False):
        return

    def sequence_to_key_events(
        self: XTermParser, sequence: str, alt: bool = False
    ) -> Iterator[events.Key]:
        for key in original(self, sequence, alt):
            if alt and not key.key.startswith(GLUED):
                yield events.Key(GLUED + key.key, key.character)
            else:
                yield key

    # A mark on the function (mypy knows no attributes of a function) and a patch of Textual's
    # parser method (mypy refuses assigning to a method): both on purpose, hence the ignores.
    sequence_to_key_events.botui_glued = True  # type: ignore[attr-defined]
    XTermParser._sequence_to_key_events = sequence_to_key_events  # type: ignore[method-assign]


def is_glued_escape(key: str, in_text_box: bool = False) -> bool:
    """Whether a key name is an Esc that arrived glued to another key (`alt+enter`, `alt+y`).

    In a text box the Alt editing keys Textual binds there (delete a word) keep their meaning.
    """
    return key.startswith(GLUED) and not (in_text_box and key in TEXT_BOX_ALT_KEYS)


class KeyGuard:
    """Drops the keys typed on in one burst after a screen closes, and remembers them.

    `arm()` when a screen closes; `drops(key)` for each key after that answers True, and
    records the key, while keys keep coming less than `quiet` seconds apart; the first key
    after a pause passes and ends the burst. Navigation keys always pass.
    """

    def __init__(self, quiet: float = QUIET_SECONDS, clock: Callable[[], float] = time.monotonic):
        self.quiet = quiet
        self.clock = clock  # what the guard reads the time from (tests drive their own)
        self._armed = False
        self._last = 0.0
        self.dropped: list[events.Key] = []

    def arm(self) -> None:
        """A screen just closed: the keys that follow in the same burst are dropped."""
        self._armed = True
        self._last = self.clock()

    def disarm(self) -> None:
        """The burst is over: the person is answering what opened (typing into its box)."""
        self._armed = False

    @property
    def armed(self) -> bool:
        """Whether a burst is being dropped (it ends at the first key after a pause)."""
        return self._armed and self.clock() - self._last < self.quiet

    @property
    def remaining(self) -> float:
        """Seconds until the burst ends if no key comes (0.0 when it is over)."""
        if not self._armed:
            return 0.0
        return max(0.0, self.quiet - (self.clock() - self._last))

    def drops(self, key: events.Key) -> bool:
        """Whether to drop `key`: it came within `quiet` seconds of the close or the last drop."""
        if not self.armed:
            self._armed = False
            return False
        if key.key in NAVIGATION:
            return False
        self._last = self.clock()
        self.dropped.append(key)
        return True

    def take_dropped(self) -> list[events.Key]:
        """The keys dropped since the last call, oldest first."""
        dropped, self.dropped = self.dropped, []
        return dropped


def describe(keys: Iterable[events.Key]) -> str:
    """Dropped keys as a person typed them: characters joined, other keys by name."""
    parts: list[str] = []
    for key in keys:
        if key.is_printable and key.character:
            parts.append(key.character)
        else:
            parts.append(f"<{key.key}>")
    text = "".join(parts)
    return text if len(text) <= 40 else text[:39] + "…"
