"""A queue page names each row's product, customer, business and order (one read for them all)."""

from __future__ import annotations

from dataclasses import replace

from botui.domain.queue import QueueSpec
from botui.domain.service import Service, call
from tests.conftest import NOW


def test_each_row_shows_the_names_of_its_own_records(service: Service, refs: dict) -> None:
    service.create_business({"id": "BIZ-2", "name": "Contoso"})
    service.create_customer({"id": "CUS-2", "name": "Grace Hopper"})
    service.create_product({"id": "PRD-2", "sku": "STOVE-1", "name": "Camp stove"})
    service.create_order(
        {"id": "ORD-2", "number": "SO-2002", "customer": "CUS-2", "business": "BIZ-2"}
    )
    common = {"quantity": 1, "price": 100}
    call(service, "create", {**common, "id": "BO-1", "product": refs["product"],
                             "business": refs["business"], "customer": refs["customer"],
                             "order": refs["order"]})  # fmt: skip
    call(service, "create", {**common, "id": "BO-2", "product": "PRD-2", "business": "BIZ-2",
                             "customer": "CUS-2", "order": "ORD-2"})  # fmt: skip
    call(service, "create", {**common, "id": "BO-3", "product": "PRD-2", "business": "BIZ-1",
                             "customer": "CUS-1"})  # fmt: skip

    window = service.queue_first_rows(replace(QueueSpec(), sort="id"), NOW, 10)
    shown = {
        row.id: (row.product, row.customer, row.business, row.order_number) for row in window.rows
    }

    assert shown == {
        "BO-1": ("Two-person tent", "Ada Lovelace", "Northwind Outfitters", "SO-1001"),
        "BO-2": ("Camp stove", "Grace Hopper", "Contoso", "SO-2002"),
        "BO-3": ("Camp stove", "Ada Lovelace", "Northwind Outfitters", None),
    }
