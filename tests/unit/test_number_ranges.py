"""Every number botui reads from outside is range-checked: a validation_error, never an overflow.

The list cursor, BOTUI_NOW and the other numeric environment variables, and every integer
field of every action (metadata values too) are refused with `validation_error` naming the
field, and nothing changes; huge values (beyond 2**63) never reach SQLite.
"""

from __future__ import annotations

import base64
import json
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import annotated_types
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic.fields import FieldInfo

from botui import config
from botui.domain import schemas
from botui.domain.errors import BotuiError
from botui.domain.service import ACTIONS, Service, call
from botui.store.db import open_database
from tests import postgres
from tests.unit.helpers import assert_refused, new_backorder, snapshot_db
from tests.unit.test_fuzz_inputs import VALID, shop

INT64 = 2**63


def cursor(parts: Any) -> str:
    """A cursor as botui writes one, holding `parts` (forged ones included)."""
    return base64.urlsafe_b64encode(json.dumps(parts).encode()).decode().rstrip("=")


# -- the list cursor ---------------------------------------------------------------------


def test_a_real_cursor_still_pages(service: Service, refs: dict[str, str]) -> None:
    for _ in range(3):
        new_backorder(service, refs)
    first = call(service, "list", {"limit": 2})
    rest = call(service, "list", {"limit": 2, "after": first["next"]})
    assert len(first["data"]) == 2 and len(rest["data"]) == 1 and rest["next"] is None


@pytest.mark.parametrize(
    "parts",
    [
        [0, INT64, "BO-1"],  # the 2**63 that answered storage_error (OverflowError)
        [0, -INT64 - 1, "BO-1"],
        [0, 10**30, "BO-1"],
        [INT64, 0, "BO-1"],
        [-1, 0, "BO-1"],
        [3, 0, "BO-1"],  # no such priority rank
        [0, -(10**40), "BO-1"],
        [0, 1.5, "BO-1"],
        [0, 1e300, "BO-1"],
        [0, "100", "BO-1"],
        [True, 0, "BO-1"],
        [0, False, "BO-1"],
        [0, None, "BO-1"],
        [0, 0, 7],
        [0, 0, "not an id!"],
        [0, 0, ""],
        [0, 0, "x" * 65],
        [0, 0],
        [0, 0, "BO-1", 1],
        {"rank": 0, "created": 0, "id": "BO-1"},
        "abc",
        None,
    ],
)
def test_a_forged_cursor_is_refused_naming_after(
    service: Service, refs: dict[str, str], parts: Any
) -> None:
    new_backorder(service, refs)
    assert_refused(service, "list", {"after": cursor(parts)}, "validation_error", "after")


@pytest.mark.parametrize(
    "raw",
    [
        "[0, 1" + "0" * 5000 + ', "BO-1"]',  # beyond Python's int-from-text limit
        '[0, NaN, "BO-1"]',
        '[0, Infinity, "BO-1"]',
        "[" * 300 + "]" * 300,
        "\xff\xfe",
    ],
)
def test_a_cursor_that_is_not_botuis_json_is_refused(service: Service, raw: str) -> None:
    forged = base64.urlsafe_b64encode(raw.encode("utf-8", "surrogateescape")).decode()
    assert_refused(service, "list", {"after": forged[:500]}, "validation_error", "after")


def test_the_cursor_takes_every_key_the_database_can_hold(
    service: Service, refs: dict[str, str]
) -> None:
    new_backorder(service, refs, id="BO-1")
    for created in (0, INT64 - 1, -INT64):
        answer = call(service, "list", {"after": cursor([0, created, "BO-1"])})
        assert answer["next"] is None


# -- BOTUI_NOW and the other numbers of the environment --------------------------------


