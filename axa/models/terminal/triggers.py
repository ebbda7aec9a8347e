"""What a quote does to an open order, as a pure function of the order, the quote, the time and the
account's fill model: fill it (at what price, for what fee), cancel it (an ``ioc`` / ``fok`` order
that cannot fill now), expire it (a ``day`` order past its close), or let it wait; and what it
changes on the order meanwhile (a trailing stop's high-water mark and stop, a stop-limit's trigger).

* ``market`` fills on a fresh quote; ``limit`` when the execution price reaches the limit;
  ``stop`` when the last price reaches the stop (then at market); ``stop_limit`` turns into a limit
  when the stop is reached; ``trailing_stop`` follows the best price since placed (``hwm``) by
  ``trail_price`` or ``trail_percent`` and fills at market once the price comes back to it.
* Fill models: ``alpaca`` fills at the last price, no slippage, no fees. ``realistic`` buys at the
  ask and sells at the bid (at the last price -/+ SLIPPAGE when the quote has no bid/ask) and
  charges fees: FEE_PER_SHARE (at least FEE_MIN) on equities, FEE_RATE of the amount on crypto.
* Nothing fills on a stale quote or, for US equities, outside the regular session.
* Partial fills: under the realistic model an order (by ``qty``) fills at most ``cap`` per quote
  (``AXA_TERMINAL_FILL_MAX_QTY``), the rest on later quotes: a quote whose liquidity an order
  already took (``last_fill_quote_at``, the quote's ``as_of``) fills it no more, however often it
  is matched. A ``fok`` order that cannot fill whole is canceled; an ``ioc`` fills what it can and
  the rest is canceled (matching.py). A ``notional`` order (a small fractional one) fills whole.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from axa.models.terminal.market_hours import is_open
from axa.models.terminal.orders import Order
from axa.models.terminal.quotes import Price

FILL, CANCEL, EXPIRE, WAIT = "fill", "cancel", "expire", "wait"
NOW_ONLY = ("ioc", "fok")
SLIPPAGE = Decimal("0.0005")  # 5 basis points
FEE_PER_SHARE, FEE_MIN, FEE_RATE = Decimal("0.005"), Decimal("1.00"), Decimal("0.0025")
CENT, QTY_STEP = Decimal("0.01"), Decimal("0.000000001")
PRICE_STEP = Decimal("0.0000000001")


@dataclass
class Outcome:
    action: str
    price: Decimal | None = None
    changes: dict = field(default_factory=dict)
    qty: Decimal | None = None  # a fill's quantity


def execution_price(side: str, quote: Price, fill_model: str) -> Decimal:
    if fill_model != "realistic":
        return quote.price
    if side == "buy":
        return quote.ask or (quote.price * (1 + SLIPPAGE)).quantize(PRICE_STEP)
    return quote.bid or (quote.price * (1 - SLIPPAGE)).quantize(PRICE_STEP)


def fill_qty(order: Order, price: Decimal) -> Decimal:
    """What is left to fill of the order (a notional one: all of it, at ``price``)."""
    if order.qty is not None:
        return order.qty - order.filled_qty
    return (order.notional / price).quantize(QTY_STEP, ROUND_DOWN)


def fee(asset_class: str, qty: Decimal, price: Decimal, fill_model: str) -> Decimal:
    if fill_model != "realistic":
        return Decimal(0)
    if asset_class == "crypto":
        return (qty * price * FEE_RATE).quantize(CENT, ROUND_HALF_UP)
    return max(FEE_MIN, (qty * FEE_PER_SHARE).quantize(CENT, ROUND_HALF_UP))


def reached(side: str, price: Decimal, level: Decimal) -> bool:
    """A buy's level is reached from below (a limit: at or under it is fine), a sell's from above;
    for stops, the opposite: ``reached_stop``."""
    return price <= level if side == "buy" else price >= level


def reached_stop(side: str, price: Decimal, stop: Decimal) -> bool:
    return price >= stop if side == "buy" else price <= stop


def trailing(order: Order, last: Decimal, changes: dict) -> bool:
    """Move the trailing stop with the best price; whether the price came back to it."""
    buy = order.side == "buy"
    hwm = last if order.hwm is None else (min(order.hwm, last) if buy else max(order.hwm, last))
    if order.trail_price is not None:
        stop = hwm + order.trail_price if buy else hwm - order.trail_price
    else:
        ratio = order.trail_percent / 100
        stop = (hwm * (1 + ratio) if buy else hwm * (1 - ratio)).quantize(PRICE_STEP)
    if hwm != order.hwm:
        changes.update(hwm=hwm, stop_price=stop)
    return reached_stop(order.side, last, stop)


def crossed(order: Order, quote: Price, fill_price: Decimal, changes: dict) -> bool:
    kind, last = order.order_type, quote.price
    if kind == "market":
        return True
    if kind == "limit":
        return reached(order.side, fill_price, order.limit_price)
    if kind == "stop":
        return reached_stop(order.side, last, order.stop_price)
    if kind == "stop_limit":
        if not order.stop_triggered and reached_stop(order.side, last, order.stop_price):
            changes["stop_triggered"] = True
        return (order.stop_triggered or bool(changes)) and reached(order.side, fill_price, order.limit_price)
    return trailing(order, last, changes)


def evaluate(order: Order, quote: Price | None, now: datetime, fill_model: str,
             cap: Decimal | None = None) -> Outcome:
    """What ``quote`` (None: none known) does to the open ``order`` at ``now``; a realistic fill
    takes at most ``cap`` (None: no limit) of the order."""
    if order.expires_at is not None and now >= order.expires_at:
        return Outcome(EXPIRE)
    can_wait = order.time_in_force not in NOW_ONLY
    if not is_open(order.asset_class, now) or quote is None or quote.stale:
        return Outcome(WAIT if can_wait else CANCEL)
    if order.last_fill_quote_at is not None and quote.as_of == order.last_fill_quote_at:
        return Outcome(WAIT)  # this quote's liquidity is taken: the rest waits for the next one
    changes: dict = {}
    price = execution_price(order.side, quote, fill_model)
    if not crossed(order, quote, price, changes):  # a limit fills at a price at least as good as it
        return Outcome(WAIT if can_wait else CANCEL, None, changes)
    left = fill_qty(order, price)
    qty = min(left, cap) if cap is not None and fill_model == "realistic" and order.qty is not None else left
    if qty < left and order.time_in_force == "fok":
        return Outcome(CANCEL, None, changes)
    changes["last_fill_quote_at"] = quote.as_of
    return Outcome(FILL, price, changes, qty)
