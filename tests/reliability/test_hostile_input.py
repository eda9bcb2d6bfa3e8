"""Hostile text in every text field: refused naming the field, or stored and returned literally."""

from __future__ import annotations

import itertools
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import peewee
from hypothesis import given, settings
from hypothesis import strategies as st

from botui.domain.errors import BotuiError
from botui.domain.service import Service, call
from botui.store.db import open_database
from botui.store.engine import sql
from tests.postgres import connect

FORBIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
FORBIDDEN_MULTILINE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
SPECIALS = [
    "[/]",
    "[@click=app.quit]",
    "[bold red]Eve[/] [/]",
    "[link=file:///etc/passwd]x[/link]",
    "\x1b[31mred\x1b[0m",
    "\x1b]0;pwned\x07",
    "\x9b31m",
    "\u202eevil\u202c",
    "\u2066isolate\u2069",
    "\x00",
    "line\r\nbreak",
    "tab\there",
    "multi\nline",
    "\x7f",
    "\ud800",
    "\u200b\ufeff",
    "😀 Ünïcödé 漢字",
    "'; DROP TABLE event; --",
    "%s %n {0} {{x}} $(reboot)",
    '\\"',
    " ",
    "",
    "x" * 100_000,
    "[/]" * 34_000,
]
HOSTILE = st.one_of(
    st.sampled_from(SPECIALS),
    st.text(max_size=60),
    st.lists(st.one_of(st.sampled_from(SPECIALS[:-2]), st.text(max_size=8)), max_size=6).map(
        "".join
    ),
)


@dataclass(frozen=True)
class Case:
    """One text field of one action: how to send the text and where it is stored."""

    action: str
    field: str
    max_length: int
    payload: Callable[[str, Callable[[], str]], dict[str, Any]]
    stored: Callable[[peewee.Database, str], bool] | None = None
    multiline: bool = False
    free_form: bool = True  # any text within the rules is accepted (no format, not unique)


def _exists(table: str, column: str) -> Callable[[peewee.Database, str], bool]:
    def stored(db: peewee.Database, text: str) -> bool:
        found = f"SELECT 1 FROM {table} WHERE {column} = ?"  # noqa: S608 - names are constants
        return db.execute_sql(sql(db, found), (text,)).fetchone() is not None

    return stored


def _in_json(table: str, column: str, key: str) -> Callable[[peewee.Database, str], bool]:
    """The text is the value of `key` in one of the column's JSON objects (read back in
    Python: the engines' JSON functions differ)."""

    def stored(db: peewee.Database, text: str) -> bool:
        values = db.execute_sql(f"SELECT {column} FROM {table}").fetchall()  # noqa: S608
        return any(json.loads(value).get(key) == text for (value,) in values if value)

    return stored


def _backorder(**extra: Any) -> dict[str, Any]:
    base = {"product": "PRD-1", "business": "BIZ-1", "customer": "CUS-1", "quantity": 1}
    return {**base, "price": 700, **extra}


