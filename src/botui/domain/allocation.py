"""Allocation of free stock: strict priority, then age, then id; partial allocation is normal."""

from __future__ import annotations

from dataclasses import dataclass, field

from peewee import ModelSelect, fn

from botui.store.models import Backorder, Product


@dataclass(frozen=True)
class Grant:
    """Units given to one backorder by one allocation run."""

    backorder: str
    quantity: int
    seq: int = field(default=0, compare=False)  # the row's key, to write the grant by


def short_queue(product_id: str) -> ModelSelect[Backorder]:
    """Open backorders of a product that lack units, in allocation order."""
    return (
        Backorder.select(
            Backorder.seq, Backorder.id, Backorder.quantity, Backorder.allocated_quantity
        )
        .where(
            (Backorder.product == product_id)
            & (Backorder.is_open == 1)
            & (Backorder.allocated_quantity < Backorder.quantity)
        )
        .order_by(Backorder.priority_rank, Backorder.created_at, Backorder.id)
    )


def plan(product_id: str, free: int) -> list[Grant]:
    """Who `free` units of a product would go to, in allocation order; writes nothing.

    The one rule of allocation (strict priority, then age, then id; partial grants): both
    `allocate` and a receipt's preview follow it.
    """
    grants: list[Grant] = []
    if free <= 0:
        return grants
    for row in short_queue(product_id).iterator():
        take = min(row.quantity - row.allocated_quantity, free)
        grants.append(Grant(row.id, take, row.seq))
        free -= take
        if free == 0:
            break
    return grants


def allocate(product_id: str) -> list[Grant]:
    """Give the product's free units to its short open backorders; must run inside a write."""
    free = Product.select(Product.stock_on_hand).where(Product.id == product_id).scalar() or 0
    grants = plan(product_id, free)
    for grant in grants:
        Backorder.update(allocated_quantity=Backorder.allocated_quantity + grant.quantity).where(
            Backorder.seq == grant.seq
        ).execute()
    taken = sum(grant.quantity for grant in grants)
    if taken:
        Product.update(stock_on_hand=Product.stock_on_hand - taken).where(
            Product.id == product_id
        ).execute()
    return grants


def release(product_id: str, units: int) -> None:
    """Return units to the product's free stock (the caller re-allocates them)."""
    if units > 0:
        Product.update(stock_on_hand=Product.stock_on_hand + units).where(
            Product.id == product_id
        ).execute()


def total_allocated(product_id: str) -> int:
    """Units reserved by the product's open backorders (an int: PostgreSQL sums to numeric)."""
    return int(
        Backorder.select(fn.COALESCE(fn.SUM(Backorder.allocated_quantity), 0))
        .where((Backorder.product == product_id) & (Backorder.is_open == 1))
        .scalar()
    )
