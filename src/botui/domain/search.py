"""Text search over backorders through the trigram index kept in step by triggers."""

from __future__ import annotations

from peewee import SQL

TRIGRAM = 3


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
