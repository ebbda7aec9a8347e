"""Executions -> trades by FIFO, for one account and one symbol: pure (no database), Decimal only.

A trade opens when the position leaves zero and closes when it returns to zero. Executions on the
trade's side add lots (scale-in); executions on the other side close the oldest lots first (partial
close), realizing ``(exit - entry) * quantity`` for a long and ``(entry - exit) * quantity`` for a
short. An execution larger than the open position closes the trade and opens one the other way with
the remainder (a flip); its fee is split between the two trades in proportion to the quantities.
Time does not matter beyond the order: a trade may last days (a swing).

A trade's initial risk is the sum of the initial risks given on its opening executions (the first
and each scale-in; none given: no risk and no R multiple); its R multiple is the net P&L over it.
"""
from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_EVEN, Decimal

SIDES = ("buy", "sell")
PLACES = Decimal("1e-10")  # averages and R multiples; P&L and fees are exact
ZERO = Decimal(0)


@dataclass(frozen=True)
class Execution:
    id: int
    side: str  # buy | sell
    quantity: Decimal  # > 0
    price: Decimal
    fee: Decimal
    executed_at: datetime
    initial_risk: Decimal | None = None


@dataclass
class Trade:
    symbol: str
    direction: str  # long | short
    entry_at: datetime
    exit_at: datetime | None = None
    quantity: Decimal = ZERO  # every unit opened over the trade's life
    open_quantity: Decimal = ZERO
    entry_value: Decimal = ZERO
    exit_quantity: Decimal = ZERO
    exit_value: Decimal = ZERO
    gross_pnl: Decimal = ZERO
    fees: Decimal = ZERO
    initial_risk: Decimal | None = None
    execution_ids: list[int] = field(default_factory=list)
    lots: deque = field(default_factory=deque, repr=False)  # [remaining quantity, price], oldest first

    @property
    def closed(self) -> bool:
        return self.open_quantity == 0

    @property
    def status(self) -> str:
        return "closed" if self.closed else "open"

    @property
    def net_pnl(self) -> Decimal:
        return self.gross_pnl - self.fees

    @property
    def average_entry(self) -> Decimal:
        return quantized(self.entry_value / self.quantity)

    @property
    def average_exit(self) -> Decimal | None:
        return quantized(self.exit_value / self.exit_quantity) if self.exit_quantity else None

    @property
    def holding_seconds(self) -> int | None:
        return int((self.exit_at - self.entry_at).total_seconds()) if self.closed else None

    @property
    def r_multiple(self) -> Decimal | None:
        if not self.initial_risk:
            return None
        return quantized(self.net_pnl / self.initial_risk)

    def add(self, execution: Execution, quantity: Decimal, fee: Decimal) -> None:
        """Open (or scale into) ``quantity`` units at the execution's price."""
        self.lots.append([quantity, execution.price])
        self.quantity += quantity
        self.open_quantity += quantity
        self.entry_value += quantity * execution.price
        self.fees += fee
        if execution.initial_risk is not None:
            self.initial_risk = (self.initial_risk or ZERO) + execution.initial_risk
        self._saw(execution)

    def reduce(self, execution: Execution, quantity: Decimal, fee: Decimal) -> None:
        """Close ``quantity`` (at most the open quantity) units, oldest lots first."""
        sign = 1 if self.direction == "long" else -1
        left = quantity
        while left:
            lot = self.lots[0]
            taken = min(left, lot[0])
            self.gross_pnl += sign * (execution.price - lot[1]) * taken
            lot[0] -= taken
            left -= taken
            if lot[0] == 0:
                self.lots.popleft()
        self.open_quantity -= quantity
        self.exit_quantity += quantity
        self.exit_value += quantity * execution.price
        self.fees += fee
        self._saw(execution)
        if self.closed:
            self.exit_at = execution.executed_at

    def _saw(self, execution: Execution) -> None:
        if not self.execution_ids or self.execution_ids[-1] != execution.id:
            self.execution_ids.append(execution.id)


def quantized(value: Decimal) -> Decimal:
    return value.quantize(PLACES, rounding=ROUND_HALF_EVEN)


def _opens(side: str) -> str:
    return "long" if side == "buy" else "short"


def group(symbol: str, executions: Iterable[Execution]) -> list[Trade]:
    """The trades of one symbol's executions, given in time order (then id), oldest trade first."""
    trades: list[Trade] = []
    current: Trade | None = None
    for execution in executions:
        if execution.side not in SIDES or execution.quantity <= 0:
            raise ValueError(f"execution {execution.id}: bad side or quantity")
        if current is None or current.closed:
            current = Trade(symbol, _opens(execution.side), execution.executed_at)
            trades.append(current)
            current.add(execution, execution.quantity, execution.fee)
        elif _opens(execution.side) == current.direction:
            current.add(execution, execution.quantity, execution.fee)
        else:
            closing = min(execution.quantity, current.open_quantity)
            rest = execution.quantity - closing
            share = execution.fee * closing / execution.quantity
            closing_fee = execution.fee if not rest else quantized(share)
            current.reduce(execution, closing, closing_fee)
            if rest:
                current = Trade(symbol, _opens(execution.side), execution.executed_at)
                trades.append(current)
                current.add(execution, rest, execution.fee - closing_fee)
    return trades
