"""Outbox delivery: attempts, the last error, the next try, a claim, and the database's own id.

`claimed_until` marks an entry a sender is delivering right now, so two senders never send it
both; a crash leaves the claim to expire and the entry is tried again (the one repeat the
contract allows). `meta.database_id` is a random id made once per database: each message's
`Message-ID` is `<outbox-ID.DBID@botui>`, stable across retries.
"""

import secrets

from botui.store import engine

STATEMENTS = [
    "ALTER TABLE notification ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE notification ADD COLUMN last_error TEXT",
    "ALTER TABLE notification ADD COLUMN next_attempt_at INTEGER",
    "ALTER TABLE notification ADD COLUMN claimed_until INTEGER",
    "CREATE INDEX notification_due ON notification (status, next_attempt_at, id)",
    "CREATE TABLE IF NOT EXISTS meta (key VARCHAR(64) NOT NULL PRIMARY KEY, value TEXT NOT NULL)",
]


def up(migrator, db):
    engine.run(db, STATEMENTS)
    if db.execute_sql("SELECT 1 FROM meta WHERE key = 'database_id'").fetchone() is None:
        db.execute_sql(
            engine.sql(db, "INSERT INTO meta (key, value) VALUES ('database_id', ?)"),
            (secrets.token_hex(8),),
        )
