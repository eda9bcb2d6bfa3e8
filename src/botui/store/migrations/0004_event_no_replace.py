"""Closes a hole in the append-only log: INSERT OR REPLACE deletes rows without delete triggers.

PostgreSQL has no INSERT OR REPLACE (its upsert is an UPDATE, which 0001's trigger refuses).
"""

from botui.store import engine

STATEMENTS = [
    "CREATE TRIGGER event_no_replace BEFORE INSERT ON event"
    " WHEN EXISTS (SELECT 1 FROM event WHERE id = new.id)"
    " BEGIN SELECT RAISE(ABORT, 'events are append-only'); END",
]


def up(migrator, db):
    if engine.is_postgres(db):
        return
    for statement in STATEMENTS:
        db.execute_sql(statement)
