"""The search index holds each backorder's text folded (botui.store.folding.fold), not raw.

Folding (NFD, full case folding, NFC) makes `Zoe` + U+0308 and `Zoë`, `STRASSE` and `Straße`,
the Kelvin sign and `k` the same text, so a folded query is found by a plain substring test.
The SQL function `botui_fold`, registered on every connection by store.db, folds in the
triggers; the index is rebuilt from the records, which keep their text exactly as written.

On PostgreSQL the index is a table of the same folded texts with a `pg_trgm` GIN index (which
serves `LIKE '%text%'`), kept by triggers calling `botui_fold`, a SQL function written out from
Python's Unicode tables (store.folding.postgres_function), so both engines fold alike.
"""

from botui.store import engine
from botui.store.folding import postgres_function

# As 0002 composed it (a migration keeps its own copy: later ones must not change it).
RAW_TEXT = (
    "{r}.id || char(10) || (SELECT name FROM customer WHERE id = {r}.customer_id)"
    " || char(10) || (SELECT name || char(10) || sku FROM product WHERE id = {r}.product_id)"
    " || char(10) || coalesce((SELECT number FROM orders WHERE id = {r}.order_id), '')"
    " || char(10) || coalesce({r}.supplier_order, '')"
)
SEARCH_TEXT = "botui_fold(" + RAW_TEXT + ")"

STATEMENTS = [
    "DROP TRIGGER backorder_search_insert",
    "DROP TRIGGER backorder_search_update",
    "DROP TRIGGER backorder_search_delete",
    "DROP TABLE backorder_search",
    "CREATE VIRTUAL TABLE backorder_search USING fts5(body, tokenize = 'trigram', detail = 'none')",
    "INSERT INTO backorder_search (rowid, body) SELECT seq, "
    + SEARCH_TEXT.format(r="backorder")
    + " FROM backorder ORDER BY seq",
    "CREATE TRIGGER backorder_search_insert AFTER INSERT ON backorder BEGIN"
    " INSERT INTO backorder_search (rowid, body) VALUES (new.seq, "
    + SEARCH_TEXT.format(r="new")
    + "); END",
    "CREATE TRIGGER backorder_search_delete AFTER DELETE ON backorder BEGIN"
    " DELETE FROM backorder_search WHERE rowid = old.seq; END",
    "CREATE TRIGGER backorder_search_update AFTER UPDATE OF supplier_order, order_id"
    " ON backorder BEGIN UPDATE backorder_search SET body = "
    + SEARCH_TEXT.format(r="new")
    + " WHERE rowid = new.seq; END",
]


PG_TEXT = (
    "{r}.id || chr(10) || (SELECT name FROM customer WHERE id = {r}.customer_id)"
    " || chr(10) || (SELECT name || chr(10) || sku FROM product WHERE id = {r}.product_id)"
    " || chr(10) || coalesce((SELECT number FROM orders WHERE id = {r}.order_id), '')"
    " || chr(10) || coalesce({r}.supplier_order, '')"
)
PG_SEARCH_TEXT = "botui_fold(" + PG_TEXT + ")"

POSTGRES_STATEMENTS = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    'CREATE TABLE backorder_search (seq BIGINT PRIMARY KEY, body TEXT COLLATE "C" NOT NULL)',
    "INSERT INTO backorder_search (seq, body) SELECT seq, "
    + PG_SEARCH_TEXT.format(r="backorder")
    + " FROM backorder",
    "CREATE INDEX backorder_search_trigrams ON backorder_search USING gin (body gin_trgm_ops)",
    "CREATE FUNCTION backorder_search_keep() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
    " IF TG_OP = 'INSERT' THEN INSERT INTO backorder_search (seq, body) VALUES (new.seq, "
    + PG_SEARCH_TEXT.format(r="new")
    + "); ELSE UPDATE backorder_search SET body = "
    + PG_SEARCH_TEXT.format(r="new")
    + " WHERE seq = new.seq; END IF; RETURN NULL; END $$",
    "CREATE FUNCTION backorder_search_drop() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
    " DELETE FROM backorder_search WHERE seq = old.seq; RETURN NULL; END $$",
    "CREATE TRIGGER backorder_search_insert AFTER INSERT ON backorder"
    " FOR EACH ROW EXECUTE FUNCTION backorder_search_keep()",
    "CREATE TRIGGER backorder_search_update AFTER UPDATE OF supplier_order, order_id"
    " ON backorder FOR EACH ROW EXECUTE FUNCTION backorder_search_keep()",
    "CREATE TRIGGER backorder_search_delete AFTER DELETE ON backorder"
    " FOR EACH ROW EXECUTE FUNCTION backorder_search_drop()",
]


def up(migrator, db):
    if engine.is_postgres(db):
        db.execute_sql(postgres_function())
        engine.run(db, POSTGRES_STATEMENTS)
        return
    for statement in STATEMENTS:
        db.execute_sql(statement)
