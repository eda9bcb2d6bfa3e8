"""The reports' input and answers as pydantic models (domain.reports reads them lazily, so the
Service, and the UI's first screen with it, loads without them)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from botui.domain.schemas import Answer, Input, RecordId


class ReportInput(Input):
    """What narrows a report: one business (all of them when left out); `limit` caps the
    products report's rows (the UI shows the first screenfuls; the CLI gives every row)."""

    business: RecordId | None = None
    limit: int | None = Field(default=None, ge=1, le=1_000_000)


class AgingRow(Answer):
    bucket: str
    backorders: int
    units: int
    allocated: int
    value: int
    late: int


class ProductRow(Answer):
    product: str
    sku: str
    name: str
    backorders: int
    units: int
    allocated: int
    stock_on_hand: int
    value: int
    oldest_created_at: int


class ServiceRow(Answer):
    week: str
    fulfilled: int
    cancelled: int
    units_shipped: int
    on_time: int
    on_time_rate: float | None
    refunded: int


class AgingReport(Answer):
    report: Literal["aging"] = "aging"
    as_of: int
    rows: list[AgingRow]


class ProductsReport(Answer):
    report: Literal["products"] = "products"
    as_of: int
    rows: list[ProductRow]


class ServiceReport(Answer):
    report: Literal["service"] = "service"
    as_of: int
    rows: list[ServiceRow]


Report = AgingReport | ProductsReport | ServiceReport
