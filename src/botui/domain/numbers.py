"""Numbers as a person types them: one rule for whole numbers and amounts of money.

The rule (the README's "Numbers typed in forms" says the same):
- Spaces around the number are ignored; an amount may start with `$`.
- A point is the decimal point; an amount has at most two digits after it (`12.5`, `12.50`).
- A comma only groups thousands, and then every group after the first has exactly three
  digits (`1,250`, `1,250.00`, `12,345,678`). Any other comma (`12,50`, `1,5`, `1,2345`) is
  refused rather than guessed: `12,50` may mean twelve and a half or twelve hundred and fifty.
- Nothing else: no signs, spaces or underscores inside, no exponents, no other digits than
  0-9 (a full-width or Arabic-Indic digit is refused, not read).

Every refusal is a ValueError whose message says what to type instead.
"""

from __future__ import annotations

import re

_GROUPED = r"[0-9]{1,3}(?:,[0-9]{3})+"
_WHOLE = re.compile(rf"(?:{_GROUPED}|[0-9]+)")
_MONEY = re.compile(rf"\$?(?P<whole>{_GROUPED}|[0-9]+)?(?:\.(?P<fraction>[0-9]*))?")
_DECIMAL_COMMA = re.compile(r"[0-9]+,[0-9]{1,2}")
MAX_DIGITS = 15  # more cannot be a count or an amount botui stores; refused before int()


def _ungroup(digits: str) -> str:
    return digits.replace(",", "")


def parse_whole(text: str) -> int:
    """A typed whole number (`1250`, `1,250`) as an int; ValueError saying why not.

    The range is the caller's to check: this reads the number only.
    """
    typed = text.strip()
    if _WHOLE.fullmatch(typed) and len(_ungroup(typed)) <= MAX_DIGITS:
        return int(_ungroup(typed))
    if "," in typed and re.fullmatch(r"[0-9,]+", typed):
        raise ValueError(f"{typed!r} is not a whole number: a comma only groups thousands (1,250)")
    if re.fullmatch(r"[0-9,]+", typed) and len(_ungroup(typed)) > MAX_DIGITS:
        raise ValueError(f"{typed!r} has too many digits for a count botui keeps")
    if re.fullmatch(r"[0-9]+\.[0-9]+", typed):
        raise ValueError(f"{typed!r} is not a whole number: give whole units, without a point")
    raise ValueError(f"{typed!r} is not a whole number: type digits only, like 12 or 1,250")


def parse_cents(text: str) -> int:
    """A typed amount (`129.99`, `$1,250`, `12.5`) as integer cents; ValueError saying why not.

    The range is the caller's to check: this reads the amount only.
    """
    typed = text.strip()
    found = _MONEY.fullmatch(typed)
    if found and (found["whole"] or found["fraction"]):
        whole = _ungroup(found["whole"] or "0")
        fraction = found["fraction"] or ""
        if len(fraction) > 2:
            raise ValueError(
                f"{typed!r} has {len(fraction)} digits after the point: an amount has at most "
                "two (cents), and a comma groups thousands (1,000.00)"
            )
        if len(whole) <= MAX_DIGITS:
            return int(whole) * 100 + int(fraction.ljust(2, "0"))
    if _DECIMAL_COMMA.fullmatch(typed.removeprefix("$")):
        raise ValueError(
            f"{typed!r} is ambiguous: write cents after a point ({typed.replace(',', '.')}); "
            "a comma only groups thousands (1,250.00)"
        )
    raise ValueError(f"{typed!r} is not an amount: type it like 129.99 or 1,250.00")
