"""Text rules of the contract: lengths, and no control characters or bidirectional overrides."""

from __future__ import annotations

import re
import unicodedata

_BIDI = "\u202a-\u202e\u2066-\u2069"
_CONTROL = "\x00-\x1f\x7f-\x9f"
# Lone surrogates (from JSON "\\ud800" escapes) cannot be stored as UTF-8 at all.
_SURROGATE = "\ud800-\udfff"
_FORBIDDEN_LINE = re.compile(f"[{_CONTROL}{_BIDI}{_SURROGATE}]")
_FORBIDDEN_MULTILINE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}{_SURROGATE}]")
ID_PATTERN = re.compile(r"[A-Za-z0-9_.\-]{1,64}")


def check_text(value: str, max_length: int, multiline: bool = False) -> str:
    """Return `value` if it obeys the rules, else raise ValueError saying what to change."""
    if len(value) > max_length:
        raise ValueError(f"must be at most {max_length:,} characters (it has {len(value):,})")
    pattern = _FORBIDDEN_MULTILINE if multiline else _FORBIDDEN_LINE
    found = pattern.search(value)
    if found:
        allowed = " (only newline and tab are allowed)" if multiline else ""
        raise ValueError(
            f"must not contain control, text-direction or unpaired surrogate characters{allowed}: "
            f"found U+{ord(found.group()):04X} at position {found.start() + 1}"
        )
    return value


# Characters that join or restyle emoji: terminals disagree on the width of what they make
# (👍🏽 is 2 cells in one terminal and 4 in another, ❤️ 1 or 2), so the screen drops them:
# skin tones, zero-width joiner, variation selectors, tag characters, combining keycap.
_AMBIGUOUS_WIDTH = re.compile(
    "[\U0001f3fb-\U0001f3ff\u200d\ufe0e\ufe0f\U000e0100-\U000e01ef\U000e0020-\U000e007f\u20e3]"
)
# Regional indicators pair into flags only where a terminal knows the flag: shown as letters.
_REGIONAL = re.compile("[\U0001f1e6-\U0001f1ff]")
# Code points this Python's Unicode does not assign (newer than its tables, or never), private
# use ones (icon fonts draw them 1 or 2 cells) and lone surrogates: no width is sure, so U+FFFD.
_UNSURE_CATEGORIES = frozenset({"Cn", "Co", "Cs"})
# Invisible format characters (zero-width space, soft hyphen...): some terminals draw a box.
_FORMAT = "Cf"


def safe_for_terminal(value: str) -> str:
    """Stored text as the screen shows it: nothing that can drive a tty, nothing of unsure width.

    Control and bidi characters become U+FFFD; then `for_display` makes every character's
    width one that the app's measure and every terminal agree on.
    """
    return for_display(_FORBIDDEN_MULTILINE.sub("\ufffd", value))


def for_display(value: str) -> str:
    """`value` in NFC with emoji modifiers, joiners, selectors, invisible format characters and
    leading marks dropped, flags as letters and unassigned or private code points as U+FFFD.

    What is left draws as wide in a terminal that measures each code point (wcwidth) as in
    one that measures whole emoji sequences, and as Rich measures it, so a column stays put.
    """
    if value.isascii():
        return value
    text = _AMBIGUOUS_WIDTH.sub("", value)
    text = _REGIONAL.sub(lambda found: chr(ord(found.group()) - 0x1F1E6 + ord("A")), text)
    shown: list[str] = []
    for char in text:
        kind = unicodedata.category(char)
        if kind == _FORMAT or (kind[0] == "M" and not shown):
            continue  # a mark with nothing before it would join whatever the screen puts there
        shown.append("\ufffd" if kind in _UNSURE_CATEGORIES else char)
    # Last, so a mark freed by what was dropped joins its letter: e, U+FE0F, U+0301 is é.
    return unicodedata.normalize("NFC", "".join(shown))
