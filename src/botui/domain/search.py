"""Text search over backorders through the trigram index kept in step by triggers."""

from __future__ import annotations

from peewee import SQL


def match_rowids(query: str) -> SQL:
    """A subquery of `backorder.seq` values whose id, names, SKU or numbers contain `query`.

    The FTS5 trigram index answers `LIKE '%query%'` for queries of three characters or more
    (shorter ones scan the index's text). `%` and `_` are LIKE wildcards there, so a query
    holding them is checked again literally with instr().
    """
    pattern = f"%{query}%"
    if "%" in query or "_" in query:
        return SQL(
            "(SELECT rowid FROM backorder_search WHERE body LIKE ?"
            " AND instr(lower(body), lower(?)) > 0)",
            [pattern, query],
        )
    return SQL("(SELECT rowid FROM backorder_search WHERE body LIKE ?)", [pattern])
