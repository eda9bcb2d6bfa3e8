"""Typed views of peewee where its own stubs (peewee-stubs) fall short, so that the store and
the domain read it without a `# type: ignore` at each use."""

from __future__ import annotations

from collections.abc import Iterator
from types import ModuleType
from typing import Any

import peewee

# Names peewee binds at its import that its stubs leave out:
# the SQLite module peewee connects with (pysqlite3 when installed, else the standard sqlite3),
SQLITE: ModuleType = vars(peewee)["sqlite3"]
# and the context manager that turns a driver's exception into peewee's (IntegrityError, ...).
EXCEPTION_WRAPPER: peewee.ExceptionWrapper = vars(peewee)["__exception_wrapper__"]


def tuples(query: peewee.BaseQuery) -> Iterator[tuple[Any, ...]]:
    """The rows of `query` as tuples (`query.tuples()`, which the stubs type as the query)."""
    return iter(query.tuples())
