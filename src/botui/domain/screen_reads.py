"""The reads the screens need beyond the contract's actions, as methods of the service.

Queue windows and counts (domain.queue), look-ups (domain.lookup) and record pages
(domain.records) keep their queries there; the UI calls them only through these methods,
each on this thread's session (one connection shared by the calls of a `session()` block).
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING, Any, cast

from botui.domain import queue
from botui.domain.core import ServiceCore
from botui.domain.queue import QueueRow, QueueSpec, Window
from botui.store.engine import is_postgres
from botui.store.postgres import BotuiPostgres, EventListener

if TYPE_CHECKING:  # loaded when first called: the queue's first screen needs neither
    from botui.domain import schemas
    from botui.domain.lookup import Context, Place, Suggestion
    from botui.domain.records import RecordPage
    from botui.domain.service import Service


class ScreenReads(ServiceCore):
    """Read-only calls for the UI: none writes, each answers models or frozen dataclasses."""

    _listener: EventListener | None = None  # wait_for_events' connection, made on first use
    _listener_lock = threading.Lock()

    @property
    def _whole(self) -> Service:
        """The service this is a part of (its only user), which lookup and records read."""
        return cast("Service", self)

    # -- the queue ------------------------------------------------------------------------

    def queue_first_rows(
        self, spec: QueueSpec, now: int, height: int, *, margin: int = queue.MARGIN
    ) -> Window:
        """The first screen of a view at once, and `margin` rows after it (for the first
        scrolling); `counted` says whether its total is known."""
        with self.session():
            return queue.first_rows(spec, now, height, margin=margin)

    def queue_count(self, spec: QueueSpec, now: int) -> int:
        with self.session():
            return queue.count(spec, now)

    def queue_window(
        self, spec: QueueSpec, now: int, top: int, height: int, previous: Window | None = None
    ) -> Window:
        """Rows `top`..`top + height` and a margin, reusing what `previous` already holds."""
        with self.session():
            return queue.load(spec, now, top, height, previous)

    def queue_refresh(self, window: Window, now: int, top: int, height: int) -> Window:
        """`window` read again after a change (rows, count), around `top`."""
        with self.session():
            return queue.refresh(window, now, top, height)

    def queue_ends(self, window: Window, now: int, height: int) -> tuple[Window, ...]:
        """The first and last screens of a counted window's view, read ahead for g and G."""
        with self.session():
            return queue.ends(window, now, height)

    def queue_offset(self, spec: QueueSpec, now: int, backorder_id: str) -> int | None:
        """Where a backorder stands in the view, None if the view does not show it."""
        with self.session():
            return queue.offset_of(spec, now, backorder_id)

    def queue_rows(self, ids: list[str]) -> dict[str, QueueRow]:
        """The queue rows of these backorders (those that exist), by id."""
        with self.session():
            return queue.rows_by_id(ids)

    def queue_shown(self, spec: QueueSpec, now: int, ids: list[str]) -> set[str]:
        """Those of `ids` the queue shows under `spec` (marks a filter or narrowing hides
        are the others)."""
        with self.session():
            return queue.shown_of(spec, now, ids)

    def view_counts(self, spec: QueueSpec, now: int) -> dict[str, int]:
        """How many backorders each view holds under the spec's narrowing and filter."""
        with self.session():
            return queue.view_counts(spec, now)

    def latest_event_id(self) -> int:
        """The id of the newest event, 0 when the log is empty."""
        with self.session():
            return queue.latest_event_id()

    @property
    def events_wake(self) -> bool:
        """Whether `wait_for_events` ends as soon as events are written (PostgreSQL's NOTIFY);
        if not (SQLite), a follower asks for new events every second instead."""
        return is_postgres(self.db)

    def wait_for_events(self, timeout: float) -> bool:
        """Wait up to `timeout` seconds for another session's events to be committed: True as
        soon as they are (also after a lost listening connection was made again, since news
        may have been missed meanwhile), False when the time ran out. Without `events_wake`
        it just waits the time and says False.

        One thread waits at a time (the UI's listening worker); `stop_waiting` ends it.
        """
        if not self.events_wake:
            time.sleep(timeout)
            return False
        with self._listener_lock:
            if self._listener is None:
                # events_wake: the database is PostgreSQL, which botui opens as BotuiPostgres
                self._listener = EventListener(cast(BotuiPostgres, self.db))
            listener = self._listener
        return listener.wait(timeout)

    def stop_waiting(self) -> None:
        """Close the listening connection `wait_for_events` opened (if it did)."""
        with self._listener_lock:
            listener, self._listener = self._listener, None
        if listener is not None:
            listener.close()

    # -- look-ups -------------------------------------------------------------------------

    def backorder_context(self, backorder_id: str) -> Context:
        """Everything the detail screen shows about one backorder (not_found if it is gone)."""
        from botui.domain import lookup

        with self.session():
            return lookup.context(self._whole, backorder_id)

    def deletion(self, backorder_id: str) -> schemas.Event | None:
        """The `deleted` event of a backorder that no longer exists, if there is one."""
        from botui.domain import lookup

        with self.session():
            return lookup.deletion(self._whole, backorder_id)

    def last_change(self, backorder_id: str) -> schemas.Event | None:
        """The last event that changed a backorder (raised its version): who, what, when."""
        from botui.domain import lookup

        with self.session():
            return lookup.last_change(self._whole, backorder_id)

    def describe(self, kind: str, record_id: str) -> str | None:
        """A one-line description of a business, customer, product or order, or None."""
        from botui.domain import lookup

        with self.session():
            return lookup.describe(self._whole, kind, record_id)

    def names_of(self, backorder: schemas.Backorder) -> tuple[str, str]:
        """The names of a backorder's product and customer."""
        from botui.domain import lookup

        with self.session():
            return lookup.names_of(self._whole, backorder)

    def order_id(self, typed: str) -> str | None:
        """The id of the order typed as its id or its number (SO-100143)."""
        from botui.domain import lookup

        with self.session():
            return lookup.order_id(self._whole, typed)

    def products_of(self, backorder_ids: list[str]) -> dict[str, schemas.Product]:
        """The product of each of these backorders, by backorder id."""
        from botui.domain import lookup

        with self.session():
            return lookup.products_of(self._whole, backorder_ids)

    def place_in_queue(self, backorder_id: str) -> Place | None:
        """Where a backorder waits among its product's for arriving units."""
        from botui.domain import lookup

        with self.session():
            return lookup.place_in_queue(self._whole, backorder_id)

    def suggest(
        self, kind: str, typed: str, *, customer: str | None = None, business: str | None = None
    ) -> list[Suggestion]:
        """Records of `kind` matching what was typed, for a field's suggestions (orders only
        of the given customer and business, when given)."""
        from botui.domain import lookup

        with self.session():
            return lookup.suggest(self._whole, kind, typed, customer=customer, business=business)

    def customer_of(self, backorder_id: str) -> schemas.Customer | None:
        """The customer of a backorder, or None when the backorder does not exist."""
        from botui.domain import lookup

        with self.session():
            return lookup.customer_of(self._whole, backorder_id)

    # -- records --------------------------------------------------------------------------

    def record_page(
        self,
        kind: str,
        *,
        text: str = "",
        after: str | None = None,
        before: str | None = None,
        limit: int | None = None,
    ) -> RecordPage:
        """A page of products, customers, businesses or orders in id order (domain.records)."""
        from botui.domain import records

        with self.session():
            return records.page(
                self._whole,
                kind,
                text=text,
                after=after,
                before=before,
                limit=limit or records.PAGE,
            )

    def record(self, kind: str, record_id: str) -> Any:
        """One product, customer, business or order as its answer schema, or None."""
        from botui.domain import records

        with self.session():
            return records.one(self._whole, kind, record_id)

    def record_count(self, kind: str) -> int:
        from botui.domain import records

        with self.session():
            return records.count(self._whole, kind)

    def has_backorders(self) -> bool:
        """Whether the database holds any backorder at all (an index probe, not a count)."""
        from botui.domain import records

        with self.session():
            return records.has_backorders(self._whole)
