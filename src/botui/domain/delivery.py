"""The outbox's delivery bookkeeping: claim an entry, record an attempt or the send, retry.

Each method is one transaction. A sender claims one entry at a time, sends it, and records the
outcome at once, so a crash between the server accepting a message and the record can repeat
that one message (its claim expires), never more.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from peewee import fn

from botui.domain import convert
from botui.domain.core import ServiceCore
from botui.domain.errors import conflict, not_found, validation
from botui.domain.validation import parse
from botui.lazy import lazy_module
from botui.store.models import Notification
from botui.store.peewee_types import tuples

if TYPE_CHECKING:
    from botui.domain import schemas
else:  # pydantic loads when a schema is first used, not with the first screen (botui.lazy)
    schemas = lazy_module("botui.domain.schemas")

# Waits after the 1st, 2nd and 3rd failure; every later failure waits an hour.
BACKOFF_SECONDS = (60, 300, 1800)
HOURLY = 3600
MAX_ATTEMPTS = 8
# How long a claim keeps other senders off an entry; a crashed sender's claim then expires.
CLAIM_SECONDS = 600
ERROR_LENGTH = 500
OUTBOX_STATUSES = ("queued", "failed", "sent")
# The order each tab of the outbox screen lists in: what waits, oldest first (as the sender
# takes it); what was sent, and everything together, newest first (recent history on top).
OLDEST_FIRST = ("queued", "failed")
SCREEN_PAGE_LIMIT = 1000


@dataclass(frozen=True)
class OutboxLine:
    """One outbox entry as the outbox screen lists it: with when it is tried next."""

    entry: schemas.OutboxEntry
    next_attempt_at: int | None  # None: due now (or not queued)
    sending: bool  # a sender holds its claim right now


@dataclass(frozen=True)
class OutboxScreenPage:
    """A page of one tab of the outbox screen, the id to read the next page after, and the
    number of entries in each status (for the tabs' titles)."""

    lines: list[OutboxLine]
    next_after: int | None
    counts: dict[str, int]


def one_line(error: str) -> str:
    """An error as one line of printable text, at most ERROR_LENGTH characters."""
    text = " ".join("".join(c if c.isprintable() else " " for c in error).split())
    return text if len(text) <= ERROR_LENGTH else text[: ERROR_LENGTH - 3] + "..."


def backoff(attempts: int) -> int:
    """Seconds to wait before the next try after `attempts` failed ones (1, 5, 30 min, hourly)."""
    return BACKOFF_SECONDS[attempts - 1] if attempts <= len(BACKOFF_SECONDS) else HOURLY


class Delivery(ServiceCore):
    """What `botui outbox send` and the outbox screen ask of the outbox, besides reading it."""

    def _entry(self, row: Notification) -> schemas.OutboxEntry:
        return convert.outbox(row, self.database_id())

    def claim_next_outbox(self, channels: Iterable[str]) -> schemas.OutboxEntry | None:
        """Claim the oldest queued entry on `channels` that is due and unclaimed, or None."""
        _, now = self._who()
        wanted = list(channels)
        if not wanted:
            return None
        with self._write():
            row = (
                Notification.select()
                .where(
                    (Notification.status == "queued")
                    & Notification.channel.in_(wanted)
                    & (
                        Notification.next_attempt_at.is_null()
                        | (Notification.next_attempt_at <= now)
                    )
                    & (Notification.claimed_until.is_null() | (Notification.claimed_until <= now))
                )
                .order_by(Notification.id)
                .first()
            )
            if row is None:
                return None
            if not self._claim(row.id, now):
                return None  # another sender took it between the read and the write
            return self._entry(row)

    def claim_outbox(self, entry_id: int, channels: Iterable[str]) -> schemas.OutboxEntry:
        """Claim one queued entry to send it now, whatever its back-off wait (someone asked).

        A sent entry is never sent again, a failed one must be retried first, and an entry
        another sender holds is left to it: each is a conflict that says so.
        """
        _, now = self._who()
        with self._write():
            row = self._outbox_row(entry_id)
            if row.status == "sent":
                raise conflict(
                    f"outbox entry {entry_id} was already sent; it is never sent twice", "id"
                )
            if row.status == "failed":
                raise conflict(
                    f"outbox entry {entry_id} failed after {row.attempts} attempts; "
                    "retry it first (it is queued again), then send it",
                    "id",
                )
            if row.channel not in set(channels):
                raise validation(
                    f"outbox entry {entry_id} is {row.channel}, which is not configured here",
                    "channel",
                )
            if not self._claim(row.id, now):
                raise conflict(
                    f"outbox entry {entry_id} is being sent by another botui right now; "
                    "look again in a moment",
                    "id",
                )
            return self._entry(row)

    @staticmethod
    def _claim(entry_id: int, now: int) -> bool:
        """Take a queued, unclaimed entry for one sender: a compare-and-set, so two senders
        never both win, whatever the engine's isolation."""
        taken: int = (
            Notification.update(claimed_until=now + CLAIM_SECONDS)
            .where(
                (Notification.id == entry_id)
                & (Notification.status == "queued")
                & (Notification.claimed_until.is_null() | (Notification.claimed_until <= now))
            )
            .execute()
        )
        return taken == 1

    def record_outbox_sent(self, entry_id: int) -> schemas.OutboxEntry:
        """The server (or SMS command) accepted the entry: it is sent, never to be sent again."""
        _, now = self._who()
        with self._write():
            Notification.update(status="sent", sent_at=now, claimed_until=None).where(
                (Notification.id == entry_id) & (Notification.status != "sent")
            ).execute()
            return self._entry(self._outbox_row(entry_id))

    def record_outbox_attempt(self, entry_id: int, error: str) -> schemas.OutboxEntry:
        """A refused try: attempts and lastError raised, the next try backed off, failed after 8."""
        _, now = self._who()
        with self._write():
            row = self._outbox_row(entry_id)
            if row.status != "queued":
                return self._entry(row)  # marked sent by hand meanwhile: nothing to count
            attempts = row.attempts + 1
            Notification.update(
                attempts=attempts,
                last_error=one_line(error),
                status="failed" if attempts >= MAX_ATTEMPTS else "queued",
                next_attempt_at=now + backoff(attempts),
                claimed_until=None,
            ).where(Notification.id == entry_id).execute()
            return self._entry(self._outbox_row(entry_id))

    def release_outbox(self, entry_id: int) -> None:
        """Give a claimed entry back untried (the mail server could not be reached at all)."""
        with self._write():
            Notification.update(claimed_until=None).where(Notification.id == entry_id).execute()

    def count_outbox(self, status: str) -> int:
        """How many outbox entries have `status` now."""
        with self._read():
            return Notification.select().where(Notification.status == status).count()

    def outbox_counts(self) -> dict[str, int]:
        """How many outbox entries are queued, failed and sent (zeros included)."""
        with self._read():
            return self._counts()

    @staticmethod
    def _counts() -> dict[str, int]:
        counts = dict.fromkeys(OUTBOX_STATUSES, 0)
        query = Notification.select(Notification.status, fn.COUNT(Notification.id).alias("n"))
        for status, count in tuples(query.group_by(Notification.status)):
            counts[status] = count
        return counts

    def outbox_screen(
        self, status: str | None, *, after: int | None = None, limit: int = 100
    ) -> OutboxScreenPage:
        """A page of the outbox screen: entries of `status` (None: all) after the id `after`,
        queued and failed ones oldest first, sent ones and all newest first, with the counts.

        Keyset paging on the id: a page costs the same at the millionth entry as at the first.
        """
        if status is not None and status not in OUTBOX_STATUSES:
            raise validation(f"status must be one of {', '.join(OUTBOX_STATUSES)}", "status")
        if not 1 <= limit <= SCREEN_PAGE_LIMIT:
            raise validation(f"limit must be from 1 to {SCREEN_PAGE_LIMIT}", "limit")
        _, now = self._who()
        ascending = status in OLDEST_FIRST
        with self._read():
            query = Notification.select()
            if status is not None:
                query = query.where(Notification.status == status)
            if after is not None:
                query = query.where(
                    Notification.id > after if ascending else Notification.id < after
                )
            order = Notification.id if ascending else Notification.id.desc()
            rows = list(query.order_by(order).limit(limit + 1))
            more = len(rows) > limit
            rows = rows[:limit]
            database_id = self.database_id()
            lines = [
                OutboxLine(
                    entry=convert.outbox(row, database_id),
                    next_attempt_at=(
                        row.next_attempt_at
                        if row.status == "queued"
                        and row.next_attempt_at is not None
                        and row.next_attempt_at > now
                        else None
                    ),
                    sending=row.claimed_until is not None and row.claimed_until > now,
                )
                for row in rows
            ]
            return OutboxScreenPage(
                lines=lines,
                next_after=rows[-1].id if more else None,
                counts=self._counts(),
            )

    def retry_outbox(self, payload: Any) -> schemas.OutboxEntry:
        """outbox.retry: a failed entry is queued again from 0 attempts; a queued one is due now."""
        data = parse(schemas.RetryOutbox, payload, "outbox.retry")
        with self._write():
            row = self._outbox_row(data.id)
            if row.status == "sent":
                raise conflict(
                    f"outbox entry {data.id} was already sent; it is never sent twice", "id"
                )
            columns: dict[str, Any] = {"status": "queued", "next_attempt_at": None}
            if row.status == "failed":
                columns["attempts"] = 0
            Notification.update(**columns).where(Notification.id == row.id).execute()
            return self._entry(self._outbox_row(row.id))

    @staticmethod
    def _outbox_row(entry_id: int) -> Notification:
        row = Notification.get_or_none(Notification.id == entry_id)
        if row is None:
            raise not_found(f"there is no outbox entry {entry_id}; check id", "id")
        return row
