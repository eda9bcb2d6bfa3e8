"""Every refusal of the status table gives advice that fits the status it names (a new user
read "confirm a pending one first" on a cancelled backorder, which can never be confirmed)."""

from __future__ import annotations

import pytest

from botui.domain import statuses

OPEN = ["pending", "confirmed", "in-production", "in-transit"]
CLOSED = ["fulfilled", "cancelled"]


@pytest.mark.parametrize("action", ["confirm", "fulfill", "cancel", "updateEstimate"])
@pytest.mark.parametrize("status", CLOSED)
def test_a_closed_backorder_is_called_closed_and_never_told_to_confirm(
    action: str, status: str
) -> None:
    refusal = statuses.refusal(action, "BO-1", status)
    assert refusal is not None
    assert refusal.message.startswith(f"BO-1 is {status} (closed): ")
    assert "confirm it" not in refusal.message and "pending" not in refusal.message


def test_fulfil_of_a_cancelled_backorder_says_nothing_can_ship() -> None:
    refusal = statuses.refusal("fulfill", "BO-1", "cancelled")
    assert refusal is not None
    assert refusal.message == "BO-1 is cancelled (closed): nothing can be shipped"


def test_fulfil_of_a_pending_backorder_says_confirm_first() -> None:
    refusal = statuses.refusal("fulfill", "BO-1", "pending")
    assert refusal is not None
    assert refusal.message == "BO-1 is pending: confirm it first, then fulfil it"


@pytest.mark.parametrize("status", ["confirmed", "in-production", "in-transit"])
def test_every_open_status_past_pending_can_be_fulfilled(status: str) -> None:
    assert statuses.refusal("fulfill", "BO-1", status) is None


def test_update_status_of_a_pending_backorder_says_confirm_first() -> None:
    refusal = statuses.check_update_status("BO-1", "pending", "in-transit")
    assert refusal is not None and "confirm it first" in refusal.message
    closed = statuses.check_update_status("BO-1", "cancelled", "in-transit")
    assert closed is not None and "it is closed" in closed.message
