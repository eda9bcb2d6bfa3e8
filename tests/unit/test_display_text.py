"""Stored text as the screen shows it: every character as wide as Rich and terminals agree."""

from __future__ import annotations

import unicodedata

import pytest
import wcwidth
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from botui.domain.text import for_display, safe_for_terminal


def per_code_point(text: str) -> int:
    """The width a terminal that measures each code point with wcwidth(3) draws."""
    return sum(max(wcwidth.wcwidth(char), 0) for char in text)


def per_grapheme(text: str) -> int:
    """The width a terminal that measures whole emoji sequences and clusters draws."""
    return wcwidth.wcswidth(text)


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("Tom 👍🏽 Reyes", "Tom 👍 Reyes"),  # skin tone dropped
        ("👨\u200d👩\u200d👧 Family", "👨👩👧 Family"),  # joiners dropped
        ("🇯🇵 Sato", "JP Sato"),  # a flag as its letters
        ("1️⃣ Club", "1 Club"),  # keycap: selector and combining keycap dropped
        ("#️⃣", "#"),
        ("❤️ Mia", "❤ Mia"),  # emoji presentation selector dropped
        ("⌚︎ watch", "⌚ watch"),  # text presentation selector dropped
        ("🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f Scot", "🏴 Scot"),
        ("🧑🏽\u200d💻 dev", "🧑💻 dev"),
        ("e\u0301lan", "élan"),  # NFC
        ("e\ufe0f\u0301 \U0001f1ef\u0302", "é Ĵ"),  # NFC after what is dropped or replaced
        ("東京 顧客", "東京 顧客"),  # wide CJK kept
        ("Zoë Ångström", "Zoë Ångström"),
        ("zero\u200bwidth\u00adsoft", "zerowidthsoft"),  # invisible format characters
        ("\u0301leading mark", "leading mark"),
        ("icon \ue0b0 and \U000f0000", "icon \ufffd and \ufffd"),  # private use
        ("new \U000e0fff", "new \ufffd"),  # unassigned
        ("plain ascii [b]x[/b]", "plain ascii [b]x[/b]"),
    ],
)
def test_what_terminals_disagree_on_is_dropped_or_replaced(stored: str, shown: str) -> None:
    assert for_display(stored) == shown
    assert cell_len(shown) == per_code_point(shown) == per_grapheme(shown)


def test_safe_for_terminal_neutralises_controls_then_normalises() -> None:
    assert safe_for_terminal("\x1b[31mTom 👍🏽\u202e") == "\ufffd[31mTom 👍\ufffd"
    assert safe_for_terminal("line one\nline\ttwo") == "line one\nline\ttwo"


def test_the_queue_sample_is_as_wide_everywhere() -> None:
    names = ["Tom 👍🏽 Reyes", "👨\u200d👩\u200d👧\u200d👦", "🇫🇷", "1️⃣", "❤️", "李小龍", "Zoe\u0308"]
    for name in names:
        shown = for_display(name)
        assert cell_len(shown) == per_code_point(shown) == per_grapheme(shown), name


LINE = st.characters(exclude_categories=("Cs",), exclude_characters="\n\t\r")
EMOJI = st.sampled_from(
    ["👍", "🏽", "\u200d", "\ufe0f", "\ufe0e", "\u20e3", "🇯", "🇵", "\U000e0067", "❤", "👩", "#"]
)


@settings(max_examples=400, deadline=None)
@given(st.text(st.one_of(LINE, EMOJI), max_size=24))
def test_any_text_shown_is_as_wide_as_rich_measures_it(stored: str) -> None:
    shown = safe_for_terminal(stored)
    width = cell_len(shown)
    assert width == per_code_point(shown)
    # Spacing vowel signs (Devanagari, Tamil...) are kept: a name stays spelled as written.
    # Rich and per-code-point terminals give them no cell; grapheme terminals vary.
    if not any(unicodedata.category(char) == "Mc" for char in shown):
        assert width == per_grapheme(shown)


@settings(max_examples=200, deadline=None)
@given(st.text(st.one_of(LINE, EMOJI), max_size=24))
def test_display_text_is_stable(stored: str) -> None:
    shown = for_display(stored)
    assert for_display(shown) == shown
