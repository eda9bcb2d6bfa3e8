"""The status table of the contract: which action may move a backorder from which status."""

from __future__ import annotations

from botui.domain.errors import BotuiError, invalid_transition

OPEN_STATUSES = ("pending", "confirmed", "in-production", "in-transit")
CLOSED_STATUSES = ("fulfilled", "cancelled")
PRIORITY_RANK = {"rush": 0, "expedited": 1, "standard": 2}
PRIORITY_BY_RANK = {rank: name for name, rank in PRIORITY_RANK.items()}

# Statuses that `update` may set, from each status.
UPDATE_MOVES = {
    "pending": (),
    "confirmed": ("in-production", "in-transit"),
    "in-production": ("in-transit",),
    "in-transit": (),
    "fulfilled": (),
    "cancelled": (),
}
# Statuses that have their own action (and side effects): `update` never sets them.
ACTION_STATUSES = {"confirmed": "confirm", "fulfilled": "fulfill", "cancelled": "cancel"}


def is_open(status: str) -> bool:
    return status in OPEN_STATUSES


def _closed(backorder_id: str, status: str, consequence: str) -> BotuiError:
    """A refusal because the backorder is closed: what it is, and what that means."""
    return invalid_transition(f"{backorder_id} is {status} (closed): {consequence}", "status")


def check_confirm(backorder_id: str, status: str) -> None:
    if status == "pending":
        return
    if not is_open(status):
        raise _closed(backorder_id, status, "it can no longer be confirmed")
    raise invalid_transition(
        f"{backorder_id} is {status}; only a pending backorder can be confirmed", "status"
    )


def check_fulfill(backorder_id: str, status: str) -> None:
    if status == "pending":
        raise invalid_transition(
            f"{backorder_id} is pending: confirm it first, then fulfil it", "status"
        )
    if status == "fulfilled":
        raise _closed(backorder_id, status, "it has shipped already")
    if not is_open(status):
        raise _closed(backorder_id, status, "nothing can be shipped")


def check_cancel(backorder_id: str, status: str) -> None:
    if status == "fulfilled":
        raise _closed(backorder_id, status, "it has shipped and can no longer be cancelled")
    if not is_open(status):
        raise _closed(backorder_id, status, "it was cancelled already")


def check_update_estimate(backorder_id: str, status: str) -> None:
    if not is_open(status):
        raise _closed(backorder_id, status, "its estimate can no longer change")


# The actions whose status rule is one of the checks above, by contract name.
STATUS_CHECKS = {
    "confirm": check_confirm,
    "fulfill": check_fulfill,
    "cancel": check_cancel,
    "updateEstimate": check_update_estimate,
}


def refusal(action: str, backorder_id: str, status: str) -> BotuiError | None:
    """Why the status table refuses `action` on a backorder in `status`, or None if it may."""
    check = STATUS_CHECKS.get(action)
    try:
        if check is not None:
            check(backorder_id, status)
    except BotuiError as error:
        return error
    return None


def offered(status: str) -> frozenset[str]:
    """The actions on one backorder that its `status` allows, by contract name: those whose
    status check (above, the checks the service runs) lets it through, and `update` (closed:
    metadata and the delivery date), `delete` and `notifyCustomer`, allowed in any status.
    A screen offers only these; the service refuses the rest whatever a screen offers.
    """
    checked = {action for action in STATUS_CHECKS if refusal(action, "", status) is None}
    return frozenset({"update", "delete", "notifyCustomer"} | checked)


def check_update_status(backorder_id: str, current: str, wanted: str) -> BotuiError | None:
    """None if `update` may move current -> wanted, else the refusal to raise."""
    if wanted in ACTION_STATUSES:
        return invalid_transition(
            f"status {wanted} is set by the {ACTION_STATUSES[wanted]} action, not by update",
            "status",
        )
    if wanted in UPDATE_MOVES[current]:
        return None
    allowed = UPDATE_MOVES[current]
    if allowed:
        hint = f"it can move to {' or '.join(allowed)}"
    elif current == "pending":
        hint = "confirm it first; then it can move on"
    elif is_open(current):
        hint = "its next step is fulfil"
    else:
        hint = "it is closed"
    return invalid_transition(f"{backorder_id} is {current}: {hint}, not to {wanted}", "status")
