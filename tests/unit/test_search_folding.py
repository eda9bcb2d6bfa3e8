"""Search finds names that look the same: any normal form, any case, in every script.

Stored text stays exactly as written; the index text and every query are folded by one
function (NFD, full case folding, NFC), on every search path: the API's `list` query, the
queue the UI reads (short and long queries, the common-query walk too) and the form look-ups.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from botui.domain import lookup, queue, search
from botui.domain.service import Service, call
from botui.store.db import open_database
from botui.store.engine import sql
from botui.store.folding import fold
from botui.store.models import database_proxy
from tests import postgres
from tests.conftest import NOW


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


# (name as stored, queries that must find it, query that must not)
CASES = [
    # decomposed Latin found by precomposed typing, and the other way round
    ("Zoe\u0308 Garci\u0301a", ["Zoë", "ZOË", "zoë garcía", "GARCÍA", "ë", "Ë G", "a"], "zoe "),
    ("Zoë Brontë", ["zoe\u0308", "ZOE\u0308", "E\u0308", "brontë"], "bronte"),
    ("Ångström Öberg", ["ÅNGSTRÖM", "a\u030angstro\u0308m", "Å", "ÖB"], "angstrom"),
    # Vietnamese: stacked diacritics in any order of typing
    ("Nguyễn Thị Mỹ", ["NGUYỄN", "nguye\u0302\u0303n", "ễ", "MỸ"], "nguyen"),
    ("Trần Hưng Đạo", ["TRẦN", "tra\u0302\u0300n", "đạo", "ĐẠO", "ư"], "tran"),
    # Greek: final sigma, tonos, capitals
    ("Ὀδυσσεύς", ["ὀδυσσεύς", "ὈΔΥΣΣΕΎΣ", "σεύσ", "ΣΕΎΣ", "ς"], "οδυσσευς"),
    ("ΣΟΦΟΚΛΗΣ", ["σοφοκλης", "κλης", "ΚΛΗΣ", "ς"], "σοφοκλής"),
    # German sharp s and its capital, both ways
    ("Straße Weiß", ["STRASSE", "strasse", "STRAẞE", "weiss", "ß", "SS", "s"], "strase"),
    ("GROSSMANN", ["großmann", "ẞ", "ß"], "grosman"),
    # ligatures
    ("ﬁne ﬂowers Ltd", ["fine", "FLOWERS", "ﬁ", "fi", "ﬂ"], "ﬃ"),
    ("Official", ["oﬃcial", "ﬃ", "OFFI"], "ofic"),
    # Cyrillic
    ("Фёдор Достоевский", ["фёдор", "ФЁДОР", "фе\u0308дор", "ДОСТ", "ё"], "федор"),
    ("Йошкар", ["йошкар", "и\u0306ошкар", "Й"], "иошкар"),
    # Hangul: conjoining jamo found by syllables and the other way round
    ("\u1112\u1161\u11ab\u1100\u116e\u11a8", ["한국", "국", "한"], "하"),
    ("서울", ["\u1109\u1165\u110b\u116e\u11af", "\u110b\u116e\u11af", "서"], "설"),
    # compatibility signs that fold as letters: Kelvin, Angstrom, Ohm
    (
        "\u212aelvin \u212bngstrom \u2126m",
        ["kelvin", "KELVIN", "ångstrom", "ÅNG", "ωm", "k"],
        "angstrom",
    ),
    ("Kelvin Åsa", ["\u212aelvin", "\u212bsa", "\u212a"], "kelvinn"),
    # ASCII stays as it was
    ("Grace Hopper", ["grace", "HOPPER", "e h", "gr", "r"], "hoppers"),
]
QUERY_LENGTHS = {len(fold(q)) for _, queries, _ in CASES for q in queries}


def test_the_cases_cover_short_and_long_queries() -> None:
    assert {1, 2} <= QUERY_LENGTHS and max(QUERY_LENGTHS) >= 3


def _bound(service: Service) -> Service:
    """The service, with the models bound to its database again (each open binds the last)."""
    database_proxy.initialize(service.db)
    return service


@pytest.fixture
def shop(case_shop: Service) -> Service:
    return _bound(case_shop)


@pytest.fixture
def random_shop(random_names_shop: Service) -> Service:
    return _bound(random_names_shop)


@pytest.fixture(scope="module")
def case_shop(tmp_path_factory: pytest.TempPathFactory, engine: str) -> Iterator[Service]:
    """One backorder per case, each of its own customer named as the case says."""
    with postgres.database(engine, tmp_path_factory.mktemp("fold")) as where:
        yield from _case_shop(where)


def _case_shop(where: Path | str) -> Iterator[Service]:
    service = Service(open_database(where), clock=lambda: NOW, actor=lambda: "t")
    call(service, "business.create", {"id": "BIZ", "name": "Shop"})
    call(service, "product.create", {"id": "PRD", "sku": "PLAIN-1", "name": "Plain thing"})
    for number, (name, _, _) in enumerate(CASES):
        call(service, "customer.create", {"id": f"C{number}", "name": name})
        call(service, "create", {"id": f"BO-{number}", "product": "PRD", "business": "BIZ",
                                 "customer": f"C{number}", "quantity": 1, "price": 1})  # fmt: skip
    yield service
    service.db.close()


def _expected(query: str) -> set[str]:
    """The backorders whose customer name, folded, holds the folded query (or the rest's)."""
    folded = fold(query)
    found = {f"BO-{n}" for n, (name, _, _) in enumerate(CASES) if folded in fold(name)}
    if folded in fold("Plain thing\nPLAIN-1"):
        return {f"BO-{n}" for n in range(len(CASES))}
    return found | {f"BO-{n}" for n in range(len(CASES)) if folded in fold(f"BO-{n}")}


def _listed(service: Service, query: str) -> set[str]:
    return {b["id"] for b in call(service, "list", {"query": query, "limit": 1000})["data"]}


def _queued(query: str, walk_common: bool, monkeypatch: pytest.MonkeyPatch) -> set[str]:
    """The UI's queue read for a filter text: its count, its pages and its last rows."""
    with monkeypatch.context() as patch:
        patch.setattr(search, "COMMON", 1 if walk_common else 10**9)
        spec = queue.QueueSpec("all", "triage", False, query)
        rows = {row.id for row in queue.page(spec, NOW, 1000)}
        assert queue.count(spec, NOW) == len(rows)
        assert {row.id for row in queue._last(spec, NOW, 1000)} == rows
        return rows


@pytest.mark.parametrize(("number", "case"), list(enumerate(CASES)), ids=[c[0] for c in CASES])
def test_every_form_of_the_name_finds_it_on_every_path(
    shop: Service, monkeypatch: pytest.MonkeyPatch, number: int, case: tuple
) -> None:
    name, queries, missing = case
    with shop.db.connection_context():
        for query in queries:
            for typed in {query, nfc(query), nfd(query), query.upper(), query.lower()}:
                expected = _expected(typed)
                assert f"BO-{number}" in expected, (name, typed)
                assert _listed(shop, typed) == expected, (name, typed)
                assert _queued(typed, False, monkeypatch) == expected, (name, typed)
                assert _queued(typed, True, monkeypatch) == expected, (name, typed)
        assert f"BO-{number}" not in _listed(shop, missing), (name, missing)
        assert f"BO-{number}" not in _queued(missing, True, monkeypatch), (name, missing)


@pytest.mark.parametrize(("number", "case"), list(enumerate(CASES)), ids=[c[0] for c in CASES])
def test_the_customer_look_up_folds_as_search_does(shop: Service, number: int, case: tuple) -> None:
    name, queries, missing = case
    for query in queries:
        for typed in {nfc(query), nfd(query), query.upper()}:
            found = {s.id for s in lookup.suggest(shop, "customer", typed)}
            expected = {
                f"C{n}" for n, (other, _, _) in enumerate(CASES) if fold(typed) in fold(other)
            }
            expected |= {f"C{n}" for n in range(len(CASES)) if fold(typed) in fold(f"C{n}")}
            # a look-up shows the first 8 matches: this name, unless 8 others come first
            assert f"C{number}" in found or len(found) == lookup.SUGGESTIONS, (name, typed)
            assert found <= expected, (name, typed)
    assert f"C{number}" not in {s.id for s in lookup.suggest(shop, "customer", missing)}


def test_product_and_business_look_ups_fold_names_skus_and_ids(service: Service) -> None:
    call(service, "business.create", {"id": "B-1", "name": "Bäckerei Groß"})
    call(service, "product.create", {"id": "P-1", "sku": "ẞ-\u212a9", "name": "Ofﬁce chair"})
    call(service, "product.create", {"id": "P-2", "sku": "PLAIN", "name": "Plain"})
    call(service, "customer.create", {"id": "CU-1", "name": "X", "email": "Ærø@example.COM"})

    def ids(kind: str, text: str) -> list[str]:
        return [s.id for s in lookup.suggest(service, kind, text)]

    assert ids("business", "GROSS") == ["B-1"]
    assert ids("business", "ba\u0308cker") == ["B-1"]
    assert ids("product", "ss-k9") == ["P-1"]  # SKU: capital sharp s, Kelvin sign
    assert ids("product", "OFFICE") == ["P-1"]
    assert ids("product", "p-") == ["P-1", "P-2"]  # ids
    assert ids("customer", "ærø@EXAMPLE") == ["CU-1"]  # e-mail
    assert ids("product", "100%") == [] and ids("product", "_") == []  # no wildcards


def test_stored_text_stays_as_written(shop: Service) -> None:
    answer = call(shop, "list", {"query": "zoë", "limit": 5})["data"]
    customer = answer[0]["customer"]
    stored = shop.db.execute_sql(
        sql(shop.db, "SELECT name FROM customer WHERE id = ?"), (customer,)
    )
    assert stored.fetchone()[0] == "Zoe\u0308 Garci\u0301a"


def test_wildcards_and_quotes_are_plain_characters(service: Service) -> None:
    call(service, "business.create", {"id": "B", "name": "B"})
    call(service, "product.create", {"id": "P", "sku": "S", "name": "P"})
    for number, name in enumerate(['100% "Ökö" Ltd', "1000 Oko_Ltd", "Öko", "C:\\Öko\\2"]):
        call(service, "customer.create", {"id": f"C{number}", "name": name})
        call(service, "create", {"id": f"BO-{number}", "product": "P", "business": "B",
                                 "customer": f"C{number}", "quantity": 1, "price": 1})  # fmt: skip
    for query, expected in [
        ("0% ", {"BO-0"}), ("%", {"BO-0"}), ("_", {"BO-1"}), ('"ÖKÖ"', {"BO-0"}),
        ('"', {"BO-0"}), ("o_l", {"BO-1"}), ("ÖK", {"BO-0", "BO-2", "BO-3"}),
        ("ÖKO", {"BO-2", "BO-3"}), ("\\ö", {"BO-3"}), ("\\", {"BO-3"}), ("o\\2", {"BO-3"}),
    ]:  # fmt: skip
        assert _listed(service, query) == expected, query


# -- the fold itself -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Zoe\u0308", "zoë"),
        ("STRASSE", "straße"),
        ("ẞ", "ss"),
        ("ΣΊΣΥΦΟΣ", "σίσυφος"),
        ("ς", "σ"),
        ("ﬁ", "FI"),
        ("ﬃ", "ffi"),
        ("\u212a", "k"),
        ("\u212b", "å"),
        ("\u2126", "ω"),
        ("\u1112\u1161\u11ab", "한"),
        ("ǰ", "J\u030c"),
        ("ᾳ", "ΑΙ"),
        ("İ", "i\u0307"),
    ],
)
def test_fold_makes_look_alikes_one_text(one: str, other: str) -> None:
    assert fold(one) == fold(other)


