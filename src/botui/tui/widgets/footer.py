"""The footer: only the key hints that fit the terminal's width, the most needed ones kept."""

from __future__ import annotations

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.events import Resize
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from botui.tui.styles import css

PALETTE = "-command-palette"


def _cells(key: FooterKey) -> int:
    """The width a compact hint takes: key, space, description, then a margin or a border."""
    return cell_len(key.key_display) + 1 + cell_len(key.description) + 1


class KeyFooter(Footer):
    """A compact footer that leaves out the hints that do not fit, least needed first.

    Textual's footer lets hints run on under the palette key docked at its right edge: words
    cut in half, and in the cell the palette key's margin leaves free a stray character of
    whatever hint lies beneath. Here every hint shown is whole and nothing lies beneath.
    """

    DEFAULT_CSS = css("widgets", "KeyFooter")

    def __init__(self, *, keep: tuple[str, ...] = ("help",), id: str | None = None) -> None:
        """`keep`: actions whose hints stay first when room runs out, in order of need.

        The queue mounts its footer only once its first rows are on screen (building and
        styling a dozen hints, twice as the layout settles, took ~30 ms before them, and the
        footer itself ~6 ms: issue 12).
        """
        super().__init__(compact=True, id=id)
        self._keep = keep
        self._width = 0

    def compose(self) -> ComposeResult:
        keys = [key for key in super().compose() if isinstance(key, FooterKey)]
        self._width = self.size.width
        room = self._width - sum(_cells(key) for key in keys if key.has_class(PALETTE))
        hints = [key for key in keys if not key.has_class(PALETTE)]

        def need(key: FooterKey) -> int:
            return self._keep.index(key.action) if key.action in self._keep else len(self._keep)

        shown: set[int] = set()
        for key in sorted(hints, key=need):  # a stable sort: footer order among equals
            if not self._width or _cells(key) <= room:
                shown.add(id(key))
                room -= _cells(key)
        yield from (key for key in keys if key.has_class(PALETTE) or id(key) in shown)

    def on_resize(self, event: Resize) -> None:
        if event.size.width != self._width:
            self.call_after_refresh(self.recompose)
