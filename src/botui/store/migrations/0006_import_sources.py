"""The source keys of imported rows, so importing the same file again creates nothing new.

A key is the row's `id`, its content (a hash of every field as read) or, for a Shopify export,
the order number with the line's SKU and position; each names the backorder it created.
"""

from botui.store import engine

STATEMENTS = [
    "CREATE TABLE import_source ("
    " key TEXT NOT NULL PRIMARY KEY,"
    " backorder_id TEXT NOT NULL,"
    " imported_at INTEGER NOT NULL"
    ") WITHOUT ROWID",
]


def up(migrator, db):
    engine.run(db, STATEMENTS)
