"""Text search over backorders through the trigram index kept in step by triggers.

SQLite's index is an FTS5 trigram table; PostgreSQL's a table of the same folded texts with a
pg_trgm GIN index, which serves `LIKE '%text%'` (migration 0005); `strpos` then decides, as
`instr` does on SQLite, so both engines find exactly the same rows.

The index holds each backorder's text folded (store.folding.fold: NFD, full case folding,
NFC) and every query is folded here before it reaches SQL, so two texts that differ only in
normal form or case in any script are the same, and a plain substring test (`instr`, which
compares characters exactly and knows no wildcards) decides a match.
"""

from __future__ import annotations

import peewee
from peewee import SQL

from botui.store.engine import is_postgres
from botui.store.folding import fold
from botui.store.models import Backorder

TRIGRAM = 3
# A query in at least this many backorders is "common": a page of it is found sooner by walking
# the queue's own index and testing each row than by listing every match first (at a million
# rows that is 0.5%, so a page of 78 is found within some 16,000 rows).
COMMON = 5000


# Every backorder's text begins with its id, "bo-" and a digit: these trigrams list (nearly)
# every row, and reading their lists was most of the search for a whole id at a million rows
# ('BO-1000000': 12 ms, 0.9 ms without them). The index only narrows the rows; `instr` then
# decides, so leaving them out of the index query changes no result.
_IN_EVERY_ID = frozenset({"bo-", *(f"o-{digit}" for digit in "0123456789")})


def _trigrams(text: str) -> str:
    """An FTS5 query asking for the trigrams of a folded text, each quoted as a literal: all
    of them but those every backorder id holds, unless nothing else is left."""
    grams = list(dict.fromkeys(text[i : i + TRIGRAM] for i in range(len(text) - TRIGRAM + 1)))
    telling = [gram for gram in grams if gram not in _IN_EVERY_ID]
    return " AND ".join('"' + gram.replace('"', '""') + '"' for gram in telling or grams)


def match_rowids(query: str, *, open_only: bool = False) -> SQL:
    """A subquery of `backorder.seq` values whose id, names, SKU or numbers contain `query`.

    From three characters (of the folded query) the index lists the rows holding all its
    trigrams and `instr` keeps those holding the query itself; a shorter query is tested
    against every row's text, as no index can list its matches (read from the index's content
    table directly: a fifth faster than through the FTS5 table at a million rows).
    `open_only`: the caller keeps open backorders alone (PostgreSQL then reads the index of
    their texts only, migration 0009; SQLite's one index lists them all, the caller's own
    condition keeping the open ones).
    """
    text = fold(query)
    if is_postgres(Backorder._meta.database):
        return SQL(
            f"(SELECT seq FROM {_pg_table(open_only)} WHERE body LIKE %s AND strpos(body, %s) > 0)",
            [_like(text), text],
        )
    if len(text) < TRIGRAM:
        return SQL("(SELECT id FROM backorder_search_content WHERE instr(c0, ?) > 0)", [text])
    return SQL(
        "(SELECT rowid FROM backorder_search WHERE backorder_search MATCH ?"
        " AND instr(body, ?) > 0)",
        [_trigrams(text), text],
    )


def is_common(db: peewee.Database, query: str, *, open_only: bool = False) -> bool:
    """Whether `query` is in at least COMMON backorders' texts.

    Counts, up to COMMON, the rows holding all the folded query's trigrams: the index answers
    that from its lists alone (testing the text itself would read each row), and an estimate
    from above is enough to choose a plan. A query shorter than a trigram counts as common:
    no index can list its matches. `open_only` counts open backorders' texts alone (on
    PostgreSQL, whose index of them is apart; SQLite's one index counts them all).
    """
    text = fold(query)
    if len(text) < TRIGRAM:
        return True  # the index cannot answer it: every row would be read either way
    found: int
    if is_postgres(db):
        found = db.execute_sql(
            f"SELECT count(*) FROM (SELECT 1 FROM {_pg_table(open_only)} WHERE body LIKE %s"
            " LIMIT %s) AS hits",
            (_like(text), COMMON),
        ).fetchone()[0]
        return found >= COMMON
    found = db.execute_sql(
        "SELECT count(*) FROM (SELECT rowid FROM backorder_search"
        " WHERE backorder_search MATCH ? LIMIT ?)",
        (_trigrams(text), COMMON),
    ).fetchone()[0]
    return found >= COMMON


