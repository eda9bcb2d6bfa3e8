"""`botui api customer.update` and its siblings through the installed command."""

from __future__ import annotations

import pytest

from .runner import Target, api, botui, dump, shop_fixtures


def build(path: Target) -> None:
    """Two of each record, made once by the command."""
    for action, payload in [
        ("business.create", {"id": "BIZ-1", "name": "Northwind"}),
        ("customer.create", {"id": "CUS-1", "name": "Ada", "email": "ada@example.com"}),
        ("customer.create", {"id": "CUS-2", "name": "Grace"}),
        ("product.create", {"id": "PRD-1", "sku": "TENT-2P", "name": "Tent", "stockOnHand": 4}),
        ("product.create", {"id": "PRD-2", "sku": "LAMP-1", "name": "Lamp"}),
        ("order.create", {"id": "ORD-1", "number": "SO-1", "customer": "CUS-1",
                          "business": "BIZ-1"}),
        ("order.create", {"id": "ORD-2", "number": "SO-2", "customer": "CUS-1",
                          "business": "BIZ-1"}),
    ]:  # fmt: skip
        assert api(path, action, payload).status == 0


template, db = shop_fixtures(build)


def test_updates_answer_the_changed_record(db: Target) -> None:
    result = api(db, "customer.update", {"id": "CUS-1", "name": "Ada K", "email": None})
    assert result.status == 0, result.stderr
    assert result.json == {"id": "CUS-1", "name": "Ada K", "email": None, "phone": None}
    product = api(db, "product.update", {"id": "PRD-1", "sku": "TENT-3P"}).json
    assert product == {"id": "PRD-1", "sku": "TENT-3P", "name": "Tent", "stockOnHand": 4}
    assert api(db, "business.update", {"id": "BIZ-1", "name": "NW"}).json["name"] == "NW"
    order = api(db, "order.update", {"id": "ORD-1", "number": "SO-9", "customer": "CUS-2"}).json
    assert (order["number"], order["customer"]) == ("SO-9", "CUS-2")


@pytest.mark.parametrize(
    ("action", "payload", "code", "field"),
    [
        ("product.update", {"id": "PRD-1", "sku": "LAMP-1"}, "conflict", "sku"),
        ("product.update", {"id": "PRD-1", "stockOnHand": 10}, "validation_error", "stockOnHand"),
        ("order.update", {"id": "ORD-1", "number": "SO-2"}, "conflict", "number"),
        ("order.update", {"id": "ORD-1", "business": "BIZ-7"}, "not_found", "business"),
        ("customer.update", {"id": "CUS-7", "name": "Nobody"}, "not_found", "id"),
        ("business.update", {"id": "BIZ-1", "name": "   "}, "validation_error", "name"),
        ("customer.update", {"id": "CUS-1", "name": 3}, "validation_error", "name"),
    ],
)
def test_refusals_exit_2_and_change_nothing(
    db: Target, action: str, payload: dict, code: str, field: str
) -> None:
    before = dump(db)
    result = api(db, action, payload)
    assert result.status == 2
    assert (result.error["code"], result.error["field"]) == (code, field)
    assert dump(db) == before


def test_the_batch_knows_the_update_actions(db: Target) -> None:
    lines = '{"action": "customer.update", "input": {"id": "CUS-2", "phone": "+1 555 0100"}}\n'
    result = botui("api", "--batch", "--db", str(db), stdin=lines)
    assert result.status == 0, result.stderr
    assert '"phone": "+1 555 0100"' in result.stdout


def test_an_update_on_an_outdated_copy_is_refused_with_conflict(db: Target) -> None:
    # Two scripts read CUS-2 with no phone; the first saves one, the second is refused.
    read = {"phone": None}
    first = api(
        db, "customer.update", {"id": "CUS-2", "phone": "+1 555 000 1111", "expected": read}
    )
    assert first.status == 0, first.stderr
    before = dump(db)
    late = api(db, "customer.update", {"id": "CUS-2", "phone": "+1 555 000 2222", "expected": read})
    assert late.status == 2
    assert (late.error["code"], late.error["field"]) == ("conflict", "phone")
    assert 'phone is now "+1 555 000 1111" (you read null)' in late.error["message"]
    assert dump(db) == before
    # Another field of the same record, checked against what was read, still merges.
    name = api(
        db, "customer.update", {"id": "CUS-2", "name": "Grace H", "expected": {"name": "Grace"}}
    )
    assert name.json == {
        "id": "CUS-2",
        "name": "Grace H",
        "email": None,
        "phone": "+1 555 000 1111",
    }
