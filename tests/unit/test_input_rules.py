"""Input rules: text, metadata, strict types, unknown fields, the actor, and reference records."""

from __future__ import annotations

import pytest

from botui.domain.service import Service, call
from tests.conftest import NOW

from .helpers import assert_refused, new_backorder, receive

FORBIDDEN = ["\x00", "\x1b", "\x7f", "\x85", "\x9f", "\u202a", "\u202e", "\u2066", "\u2069"]
LINE_BREAKS = ["\n", "\t"]


def base(refs: dict, **fields) -> dict:
    return {
        "product": refs["product"],
        "business": refs["business"],
        "customer": refs["customer"],
        "quantity": 1,
        "price": 100,
    } | fields


# -- text -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "payload", "field", "limit"),
    [
        ("business.create", {}, "name", 200),
        ("customer.create", {}, "name", 200),
        ("product.create", {"sku": "S-1"}, "name", 200),
        ("product.create", {"name": "N"}, "sku", 100),
        ("order.create", {"customer": "CUS-1", "business": "BIZ-1"}, "number", 100),
        ("customer.create", {"name": "N"}, "phone", 100),
    ],
)
def test_one_line_text_lengths_and_characters(
    service: Service, refs: dict, action: str, payload: dict, field: str, limit: int
) -> None:
    value = "1" * limit if field == "phone" else "x" * limit
    error = assert_refused(
        service, action, payload | {field: value + "1"}, "validation_error", field
    )
    assert f"{limit:,}" in error.message
    for bad in FORBIDDEN + LINE_BREAKS:
        assert_refused(service, action, payload | {field: f"a{bad}b1"}, "validation_error", field)
    assert call(service, action, payload | {field: value})[field] == value


def test_supplier_order_rules(service: Service, refs: dict) -> None:
    for bad in FORBIDDEN + LINE_BREAKS + ["x" * 101]:
        assert_refused(service, "create", base(refs, supplierOrder=bad), "validation_error")
    assert new_backorder(service, refs, supplierOrder="P" * 100)["supplierOrder"] == "P" * 100


def test_email_length_and_shape(service: Service) -> None:
    long_email = "a" * 90 + "@example.com"
    assert_refused(
        service, "customer.create", {"name": "N", "email": long_email}, "validation_error", "email"
    )
    for bad in ["not-an-email", "a@b", "a b@c.d", "a@b.c\n"]:
        assert_refused(
            service, "customer.create", {"name": "N", "email": bad}, "validation_error", "email"
        )


@pytest.mark.parametrize("bad", FORBIDDEN)
def test_multiline_fields_refuse_other_controls(service: Service, refs: dict, bad: str) -> None:
    bo = new_backorder(service, refs)
    assert_refused(service, "cancel", {"id": bo["id"], "reason": f"a{bad}"}, "validation_error")
    assert_refused(
        service,
        "notifyCustomer",
        {"id": bo["id"], "channel": "email", "message": f"a{bad}"},
        "validation_error",
        "message",
    )
    assert_refused(
        service,
        "update",
        {"id": bo["id"], "metadata": {"k": f"a{bad}"}},
        "validation_error",
        "metadata",
    )


def test_multiline_fields_take_newline_and_tab(service: Service, refs: dict) -> None:
    bo = new_backorder(service, refs, metadata={"note": "a\nb\tc"})
    assert bo["metadata"]["note"] == "a\nb\tc"
    assert_refused(service, "update", {"id": bo["id"], "metadata": {"a\nb": 1}}, "validation_error")
    assert call(service, "cancel", {"id": bo["id"], "reason": "x\ny\tz"})["status"] == "cancelled"


def test_markup_and_unicode_are_stored_literally(service: Service) -> None:
    name = "[bold red]Eve[/] [/] [@click=app.quit]é漢字🙂"
    assert call(service, "customer.create", {"name": name})["name"] == name


def test_lone_surrogates_are_refused(service: Service) -> None:
    assert_refused(service, "business.create", {"name": "a\ud800"}, "validation_error", "name")


@pytest.mark.parametrize("blank", ["", "   "])
def test_required_names_are_not_blank(service: Service, blank: str) -> None:
    assert_refused(service, "business.create", {"name": blank}, "validation_error", "name")
    assert_refused(
        service, "product.create", {"name": "N", "sku": blank}, "validation_error", "sku"
    )


# -- the actor ------------------------------------------------------------------------------


@pytest.mark.parametrize("actor", ["bad\nactor", "esc\x1b[2J", "rtl\u202e", "x" * 201])
def test_the_actor_follows_the_text_rules(
    service: Service, refs: dict, monkeypatch: pytest.MonkeyPatch, actor: str
) -> None:
    monkeypatch.setenv("BOTUI_ACTOR", actor)
    error = assert_refused(service, "create", base(refs), "validation_error")
    assert "BOTUI_ACTOR" in error.message