def test_fold_leaves_different_letters_apart() -> None:
    for one, other in [("zoë", "zoe"), ("ı", "i"), ("ø", "o"), ("đ", "d"), ("한", "하")]:
        assert fold(one) != fold(other)


@given(st.text())
def test_fold_is_idempotent_in_nfc_and_blind_to_normal_form(text: str) -> None:
    folded = fold(text)
    assert fold(folded) == folded
    assert nfc(folded) == folded
    for form in ("NFC", "NFD"):
        assert fold(unicodedata.normalize(form, text)) == folded


# -- random names, re-typed ------------------------------------------------------------

# Whole characters as a person sees them, each with several spellings: the stored name is
# made of one, the query of another (normal form, case).
LETTERS = st.one_of(
    st.characters(codec="ascii", categories=["L", "N"]),
    st.sampled_from(
        list("éèêëñçåøæœßẞσςΣάΐΰ")
        + list("ёйЁЙжщЫ")
        + list("ễặờứỹĐđ")
        + list("한국어서울각")
        + ["\u212a", "\u212b", "\u2126", "ﬁ", "ﬂ", "ﬃ", "ǰ", "ᾳ", " ", "-", "%", "_", '"']
    ),
)
RETYPE = st.sampled_from(
    [
        nfc,
        nfd,
        str.upper,
        str.lower,
        lambda t: nfd(t.upper()),
        lambda t: nfc(t.casefold()),
        lambda t: t.swapcase(),
    ]
)


