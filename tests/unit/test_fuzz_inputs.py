"""Random JSON input to every action: answered or refused with a contract code, never a crash."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from botui.domain.errors import REFUSAL_CODES, BotuiError
from botui.domain.service import ACTIONS, Service, call
from botui.store.db import open_database
from tests import postgres

FIELDS = [
    "id", "product", "business", "customer", "order", "quantity", "price", "status",
    "priorityLevel", "estimatedShipDate", "estimatedDeliveryDate", "actualShipDate",
    "actualDeliveryDate", "supplierOrder", "metadata", "version", "reason", "channel",
    "subject", "message", "template", "query", "limit", "after", "since", "backorder",
    "receipt", "name", "email", "phone", "sku", "stockOnHand", "number", "placedAt",
]  # fmt: skip
IDS = st.sampled_from(["BO-1", "BO-2", "PRD-1", "CUS-1", "BIZ-1", "ORD-1", "1", "nope"])
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.integers(0, 10),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30),
    IDS,
    st.sampled_from(["pending", "confirmed", "rush", "email", "sms", "status", "queued"]),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=6,
)


def shop(where: Path | str) -> Service:
    """A small shop with stock and two backorders, one confirmed (`where`: a new file's path
    or a new PostgreSQL database's URL, as tests.postgres.database gives them)."""
    service = Service(open_database(where), clock=lambda: 1_000, actor=lambda: "z")
    call(service, "business.create", {"id": "BIZ-1", "name": "B"})
    call(service, "customer.create", {"id": "CUS-1", "name": "C", "email": "c@x.io"})
    call(service, "product.create", {"id": "PRD-1", "sku": "S", "name": "P", "stockOnHand": 3})
    call(service, "order.create", {"id": "ORD-1", "customer": "CUS-1", "business": "BIZ-1"})
    for backorder_id in ("BO-1", "BO-2"):
        call(service, "create", {"id": backorder_id, "product": "PRD-1", "business": "BIZ-1",
                                 "customer": "CUS-1", "quantity": 2, "price": 5})  # fmt: skip
    call(service, "confirm", {"id": "BO-1"})
    return service


# A valid input of every action; each example changes, adds or removes a few fields of one.
VALID = {
    "create": {"product": "PRD-1", "business": "BIZ-1", "customer": "CUS-1", "quantity": 1,
               "price": 5, "order": "ORD-1", "estimatedShipDate": 500, "metadata": {"a": 1}},
    "update": {"id": "BO-2", "quantity": 3, "priorityLevel": "rush", "supplierOrder": "P"},
    "delete": {"id": "BO-2"},
    "confirm": {"id": "BO-2", "estimatedShipDate": 900, "estimatedDeliveryDate": 950},
    "fulfill": {"id": "BO-1", "quantity": 1},
    "cancel": {"id": "BO-2", "reason": "r"},
    "updateEstimate": {"id": "BO-1", "estimatedShipDate": 2_000, "reason": "late"},
    "notifyCustomer": {"id": "BO-1", "channel": "email", "template": "status"},
    "get": {"id": "BO-1"},
    "list": {"query": "bo", "limit": 2, "status": "pending"},
    "receiveInventory": {"product": "PRD-1", "quantity": 2, "receipt": "R"},
    "detectDelays": {},
    "events": {"since": 1, "limit": 5, "backorder": "BO-1"},
    "outbox": {"status": "queued", "limit": 3},
    "outbox.markSent": {"id": 1},
    "outbox.retry": {"id": 1},
    "business.create": {"name": "B2"},
    "customer.create": {"name": "C2", "email": "d@x.io", "phone": "+1 555"},
    "product.create": {"sku": "S2", "name": "P2", "stockOnHand": 1},
    "order.create": {"customer": "CUS-1", "business": "BIZ-1", "number": "N"},
    "business.update": {"id": "BIZ-1", "name": "B3"},
    "customer.update": {"id": "CUS-1", "name": "C3", "phone": None},
    "product.update": {"id": "PRD-1", "sku": "S3", "name": "P3"},
    "order.update": {"id": "ORD-1", "number": "N3", "placedAt": 700},
}  # fmt: skip
CHANGE_VALUES = st.one_of(SCALARS, SCALARS, VALUES, st.just(...))


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory, engine: str) -> Iterator[Service]:
    """One shop for every example: the examples only need it to exist, not to be fresh."""
    with postgres.database(engine, tmp_path_factory.mktemp("fuzz"), "fuzz.db") as where:
        service = shop(where)
        yield service
        service.db.close()


@settings(
    max_examples=500,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    action=st.sampled_from(sorted(ACTIONS)),
    data=st.data(),
    raw=st.one_of(st.none(), st.none(), st.none(), VALUES),
)
def test_any_input_is_answered_or_refused(
    fuzzed: Service, action: str, data: st.DataObject, raw: object
) -> None:
    own = sorted(VALID[action]) or FIELDS
    field = st.one_of(st.sampled_from(own), st.sampled_from(own), st.sampled_from(FIELDS))
    changes = data.draw(st.lists(st.tuples(field, CHANGE_VALUES), max_size=2))
    payload: object = dict(VALID[action])
    for field, value in changes:
        if value is ...:
            payload.pop(field, None)
        else:
            payload[field] = value
    if raw is not None and not changes:
        payload = raw
    try:
        answer = call(fuzzed, action, payload)
    except BotuiError as error:
        assert error.code in REFUSAL_CODES, error
        assert error.message
        event(error.code)
    else:
        assert isinstance(answer, dict)
        event("answered")