def test_the_actor_is_recorded(service: Service, refs: dict, monkeypatch) -> None:
    monkeypatch.setenv("BOTUI_ACTOR", "Zoë")
    bo = new_backorder(service, refs)
    assert call(service, "events", {"backorder": bo["id"]})["data"][0]["actor"] == "Zoë"


def test_without_botui_actor_the_login_name_is_recorded(
    service: Service, refs: dict, monkeypatch
) -> None:
    import getpass

    monkeypatch.delenv("BOTUI_ACTOR")
    bo = new_backorder(service, refs)
    actor = call(service, "events", {"backorder": bo["id"]})["data"][0]["actor"]
    assert actor == getpass.getuser()


# -- metadata -------------------------------------------------------------------------------


def test_metadata_limits(service: Service, refs: dict) -> None:
    fifty = {f"k{i}": i for i in range(50)}
    bo = new_backorder(service, refs, metadata=fifty)
    assert len(bo["metadata"]) == 50
    cases = [
        fifty | {"one-more": 1},
        {"k" * 41: 1},
        {"": 1},
        {"k": "v" * 501},
        {"k": {"nested": 1}},
        {"k": [1, 2]},
    ]
    for metadata in cases:
        assert_refused(
            service,
            "update",
            {"id": bo["id"], "metadata": metadata},
            "validation_error",
            "metadata",
        )
    edge = {"k" * 40: "v" * 500, "n": -1.5, "b": False, "z": None, "i": 10**12}
    assert call(service, "update", {"id": bo["id"], "metadata": edge})["metadata"] == edge


def test_split_from_does_not_count_towards_fifty(service: Service, refs: dict) -> None:
    fifty = {f"k{i}": i for i in range(50)}
    receive(service, refs["product"], 1)
    bo = new_backorder(service, refs, quantity=2, metadata=fifty)
    call(service, "confirm", {"id": bo["id"]})
    call(service, "fulfill", {"id": bo["id"], "quantity": 1})
    rest = call(service, "events", {"backorder": bo["id"]})["data"][-1]["data"]["splitInto"]
    split = call(service, "get", {"id": rest})
    assert len(split["metadata"]) == 51
    # The remainder's metadata can be rewritten with 50 keys of its own; splitFrom stays.
    other = {f"o{i}": i for i in range(50)}
    after = call(service, "update", {"id": rest, "metadata": other})
    assert after["metadata"] == other | {"splitFrom": bo["id"]}
    assert_refused(
        service,
        "update",
        {"id": rest, "metadata": {"splitFrom": "SOMEONE-ELSE"}},
        "validation_error",
        "metadata",
    )


def test_metadata_update_replaces_the_whole_object(service: Service, refs: dict) -> None:
    bo = new_backorder(service, refs, metadata={"a": 1, "b": 2})
    assert call(service, "update", {"id": bo["id"], "metadata": {"c": 3}})["metadata"] == {"c": 3}


# -- strict types and unknown fields --------------------------------------------------------


@pytest.mark.parametrize("value", ["3", 3.0, True, None, [3], {"n": 3}, 3.5])
def test_no_silent_coercion_of_integers(service: Service, refs: dict, value) -> None:
    error = assert_refused(service, "create", base(refs, quantity=value), "validation_error")
    assert error.field == "quantity"
    assert "whole number" in error.message


@pytest.mark.parametrize("value", [5, True, None, ["x"]])
def test_no_silent_coercion_of_text(service: Service, value) -> None:
    assert_refused(service, "business.create", {"name": value}, "validation_error", "name")


UNKNOWN_FIELDS = [
    ("create", {"Quantity": 1}, "Quantity"),
    ("create", {"allocated_quantity": 1}, "allocated_quantity"),
    ("update", {"id": "X", "colour": "red"}, "colour"),
    ("delete", {"id": "X", "force": True}, "force"),
    ("confirm", {"id": "X", "quantity": 1}, "quantity"),
    ("fulfill", {"id": "X", "receipt": "R"}, "receipt"),
    ("cancel", {"id": "X", "refund": 5}, "refund"),
    ("updateEstimate", {"id": "X", "estimatedShipDate": 1, "why": "x"}, "why"),
    ("notifyCustomer", {"id": "X", "channel": "sms", "message": "m", "to": "+1"}, "to"),
    ("get", {"id": "X", "expand": True}, "expand"),
    ("list", {"order": "ORD-1"}, "order"),
    ("receiveInventory", {"product": "PRD-1", "quantity": 1, "price": 1}, "price"),
    ("detectDelays", {"dryRun": True}, "dryRun"),
    ("events", {"type": "created"}, "type"),
    ("outbox", {"channel": "sms"}, "channel"),
    ("outbox.markSent", {"id": 1, "sentAt": 1}, "sentAt"),
    ("business.create", {"name": "B", "email": "x@y.z"}, "email"),
    ("customer.create", {"name": "C", "address": "x"}, "address"),
    ("product.create", {"sku": "S", "name": "N", "price": 1}, "price"),
    ("order.create", {"customer": "CUS-1", "business": "BIZ-1", "total": 1}, "total"),
]


