"""Plumbing shared by the service's actions: transactions, actor and clock, events, checks."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import peewee

from botui import config
from botui.domain import convert
from botui.domain.allocation import Grant, allocate, release
from botui.domain.errors import (
    conflict,
    not_found,
    storage_error,
    validation,
)
from botui.domain.text import check_text
from botui.lazy import lazy_module
from botui.store.db import translate_errors
from botui.store.engine import is_postgres
from botui.store.models import (
    Backorder,
    Counter,
    DatabaseFact,
    Event,
)
from botui.store.postgres import notify_events
from botui.store.reading import ReadHandle as ReadHandle  # the UI cancels reads by it
from botui.store.reading import session

if TYPE_CHECKING:
    from botui.domain import schemas
    from botui.store.models import Business, Customer, Order, Product

    # The records with an id of their own (given or counted) that backorders point at.
    Record = Business | Customer | Product | Order
else:  # pydantic loads when a schema is first used, not with the first screen (botui.lazy)
    schemas = lazy_module("botui.domain.schemas")

# The UI's workers each open a short-lived connection: a big page cache would only raise the
# peak memory (a count over a million rows fills it) and be thrown away at the end.
SMALL_CACHE_KIB = 2_000


def camel(name: str) -> str:
    """The contract's camelCase spelling of a Python field name."""
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