@pytest.mark.parametrize(
    "value",
    [
        str(INT64),
        str(10**40),
        "9" * 5000,
        "32503680001",  # one second after the year 3000
        "-1",
        "-9223372036854775809",
        "1.5",
        "1e9",
        "1790000000.0",
        "soon",
        "1_790_000_000",
        "١٧٩٠٠٠٠٠٠٠",  # Arabic-Indic digits: int() takes them, botui does not
        "0x10",
        "nan",
    ],
)
def test_a_bad_botui_now_is_refused_naming_it(
    service: Service, refs: dict[str, str], monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("BOTUI_NOW", value)
    payload = {**{k: refs[k] for k in ("product", "business", "customer")}}
    payload.update(quantity=1, price=1)
    error = assert_refused(service, "create", payload, "validation_error", "BOTUI_NOW")
    assert "BOTUI_NOW" in error.message and "0 to 32,503,680,000" in error.message
    with pytest.raises(BotuiError) as caught:
        config.check_environment()
    assert caught.value.field == "BOTUI_NOW"


@pytest.mark.parametrize("value", ["0", "32503680000", " 1790000000 ", "+5"])
def test_botui_now_takes_any_contract_date(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("BOTUI_NOW", value)
    assert config.now() == int(value)


def test_an_empty_botui_now_means_the_real_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOTUI_NOW", "")
    assert config.now() > 1_700_000_000


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("BOTUI_BUSY_TIMEOUT_MS", str(INT64)),
        ("BOTUI_BUSY_TIMEOUT_MS", "-1"),
        ("BOTUI_BUSY_TIMEOUT_MS", "²"),  # str.isdigit() says yes, int() says no
        ("BOTUI_BUSY_TIMEOUT_MS", "10001"),
        ("BOTUI_MAX_PAGES", "0"),
        ("BOTUI_MAX_PAGES", str(2**64)),
        ("BOTUI_MAX_PAGES", "many"),
    ],
)
@pytest.mark.sqlite_only  # the hooks are SQLite's (busy timeout, page limit) and no file is made
def test_a_bad_test_hook_is_refused_before_the_file_is_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(BotuiError) as caught:
        open_database(tmp_path / "new.db")
    assert (caught.value.code, caught.value.field) == ("validation_error", name)
    assert not (tmp_path / "new.db").exists()


@pytest.mark.parametrize(
    ("text", "low", "high", "expected"),
    [("7", 0, 9, 7), ("-3", -5, 0, -3), ("+0", 0, 0, 0), ("007", 0, 10, 7)],
)
def test_whole_number_reads_plain_ascii_integers(
    text: str, low: int, high: int, expected: int
) -> None:
    assert config.whole_number(text, "n", low, high) == expected


@pytest.mark.parametrize("text", ["", "-", "1 2", "1,000", "٣", "Ⅻ", "0b1", "1e3", "10"])
def test_whole_number_refuses_anything_else(text: str) -> None:
    with pytest.raises(BotuiError) as caught:
        config.whole_number(text, "--count", 0, 9, field="count")
    assert (caught.value.code, caught.value.field) == ("validation_error", "count")
    assert caught.value.message.startswith("--count must be a whole number from 0 to 9")


# -- every integer field of every action -------------------------------------------------

MODELS: dict[str, type[schemas.Input]] = {
    "create": schemas.CreateBackorder,
    "update": schemas.UpdateBackorder,
    "delete": schemas.DeleteBackorder,
    "confirm": schemas.ConfirmBackorder,
    "fulfill": schemas.FulfillBackorder,
    "cancel": schemas.CancelBackorder,
    "updateEstimate": schemas.UpdateEstimate,
    "notifyCustomer": schemas.NotifyCustomer,
    "get": schemas.GetBackorder,
    "list": schemas.ListBackorders,
    "receiveInventory": schemas.ReceiveInventory,
    "detectDelays": schemas.DetectDelays,
    "events": schemas.ListEvents,
    "outbox": schemas.ListOutbox,
    "outbox.markSent": schemas.MarkSent,
    "outbox.retry": schemas.RetryOutbox,
    "business.create": schemas.CreateBusiness,
    "customer.create": schemas.CreateCustomer,
    "product.create": schemas.CreateProduct,
    "order.create": schemas.CreateOrder,
    "business.update": schemas.UpdateBusiness,
    "customer.update": schemas.UpdateCustomer,
    "product.update": schemas.UpdateProduct,
    "order.update": schemas.UpdateOrder,
}


def _holds_int(annotation: Any) -> bool:
    """Whether a field's type takes a plain integer (not one inside a list or object)."""
    if annotation is int:
        return True
    origin = typing.get_origin(annotation)
    if origin is dict or origin is list:
        return False
    return any(_holds_int(arg) for arg in typing.get_args(annotation))


