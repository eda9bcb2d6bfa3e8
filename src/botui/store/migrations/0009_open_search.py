"""PostgreSQL: the folded texts of the open backorders alone, with a trigram index of their own.

The queue's open views (open, pending, late, ready) search only open backorders, some 7% of a
shop's million. Through the index of every text (0005) a common name (`Garcia`: 16,760 texts,
1,133 of them open) was found by walking the open queue in order and reading each row's text
(5,000 rows, ~40 ms), or by listing every match and dropping the closed ones (~100 ms to count
them); this index lists the open matches at once (~15 ms for a page, ~10 ms to count them).

`backorder_search_open` follows `backorder_search` (statement triggers, so the one-statement
fill of `botui copy` fills it in one statement too) and each backorder's opening or closing
(a row trigger on `is_open`). SQLite has nothing to do: its FTS5 index is read either way.
"""

from botui.store import engine

POSTGRES_STATEMENTS = [
    'CREATE TABLE backorder_search_open (seq BIGINT PRIMARY KEY, body TEXT COLLATE "C" NOT NULL)',
    "INSERT INTO backorder_search_open (seq, body) SELECT s.seq, s.body FROM backorder_search s"
    " JOIN backorder b ON b.seq = s.seq WHERE b.is_open = 1",
    "CREATE INDEX backorder_search_open_trigrams ON backorder_search_open"
    " USING gin (body gin_trgm_ops)",
    # New texts of open backorders, and new texts of those already in (a name changed).
    "CREATE FUNCTION backorder_search_open_added() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
    " INSERT INTO backorder_search_open (seq, body) SELECT a.seq, a.body FROM added a"
    " JOIN backorder b ON b.seq = a.seq WHERE b.is_open = 1"
    " ON CONFLICT (seq) DO UPDATE SET body = excluded.body; RETURN NULL; END $$",
    "CREATE FUNCTION backorder_search_open_gone() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
    " DELETE FROM backorder_search_open o USING gone g WHERE o.seq = g.seq; RETURN NULL; END $$",
    "CREATE TRIGGER backorder_search_open_insert AFTER INSERT ON backorder_search"
    " REFERENCING NEW TABLE AS added FOR EACH STATEMENT"
    " EXECUTE FUNCTION backorder_search_open_added()",
    "CREATE TRIGGER backorder_search_open_update AFTER UPDATE ON backorder_search"
    " REFERENCING NEW TABLE AS added FOR EACH STATEMENT"
    " EXECUTE FUNCTION backorder_search_open_added()",
    "CREATE TRIGGER backorder_search_open_delete AFTER DELETE ON backorder_search"
    " REFERENCING OLD TABLE AS gone FOR EACH STATEMENT"
    " EXECUTE FUNCTION backorder_search_open_gone()",
    # A backorder opened again (or closed): its text joins (or leaves) the open ones.
    "CREATE FUNCTION backorder_search_open_turn() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
    " IF new.is_open = 1 THEN INSERT INTO backorder_search_open (seq, body)"
    " SELECT seq, body FROM backorder_search WHERE seq = new.seq"
    " ON CONFLICT (seq) DO UPDATE SET body = excluded.body;"
    " ELSE DELETE FROM backorder_search_open WHERE seq = new.seq; END IF; RETURN NULL; END $$",
    "CREATE TRIGGER backorder_search_open_turn AFTER UPDATE OF is_open ON backorder"
    " FOR EACH ROW WHEN (old.is_open IS DISTINCT FROM new.is_open)"
    " EXECUTE FUNCTION backorder_search_open_turn()",
    "ANALYZE backorder_search_open",
]


def up(migrator, db):
    if engine.is_postgres(db):
        engine.run(db, POSTGRES_STATEMENTS)
