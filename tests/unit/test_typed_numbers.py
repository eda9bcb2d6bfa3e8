"""The one rule for numbers a person types (domain.numbers): what is read, what is refused."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from botui.domain.numbers import parse_cents, parse_whole
from botui.domain.templates import money


@pytest.mark.parametrize(
    ("typed", "cents"),
    [
        ("12.50", 1250),
        ("12.5", 1250),
        ("12", 1200),
        ("12.", 1200),
        (".5", 50),
        ("0", 0),
        ("0.00", 0),
        ("$12.50", 1250),
        ("  129.99 ", 12999),
        ("1,250", 125_000),
        ("1,250.00", 125_000),
        ("12,345,678.90", 1_234_567_890),
        ("10,000,000.00", 1_000_000_000),
    ],
)
def test_amounts_read_by_the_rule(typed: str, cents: int) -> None:
    assert parse_cents(typed) == cents


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("12,50", "write cents after a point (12.50)"),
        ("1,5", "write cents after a point (1.5)"),
        ("$9,99", "write cents after a point"),
        ("1,2345", "not an amount"),
        ("12,50.00", "not an amount"),
        ("1.000", "3 digits after the point"),
        ("1.2.3", "not an amount"),
        ("-5", "not an amount"),
        ("+5", "not an amount"),
        ("1 250", "not an amount"),
        ("1_250", "not an amount"),
        ("1e3", "not an amount"),
        ("", "not an amount"),
        (".", "not an amount"),
        ("$", "not an amount"),
        ("١٢", "not an amount"),  # Arabic-Indic digits are not guessed at
        ("１２", "not an amount"),  # nor full-width ones
        ("9" * 40, "not an amount"),
    ],
)
def test_amounts_the_rule_cannot_read_are_refused_saying_why(typed: str, says: str) -> None:
    with pytest.raises(ValueError) as refused:
        parse_cents(typed)
    assert says in str(refused.value)


@pytest.mark.parametrize(
    ("typed", "whole"),
    [("12", 12), ("1,000", 1000), (" 7 ", 7), ("1,000,000", 1_000_000), ("007", 7)],
)
def test_whole_numbers_read_by_the_rule(typed: str, whole: int) -> None:
    assert parse_whole(typed) == whole


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("1,5", "a comma only groups thousands"),
        ("10,00", "a comma only groups thousands"),
        ("1.5", "without a point"),
        ("1.000", "without a point"),
        ("-3", "digits only"),
        ("3 units", "digits only"),
        ("", "digits only"),
        ("9" * 16, "too many digits"),
    ],
)
def test_whole_numbers_the_rule_cannot_read_are_refused(typed: str, says: str) -> None:
    with pytest.raises(ValueError) as refused:
        parse_whole(typed)
    assert says in str(refused.value)


@given(st.integers(min_value=0, max_value=10**14))
def test_an_amount_as_botui_shows_it_reads_back_as_the_same_cents(cents: int) -> None:
    shown = money(cents)  # "1,234.56", as every screen writes amounts
    assert parse_cents(shown) == cents
    assert parse_cents("$" + shown) == cents
    assert parse_cents(shown.replace(",", "")) == cents


@given(st.integers(min_value=0, max_value=10**15 - 1))
def test_a_whole_number_reads_back_grouped_or_not(number: int) -> None:
    assert parse_whole(f"{number:,}") == number
    assert parse_whole(str(number)) == number


@given(st.text(max_size=20))
def test_any_text_is_read_or_refused_with_a_value_error_never_anything_else(text: str) -> None:
    for parse in (parse_cents, parse_whole):
        try:
            value = parse(text)
        except ValueError as refused:
            assert str(refused)
        else:
            assert isinstance(value, int) and value >= 0


@given(st.integers(min_value=0, max_value=999), st.integers(min_value=1, max_value=99))
def test_a_decimal_comma_is_never_read_as_thousands(whole: int, fraction: int) -> None:
    typed = f"{whole},{fraction:02d}" if fraction >= 10 else f"{whole},{fraction}"
    with pytest.raises(ValueError):
        parse_cents(typed)