def _constraints(annotation: Any) -> list[Any]:
    """The constraints inside a type, within Optional and Field(...) too."""
    found = []
    for arg in typing.get_args(annotation):
        if isinstance(arg, FieldInfo):
            found += arg.metadata
        elif isinstance(arg, annotated_types.BaseMetadata):
            found.append(arg)
        else:
            found += _constraints(arg)
    return found


def _bounds(info: FieldInfo) -> tuple[int, int]:
    """The smallest and largest value a field's constraints allow."""
    low, high = -INT64, INT64 - 1
    for item in [*info.metadata, *_constraints(info.annotation)]:
        if isinstance(item, annotated_types.Ge):
            low = item.ge
        if isinstance(item, annotated_types.Le):
            high = item.le
    return low, high


INTEGER_FIELDS = sorted(
    (action, info.alias or name, *_bounds(info))
    for action, model in MODELS.items()
    for name, info in model.model_fields.items()
    if _holds_int(info.annotation)
)


def test_every_action_and_its_integer_fields_are_covered() -> None:
    assert set(MODELS) == set(ACTIONS)
    found = {(action, field) for action, field, _, _ in INTEGER_FIELDS}
    for expected in [
        ("create", "quantity"),
        ("create", "price"),
        ("create", "estimatedShipDate"),
        ("update", "version"),
        ("update", "actualDeliveryDate"),
        ("fulfill", "actualShipDate"),
        ("list", "limit"),
        ("events", "since"),
        ("outbox.markSent", "id"),
        ("product.create", "stockOnHand"),
        ("order.create", "placedAt"),
        ("order.update", "placedAt"),
        ("receiveInventory", "quantity"),
    ]:
        assert expected in found
    assert all(low >= 0 and high < INT64 for _, _, low, high in INTEGER_FIELDS)


@pytest.fixture(scope="module")
def numbers_shop(tmp_path_factory: pytest.TempPathFactory, engine: str) -> Iterator[Service]:
    with postgres.database(engine, tmp_path_factory.mktemp("numbers"), "numbers.db") as where:
        service = shop(where)
        yield service
        service.db.close()


def _out_of_range(low: int, high: int) -> st.SearchStrategy[int]:
    return st.one_of(
        st.integers(max_value=low - 1, min_value=low - 2**70),
        st.integers(max_value=-INT64 - 1),  # beyond 64 bits, below
        st.integers(min_value=high + 1, max_value=high + 2**70),
        st.integers(min_value=INT64),  # beyond 64 bits, above
        st.sampled_from([-1, INT64, -INT64 - 1, 2**64, 10**30, -(10**30), high + 1, low - 1]),
    )


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(target=st.sampled_from(INTEGER_FIELDS), data=st.data())
def test_an_integer_out_of_range_in_any_field_is_refused_and_changes_nothing(
    numbers_shop: Service, target: tuple[str, str, int, int], data: st.DataObject
) -> None:
    action, field, low, high = target
    value = data.draw(_out_of_range(low, high), label="value")
    payload = {**VALID[action], field: value}
    before = snapshot_db(numbers_shop.db)
    with pytest.raises(BotuiError) as caught:
        call(numbers_shop, action, payload)
    assert (caught.value.code, caught.value.field) == ("validation_error", field), caught.value
    assert snapshot_db(numbers_shop.db) == before


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    action=st.sampled_from(["create", "update"]),
    value=st.one_of(st.integers(min_value=INT64), st.integers(max_value=-INT64 - 1)),
)
def test_a_metadata_integer_beyond_64_bits_is_refused(
    numbers_shop: Service, action: str, value: int
) -> None:
    payload = {**VALID[action], "metadata": {"n": value}}
    before = snapshot_db(numbers_shop.db)
    with pytest.raises(BotuiError) as caught:
        call(numbers_shop, action, payload)
    assert (caught.value.code, caught.value.field) == ("validation_error", "metadata")
    assert snapshot_db(numbers_shop.db) == before


def test_metadata_keeps_every_64_bit_integer(service: Service, refs: dict[str, str]) -> None:
    kept = {"low": -INT64, "high": INT64 - 1, "zero": 0}
    created = new_backorder(service, refs, metadata=kept)
    assert created["metadata"] == kept
    assert call(service, "get", {"id": created["id"]})["metadata"] == kept
