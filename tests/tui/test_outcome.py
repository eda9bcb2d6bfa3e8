"""The toast a bulk action leaves: counts, names, and each refusal led by its id once."""

from __future__ import annotations

from botui.tui.formatting.outcome import Outcome, summary


def test_a_refusal_that_names_its_backorder_is_not_led_by_the_id_twice() -> None:
    text = summary(
        "cancel",
        [
            Outcome("BO-1", True, "BO-1 cancelled"),
            Outcome("BO-2", False, "BO-2 is fulfilled and cannot be cancelled"),
            Outcome("BO-3", False, "someone else changed it; reload"),
            Outcome("BO-4", False, "BO-40 holds its units"),
        ],
    )
    assert text.splitlines() == [
        "cancel: 1 of 4 done: BO-1",
        "BO-2 is fulfilled and cannot be cancelled",
        "BO-3: someone else changed it; reload",
        "BO-4: BO-40 holds its units",
    ]
