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


def postgres_function() -> str:
    """`CREATE FUNCTION botui_fold(text)` for PostgreSQL, the same fold as `fold` in SQL.

    PostgreSQL has NFD and NFC (`normalize`) but no full case folding, so the mapping of every
    character whose case folding differs is written out from this Python's Unicode tables:
    ASCII letters through `lower` (of the "C" collation: ASCII alone), the other characters
    folding to one through one `translate`, the 104 that fold to several (ß -> ss) through
    `replace`. Case folding maps each character alone and its results fold to themselves, so
    the order of the three does not matter. Text of ASCII alone takes a plain `lower()`, and
    each of the two long steps runs only when a character of its own is present (one regular
    expression test): `translate` compares each character with all 1,400 of its list, and a
    name such as `Zoë` (NFD: `Zoe` + U+0308) needs neither (~250 -> ~30 us a text).
    """
    single: dict[str, str] = {}
    several: dict[str, str] = {}
    for code in range(128, 0x110000):
        if 0xD800 <= code <= 0xDFFF:
            continue
        char = chr(code)
        folded = char.casefold()
        if folded != char:
            (single if len(folded) == 1 else several)[char] = folded
    singles = "".join(single).replace("'", "''")
    translated = "translate(x, '{}', '{}')".format(
        singles, "".join(single.values()).replace("'", "''")
    )
    replaced = "x"
    for char, folded in several.items():
        replaced = "replace({}, '{}', '{}')".format(replaced, char, folded.replace("'", "''"))
    # Every character of the two lists is beyond ASCII: none is special in a bracket.
    return (
        f"CREATE OR REPLACE FUNCTION {SQL_NAME}(t text) RETURNS text"
        " LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $fold$ DECLARE x text; BEGIN"
        ' IF octet_length(t) = char_length(t) THEN RETURN lower(t COLLATE "C"); END IF;'
        ' x := lower(normalize(t, NFD) COLLATE "C");'
        f" IF x ~ '[{singles}]' THEN x := {translated}; END IF;"
        f" IF x ~ '[{''.join(several)}]' THEN x := {replaced}; END IF;"
        " RETURN normalize(x, NFC); END $fold$"
    )
