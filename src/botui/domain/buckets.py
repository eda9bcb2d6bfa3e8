"""The contract's aging buckets and the createdAt range of each: shared by the queue's age
narrowing and the aging report, in a module of their own so that the queue loads without the
reports (and their pydantic models)."""

from __future__ import annotations

from botui.domain.errors import validation

DAY = 86_400
# The contract's aging buckets: (name, first day, last day or None for "and older").
BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("0-3", 0, 3),
    ("4-7", 4, 7),
    ("8-14", 8, 14),
    ("15-21", 15, 21),
    ("22-30", 22, 30),
    ("31-45", 31, 45),
    ("46+", 46, None),
)


def names() -> list[str]:
    return [name for name, _, _ in BUCKETS]


def bucket_bounds(bucket: str, now: int) -> tuple[int | None, int | None]:
    """The createdAt range of an aging bucket at `now`: (after, up to and including); None
    where the range is open on that side.

    An age of d whole days means now - 86400 * (d + 1) < createdAt <= now - 86400 * d; a
    backorder created after `now` (a clock set back) counts as 0 days old.
    """
    for name, first, last in BUCKETS:
        if name == bucket:
            upper = now - DAY * first if first else None
            lower = None if last is None else now - DAY * (last + 1)
            return lower, upper
    raise validation(f"unknown bucket {bucket!r}; the buckets are {', '.join(names())}", "bucket")
