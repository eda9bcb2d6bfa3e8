"""The event log is append-only: raw SQL cannot change or remove an event, on either engine."""

from __future__ import annotations

import peewee
import pytest

from botui.domain.service import Service
from tests.postgres import connect, query

# Ways each engine has besides UPDATE and DELETE to rewrite or empty the log: SQLite's REPLACE
# deletes the old row without firing delete triggers (migration 0004 closes it); PostgreSQL's
# TRUNCATE fires no row trigger, and an upsert's DO UPDATE is an update.
ENGINE_OWN = {
    "sqlite": [
        "INSERT OR REPLACE INTO event (id, type, backorder_id, at, actor, data)"
        " SELECT id, 'deleted', backorder_id, at, actor, data FROM event",
    ],
    "postgres": [
        "TRUNCATE event",
        "TRUNCATE event RESTART IDENTITY CASCADE",
        "INSERT INTO event (id, type, backorder_id, at, actor, data)"
        " SELECT id, 'deleted', backorder_id, at, actor, data FROM event"
        " ON CONFLICT (id) DO UPDATE SET type = excluded.type, actor = 'mallory'",
    ],
}


def _log(con: peewee.Database) -> list[tuple]:
    return query(con, "SELECT * FROM event ORDER BY id")


def _refused(service: Service, refs: dict[str, str], *statements: str) -> None:
    """Each statement fails as the log's integrity error and leaves every event as it was."""
    service.create(
        {
            "product": refs["product"],
            "business": refs["business"],
            "customer": refs["customer"],
            "quantity": 2,
            "price": 500,
        }
    )
    with connect(service.path) as con:  # autocommit: a refused statement leaves no transaction
        before = _log(con)
        assert before
        for statement in statements:
            with pytest.raises(peewee.IntegrityError, match="append-only"):
                query(con, statement)
            assert _log(con) == before, statement


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE event SET actor = 'mallory'",
        "UPDATE event SET data = '{}' WHERE type = 'created'",
        "DELETE FROM event",
        "DELETE FROM event WHERE id = (SELECT max(id) FROM event)",
    ],
)
def test_raw_sql_cannot_change_or_remove_events(
    service: Service, refs: dict[str, str], statement: str
) -> None:
    _refused(service, refs, statement)


def test_the_engines_own_ways_to_rewrite_the_log_are_refused(
    service: Service, refs: dict[str, str], engine: str
) -> None:
    _refused(service, refs, *ENGINE_OWN[engine])
