"""A Hypothesis state machine drives the service with random actions against a simple model.

After every step: statuses, quantities and allocations match the model exactly (so strict
priority holds), units are conserved (allocated to open backorders + shipped + free stock ==
received), no open backorder is short while its product has free stock, and every change
wrote its events (the count per type matches the model).
"""

from __future__ import annotations

import shutil
import tempfile
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from botui.domain.errors import BotuiError
from botui.domain.service import Service, call
from botui.store.db import open_database
from botui.store.engine import sql
from tests import postgres

PRODUCTS = ("P1", "P2")
# Mostly one product, so backorders compete for the same units.
SOME_PRODUCT = st.sampled_from(("P1", "P1", "P1", "P2"))
PRIORITIES = {"rush": 0, "expedited": 1, "standard": 2}
# Standard first: Hypothesis favours early elements, and a later rush is what tests priority.
SOME_PRIORITY = st.sampled_from(("standard", "rush", "expedited"))
OPEN = {"pending", "confirmed", "in-production", "in-transit"}


@dataclass
class Model:
    """What the model believes about one backorder."""

    product: str
    quantity: int
    allocated: int
    status: str
    priority: str
    created_at: int

    def key(self, backorder_id: str) -> tuple[int, int, str]:
        return (PRIORITIES[self.priority], self.created_at, backorder_id)


