"""The service's refusals and failures, as the layers above the domain import them.

They live in `botui.errors`, below the store too, so the store names its failures without
importing the domain (the layers go one way only: ui -> domain -> store).
"""

from __future__ import annotations

from botui.errors import (
    FAILURE_CODES,
    REFUSAL_CODES,
    BotuiError,
    FieldError,
    ReadCancelled,
    busy,
    conflict,
    insufficient_stock,
    invalid_transition,
    not_found,
    read_cancelled,
    storage_error,
    validation,
)

__all__ = [
    "FAILURE_CODES",
    "REFUSAL_CODES",
    "BotuiError",
    "FieldError",
    "ReadCancelled",
    "busy",
    "conflict",
    "insufficient_stock",
    "invalid_transition",
    "not_found",
    "read_cancelled",
    "storage_error",
    "validation",
]
