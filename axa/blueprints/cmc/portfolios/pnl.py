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
Removing more than is held raises ``InsufficientQuantity``, except a ``sell`` in a portfolio that
allows short positions (``allow_short``): what it sells past the units held opens a short position
(negative quantity; its cost basis is the proceeds, negative, net of the fee), which later buys and
transfers in cover first (oldest short lots first under FIFO), realizing ``proceeds - what the cover
cost``; a buy larger than the short flips the position long. A fee is split between the part of a
movement that closes and the part that opens in proportion to their quantities. Transfers out and
fees paid in the asset still need units held.

The columns hold 38 digits (Numeric(38, 18)) and a product of two needs 76, past the default
context's 28: the arithmetic runs in ``exact()`` (100 digits), so sums and products of stored
values are exact and only divisions (average cost, partial lots, split fees, allocation) round.
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
    """What is held after the movements: quantity (negative: short), its cost basis (negative for
    a short: the proceeds), and the P&L realized so far."""

    method: str
    allow_short: bool = False
    quantity: Decimal = ZERO
    cost: Decimal = ZERO
    realized: Decimal = ZERO
    fees: Decimal = ZERO
    lots: deque = field(default_factory=deque)  # FIFO: [quantity, cost] oldest first, signed

    @property
    def average_cost(self) -> Decimal | None:
        with exact():
            return self.cost / self.quantity if self.quantity else None

    def add(self, quantity: Decimal, cost: Decimal) -> None:
        """Open (or extend) with a signed ``quantity`` of the position's sign."""
        self.quantity += quantity
        self.cost += cost
        if self.method == "fifo":
            self.lots.append([quantity, cost])

    def remove(self, size: Decimal) -> Decimal:
        """Take ``size`` units (at most the position's size) towards zero; returns the cost basis
        that leaves with them (of the position's sign)."""
        whole = size == abs(self.quantity)
        removed = self.cost if whole else (
            self.take_lots(size) if self.method == "fifo" else self.cost * size / abs(self.quantity))
        if whole:
            self.lots.clear()
        self.quantity -= size if self.quantity > 0 else -size
        self.cost -= removed
        return removed

    def take_lots(self, size: Decimal) -> Decimal:
        removed = ZERO
        while size:
            lot = self.lots[0]
            if abs(lot[0]) <= size:
                size -= abs(lot[0])
                removed += lot[1]
                self.lots.popleft()
            else:
                part = lot[1] * size / abs(lot[0])
                lot[0], lot[1] = lot[0] - (size if lot[0] > 0 else -size), lot[1] - part
                removed += part
                size = ZERO
        return removed

    def trade(self, delta: Decimal, price: Decimal, fee: Decimal) -> None:
        """Buy (``delta`` > 0) or sell (< 0) at ``price`` paying ``fee``: close what points the
        other way first, realizing its P&L, then open the rest."""
        size = abs(delta)
        opposite = self.quantity and (self.quantity > 0) != (delta > 0)
        closing = min(size, abs(self.quantity)) if opposite else ZERO
        closing_fee = fee * closing / size if closing != size else fee
        if closing:
            sign = 1 if self.quantity > 0 else -1
            self.realized += sign * closing * price - self.remove(closing) - closing_fee
        opening = size - closing
        if opening:
            sign = 1 if delta > 0 else -1
            self.add(sign * opening, sign * opening * price + (fee - closing_fee))


def exact():
    """A decimal context wide enough for the products of stored values."""
    return localcontext(prec=PRECISION)


def position(method: str, movements: list[Movement], allow_short: bool = False) -> Position:
    """The position after ``movements`` (in time order) with cost basis ``fifo`` or ``average``."""
    with exact():
        return replayed(Position(method, allow_short), movements)


def replayed(held: Position, movements: list[Movement]) -> Position:
    for index, move in enumerate(movements):
        held.fees += move.fee
        price = move.price or ZERO
        if move.kind in ADDING:
            held.trade(move.quantity, price, move.fee)
        elif move.kind == "sell" and held.allow_short:
            held.trade(-move.quantity, price, move.fee)
        elif move.quantity > held.quantity:
            raise InsufficientQuantity(index, held.quantity, move.quantity)
        elif move.kind == "sell":
            held.trade(-move.quantity, price, move.fee)
        elif move.kind == "transfer_out":
            held.remove(move.quantity)
            held.realized -= move.fee
        else:  # fee paid in the asset
            held.realized -= held.remove(move.quantity) + move.fee
    return held


def valued(held: Position, price: Decimal | None) -> dict:
    """Market value (negative for a short) and unrealized P&L of a position at ``price`` (None: no
    quote, both None)."""
    if price is None:
        return {"market_value": None, "unrealized_pnl": None}
    with exact():
        value = held.quantity * price
        return {"market_value": value, "unrealized_pnl": value - held.cost}


def allocation(values: list[Decimal | None]) -> list[Decimal | None]:
    """Each market value's percent of the gross total (the sum of their sizes; a short's share is
    negative; None where unknown, or when the total is 0)."""
    with exact():
        total = sum((abs(v) for v in values if v is not None), ZERO)
        return [v * 100 / total if v is not None and total else None for v in values]
