"""list (filters, text query, cursor paging, triage order) and the event log."""

from __future__ import annotations

import pytest

from botui.domain.service import Service, call
from tests.conftest import NOW

from .helpers import assert_refused, new_backorder


def ids(page: dict) -> list[str]:
    return [bo["id"] for bo in page["data"]]


@pytest.fixture
def shop(service: Service, refs: dict, monkeypatch: pytest.MonkeyPatch) -> Service:
    """Backorders of two customers, two products, every priority, created at distinct times."""
    call(service, "customer.create", {"id": "CUS-2", "name": "Grace HOPPER"})
    call(service, "product.create", {"id": "PRD-2", "sku": "STOVE-9", "name": "Camp stove"})
    call(
        service,
        "order.create",
        {"id": "ORD-2", "number": "SO-2002", "customer": "CUS-2", "business": "BIZ-1"},
    )
    rows = [
        ("A", 300, "standard", {}),
        ("B", 100, "standard", {"customer": "CUS-2", "order": "ORD-2"}),
        ("C", 200, "rush", {"product": "PRD-2"}),
        ("D", 100, "expedited", {"supplierOrder": "PO-XYZ-1"}),
        ("E", 100, "rush", {"customer": "CUS-2", "product": "PRD-2"}),
        ("F", 200, "rush", {}),
    ]
    for backorder_id, created, priority, extra in rows:
        monkeypatch.setenv("BOTUI_NOW", str(created))
        new_backorder(service, refs, id=backorder_id, priorityLevel=priority, **extra)
    monkeypatch.setenv("BOTUI_NOW", str(NOW))
    call(service, "cancel", {"id": "A"})
    call(service, "confirm", {"id": "F"})
    return service


def test_list_is_in_triage_order_with_every_status(shop: Service) -> None:
    page = call(shop, "list", {})
    assert ids(page) == ["E", "C", "F", "D", "B", "A"]
    assert page["hasMore"] is False
    assert page["next"] is None


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"status": "cancelled"}, ["A"]),
        ({"status": "confirmed"}, ["F"]),
        ({"status": "fulfilled"}, []),
        ({"priorityLevel": "rush"}, ["E", "C", "F"]),
        ({"product": "PRD-2"}, ["E", "C"]),
        ({"customer": "CUS-2"}, ["E", "B"]),
        ({"business": "BIZ-1"}, ["E", "C", "F", "D", "B", "A"]),
        ({"customer": "CUS-2", "priorityLevel": "standard"}, ["B"]),
        ({"query": "grace hop"}, ["E", "B"]),  # customer name, any case
        ({"query": "stove-"}, ["E", "C"]),  # SKU
        ({"query": "CAMP"}, ["E", "C"]),  # product name
        ({"query": "so-2002"}, ["B"]),  # order number
        ({"query": "xyz"}, ["D"]),  # supplier order
        ({"query": "two-person"}, ["F", "D", "B", "A"]),
        ({"query": "nothing like it"}, []),
        ({"query": "PO-XYZ-1", "status": "pending"}, ["D"]),
    ],
)
def test_list_filters(shop: Service, filters: dict, expected: list[str]) -> None:
    assert ids(call(shop, "list", filters)) == expected


def test_query_matches_part_of_the_id(service: Service, refs: dict) -> None:
    new_backorder(service, refs, id="ZX-REF-42")
    new_backorder(service, refs, id="OTHER")
    assert ids(call(service, "list", {"query": "ref-4"})) == ["ZX-REF-42"]
    assert ids(call(service, "list", {"query": "x-r"})) == ["ZX-REF-42"]
    assert ids(call(service, "list", {"query": "ZX"})) == ["ZX-REF-42"]


def test_query_wildcards_match_literally(service: Service, refs: dict) -> None:
    new_backorder(service, refs, id="A_1", supplierOrder="50% off")
    new_backorder(service, refs, id="AB1", supplierOrder="500 off")
    assert ids(call(service, "list", {"query": "A_1"})) == ["A_1"]
    assert ids(call(service, "list", {"query": "0% o"})) == ["A_1"]


def test_query_follows_a_changed_supplier_order(service: Service, refs: dict) -> None:
    new_backorder(service, refs, id="X", supplierOrder="OLD-PO")
    call(service, "update", {"id": "X", "supplierOrder": "NEW-PO"})
    assert ids(call(service, "list", {"query": "old-po"})) == []
    assert ids(call(service, "list", {"query": "new-po"})) == ["X"]


def test_cursor_pages_cover_everything_once(shop: Service) -> None:
    seen: list[str] = []
    after = None
    pages = 0
    while True:
        payload = {"limit": 2} | ({"after": after} if after else {})
        page = call(shop, "list", payload)
        seen += ids(page)
        pages += 1
        if not page["hasMore"]:
            assert page["next"] is None
            break
        after = page["next"]
    assert seen == ["E", "C", "F", "D", "B", "A"]
    assert pages == 3


