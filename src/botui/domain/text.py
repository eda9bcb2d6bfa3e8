"""Text rules of the contract: lengths, and no control characters or bidirectional overrides."""

from __future__ import annotations

import re

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


def safe_for_terminal(value: str) -> str:
    """Replace any control or bidi character with U+FFFD so stored text can never drive a tty."""
    return _FORBIDDEN_MULTILINE.sub("\ufffd", value)
