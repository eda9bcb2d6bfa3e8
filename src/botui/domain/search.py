"""Text search over backorders through the trigram index kept in step by triggers."""

from __future__ import annotations

import peewee
from peewee import SQL

TRIGRAM = 3
# A query in at least this many backorders is "common": a page of it is found sooner by walking
# the queue's own index and testing each row than by listing every match first (at a million
# rows that is 0.5%, so a page of 78 is found within some 16,000 rows).
COMMON = 5000


def _trigrams(query: str) -> str:
    """An FTS5 query asking for every trigram of `query`, each quoted as a literal."""
    grams = dict.fromkeys(query[i : i + TRIGRAM] for i in range(len(query) - TRIGRAM + 1))
    return " AND ".join('"' + gram.replace('"', '""') + '"' for gram in grams)


def match_rowids(query: str) -> SQL:
    """A subquery of `backorder.seq` values whose id, names, SKU or numbers contain `query`.

    An ASCII query is a LIKE on the index (trigram tokenizer: indexed from three characters),
    checked again with instr() when it holds the wildcards `%` or `_`. SQLite's LIKE folds
    ASCII case only, so a query with other letters ("ÅNGSTRÖM" for "Ångström") asks the index,
    which folds every script, for rows holding all its trigrams, and `botui_contains`
    (registered on every connection by store.db) keeps those holding the query itself.
    Such a query under three characters checks every row.
    """
    if query.isascii():
        pattern = f"%{query}%"
        if "%" in query or "_" in query:
            return SQL(
                "(SELECT rowid FROM backorder_search WHERE body LIKE ?"
                " AND instr(lower(body), lower(?)) > 0)",
                [pattern, query],
            )
        return SQL("(SELECT rowid FROM backorder_search WHERE body LIKE ?)", [pattern])
    if len(query) < TRIGRAM:
        return SQL("(SELECT rowid FROM backorder_search WHERE botui_contains(body, ?))", [query])
    return SQL(
        "(SELECT rowid FROM backorder_search WHERE backorder_search MATCH ?"
        " AND botui_contains(body, ?))",
        [_trigrams(query), query],
    )


def is_common(db: peewee.Database, query: str) -> bool:
    """Whether an ASCII query without wildcards is in at least COMMON backorders' texts.

    Counts, up to COMMON, the rows holding all the query's trigrams: the index answers that
    from its lists alone (a LIKE would read each row's text to check the order), and an
    estimate from above is enough to choose a plan. A query shorter than a trigram counts as
    common: no index can list its matches.
    """
    if not query.isascii() or "%" in query or "_" in query:
        return False
    if len(query) < TRIGRAM:
        return True  # the index cannot answer it: every row would be read either way
    found = db.execute_sql(
        "SELECT count(*) FROM (SELECT rowid FROM backorder_search"
        " WHERE backorder_search MATCH ? LIMIT ?)",
        (_trigrams(query), COMMON),
    ).fetchone()[0]
    return found >= COMMON


def row_matches(seq: peewee.Node, query: str) -> peewee.Node:
    """A per-row test that the backorder `seq` contains a common ASCII query (see is_common).

    It reads the indexed text from the index's content table by rowid, so a queue page walks
    its ordered index and stops once the page is full, whatever the number of matches.
    """
    return peewee.NodeList(
        (
            SQL("(SELECT c0 FROM backorder_search_content WHERE id ="),
            seq,
            SQL(") LIKE ?", [f"%{query}%"]),
        )
    )
