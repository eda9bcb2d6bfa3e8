"""The stylesheets in `.tcss` files: each package's rules in one file, read once, a section a class.

The app's own sheet is `botui.tcss` (its CSS_PATH). A widget's rules are its DEFAULT_CSS and a
screen's its CSS, which Textual scopes to the class and ranks as it ranks each kind; those
strings are read here from `widgets/widgets.tcss`, `screens/screens.tcss` and
`dialogs/dialogs.tcss`, so every rule is in a file an editor highlights and none is a Python
string. (Textual gives a widget no CSS_PATH of its own, and a screen's CSS_PATH would apply to
every screen once read.)

A section runs from a line `/* @Name */` to the next; Name is the class, or a part several
classes share (`fields`). Each file is read once, when the first class of its package is made.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

HERE = Path(__file__).parent
SECTION = re.compile(r"^/\* @(\w+) \*/$", re.MULTILINE)


@cache
def sections(package: str) -> dict[str, str]:
    """The sections of `package`'s sheet (`widgets`, `screens`, `dialogs`), by name."""
    text = (HERE / package / f"{package}.tcss").read_text(encoding="utf-8")
    parts = SECTION.split(text)
    return {name: body.strip() + "\n" for name, body in zip(parts[1::2], parts[2::2], strict=True)}


def css(package: str, *names: str) -> str:
    """The rules of the named sections of `package`'s sheet, in that order.

    A name with no section is a KeyError when the class is made: a rule never goes missing
    silently.
    """
    found = sections(package)
    return "".join(found[name] for name in names)
