"""Holdings and P&L of one asset, computed from its transactions in time order: pure Decimal
arithmetic, no I/O.

- ``buy`` and ``transfer_in`` add a lot costing ``quantity * price + fee`` (a transfer in without a
  price costs only its fee).
- ``sell`` removes ``quantity`` (FIFO: from the oldest lots; average: at the average cost) and
  realizes ``quantity * price - fee - the cost removed``.
- ``transfer_out`` removes quantity like a sell without realizing P&L: the cost removed leaves
  with the units; its fee is a realized loss.
- ``fee`` is a fee paid in the asset itself: the units are gone, so the cost removed and the
  cash fee are a realized loss.
Removing more than is held raises ``InsufficientQuantity``.

The columns hold 38 digits (Numeric(38, 18)) and a product of two needs 76, past the default
context's 28: the arithmetic runs in ``exact()`` (100 digits), so sums and products of stored
values are exact and only divisions (average cost, partial lots, allocation) round.
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from decimal import Decimal, localcontext

ZERO = Decimal(0)
PRECISION = 100
ADDING = ("buy", "transfer_in")


class InsufficientQuantity(Exception):
    def __init__(self, index: int, held: Decimal, wanted: Decimal) -> None:
        super().__init__(f"movement {index}: {wanted} wanted, {held} held")
        self.index, self.held, self.wanted = index, held, wanted


@dataclass(frozen=True)
class Movement:
    kind: str
    quantity: Decimal
    price: Decimal | None = None
    fee: Decimal = ZERO


@dataclass
class Position:
    """What is held after the movements: quantity, its cost basis, and the P&L realized so far."""

    method: str
    quantity: Decimal = ZERO
    cost: Decimal = ZERO
    realized: Decimal = ZERO
    fees: Decimal = ZERO
    lots: deque = field(default_factory=deque)  # FIFO: [quantity, cost] oldest first

    @property
    def average_cost(self) -> Decimal | None:
        with exact():
            return self.cost / self.quantity if self.quantity else None

    def add(self, quantity: Decimal, cost: Decimal) -> None:
        self.quantity += quantity
        self.cost += cost
        if self.method == "fifo":
            self.lots.append([quantity, cost])

    def remove(self, quantity: Decimal) -> Decimal:
        """Take ``quantity`` out (it must be held); returns the cost basis that leaves with it."""
        removed = self.cost if quantity == self.quantity else (
            self.take_lots(quantity) if self.method == "fifo" else self.cost * quantity / self.quantity)
        if quantity == self.quantity:
            self.lots.clear()
        self.quantity -= quantity
        self.cost -= removed
        return removed

    def take_lots(self, quantity: Decimal) -> Decimal:
        removed = ZERO
        while quantity:
            lot = self.lots[0]
            if lot[0] <= quantity:
                quantity -= lot[0]
                removed += lot[1]
                self.lots.popleft()
            else:
                part = lot[1] * quantity / lot[0]
                lot[0], lot[1] = lot[0] - quantity, lot[1] - part
                removed += part
                quantity = ZERO
        return removed


def exact():
    """A decimal context wide enough for the products of stored values."""
    return localcontext(prec=PRECISION)


def position(method: str, movements: list[Movement]) -> Position:
    """The position after ``movements`` (in time order) with cost basis ``fifo`` or ``average``."""
    with exact():
        return replayed(Position(method), movements)


def replayed(held: Position, movements: list[Movement]) -> Position:
    for index, move in enumerate(movements):
        held.fees += move.fee
        if move.kind in ADDING:
            held.add(move.quantity, move.quantity * (move.price or ZERO) + move.fee)
            continue
        if move.quantity > held.quantity:
            raise InsufficientQuantity(index, held.quantity, move.quantity)
        removed = held.remove(move.quantity)
        if move.kind == "sell":
            held.realized += move.quantity * (move.price or ZERO) - move.fee - removed
        elif move.kind == "transfer_out":
            held.realized -= move.fee
        else:  # fee paid in the asset
            held.realized -= removed + move.fee
    return held


def valued(held: Position, price: Decimal | None) -> dict:
    """Market value and unrealized P&L of a position at ``price`` (None: no quote, both None)."""
    if price is None:
        return {"market_value": None, "unrealized_pnl": None}
    with exact():
        value = held.quantity * price
        return {"market_value": value, "unrealized_pnl": value - held.cost}


def allocation(values: list[Decimal | None]) -> list[Decimal | None]:
    """Each market value's percent of their total (None where unknown, or when the total is 0)."""
    with exact():
        total = sum((v for v in values if v is not None), ZERO)
        return [v * 100 / total if v is not None and total else None for v in values]
