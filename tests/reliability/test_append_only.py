"""The event log is append-only: raw SQL cannot change or remove an event."""

from __future__ import annotations

import pytest

from botui.domain.service import Service
from botui.store.db import SQLITE as sqlite3


def _log(con: sqlite3.Connection) -> list[tuple]:
    return con.execute("SELECT * FROM event ORDER BY id").fetchall()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE event SET actor = 'mallory'",
        "UPDATE event SET data = '{}' WHERE type = 'created'",
        "DELETE FROM event",
        "DELETE FROM event WHERE id = (SELECT max(id) FROM event)",
        "INSERT OR REPLACE INTO event (id, type, backorder_id, at, actor, data)"
        " SELECT id, 'deleted', backorder_id, at, actor, data FROM event",
    ],
)
def test_raw_sql_cannot_change_or_remove_events(
    service: Service, refs: dict[str, str], statement: str
) -> None:
    service.create(
        {
            "product": refs["product"],
            "business": refs["business"],
            "customer": refs["customer"],
            "quantity": 2,
            "price": 500,
        }
    )
    con = sqlite3.connect(service.path)
    before = _log(con)
    assert before
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        con.execute(statement)
    con.rollback()
    assert _log(con) == before
    con.close()
