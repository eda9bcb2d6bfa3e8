"""Adds who last changed a backorder (for conflict messages) and the trigram search index."""

from peewee import CharField

from botui.store import engine

# Customer and product names never change, so the indexed text changes only with the
# backorder's own order and supplier order; triggers keep it in the same transaction.
SEARCH_TEXT = (
    "{r}.id || char(10) || (SELECT name FROM customer WHERE id = {r}.customer_id)"
    " || char(10) || (SELECT name || char(10) || sku FROM product WHERE id = {r}.product_id)"
    " || char(10) || coalesce((SELECT number FROM orders WHERE id = {r}.order_id), '')"
    " || char(10) || coalesce({r}.supplier_order, '')"
)

STATEMENTS = [
    "CREATE VIRTUAL TABLE backorder_search USING fts5(body, tokenize = 'trigram', detail = 'none')",
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
    "INSERT INTO backorder_search (rowid, body) SELECT seq, "
    + SEARCH_TEXT.format(r="backorder")
    + " FROM backorder",
]


def up(migrator, db):
    migrator.migrate(migrator.add_column("backorder", "updated_by", CharField(null=True)))
    if engine.is_postgres(db):
        return  # PostgreSQL's search index is made folded at once, by 0005
    for statement in STATEMENTS:
        db.execute_sql(statement)