class ServiceCore:
    """What every action shares: the clock, the actor, one IMMEDIATE transaction, events."""

    def __init__(
        self,
        db: peewee.Database,
        *,
        clock: Callable[[], int] = config.now,
        actor: Callable[[], str] = config.actor,
    ) -> None:
        self.db = db
        self._clock = clock
        self._actor = actor

    # -- plumbing -------------------------------------------------------------------------

    @property
    def readonly(self) -> bool:
        return bool(getattr(self.db, "botui_readonly", False))

    @property
    def path(self) -> str:
        return str(getattr(self.db, "botui_path", self.db.database))

    def database_id(self) -> str:
        """This database's own random id (made by migration 0007), read once and kept."""
        known = getattr(self, "_database_id", None)
        if known is None:
            with translate_errors(self.path):
                known = DatabaseFact.get(DatabaseFact.key == "database_id").value
            self._database_id = known
        return known

    def _who(self) -> tuple[str, int]:
        actor = self._actor()
        try:
            check_text(actor, 200)
        except ValueError as exc:
            raise validation(f"the actor name (BOTUI_ACTOR) {exc}") from None
        if not actor:
            raise validation("the actor name (BOTUI_ACTOR) must not be empty")
        return actor, self._clock()  # config.now refuses a BOTUI_NOW out of range

    @contextmanager
    def _write(self) -> Iterator[None]:
        """One IMMEDIATE transaction: all of the change and its events, or nothing."""
        if self.readonly:
            raise storage_error(
                f"{self.path} is read-only: nothing can be changed; ask for write access"
            )
        with translate_errors(self.path), self.db.atomic():
            yield

    def read_handle(self) -> ReadHandle:
        """A handle for one read the caller may want to stop from another thread (`cancel()`)."""
        return ReadHandle()

    @contextmanager
    def session(
        self, handle: ReadHandle | None = None, *, small_cache: bool = False
    ) -> Iterator[None]:
        """This thread's connection for the block, which the service's calls inside share.

        Failures come out as BotuiError; a read stopped through `handle` as ReadCancelled.
        `small_cache` suits a worker's short-lived connection (see SMALL_CACHE_KIB).
        """
        cache = SMALL_CACHE_KIB if small_cache else None
        with session(self.db, self.path, handle=handle, cache_kib=cache):
            yield

    @contextmanager
    def _read(self) -> Iterator[None]:
        with translate_errors(self.path):
            yield

    def _event(self, type_: str, backorder: str, actor: str, now: int, /, **data: Any) -> None:
        """Append one event; positional-only, so `data` may hold any key (`deleted` holds `id`)."""
        self._events_appended()
        Event.insert(
            type=type_, backorder=backorder, at=now, actor=actor, data=convert.dumps(data)
        ).execute()

    def _events_appended(self) -> None:
        """Say this transaction appends events: on PostgreSQL its commit wakes the live log
        (NOTIFY, sent once per transaction; a rollback sends nothing).

        Events are appended only inside `_write`: its transaction holds the write lock, so ids
        are drawn in commit order and a follower never misses one (store/postgres.py).
        """
        if not self.db.in_transaction():
            raise RuntimeError("events are appended only inside the service's write transaction")
        if is_postgres(self.db):
            transaction = self.db.top_transaction()
            if not getattr(transaction, "botui_notified", False):
                notify_events(self.db)
                transaction.botui_notified = True

    def _next_id(self, counter: str, prefix: str, model: type[peewee.Model], column: Any) -> str:
        row = Counter.get_or_none(Counter.name == counter)
        value = row.value if row else 0
        while True:
            value += 1
            candidate = f"{prefix}{value}"
            if not model.select().where(column == candidate).exists():
                break
        Counter.insert(name=counter, value=value).on_conflict(
            conflict_target=[Counter.name], update={Counter.value: value}
        ).execute()
        return candidate

    def _backorder_row(self, backorder_id: str) -> Backorder:
        row = Backorder.get_or_none(Backorder.id == backorder_id)
        if row is None:
            raise not_found(
                f"there is no backorder {backorder_id}; check the id (list shows them)", "id"
            )
        return row

    @staticmethod
    def _require(model: type[Record], record_id: str, field: str) -> Any:
        row = model.get_or_none(model.id == record_id)
        if row is None:
            kind = model.__name__.lower()
            raise not_found(f"there is no {kind} {record_id}; check {field}", field)
        return row

    @staticmethod
    def _check_version(row: Backorder, version: int | None) -> None:
        if version is not None and version != row.version:
            who = row.updated_by or "someone"
            raise conflict(
                f"{row.id} was changed by {who} since you read it (it is now version "
                f"{row.version}, you had {version}): reload it and try again",
                "version",
            )

    @staticmethod
    def _check_dates(first: int | None, second: int | None, field: str, names: str) -> None:
        if first is not None and second is not None and second < first:
            raise validation(f"{field} must not be before {names}", field)

    @classmethod
    def _check_estimates(cls, ship: int | None, delivery: int | None, delivery_sent: bool) -> None:
        """Delivery not before ship, blaming the date the caller sent (delivery if both)."""
        if delivery_sent:
            cls._check_dates(ship, delivery, "estimatedDeliveryDate", "estimatedShipDate")
        elif ship is not None and delivery is not None and delivery < ship:
            raise validation(
                "estimatedShipDate must not be after estimatedDeliveryDate; "
                "move estimatedDeliveryDate later too",
                "estimatedShipDate",
            )

    def _save(self, row: Backorder, actor: str, now: int, **columns: Any) -> None:
        """Write a version-raising change, compare-and-set on the version read."""
        columns.update(version=row.version + 1, updated_at=now, updated_by=actor)
        changed = (
            Backorder.update(**columns)
            .where((Backorder.seq == row.seq) & (Backorder.version == row.version))
            .execute()
        )
        if changed != 1:
            raise conflict(f"{row.id} was changed at the same moment; reload it and try again")
        for name, value in columns.items():
            setattr(row, name, value)

    def _announce(self, grants: list[Grant], actor: str, now: int, **source: Any) -> None:
        for grant in grants:
            self._event(
                "inventoryArrived", grant.backorder, actor, now, quantity=grant.quantity, **source
            )

    def _release_and_reallocate(self, row: Backorder, units: int, actor: str, now: int) -> None:
        if units > 0:
            release(row.product_id, units)
            self._announce(allocate(row.product_id), actor, now, releasedBy=row.id)

    def _delay_if_later(
        self, row: Backorder, old: int | None, new: int | None, actor: str, now: int
    ) -> None:
        if old is not None and new is not None and new > old:
            self._event(
                "delayNoticed",
                row.id,
                actor,
                now,
                estimatedShipDate=old,
                newEstimatedShipDate=new,
            )

    def _fresh(self, row: Backorder) -> schemas.Backorder:
        return convert.backorder(Backorder.get(Backorder.seq == row.seq))
