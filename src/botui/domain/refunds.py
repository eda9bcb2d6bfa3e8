"""What cancelling a backorder refunds: the one place the rule lives (contract, "Refunds")."""

from __future__ import annotations


def refund(price: int, quantity: int) -> int:
    """The refund of cancelling `quantity` units at the locked-in unit `price`, in cents.

    Contract, "Refunds": `cancel` of a backorder whose price is above 0 records a refund of
    `price x quantity` cents (0 when nothing is refunded). The service records it; the cancel
    question, its outcome and the cancellation template show the same figure from here.
    """
    return price * quantity if price > 0 else 0