CASES = [
    Case("business.create", "name", 200, lambda t, new: {"name": t}, _exists("business", "name")),
    Case("customer.create", "name", 200, lambda t, new: {"name": t}, _exists("customer", "name")),
    Case(
        "customer.create",
        "email",
        100,
        lambda t, new: {"name": "A", "email": t},
        None,
        False,
        False,
    ),
    Case(
        "customer.create",
        "phone",
        100,
        lambda t, new: {"name": "A", "phone": t},
        None,
        False,
        False,
    ),
    Case(
        "product.create",
        "name",
        200,
        lambda t, new: {"sku": new(), "name": t},
        _exists("product", "name"),
    ),
    Case(
        "product.create",
        "sku",
        100,
        lambda t, new: {"sku": t, "name": "N"},
        _exists("product", "sku"),
        False,
        False,
    ),
    Case(
        "order.create",
        "number",
        100,
        lambda t, new: {"number": t, "customer": "CUS-1", "business": "BIZ-1"},
        _exists("orders", "number"),
        False,
        False,
    ),
    Case(
        "create",
        "supplierOrder",
        100,
        lambda t, new: _backorder(supplierOrder=t),
        _exists("backorder", "supplier_order"),
    ),
    Case(
        "create",
        "metadata",
        500,
        lambda t, new: _backorder(metadata={"note": t}),
        _in_json("backorder", "metadata", "note"),
        True,
    ),
    Case("create", "metadata", 40, lambda t, new: _backorder(metadata={t: 1}), None, False, False),
    Case("create", "id", 64, lambda t, new: _backorder(id=t), None, False, False),
    Case(
        "update",
        "supplierOrder",
        100,
        lambda t, new: {"id": "BO-LIVE", "supplierOrder": t},
        _exists("backorder", "supplier_order"),
    ),
    Case(
        "update",
        "metadata",
        500,
        lambda t, new: {"id": "BO-LIVE", "metadata": {"k": t}},
        _in_json("backorder", "metadata", "k"),
        True,
    ),
    Case(
        "confirm",
        "supplierOrder",
        100,
        lambda t, new: {"id": new(), "supplierOrder": t},
        _exists("backorder", "supplier_order"),
    ),
    Case(
        "cancel",
        "reason",
        500,
        lambda t, new: {"id": new(), "reason": t},
        _exists("refund", "reason"),
        True,
    ),
    Case(
        "updateEstimate",
        "reason",
        500,
        lambda t, new: {"id": "BO-LIVE", "estimatedShipDate": int(new()[3:]), "reason": t},
        _in_json("event", "data", "reason"),
        True,
    ),
    Case(
        "notifyCustomer",
        "subject",
        500,
        lambda t, new: {"id": "BO-LIVE", "channel": "email", "subject": t, "message": new()},
        _exists("notification", "subject"),
    ),
    Case(
        "notifyCustomer",
        "message",
        2000,
        lambda t, new: {"id": "BO-LIVE", "channel": "sms", "message": t},
        _exists("notification", "body"),
        True,
    ),
    Case(
        "receiveInventory",
        "supplierOrder",
        100,
        lambda t, new: {"product": "PRD-1", "quantity": 1, "supplierOrder": t},
        _exists("receipt", "supplier_order"),
    ),
    Case("list", "query", 200, lambda t, new: {"query": t}),
    Case("list", "after", 500, lambda t, new: {"after": t}, None, False, False),
    Case("get", "id", 64, lambda t, new: {"id": t}, None, False, False),
]


def obeys_rules(text: str, case: Case) -> bool:
    """The contract's text rules, written independently of the schemas."""
    pattern = FORBIDDEN_MULTILINE if case.multiline else FORBIDDEN
    return len(text) <= case.max_length and not pattern.search(text)


def seed(service: Service) -> None:
    service.create_business({"id": "BIZ-1", "name": "Northwind"})
    service.create_customer(
        {"id": "CUS-1", "name": "Ada", "email": "ada@example.com", "phone": "+44 20 7946 0000"}
    )
    service.create_product({"id": "PRD-1", "sku": "TENT", "name": "Tent"})
    service.create(_backorder(id="BO-LIVE"))


def feed(service: Service, case: Case, text: str, fresh: Callable[[], str]) -> None:
    """Send `text` in the case's field and hold the service to the rules."""
    try:
        call(service, case.action, case.payload(text, fresh))
    except BotuiError as refusal:
        if refusal.code == "validation_error":
            assert refusal.field == case.field, (refusal.field, refusal.message)
            assert refusal.message
            assert not (case.free_form and obeys_rules(text, case) and text.strip()), refusal
        else:
            assert not case.free_form and refusal.code in ("conflict", "not_found"), refusal
            assert obeys_rules(text, case)
        return
    assert obeys_rules(text, case), f"{case.action}.{case.field} accepted {text[:80]!r}"
    if case.stored is not None:
        assert case.stored(service.db, text), f"{text[:80]!r} was not stored literally"


def test_hostile_text_in_every_field_through_the_service(db_path: Path | str) -> None:
    db = open_database(db_path)
    service = Service(db)
    seed(service)
    counter = itertools.count(1_800_000_000)

    def fresh() -> str:
        """A new pending backorder (also a unique value) for actions that close one."""
        n = next(counter)
        service.create(_backorder(id=f"BO-{n}"))
        return f"BO-{n}"

    @settings(max_examples=600, deadline=None, database=None)
    @given(case=st.sampled_from(CASES), text=HOSTILE)
    def run(case: Case, text: str) -> None:
        feed(service, case, text, fresh)

    run()
    db.close()
    assert_no_control_characters_stored(db_path)


