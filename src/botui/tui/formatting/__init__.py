"""How the screens and widgets show money, quantities, times and spans: one formatter.

Every figure a screen shows goes through these functions, so a price, a count of units or a
date reads the same in the queue, the detail screen, the dialogs, the reports and the log.
Times are shown in the one zone of `times` (named on screen); the other modules here say what
fields (`labels`), events (`events`) and outcomes of actions (`outcome`) are called.
"""

from __future__ import annotations

from botui.domain.templates import money as amount
from botui.tui.formatting.times import (
    clock,
    clock_or_day,
    day,
    moment,
    short_day,
    stamp,
    zone_name,
)

__all__ = [
    "age",
    "amount",
    "clock",
    "clock_or_day",
    "day",
    "days_away",
    "delivery_relative",
    "moment",
    "money",
    "plural",
    "ship_relative",
    "short_day",
    "short_money",
    "short_stamp",
    "span",
    "stamp",
    "units",
    "zone_name",
]

HOUR = 3_600
DAY = 86_400
CLOSED = ("fulfilled", "cancelled")


# -- money (integer cents) ---------------------------------------------------------------
# amount(cents): 123456 -> "1,234.56", as the detail screen, the reports and the log show it
# (and the messages to customers: domain.templates).


def money(cents: int) -> str:
    """Cents as dollars with thousands separators: 123456 -> "$1,234.56"."""
    return "$" + amount(cents)


def short_money(cents: int) -> str:
    """Money in at most 8 characters: cents below $10,000, whole dollars or thousands above."""
    if cents < 1_000_000:
        return f"{cents / 100:,.2f}"
    if cents < 100_000_000:
        return f"{cents // 100:,}"
    return f"{cents / 100_000:,.0f}k"


# -- quantities --------------------------------------------------------------------------


def plural(count: int, noun: str) -> str:
    """A count with its noun, grouped by thousands: "1 unit", "1,250 backorders"."""
    return f"{count:,} {noun}" + ("" if count == 1 else "s")


def units(count: object) -> str:
    """A number of units: "1 unit", "1,250 units" (a value that is no number as it is)."""
    if isinstance(count, int) and not isinstance(count, bool):
        return plural(count, "unit")
    return f"{count} units"


# -- spans of time -----------------------------------------------------------------------


def span(seconds: int) -> str:
    """A length of time in one short unit: "45m", "3h", "12d", "4mo", "2y"."""
    if seconds < HOUR:
        return f"{max(seconds // 60, 0)}m"
    if seconds < DAY:
        return f"{seconds // HOUR}h"
    if seconds < 100 * DAY:
        return f"{seconds // DAY}d"
    if seconds < 300 * DAY:
        return f"{seconds // (30 * DAY)}mo"
    return f"{max(round(seconds / (365 * DAY)), 1)}y"


def age(created_at: int, now: int) -> str:
    """How long ago a backorder was created, in one short unit."""
    return span(max(now - created_at, 0))


def ship_relative(
    estimated: int | None, status: str, now: int, shipped: int | None = None
) -> tuple[str, bool]:
    """The estimated ship date next to now ("in 3d", "2d late") and whether it is late; for a
    fulfilled backorder, the day it shipped ("24 Sep")."""
    if status == "fulfilled" and shipped is not None:
        return short_day(shipped, now), False
    if status in CLOSED:
        return "-", False
    if estimated is None:
        return "no date", False
    if estimated < now:
        return f"{span(now - estimated)} late", True
    return f"in {span(estimated - now)}", False


def delivery_relative(estimated: int | None, status: str, now: int) -> str:
    """The delivery estimate next to now, as the ship date reads; "-" when none or closed."""
    if estimated is None or status in CLOSED:
        return "-"
    return ship_relative(estimated, status, now)[0]


def days_away(seconds: int, now: int) -> str:
    """How far a date is from now in whole days, in words ("in 3d", "2d late", "today")."""
    days = (seconds - now) // DAY if seconds >= now else -((now - seconds) // DAY)
    if seconds < now:
        return f"{-days}d late" if days else "late today"
    return "today" if days == 0 else f"in {days}d"


def short_stamp(seconds: int | None) -> str:
    """A time in the zone as MM-DD HH:MM, a dash for none (where the zone is named above)."""
    return stamp(seconds)[5:] if seconds is not None else "-"
