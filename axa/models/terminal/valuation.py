"""Positions and accounts valued on the latest quotes of the contract (one Redis round trip for any
number of positions): a position's current price, market value, unrealized P&L (total and since
the last close) and the account's long and short market values, equity and buying power.

A position whose quote is gone is valued at its average entry price (no unrealized P&L). Buying
power: a cash account's is its cash; a margin account's is Reg T's, twice the equity less the
gross market value of its positions (``2 x equity`` without positions), never below zero."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

import redis

from axa.models.terminal.accounts import Account
from axa.models.terminal.positions import Position
from axa.models.terminal.quotes import Price, prices

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
RATIO = Decimal("0.000001")
MARGIN_MULTIPLIER = Decimal(2)


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, ROUND_HALF_EVEN)


@dataclass(frozen=True)
class Valued:
    position: Position
    current_price: Decimal
    market_value: Decimal
    unrealized_pl: Decimal
    unrealized_plpc: Decimal
    lastday_price: Decimal | None
    unrealized_intraday_pl: Decimal | None


def value(position: Position, quote: Price | None) -> Valued:
    price = quote.price if quote is not None else position.avg_entry_price
    market_value = position.qty * price
    pl = market_value - position.cost_basis
    plpc = (pl / abs(position.cost_basis)).quantize(RATIO) if position.cost_basis else Decimal(0)
    lastday = price - quote.change if quote is not None and quote.change is not None else None
    intraday = cents(position.qty * (price - lastday)) if lastday is not None else None
    return Valued(position, price, cents(market_value), cents(pl), plpc, lastday, intraday)


def value_all(client: redis.Redis, positions: list[Position], now: float) -> list[Valued]:
    quotes = prices(client, sorted({p.quote_ref for p in positions}), now) if positions else {}
    return [value(p, quotes.get(p.quote_ref)) for p in positions]


@dataclass(frozen=True)
class Totals:
    long_market_value: Decimal = ZERO
    short_market_value: Decimal = ZERO

    @property
    def gross(self) -> Decimal:
        return self.long_market_value - self.short_market_value


def totals_of(client: redis.Redis, account_ids: list[int], now: float) -> dict[int, Totals]:
    """Each account's long and short market values (accounts without positions: zeros)."""
    sums: dict[int, list[Decimal]] = {}
    for valued in value_all(client, Position.of_accounts(account_ids), now):
        entry = sums.setdefault(valued.position.account_id, [ZERO, ZERO])
        entry[0 if valued.position.qty > 0 else 1] += valued.market_value
    return {account_id: Totals(*entry) for account_id, entry in sums.items()}


def equity(account: Account, totals: Totals) -> Decimal:
    return account.cash + totals.long_market_value + totals.short_market_value


def buying_power(account: Account, totals: Totals) -> Decimal:
    if account.account_type != "margin":
        return account.cash
    return max(ZERO, equity(account, totals) * MARGIN_MULTIPLIER - totals.gross)
