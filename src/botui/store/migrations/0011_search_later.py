"""PostgreSQL: a bulk write may fill the search index itself, in one statement, after its rows.

0005's row trigger composes and folds each new backorder's text and inserts it into the index,
which fires 0009's statement trigger once per row: ~1.2 ms of the ~2 ms a backorder costs
`botui import` there. The trigger now stands aside while the transaction has set
`botui.search_later` to `on` (`SET LOCAL`, so it ends with the transaction, committed or not);
the writer then owes the index the texts of its rows (domain.search.index_added: one INSERT ...
SELECT with the trigger's own text, so the matches are the same). Every other writer, and any
session that never sets it, is served by the trigger as before. No lock is taken on the table
beyond what this migration's own DDL takes once: readers on other machines are never blocked,
as `ALTER TABLE ... DISABLE TRIGGER` (an exclusive lock) would block them. SQLite: nothing to do.
"""

from botui.store import engine

SETTING = "botui.search_later"

POSTGRES_STATEMENTS = [
    "DROP TRIGGER backorder_search_insert ON backorder",
    "CREATE TRIGGER backorder_search_insert AFTER INSERT ON backorder FOR EACH ROW"
    f" WHEN (current_setting('{SETTING}', true) IS DISTINCT FROM 'on')"
    " EXECUTE FUNCTION backorder_search_keep()",
]


def up(migrator, db):
    if engine.is_postgres(db):
        for statement in POSTGRES_STATEMENTS:
            db.execute_sql(statement)
