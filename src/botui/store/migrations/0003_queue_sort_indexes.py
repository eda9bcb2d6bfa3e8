"""Indexes for every view and sort column of the windowed queue, so each page is a range scan.

The open views already have (is_open, sort key, id) indexes from 0001. These add the sort by
ship date and by creation time over all rows, over the open rows of one status (partial: only
open rows carry an entry), and the three orders of the "ready to ship" view: open rows keyed
first by their shortage (quantity - allocated_quantity), so "shortage = 0" is an equality that
SQLite prefers over the plain open indexes even without ANALYZE statistics.
"""

from botui.store import engine

READY = "ON backorder (quantity - allocated_quantity, {}) WHERE is_open = 1"

STATEMENTS = [
    "CREATE INDEX backorder_ship ON backorder (estimated_ship_date, id)",
    "CREATE INDEX backorder_created ON backorder (created_at, id)",
    "CREATE INDEX backorder_status_ship ON backorder (status, estimated_ship_date, id)"
    " WHERE is_open = 1",
    "CREATE INDEX backorder_status_created ON backorder (status, created_at, id) WHERE is_open = 1",
    "CREATE INDEX backorder_ready_triage " + READY.format("priority_rank, created_at, id"),
    "CREATE INDEX backorder_ready_ship " + READY.format("estimated_ship_date, id"),
    "CREATE INDEX backorder_ready_created " + READY.format("created_at, id"),
]


def up(migrator, db):
    engine.run(db, STATEMENTS)
