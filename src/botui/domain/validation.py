"""Parse raw input into a schema, turning pydantic's errors into messages a person can act on."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from botui.domain.errors import BotuiError, FieldError
from botui.domain.limits import MAX_INT64

if TYPE_CHECKING:
    from pydantic import BaseModel
    from pydantic_core import ErrorDetails

# pydantic is imported only on a refusal: a valid input never needs its error classes, and
# the UI's first screen loads none of it (issue 12).
M = TypeVar("M", bound="BaseModel")

_WHOLE_DATE = "a whole number of Unix seconds from 0 to 32,503,680,000 (the year 3000)"
FIELD_RULES = {
    "quantity": "a whole number from 1 to 1,000,000",
    "price": "a whole number of cents from 0 to 1,000,000,000",
    "version": f"the whole number `version` you last read (1 to {MAX_INT64:,})",
    "limit": "a whole number from 1 to 1000",
    "since": f"an event id (a whole number from 0 to {MAX_INT64:,})",
    "stockOnHand": "a whole number of units from 0 to 1,000,000,000",
    "estimatedShipDate": _WHOLE_DATE,
    "estimatedDeliveryDate": _WHOLE_DATE,
    "actualShipDate": _WHOLE_DATE,
    "actualDeliveryDate": _WHOLE_DATE,
    "placedAt": _WHOLE_DATE,
    "priorityLevel": "one of standard, expedited or rush",
    "status": "one of pending, confirmed, in-production, in-transit, fulfilled or cancelled",
    "channel": "email or sms",
    "template": "one of status, delay, arrival or cancellation",
    "view": "one of open, pending, late, ready, closed or all",
    "metadata": "an object of at most 50 keys with text, number, true/false or null values",
}
# Rules that hold for one action's field only (its meaning differs elsewhere).
ACTION_FIELD_RULES = {
    ("outbox.markSent", "id"): f"the whole number id of an outbox entry (1 to {MAX_INT64:,})",
    ("outbox.retry", "id"): f"the whole number id of an outbox entry (1 to {MAX_INT64:,})",
}
# Why a field that other actions know is refused here.
REFUSED_FIELD_HINTS = {
    ("update", "price"): "price is locked in when the backorder is created and never changes",
    ("create", "status"): "a new backorder always starts as pending (confirm, fulfill and "
    "cancel move it on)",
}
_TYPE_ERRORS = {
    "int_type",
    "int_parsing",
    "int_from_float",
    "string_type",
    "bool_type",
    "float_type",
    "dict_type",
    "literal_error",
    "greater_than_equal",
    "less_than_equal",
    "greater_than",
    "less_than",
    "string_too_long",
    "none_required",
}


def _field_name(loc: tuple[Any, ...]) -> str | None:
    from pydantic.alias_generators import to_camel

    names = [str(part) for part in loc if isinstance(part, str)]
    if not names:
        return None
    top = names[0]
    # Strict unions report the tried type as a location part (e.g. ("quantity", "int")).
    return top if top == to_camel(top) else to_camel(top)


def _message(error: ErrorDetails, field: str | None, action: str) -> str:
    kind = error["type"]
    label = field or "the input"
    if kind == "missing":
        rule = FIELD_RULES.get(field or "")
        return f"{label} is required" + (f": give {rule}" if rule else "")
    if kind == "extra_forbidden":
        hint = REFUSED_FIELD_HINTS.get((action, label))
        if hint:
            return f"{hint}; remove {label} from the input of {action}"
        return f"{label} is not a field of {action}; remove it (names are case-sensitive)"
    rule = ACTION_FIELD_RULES.get((action, field or ""))
    if rule and kind in _TYPE_ERRORS:
        return f"{field} must be {rule}"
    if kind == "model_type" or kind == "model_attributes_type":
        return f"the input of {action} must be a JSON object"
    if field and field in FIELD_RULES and kind in _TYPE_ERRORS:
        return f"{field} must be {FIELD_RULES[field]}"
    if kind == "string_type":
        return f"{label} must be text (a JSON string)"
    if kind == "value_error":
        text = str(error.get("ctx", {}).get("error", error["msg"]))
        return text if field is None else f"{field} {text}"
    if kind == "string_too_long":
        return f"{label} is too long: at most {error['ctx']['max_length']} characters"
    return f"{label}: {error['msg']}"


def parse(model: type[M], payload: Any, action: str) -> M:
    """Validate `payload` against `model`, or raise a validation_error naming the first field."""
    if not isinstance(payload, dict):
        raise BotuiError("validation_error", f"the input of {action} must be a JSON object", None)
    try:
        return model.model_validate(payload)
    except Exception as exc:
        from pydantic import ValidationError

        if not isinstance(exc, ValidationError):
            raise
        errors = []
        for error in exc.errors(include_url=False):
            loc = tuple(error["loc"])
            field: str | None
            if error["type"] == "extra_forbidden" and loc and isinstance(loc[0], str):
                field = loc[0]  # an unknown field is named exactly as sent ("Quantity")
            else:
                field = _field_name(loc)
            errors.append(FieldError(field, _message(error, field, action)))
        first = errors[0]
        raise BotuiError("validation_error", first.message, first.field, errors) from None
