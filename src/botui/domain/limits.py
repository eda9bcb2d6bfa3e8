"""The contract's number limits, in a module of their own: the command line and the
configuration read them without loading the pydantic schemas (botui.domain.schemas)."""

from __future__ import annotations

MAX_DATE = 32_503_680_000
MAX_QUANTITY = 1_000_000
MAX_PRICE = 1_000_000_000
# Stored integers are 64-bit on both engines (SQLite's INTEGER, PostgreSQL's BIGINT): a larger
# id or version would overflow instead of being refused.
MAX_INT64 = 2**63 - 1
MIN_INT64 = -(2**63)