@pytest.mark.parametrize(("action", "payload", "unknown"), UNKNOWN_FIELDS)
def test_unknown_fields_are_refused_by_name(
    service: Service, refs: dict, action: str, payload: dict, unknown: str
) -> None:
    if action == "create":
        payload = base(refs) | payload
    error = assert_refused(service, action, payload, "validation_error", unknown)
    assert unknown in error.message


@pytest.mark.parametrize("payload", [[], "text", 3, None, True])
def test_input_that_is_not_an_object(service: Service, payload) -> None:
    error = assert_refused(service, "get", payload, "validation_error", None)
    assert "JSON object" in error.message


def test_unknown_action(service: Service) -> None:
    error = assert_refused(service, "explode", {}, "validation_error", None)
    assert "updateEstimate" in error.message


# -- reference records ----------------------------------------------------------------------


def test_reference_creates_and_generated_ids(service: Service) -> None:
    business = call(service, "business.create", {"name": "Acme"})
    customer = call(service, "customer.create", {"name": "Bo"})
    product = call(service, "product.create", {"sku": "SKU-1", "name": "Lamp"})
    order = call(service, "order.create", {"customer": customer["id"], "business": business["id"]})
    assert customer == {"id": customer["id"], "name": "Bo", "email": None, "phone": None}
    assert product["stockOnHand"] == 0
    assert order["placedAt"] == NOW
    assert order["number"] is None
    assert all(r["id"] for r in (business, customer, product, order))
    second = call(service, "business.create", {"name": "Acme"})
    assert second["id"] != business["id"]


def test_reference_refusals(service: Service, refs: dict) -> None:
    cases = [
        ("business.create", {"id": "BIZ-1", "name": "x"}, "conflict", "id"),
        ("business.create", {}, "validation_error", "name"),
        ("customer.create", {"id": "CUS-1", "name": "x"}, "conflict", "id"),
        ("product.create", {"id": "PRD-1", "sku": "NEW", "name": "x"}, "conflict", "id"),
        ("product.create", {"sku": "TENT-2P", "name": "x"}, "conflict", "sku"),
        ("product.create", {"sku": "S", "name": "x", "stockOnHand": -1}, "validation_error",
         "stockOnHand"),
        ("product.create", {"sku": "S", "name": "x", "stockOnHand": "1"}, "validation_error",
         "stockOnHand"),
        ("order.create", {"id": "ORD-1", "customer": "CUS-1", "business": "BIZ-1"}, "conflict",
         "id"),
        ("order.create", {"number": "SO-1001", "customer": "CUS-1", "business": "BIZ-1"},
         "conflict", "number"),
        ("order.create", {"customer": "NOPE", "business": "BIZ-1"}, "not_found", "customer"),
        ("order.create", {"customer": "CUS-1", "business": "NOPE"}, "not_found", "business"),
        ("order.create", {"customer": "CUS-1"}, "validation_error", "business"),
        ("order.create", {"customer": "CUS-1", "business": "BIZ-1", "placedAt": -1},
         "validation_error", "placedAt"),
        ("customer.create", {"name": "x", "phone": "call me"}, "validation_error", "phone"),
        ("business.create", {"id": "bad id", "name": "x"}, "validation_error", "id"),
    ]  # fmt: skip
    for action, payload, code, field in cases:
        assert_refused(service, action, payload, code, field)


def test_a_product_created_with_stock_keeps_it(service: Service) -> None:
    product = call(service, "product.create", {"sku": "S", "name": "N", "stockOnHand": 7})
    assert product["stockOnHand"] == 7


@pytest.mark.parametrize(
    ("action", "payload", "field"),
    [
        ("events", {"since": 2**63}, "since"),
        ("outbox.markSent", {"id": 2**63}, "id"),
        ("update", {"id": "X", "version": 2**63}, "version"),
        ("outbox.markSent", {"id": "1"}, "id"),
    ],
)
def test_integers_beyond_64_bits_are_refused(
    service: Service, action: str, payload: dict, field: str
) -> None:
    error = assert_refused(service, action, payload, "validation_error", field)
    assert "whole number" in error.message


def test_refused_fields_say_why(service: Service, refs: dict) -> None:
    bo = new_backorder(service, refs)
    price = assert_refused(service, "update", {"id": bo["id"], "price": 1}, "validation_error")
    assert "locked" in price.message
    status = assert_refused(service, "create", base(refs, status="confirmed"), "validation_error")
    assert "pending" in status.message


def test_create_leaves_split_from_to_botui(service: Service, refs: dict) -> None:
    fifty = {f"k{i}": i for i in range(50)}
    error = assert_refused(
        service,
        "create",
        base(refs, metadata=fifty | {"splitFrom": "BO-1"}),
        "validation_error",
        "metadata",
    )
    assert "splitFrom" in error.message
