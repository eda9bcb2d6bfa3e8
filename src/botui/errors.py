"""The refusals and failures of the service, each with a code from the contract.

Below every layer, so the store can name its failures in the same words as the domain
(`botui.domain.errors` re-exports all of it for the layers above).
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

REFUSAL_CODES = (
    "validation_error",
    "not_found",
    "invalid_transition",
    "conflict",
    "insufficient_stock",
)
FAILURE_CODES = ("busy", "storage_error")


@dataclass(frozen=True)
class FieldError:
    """One input field at fault and what to do about it."""

    field: str | None
    message: str


@dataclass
class BotuiError(Exception):
    """A refused or failed action: nothing was changed."""

    code: str
    message: str
    field: str | None = None
    errors: list[FieldError] = dataclass_field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(self.message)
        if not self.errors:
            self.errors = [FieldError(self.field, self.message)]

    @property
    def exit_status(self) -> int:
        """2 for a refusal of the input, 1 for any other failure (busy, storage)."""
        return 2 if self.code in REFUSAL_CODES else 1

    def to_json(self) -> dict[str, Any]:
        """The contract's error shape."""
        return {"error": {"code": self.code, "message": self.message, "field": self.field}}


def validation(message: str, field: str | None = None) -> BotuiError:
    return BotuiError("validation_error", message, field)


def not_found(message: str, field: str | None = "id") -> BotuiError:
    return BotuiError("not_found", message, field)


def invalid_transition(message: str, field: str | None = None) -> BotuiError:
    return BotuiError("invalid_transition", message, field)


def conflict(message: str, field: str | None = None) -> BotuiError:
    return BotuiError("conflict", message, field)


def insufficient_stock(message: str, field: str | None = "quantity") -> BotuiError:
    return BotuiError("insufficient_stock", message, field)


def busy(message: str) -> BotuiError:
    return BotuiError("busy", message, None)


def storage_error(message: str) -> BotuiError:
    return BotuiError("storage_error", message, None)


class ReadCancelled(BotuiError):
    """A read stopped on purpose (its ReadHandle was cancelled): nobody waits for its answer."""


def read_cancelled() -> BotuiError:
    return ReadCancelled("storage_error", "the read was stopped: a newer one replaced it", None)
