"""The one way botui folds text for search, in Python and as the SQL function `botui_fold`.

Search compares folded texts: the index holds each backorder's text folded, every query is
folded before it reaches SQL, and then a plain (byte) substring test is right in every script.
Stored records are never folded: only the index and the query are.
"""

from __future__ import annotations

import unicodedata

SQL_NAME = "botui_fold"


def fold(text: str) -> str:
    """`text` in Unicode's canonical caseless form: NFD, full case folding, then NFC.

    Two texts that differ only in normal form (`Zoë` precomposed or `Zoe` + U+0308) or in case
    (ß and SS, ς and σ, the Kelvin sign and k, U+212B and å, ﬁ and fi) fold to the same string.
    NFD first is the Unicode standard's canonical caseless match (folding a precomposed letter
    and its decomposed form agree); NFC last keeps the folded text as short as it is typed.
    """
    if text.isascii():
        return text.lower()
    return unicodedata.normalize("NFC", unicodedata.normalize("NFD", text).casefold())


def sql_fold(text: str | None) -> str | None:
    """SQL `botui_fold(text)`: `fold`, passing NULL through."""
    return None if text is None else fold(text)
