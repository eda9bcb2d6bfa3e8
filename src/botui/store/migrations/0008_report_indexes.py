"""Indexes for the three reports, so each is one range scan of a small covering index.

- aging and products read every open backorder: a partial index of the open rows alone, holding
  every column the two reports sum (is_open leads so SQLite picks it by equality without
  ANALYZE; business_id next, so `--business` is a range of it).
- service reads the fulfilled and cancelled backorders of twelve weeks: one index each, keyed
  by status and the date the week is taken from (partial: a row without that date has no entry).
- onTime asks whether a shipped backorder ever had a `delayNoticed` event: a partial index of
  those events alone answers it without reading the backorder's other events.
"""

from botui.store import engine

STATEMENTS = [
    "CREATE INDEX backorder_open_report ON backorder (is_open, business_id, created_at,"
    " product_id, quantity, allocated_quantity, price, estimated_ship_date, actual_ship_date)"
    " WHERE is_open = 1",
    "CREATE INDEX backorder_shipped ON backorder (status, actual_ship_date, business_id,"
    " quantity, id) WHERE actual_ship_date IS NOT NULL",
    "CREATE INDEX backorder_cancelled ON backorder (status, cancelled_at, business_id, id)"
    " WHERE cancelled_at IS NOT NULL",
    "CREATE INDEX event_delay_noticed ON event (backorder_id) WHERE type = 'delayNoticed'",
]


def up(migrator, db):
    engine.run(db, STATEMENTS)