def test_cursor_with_filters(shop: Service) -> None:
    first = call(shop, "list", {"priorityLevel": "rush", "limit": 1})
    second = call(shop, "list", {"priorityLevel": "rush", "limit": 2, "after": first["next"]})
    assert ids(first) + ids(second) == ["E", "C", "F"]
    assert second["hasMore"] is False


def test_list_limits_and_refusals(shop: Service) -> None:
    assert len(call(shop, "list", {"limit": 1})["data"]) == 1
    assert len(call(shop, "list", {"limit": 1000})["data"]) == 6
    cases = [
        ({"limit": 0}, "validation_error", "limit"),
        ({"limit": 1001}, "validation_error", "limit"),
        ({"limit": "5"}, "validation_error", "limit"),
        ({"status": "open"}, "validation_error", "status"),
        ({"priorityLevel": "urgent"}, "validation_error", "priorityLevel"),
        ({"after": "not-a-cursor"}, "validation_error", "after"),
        ({"after": "W10"}, "validation_error", "after"),
        ({"product": "NOPE"}, "not_found", "product"),
        ({"customer": "NOPE"}, "not_found", "customer"),
        ({"business": "NOPE"}, "not_found", "business"),
        ({"query": "a\x1b"}, "validation_error", "query"),
        ({"sort": "id"}, "validation_error", "sort"),
    ]
    for payload, code, field in cases:
        assert_refused(shop, "list", payload, code, field)


def test_default_page_size_is_50(service: Service, refs: dict) -> None:
    for _ in range(51):
        new_backorder(service, refs)
    page = call(service, "list", {})
    assert len(page["data"]) == 50
    assert page["hasMore"] is True
    assert len(call(service, "list", {"after": page["next"]})["data"]) == 1


def test_events_follow_the_log(service: Service, refs: dict) -> None:
    first = new_backorder(service, refs, id="ONE")
    new_backorder(service, refs, id="TWO")
    call(service, "confirm", {"id": first["id"]})
    log = call(service, "events", {})["data"]
    assert [(e["type"], e["backorder"]) for e in log] == [
        ("created", "ONE"),
        ("created", "TWO"),
        ("confirmed", "ONE"),
    ]
    assert [e["id"] for e in log] == sorted(e["id"] for e in log)
    assert set(log[0]) == {"id", "type", "backorder", "at", "actor", "data"}
    after_first = call(service, "events", {"since": log[0]["id"]})["data"]
    assert after_first == log[1:]
    assert call(service, "events", {"backorder": "ONE"})["data"] == [log[0], log[2]]
    assert call(service, "events", {"limit": 1})["data"] == log[:1]
    assert call(service, "events", {"since": log[-1]["id"]})["data"] == []
    for payload, field in [({"since": -1}, "since"), ({"limit": 0}, "limit"), ({"x": 1}, "x")]:
        assert_refused(service, "events", payload, "validation_error", field)


def test_event_ids_keep_growing_after_a_delete(service: Service, refs: dict) -> None:
    bo = new_backorder(service, refs)
    call(service, "delete", {"id": bo["id"]})
    again = new_backorder(service, refs)
    log = call(service, "events", {})["data"]
    assert [e["type"] for e in log] == ["created", "deleted", "created"]
    assert log[-1]["backorder"] == again["id"]
    assert log[0]["id"] < log[1]["id"] < log[2]["id"]


def test_events_cannot_be_changed_or_removed(service: Service, refs: dict) -> None:
    new_backorder(service, refs)
    import peewee

    with pytest.raises(peewee.IntegrityError):
        service.db.execute_sql("UPDATE event SET actor = 'mallory'")
    with pytest.raises(peewee.IntegrityError):
        service.db.execute_sql("DELETE FROM event")


@pytest.mark.parametrize(
    "query", ["ångström", "ÅNGSTRÖM", "zoË", "Ë", "öm", "ngstr", "ZOË ÅNG", "BJÖRN"]
)
def test_query_ignores_case_in_every_script(service: Service, refs: dict, query: str) -> None:
    call(service, "customer.create", {"id": "CUS-Z", "name": "Zoë Ångström"})
    call(service, "customer.create", {"id": "CUS-B", "name": "Björn"})
    new_backorder(service, refs, id="ZOE", customer="CUS-Z")
    new_backorder(service, refs, id="BJORN", customer="CUS-B")
    new_backorder(service, refs, id="OTHER")
    expected = ["BJORN"] if query == "BJÖRN" else ["ZOE"]
    assert ids(call(service, "list", {"query": query})) == expected


def test_non_ascii_query_needs_the_letters_in_order(service: Service, refs: dict) -> None:
    call(service, "customer.create", {"id": "CUS-Z", "name": "ÅBC BCD"})
    new_backorder(service, refs, id="ZOE", customer="CUS-Z")
    # Every trigram of "ÅBCD" ("ÅBC", "BCD") is there, but not the text itself.
    assert ids(call(service, "list", {"query": "åbcd"})) == []
    assert ids(call(service, "list", {"query": 'Å"B'})) == []