@pytest.fixture(scope="module")
def random_names_shop(tmp_path_factory: pytest.TempPathFactory, engine: str) -> Iterator[Service]:
    with postgres.database(engine, tmp_path_factory.mktemp("random")) as where:
        yield from _random_names_shop(where)


def _random_names_shop(where: Path | str) -> Iterator[Service]:
    service = Service(open_database(where), clock=lambda: NOW, actor=lambda: "t")
    call(service, "business.create", {"id": "BIZ", "name": "Shop"})
    call(service, "product.create", {"id": "PRD", "sku": "Q", "name": "Q"})
    yield service
    service.db.close()


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    letters=st.lists(LETTERS, min_size=1, max_size=25),
    stored_as=RETYPE,
    typed_as=RETYPE,
    data=st.data(),
)
def test_a_retyped_part_of_a_random_name_finds_it(
    random_shop: Service, letters: list[str], stored_as, typed_as, data: st.DataObject
) -> None:
    name = stored_as("".join(letters))
    if not name.strip() or len(name) > 200:
        return
    start = data.draw(st.integers(0, len(letters) - 1), label="start")
    end = data.draw(st.integers(start + 1, len(letters)), label="end")
    query = typed_as("".join(letters[start:end]))
    if not query.strip():
        return
    counter = random_shop.db.execute_sql("SELECT count(*) FROM customer").fetchone()[0]
    customer = call(random_shop, "customer.create", {"id": f"R{counter}", "name": name})["id"]
    refs = {"product": "PRD", "business": "BIZ", "customer": customer}
    backorder = call(random_shop, "create", {**refs, "quantity": 1, "price": 1})
    assert backorder["id"] in _listed(random_shop, query), (name, query)
    with random_shop.db.connection_context():
        spec = queue.QueueSpec("all", "triage", False, query)
        assert backorder["id"] in {row.id for row in queue.page(spec, NOW, 1000)}, (name, query)
    found = lookup.suggest(random_shop, "customer", query)
    assert customer in {s.id for s in found} or len(found) == lookup.SUGGESTIONS, (name, query)


def test_a_database_made_before_folding_is_searched_folded(engine: str, tmp_path: Path) -> None:
    """Migration 0005 folds the index of rows written before it (see tests/test_migrations.py)."""
    from tests.test_migrations import FIRST_SCHEMA_ROWS, blank, older_database

    rows = [r.replace("Margaret Hamilton", "Zoe\u0308 STRASSE") for r in FIRST_SCHEMA_ROWS]
    with blank(engine, tmp_path) as path:
        older_database(path, "0004_event_no_replace", rows)
        _searched_folded(path)


def _searched_folded(path: Path | str) -> None:
    db = open_database(path)
    try:
        assert [b["id"] for b in call(Service(db), "list", {"query": "zoë straße"})["data"]] == [
            "BO-OLD"
        ]
    finally:
        db.close()


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    text=st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), max_size=40)
)
def test_the_database_folds_as_python_does(random_shop: Service, text: str) -> None:
    """The index's fold (PostgreSQL: the SQL function written out from Python's tables) is
    store.folding.fold for any text, so both engines find the same rows."""
    db = random_shop.db
    folded = db.execute_sql(sql(db, "SELECT botui_fold(?)"), (text,)).fetchone()[0]
    assert folded == fold(text), (text, folded)
