"""The outbox's delivery bookkeeping: claim an entry, record an attempt or the send, retry.

Each method is one transaction. A sender claims one entry at a time, sends it, and records the
outcome at once, so a crash between the server accepting a message and the record can repeat
that one message (its claim expires), never more.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from botui.domain import convert, schemas
from botui.domain.core import ServiceCore
from botui.domain.errors import conflict, not_found
from botui.domain.validation import parse
from botui.store.models import Notification

# Waits after the 1st, 2nd and 3rd failure; every later failure waits an hour.
BACKOFF_SECONDS = (60, 300, 1800)
HOURLY = 3600
MAX_ATTEMPTS = 8
# How long a claim keeps other senders off an entry; a crashed sender's claim then expires.
CLAIM_SECONDS = 600
ERROR_LENGTH = 500


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
            Notification.update(claimed_until=now + CLAIM_SECONDS).where(
                Notification.id == row.id
            ).execute()
            return self._entry(row)

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