def test_a_hostile_actor_is_refused_or_recorded_literally(db_path: Path | str) -> None:
    db = open_database(db_path)
    seed(Service(db))

    @settings(max_examples=80, deadline=None, database=None)
    @given(actor=HOSTILE)
    def run(actor: str) -> None:
        service = Service(db, actor=lambda: actor)
        try:
            answer = service.create(_backorder())
        except BotuiError as refusal:
            assert refusal.code == "validation_error" and "BOTUI_ACTOR" in refusal.message
            assert not (obeys_rules(actor, CASES[0]) and actor.strip())
            return
        assert obeys_rules(actor, CASES[0]) and actor
        event = service.events({"backorder": answer.id}).data[0]
        assert event.actor == actor

    run()
    db.close()
    assert_no_control_characters_stored(db_path)


def assert_no_control_characters_stored(target: Path | str) -> None:
    """Scan every text value: only reasons and messages may hold newline or tab, and in the
    JSON columns only as escapes."""
    multiline = {("refund", "reason"), ("notification", "body")}
    with connect(target) as db:
        for table in db.get_tables():
            if table.startswith(("backorder_search", "sqlite_")):
                continue
            cursor = db.execute_sql(f'SELECT * FROM "{table}"')  # noqa: S608
            columns = [column[0] for column in cursor.description]
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    if not isinstance(value, str):
                        continue
                    pattern = FORBIDDEN_MULTILINE if (table, column) in multiline else FORBIDDEN
                    assert not pattern.search(value), (table, column, value[:80])


BOTUI = [sys.executable, "-m", "botui"]


def api(db: Path | str, action: str, body: bytes | str) -> subprocess.CompletedProcess:
    """`botui api` with the JSON on standard input, as bytes so it may be invalid UTF-8."""
    data = body.encode("utf-8", "surrogatepass") if isinstance(body, str) else body
    return subprocess.run([*BOTUI, "api", action, "--db", str(db)], input=data, capture_output=True)


def test_a_sample_through_botui_api(db_path: Path | str) -> None:
    db = db_path
    service_db = open_database(db)
    seed(Service(service_db))
    service_db.close()
    accepted = [
        ("business.create", {"name": "[@click=app.quit]"}, "name"),
        ("business.create", {"name": "[bold red]Eve[/] [/]"}, "name"),
        ("create", _backorder(metadata={"note": "[/]\n\tline two"}), "metadata"),
        ("list", {"query": "[/]"}, None),
    ]
    for action, payload, field in accepted:
        done = api(db, action, json.dumps(payload))
        assert done.returncode == 0, done.stderr
        assert b"\x1b" not in done.stdout
        if field:
            assert json.loads(done.stdout)[field] == payload[field]
    refused = [
        ("business.create", json.dumps({"name": "\x1b[31mred\x1b[0m"}), "name"),
        ("customer.create", json.dumps({"name": "\u202eevil"}), "name"),
        ("product.create", json.dumps({"sku": "S", "name": "x" * 100_000}), "name"),
        ("business.create", '{"name": "\\ud800"}', "name"),
        ("cancel", json.dumps({"id": "BO-LIVE", "reason": "\x1b]0;pwned\x07"}), "reason"),
        ("business.create", b'{"name": "\xff\xfe caf\xe9"}', None),
        ("business.create", b"\xff" * 10, None),
    ]
    for action, body, field in refused:
        done = api(db, action, body)
        stderr = done.stderr.decode()
        assert done.returncode == 2 and "Traceback" not in stderr
        error = json.loads(stderr)["error"]
        assert error["code"] == "validation_error" and error["field"] == field, error
        assert done.stdout == b""
    argv = subprocess.run(
        [*BOTUI.copy(), "api", "business.create", "--db", str(db), b'{"name": "\xff"}'],
        capture_output=True,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )
    assert argv.returncode == 2 and b"Traceback" not in argv.stderr
    assert json.loads(argv.stderr)["error"]["field"] == "name"
    assert_no_control_characters_stored(db)