def row_matches(seq: peewee.Node, query: str, *, open_only: bool = False) -> peewee.Node:
    """A per-row test that the backorder `seq` contains a common query (see is_common).

    It reads the folded text from the index's content table by rowid, so a queue page walks
    its ordered index and stops once the page is full, whatever the number of matches.
    """
    if is_postgres(Backorder._meta.database):
        return peewee.NodeList(
            (
                SQL(f"strpos((SELECT body FROM {_pg_table(open_only)} WHERE seq ="),
                seq,
                SQL("), %s) > 0", [fold(query)]),
            )
        )
    return peewee.NodeList(
        (
            SQL("instr((SELECT c0 FROM backorder_search_content WHERE id ="),
            seq,
            SQL("), ?) > 0", [fold(query)]),
        )
    )


def _pg_table(open_only: bool) -> str:
    """PostgreSQL's table of folded texts: every backorder's, or the open ones' alone (0009)."""
    return "backorder_search_open" if open_only else "backorder_search"


def _like(text: str) -> str:
    """A LIKE pattern matching `text` anywhere, its wildcards and escape taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


# A backorder's searched text, as the index triggers compose it (migration 0005).
_SEARCH_TEXT = (
    "botui_fold(b.id || char(10) || (SELECT name FROM customer WHERE id = b.customer_id)"
    " || char(10) || (SELECT name || char(10) || sku FROM product WHERE id = b.product_id)"
    " || char(10) || coalesce((SELECT number FROM orders WHERE id = b.order_id), '')"
    " || char(10) || coalesce(b.supplier_order, ''))"
)


_PG_SEARCH_TEXT = _SEARCH_TEXT.replace("char(10)", "chr(10)")


def reindex(which: peewee.Expression) -> None:
    """Compose again the indexed text of the backorders `which` selects, after a name, SKU or
    order number they show changed (the triggers follow only the backorder's own columns)."""
    seqs = Backorder.select(Backorder.seq).where(which)
    sql, params = seqs.sql()
    db = Backorder._meta.database
    # The index's key column: PostgreSQL's table names it seq, SQLite's FTS table rowid.
    text, key = (_PG_SEARCH_TEXT, "seq") if is_postgres(db) else (_SEARCH_TEXT, "rowid")
    db.execute_sql(
        f"UPDATE backorder_search SET body = (SELECT {text} FROM backorder AS b"
        f" WHERE b.seq = backorder_search.{key}) WHERE {key} IN ({sql})",
        params,
    )


# PostgreSQL's insert trigger stands aside while a transaction sets this (migration 0011).
SEARCH_LATER = "botui.search_later"


def index_later(db: peewee.Database) -> None:
    """On PostgreSQL, until this transaction ends, new backorders' texts are left out of the
    search index by its insert trigger: the caller adds them with `index_added`, a batch at a
    time, before the transaction commits (nothing on SQLite, whose caller manages its own)."""
    if is_postgres(db):
        db.execute_sql("SELECT set_config(%s, 'on', true)", (SEARCH_LATER,))


def index_added(db: peewee.Database, ids: list[str]) -> None:
    """Index the texts of these new backorders in one statement, exactly as the insert trigger
    would have written them one by one (PostgreSQL, after `index_later`)."""
    if ids:
        db.execute_sql(
            f"INSERT INTO backorder_search (seq, body) SELECT b.seq, {_PG_SEARCH_TEXT}"
            " FROM backorder AS b WHERE b.id = ANY(%s)",
            (ids,),
        )
