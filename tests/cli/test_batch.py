"""`botui api --batch`: JSON Lines in, one answer line per line out, each its own transaction."""

from __future__ import annotations

import json

from .runner import Target, api, botui, dump, shop_fixtures, write_lock

SHOP = [
    {"action": "business.create", "input": {"id": "BIZ-1", "name": "Northwind"}},
    {"action": "customer.create", "input": {"id": "CUS-1", "name": "Ada"}},
    {"action": "product.create", "input": {"id": "PRD-1", "sku": "TENT", "name": "Tent"}},
]


def lines(*requests: object) -> str:
    return "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in requests)


def answers(stdout: str) -> list[dict]:
    assert stdout.endswith("\n")
    return [json.loads(line) for line in stdout.splitlines()]


def create(ref: object, **fields: object) -> dict:
    base = {"product": "PRD-1", "business": "BIZ-1", "customer": "CUS-1", "quantity": 1}
    return {"action": "create", "input": base | {"price": 100} | fields, "ref": ref}


def build(path: Target) -> None:
    done = botui("api", "--batch", "--db", str(path), stdin=lines(*SHOP))
    assert done.status == 0, done.stderr


template, db = shop_fixtures(build)


def test_every_line_answered_in_order_with_its_ref(db: Target) -> None:
    done = botui(
        "api",
        "--batch",
        "--db",
        str(db),
        stdin=lines(
            create("a", id="BO-1"),
            {"action": "get", "input": {"id": "BO-1"}, "ref": {"row": 2}},
            {"action": "list", "input": {"limit": 5}},
        ),
    )
    assert (done.status, done.stderr) == (0, "")
    first, second, third = answers(done.stdout)
    assert first["ref"] == "a" and first["ok"]["id"] == "BO-1"
    assert second == {"ref": {"row": 2}, "ok": first["ok"]}
    assert third["ref"] is None and [b["id"] for b in third["ok"]["data"]] == ["BO-1"]
    # The same answer as `botui api NAME` gives.
    assert api(db, "get", {"id": "BO-1"}).json == first["ok"]


def test_refused_and_non_json_lines_answer_and_the_next_runs(db: Target) -> None:
    done = botui(
        "api",
        "--batch",
        "--db",
        str(db),
        stdin=lines(
            create(1, id="BO-1"),
            create(2, id="BO-1"),  # a duplicate id: refused
            "not json at all",
            "[1, 2]",
            "",
            {"action": "nope", "ref": 6},
            {"action": "get", "input": {"id": "BO-1"}, "ref": 7, "extra": True},
            {"action": "confirm", "input": {"id": "BO-1", "version": 1}, "ref": 8},
        ),
    )
    assert done.status == 2 and done.stderr == ""
    out = answers(done.stdout)
    assert len(out) == 8
    assert [a.get("ref") for a in out] == [1, 2, None, None, None, 6, 7, 8]
    assert "ok" in out[0] and out[7]["ok"]["status"] == "confirmed"
    assert out[1]["error"]["code"] == "conflict" and out[1]["error"]["field"] == "id"
    for bad in out[2:7]:
        assert set(bad) == {"ref", "error"}
        assert set(bad["error"]) == {"code", "message", "field"}
        assert bad["error"]["code"] == "validation_error"
    assert out[6]["error"]["field"] == "extra"
    # The same refusal as `botui api NAME` gives.
    assert out[1]["error"] == api(db, "create", create(0, id="BO-1")["input"]).error


def test_a_refused_line_changes_nothing(db: Target) -> None:
    before = dump(db)
    done = botui(
        "api",
        "--batch",
        "--db",
        str(db),
        stdin=lines(
            create("late", estimatedShipDate=10, estimatedDeliveryDate=5),  # delivery before ship
            {"action": "receiveInventory", "input": {"product": "PRD-9", "quantity": 5}},
        ),
    )
    assert done.status == 2
    assert [a["error"]["code"] for a in answers(done.stdout)] == ["validation_error", "not_found"]
    assert dump(db) == before


def test_busy_stops_the_run_and_keeps_what_was_answered(db: Target) -> None:
    assert botui("api", "--batch", "--db", str(db), stdin=lines(create(0, id="BO-0"))).status == 0
    with write_lock(db):  # another writer holds the lock throughout
        done = botui(
            "api",
            "--batch",
            "--db",
            str(db),
            stdin=lines(
                {"action": "get", "input": {"id": "BO-0"}, "ref": 1},
                create(2, id="BO-2"),
                create(3, id="BO-3"),
            ),
            BOTUI_BUSY_TIMEOUT_MS="200",
        )
    assert done.status == 1
    out = answers(done.stdout)
    assert len(out) == 2  # it stopped at the busy line
    assert "ok" in out[0]
    assert out[1]["ref"] == 2 and out[1]["error"]["code"] == "busy"
    assert api(db, "get", {"id": "BO-2"}).status == 2


def test_batch_takes_no_action_argument(db: Target) -> None:
    done = botui("api", "get", "--batch", "--db", str(db))
    assert done.status == 2
    assert done.error["code"] == "validation_error"


def test_empty_input_answers_nothing(db: Target) -> None:
    done = botui("api", "--batch", "--db", str(db), stdin="")
    assert (done.status, done.stdout, done.stderr) == (0, "", "")
