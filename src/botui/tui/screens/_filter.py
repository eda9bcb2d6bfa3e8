"""A filter box that opens on "/" and takes the keys typed right after it.

Bindings run only after a key has bubbled up to the app, by which time the keys typed after
"/" are already on their way to the list; a screen's `on_key` hands them to the box instead.
"""

from __future__ import annotations

from textual.events import Key
from textual.screen import Screen
from textual.widgets import Input


def show_filter(screen: Screen, box: Input) -> None:
    """Show the screen's filter box and move into it."""
    box.add_class("-shown")
    screen.set_focus(box)


def hand_to_filter(screen: Screen, box: Input, event: Key) -> None:
    """Open the filter as "/" passes, and put the printable keys that follow into it."""
    if event.key == "slash" and screen.focused is not box:
        event.stop()
        show_filter(screen, box)
    elif screen.focused is box and event.is_printable and event.character:
        event.stop()
        box.insert_text_at_cursor(event.character)
