"""Every time the screens show, in one zone that is named on screen.

The zone lives here alone: the event log, the detail screen, the form, the dialogs and the
messages all format times with these functions, so one event never shows two clocks.
"""

from __future__ import annotations

import datetime as dt

ZONE: dt.tzinfo = dt.UTC


def zone_name() -> str:
    """The zone's name as the screen prints it after a time ("UTC", "Asia/Tokyo")."""
    key = getattr(ZONE, "key", None)
    return key if isinstance(key, str) else ZONE.tzname(None) or "UTC"


def _at(seconds: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, ZONE)


def _named(text: str, named: bool) -> str:
    return f"{text} {zone_name()}" if named else text


def clock(seconds: int, *, named: bool = False) -> str:
    """A Unix time as HH:MM:SS on the zone's clock."""
    return _named(_at(seconds).strftime("%H:%M:%S"), named)


def day(seconds: int | None) -> str:
    """A Unix time as the zone's YYYY-MM-DD, empty for none."""
    if seconds is None:
        return ""
    return _at(seconds).strftime("%Y-%m-%d")


def stamp(seconds: int | None, *, named: bool = False) -> str:
    """A Unix time as the zone's YYYY-MM-DD HH:MM, a dash for none."""
    if seconds is None:
        return "-"
    return _named(_at(seconds).strftime("%Y-%m-%d %H:%M"), named)


def moment(seconds: int, now: int) -> str:
    """A recent time as briefly as it reads: HH:MM on today's date, else the date too; named."""
    when = _at(seconds)
    shown = when.strftime("%H:%M" if when.date() == _at(now).date() else "%Y-%m-%d %H:%M")
    return _named(shown, True)


def short_day(seconds: int, now: int) -> str:
    """A date in at most 8 cells: "24 Sep" in the current year of the zone, else "Sep 2025"."""
    when = _at(seconds)
    return when.strftime("%d %b" if when.year == _at(now).year else "%b %Y")


def clock_or_day(seconds: int, now: int) -> str:
    """HH:MM:SS for a time of today in the zone, else its day ("21 Sep", "Sep 2025"), in the
    same 8 cells, so an old event never reads as one of today's."""
    if _at(seconds).date() == _at(now).date():
        return clock(seconds)
    return f"{short_day(seconds, now):<8}"