class BackorderMachine(RuleBasedStateMachine):
    """Random create/confirm/fulfil/cancel/receive/update/delete against the model."""

    def __init__(self, engine: str = "sqlite") -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="botui-sm-"))
        self.where = ExitStack()  # a new database per example, on the engine under test
        self.db = open_database(
            self.where.enter_context(postgres.database(engine, self.folder, "sm.db"))
        )
        self.now = 1_000
        self.service = Service(self.db, clock=lambda: self.now, actor=lambda: "machine")
        call(self.service, "business.create", {"id": "B", "name": "Shop"})
        call(self.service, "customer.create", {"id": "C", "name": "Cy", "email": "c@x.io"})
        for product in PRODUCTS:
            call(self.service, "product.create", {"id": product, "sku": product, "name": product})
        self.backorders: dict[str, Model] = {}
        self.free = dict.fromkeys(PRODUCTS, 0)
        self.received = dict.fromkeys(PRODUCTS, 0)
        self.shipped = dict.fromkeys(PRODUCTS, 0)
        self.events: Counter[str] = Counter()

    def teardown(self) -> None:
        self.db.close()
        self.where.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    # -- the model's allocation rule ---------------------------------------------------------

    def allocate(self, product: str, skip: str | None = None) -> None:
        """Give free units in strict order; count an inventoryArrived per receiving backorder."""
        short = sorted(
            (bo.key(i), i)
            for i, bo in self.backorders.items()
            if bo.product == product and bo.status in OPEN and bo.allocated < bo.quantity
        )
        for _, backorder_id in short:
            if self.free[product] == 0:
                break
            bo = self.backorders[backorder_id]
            take = min(bo.quantity - bo.allocated, self.free[product])
            bo.allocated += take
            self.free[product] -= take
            if backorder_id != skip:
                self.events["inventoryArrived"] += 1

    def release(self, product: str, units: int) -> None:
        if units:
            self.free[product] += units
            self.allocate(product)

    def pick(self, index: int) -> str:
        ids = sorted(self.backorders)
        return ids[index % len(ids)]

    def refused(self, action: str, payload: dict, code: str) -> None:
        try:
            call(self.service, action, payload)
        except BotuiError as error:
            assert error.code == code, (action, payload, error)
        else:
            raise AssertionError(f"{action} {payload} should be refused with {code}")

    # -- rules -------------------------------------------------------------------------------

    @initialize(
        queue=st.lists(st.tuples(SOME_PRIORITY, st.integers(1, 4), st.integers(0, 2)), max_size=4)
    )
    def start_with_a_queue(self, queue: list[tuple[str, int, int]]) -> None:
        """Start with a few short backorders of one product, so receipts have choices."""
        for priority, quantity, tick in queue:
            self.create("P1", quantity, priority, tick)

    @rule(
        product=SOME_PRODUCT,
        quantity=st.integers(1, 6),
        priority=SOME_PRIORITY,
        tick=st.integers(0, 2),
    )
    def create(self, product: str, quantity: int, priority: str, tick: int) -> None:
        self.now += tick
        bo = call(
            self.service,
            "create",
            {
                "product": product,
                "business": "B",
                "customer": "C",
                "quantity": quantity,
                "price": 100,
                "priorityLevel": priority,
            },
        )
        self.backorders[bo["id"]] = Model(product, quantity, 0, "pending", priority, self.now)
        self.events["created"] += 1
        self.allocate(product, skip=bo["id"])

    @rule(product=SOME_PRODUCT, quantity=st.integers(1, 5))
    def receive(self, product: str, quantity: int) -> None:
        call(self.service, "receiveInventory", {"product": product, "quantity": quantity})
        self.received[product] += quantity
        self.free[product] += quantity
        self.allocate(product)

    @precondition(lambda self: self.backorders)
    @rule(index=st.integers(0, 1000))
    def confirm(self, index: int) -> None:
        backorder_id = self.pick(index)
        bo = self.backorders[backorder_id]
        if bo.status != "pending":
            self.refused("confirm", {"id": backorder_id}, "invalid_transition")
            return
        call(self.service, "confirm", {"id": backorder_id})
        bo.status = "confirmed"
        self.events["confirmed"] += 1

    @precondition(lambda self: self.backorders)
    @rule(index=st.integers(0, 1000), status=st.sampled_from(["in-production", "in-transit"]))
    def advance(self, index: int, status: str) -> None:
        backorder_id = self.pick(index)
        bo = self.backorders[backorder_id]
        allowed = {"confirmed": {"in-production", "in-transit"}, "in-production": {"in-transit"}}
        payload = {"id": backorder_id, "status": status}
        if bo.status == status:
            call(self.service, "update", payload)
        elif status in allowed.get(bo.status, set()):
            call(self.service, "update", payload)
            bo.status = status
            self.events["updated"] += 1
        else:
            self.refused("update", payload, "invalid_transition")

    @precondition(lambda self: self.backorders)
    @rule(index=st.integers(0, 1000), part=st.integers(0, 6))
    def fulfill(self, index: int, part: int) -> None:
        backorder_id = self.pick(index)
        bo = self.backorders[backorder_id]
        shipped = bo.quantity if part == 0 else min(part, bo.quantity)
        payload = {"id": backorder_id} | ({"quantity": shipped} if part else {})
        if bo.status not in OPEN or bo.status == "pending":
            self.refused("fulfill", payload, "invalid_transition")
            return
        top_up = max(shipped - bo.allocated, 0)
        if top_up > self.free[bo.product]:
            self.refused("fulfill", payload, "insufficient_stock")
            return
        call(self.service, "fulfill", payload)
        self.events["fulfilled"] += 1
        self.free[bo.product] -= top_up
        self.shipped[bo.product] += shipped
        remainder, rest_allocated = bo.quantity - shipped, bo.allocated + top_up - shipped
        status = bo.status
        bo.status, bo.quantity, bo.allocated = "fulfilled", shipped, shipped
        if remainder:
            log = call(self.service, "events", {"backorder": backorder_id})["data"]
            split_id = log[-1]["data"]["splitInto"]
            assert split_id not in self.backorders
            self.backorders[split_id] = Model(
                bo.product, remainder, rest_allocated, status, bo.priority, bo.created_at
            )
            self.events["created"] += 1

    @precondition(lambda self: self.backorders)
    @rule(index=st.integers(0, 1000))
    def cancel(self, index: int) -> None:
        backorder_id = self.pick(index)
        bo = self.backorders[backorder_id]
        if bo.status not in OPEN:
            self.refused("cancel", {"id": backorder_id}, "invalid_transition")
            return
        call(self.service, "cancel", {"id": backorder_id})
        self.events["cancelled"] += 1
        units, bo.allocated, bo.status = bo.allocated, 0, "cancelled"
        self.release(bo.product, units)

    @precondition(lambda self: self.backorders)
    @rule(index=st.integers(0, 1000), quantity=st.integers(1, 8))
    def update_quantity(self, index: int, quantity: int) -> None:
        backorder_id = self.pick(index)
        bo = self.backorders[backorder_id]
        payload = {"id": backorder_id, "quantity": quantity}
        if quantity == bo.quantity:
            call(self.service, "update", payload)
            return
        if bo.status not in OPEN:
            self.refused("update", payload, "invalid_transition")
            return
        call(self.service, "update", payload)
        self.events["updated"] += 1
        bo.quantity = quantity
        if quantity < bo.allocated:
            units, bo.allocated = bo.allocated - quantity, quantity
            self.release(bo.product, units)
        else:
            self.allocate(bo.product, skip=backorder_id)

    @precondition(lambda self: self.backorders)
    @rule(index=st.integers(0, 1000), priority=SOME_PRIORITY)
    def update_priority(self, index: int, priority: str) -> None:
        backorder_id = self.pick(index)
        bo = self.backorders[backorder_id]
        payload = {"id": backorder_id, "priorityLevel": priority}
        if priority == bo.priority:
            call(self.service, "update", payload)
        elif bo.status not in OPEN:
            self.refused("update", payload, "invalid_transition")
        else:
            call(self.service, "update", payload)
            bo.priority = priority
            self.events["updated"] += 1

    @precondition(lambda self: self.backorders)
    @rule(index=st.integers(0, 1000))
    def delete(self, index: int) -> None:
        backorder_id = self.pick(index)
        bo = self.backorders.pop(backorder_id)
        call(self.service, "delete", {"id": backorder_id})
        self.events["deleted"] += 1
        if bo.status in OPEN:
            self.release(bo.product, bo.allocated)

    # -- invariants --------------------------------------------------------------------------

    def rows(self) -> list[tuple]:
        return self.db.execute_sql(
            "SELECT id, product_id, status, quantity, allocated_quantity, is_open FROM backorder"
        ).fetchall()

    @invariant()
    def backorders_match_the_model(self) -> None:
        actual = {row[0]: row[1:5] for row in self.rows()}
        expected = {
            i: (bo.product, bo.status, bo.quantity, bo.allocated)
            for i, bo in self.backorders.items()
        }
        assert actual == expected

    @invariant()
    def units_are_conserved_and_priority_is_strict(self) -> None:
        rows = self.rows()
        for product in PRODUCTS:
            free = self.db.execute_sql(
                sql(self.db, "SELECT stock_on_hand FROM product WHERE id = ?"), (product,)
            ).fetchone()[0]
            assert free == self.free[product]
            held = sum(r[4] for r in rows if r[1] == product and r[5])
            assert held + self.shipped[product] + free == self.received[product]
            assert held + self.shipped[product] <= self.received[product]
            if free > 0:
                short = [r[0] for r in rows if r[1] == product and r[5] and r[4] < r[3]]
                assert short == [], f"{product} has {free} free units while {short} lack some"

    @invariant()
    def every_change_has_its_events(self) -> None:
        counted = Counter(
            dict(self.db.execute_sql("SELECT type, count(*) FROM event GROUP BY type").fetchall())
        )
        assert counted == self.events


SETTINGS = settings(
    max_examples=40,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def test_the_service_keeps_to_the_model(engine: str) -> None:
    run_state_machine_as_test(lambda: BackorderMachine(engine), settings=SETTINGS)
