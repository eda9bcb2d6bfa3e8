"""Bar charts drawn with block characters, each bar labelled with its number.

Rich renderables, so they fit whatever width the screen gives and read the same with NO_COLOR:
the length of a bar shows the shape, the number beside or above it says the value. A value
above zero always gets at least a sliver, so "some" never looks like "none".
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.console import Console, ConsoleOptions, RenderResult
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

HORIZONTAL = " ▏▎▍▌▋▊▉█"  # eighths of a cell, left to right
VERTICAL = " ▁▂▃▄▅▆▇█"  # eighths of a cell, bottom to top


def _eighths(value: float, largest: float, cells: int) -> int:
    """How many eighths of `cells` a value fills; at least one when it is above zero."""
    if value <= 0 or largest <= 0 or cells <= 0:
        return 0
    return max(round(value / largest * cells * 8), 1)


@dataclass(frozen=True)
class Bar:
    """One bar: its label, the value its length shows, the words printed with it."""

    label: str
    value: float
    note: str
    under: str = ""  # ColumnBars: a second figure, printed under the label


class HorizontalBars:
    """One line per bar: label, bar, note ("4-7   ████▌      3  ·  120.00")."""

    def __init__(self, bars: list[Bar], style: Style | None = None) -> None:
        self.bars = bars
        self.style = style or Style()

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        label_width = max((len(b.label) for b in self.bars), default=0)
        note_width = max((len(b.note) for b in self.bars), default=0)
        cells = max(width - label_width - note_width - 3, 1)
        largest = max((b.value for b in self.bars), default=0)
        for bar in self.bars:
            eighths = _eighths(bar.value, largest, cells)
            drawn = "█" * (eighths // 8) + (HORIZONTAL[eighths % 8] if eighths % 8 else "")
            line = Text(no_wrap=True, overflow="crop")
            line.append(bar.label.ljust(label_width) + " ")
            line.append(drawn.ljust(cells), style=self.style)
            line.append(" " + bar.note.rjust(note_width))
            yield line


class ColumnBars:
    """One column per bar, `height` lines tall: its note on top, its label (and `under`, when
    any bar has one) below it."""

    def __init__(self, bars: list[Bar], height: int = 4, style: Style | None = None) -> None:
        self.bars = bars
        self.height = height
        self.style = style or Style()

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if not self.bars:
            return
        column = max(max(len(b.label), len(b.note), len(b.under)) for b in self.bars)
        gap = 1 if (column + 1) * len(self.bars) <= options.max_width else 0
        largest = max(b.value for b in self.bars)
        filled = [_eighths(b.value, largest, self.height) for b in self.bars]
        # Each bar is as wide as its column less one cell, so neighbours stay apart.
        bar_width = max(column - 1, 1)
        lines = [" " * gap + (" " * gap).join(b.note.center(column) for b in self.bars)]
        for row in range(self.height, 0, -1):
            cells = []
            for eighths in filled:
                level = min(max(eighths - (row - 1) * 8, 0), 8)
                cells.append((VERTICAL[level] * bar_width).center(column))
            lines.append(" " * gap + (" " * gap).join(cells))
        lines.append(" " * gap + (" " * gap).join(b.label.center(column) for b in self.bars))
        if any(b.under for b in self.bars):
            lines.append(" " * gap + (" " * gap).join(b.under.center(column) for b in self.bars))
        for index, line in enumerate(lines):
            bars_line = 0 < index <= self.height
            yield Segment(line[: options.max_width], self.style if bars_line else None)
            yield Segment.line()
