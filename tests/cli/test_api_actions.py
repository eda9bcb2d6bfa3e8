"""Every action of `botui api` through the installed command: exit 0 and JSON on stdout."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .runner import NOW, Target, api, botui, shop_fixtures


def build(path: Target) -> None:
    """A business, a customer, a product and an order, made once by the command."""
    for action, payload in [
        ("business.create", {"id": "BIZ-1", "name": "Northwind"}),
        ("customer.create", {"id": "CUS-1", "name": "Ada", "email": "ada@example.com"}),
        ("product.create", {"id": "PRD-1", "sku": "TENT-2P", "name": "Tent"}),
        ("order.create", {"id": "ORD-1", "number": "SO-1", "customer": "CUS-1",
                          "business": "BIZ-1"}),
    ]:  # fmt: skip
        assert api(path, action, payload).status == 0


template, db = shop_fixtures(build)


def ok(result) -> dict:
    assert result.status == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.endswith("\n") and result.stdout.count("\n") == 1
    return result.json


def test_reference_creates_answer_the_record(db_path: Target) -> None:
    path = db_path
    assert ok(api(path, "business.create", {"name": "Acme"})) == {"id": "BIZ-1", "name": "Acme"}
    customer = ok(api(path, "customer.create", {"name": "Bo", "phone": "+1 555 0100"}))
    assert customer == {"id": "CUS-1", "name": "Bo", "email": None, "phone": "+1 555 0100"}
    product = ok(api(path, "product.create", {"sku": "S-1", "name": "Lamp", "stockOnHand": 2}))
    assert product == {"id": "PRD-1", "sku": "S-1", "name": "Lamp", "stockOnHand": 2}
    order = ok(api(path, "order.create", {"customer": "CUS-1", "business": "BIZ-1"}))
    assert order == {
        "id": "ORD-1",
        "number": None,
        "customer": "CUS-1",
        "business": "BIZ-1",
        "placedAt": NOW,
    }


def test_every_backorder_action(db: Target) -> None:
    created = ok(
        api(
            db,
            "create",
            {
                "id": "BO-7",
                "product": "PRD-1",
                "business": "BIZ-1",
                "customer": "CUS-1",
                "order": "ORD-1",
                "quantity": 3,
                "price": 4999,
                "estimatedShipDate": NOW - 60,
                "metadata": {"channel": "web"},
            },
        )
    )
    assert created["status"] == "pending"
    assert created["createdAt"] == NOW
    assert ok(api(db, "get", {"id": "BO-7"})) == created
    updated = ok(api(db, "update", {"id": "BO-7", "version": 1, "priorityLevel": "rush"}))
    assert (updated["priorityLevel"], updated["version"]) == ("rush", 2)
    assert ok(api(db, "detectDelays", {})) == {"delayed": ["BO-7"]}
    confirmed = ok(api(db, "confirm", {"id": "BO-7", "supplierOrder": "PO-1"}))
    assert confirmed["status"] == "confirmed"
    estimate = ok(api(db, "updateEstimate", {"id": "BO-7", "estimatedShipDate": NOW + 86_400}))
    assert estimate["estimatedShipDate"] == NOW + 86_400
    received = ok(api(db, "receiveInventory", {"product": "PRD-1", "quantity": 5, "receipt": "R1"}))
    assert received == {
        "product": {"id": "PRD-1", "sku": "TENT-2P", "name": "Tent", "stockOnHand": 2},
        "allocations": [{"backorder": "BO-7", "quantity": 3}],
    }
    notified = ok(
        api(db, "notifyCustomer", {"id": "BO-7", "channel": "email", "template": "arrival"})
    )
    assert notified["id"] == "BO-7"
    [entry] = ok(api(db, "outbox", {"status": "queued"}))["data"]
    assert entry["to"] == "ada@example.com"
    sent = ok(api(db, "outbox.markSent", {"id": entry["id"]}))
    assert (sent["status"], sent["sentAt"]) == ("sent", NOW)
    fulfilled = ok(api(db, "fulfill", {"id": "BO-7", "quantity": 2}))
    assert (fulfilled["status"], fulfilled["quantity"]) == ("fulfilled", 2)
    page = ok(api(db, "list", {"query": "tent", "limit": 1}))
    assert page["hasMore"] is True and page["next"]
    rest = ok(api(db, "list", {"after": page["next"]}))["data"]
    assert len(page["data"]) + len(rest) == 2
    split = next(bo for bo in page["data"] + rest if bo["id"] != "BO-7")
    cancelled = ok(api(db, "cancel", {"id": split["id"], "reason": "no longer wanted"}))
    assert cancelled["status"] == "cancelled"
    deleted = ok(api(db, "delete", {"id": split["id"]}))
    assert deleted == cancelled
    log = ok(api(db, "events", {"since": 0, "limit": 1000}))["data"]
    assert [e["type"] for e in log] == [
        "created",
        "updated",
        "delayNoticed",
        "confirmed",
        "estimateUpdated",
        "delayNoticed",
        "inventoryArrived",
        "customerNotified",
        "fulfilled",
        "created",
        "cancelled",
        "deleted",
    ]
    assert {e["actor"] for e in log} == {"cli-tester"}
    assert ok(api(db, "events", {"since": log[-1]["id"]})) == {"data": []}


def test_input_on_standard_input(db: Target) -> None:
    result = botui("api", "get", "--db", str(db), stdin=json.dumps({"id": "NOPE"}))
    assert result.error["code"] == "not_found"
    listed = botui("api", "list", "--db", str(db), stdin='{"status": "pending"}\n')
    assert ok(listed) == {"data": [], "hasMore": False, "next": None}


def test_empty_input_is_an_empty_object(db: Target) -> None:
    assert ok(botui("api", "detectDelays", "--db", str(db))) == {"delayed": []}
    assert ok(botui("api", "list", "--db", str(db), stdin="  \n"))["data"] == []


def test_db_from_the_top_level_option_and_from_botui_db(db: Target) -> None:
    before = botui("--db", str(db), "api", "get", '{"id": "X"}')
    assert before.error["code"] == "not_found"
    via_env = botui("api", "business.create", '{"name": "Env"}', BOTUI_DB=str(db))
    assert ok(via_env)["id"] == "BIZ-2"
    assert ok(botui("api", "business.create", "--db", str(db), '{"name": "Arg"}'))["id"] == "BIZ-3"


@pytest.mark.sqlite_only  # the file's mode
def test_a_missing_database_is_created_0660_or_stricter(tmp_path: Path) -> None:
    path = tmp_path / "fresh.db"
    ok(botui("api", "list", "--db", str(path), umask=0))
    assert path.exists()
    assert path.stat().st_mode & 0o007 == 0


def test_text_is_answered_as_utf8_json(db: Target) -> None:
    name = "Zoë [bold]漢字[/] 🙂"
    answer = api(db, "customer.create", {"name": name})
    assert ok(answer)["name"] == name


def test_the_default_database_is_made_in_the_data_folder(tmp_path: Path) -> None:
    data = tmp_path / "xdg"
    data.mkdir()
    answer = botui("api", "business.create", '{"name": "Home"}', XDG_DATA_HOME=str(data))
    assert ok(answer)["id"] == "BIZ-1"
    assert (data / "botui" / "botui.db").is_file()
    assert (data / "botui").stat().st_mode & 0o077 == 0
    again = botui("api", "list", XDG_DATA_HOME=str(data))
    assert ok(again)["data"] == []


def test_the_answer_is_utf8_whatever_the_locale(db: Target) -> None:
    answer = api(db, "customer.create", {"name": "Zoë"}, PYTHONIOENCODING="ascii", LC_ALL="C")
    assert ok(answer)["name"] == "Zoë"
