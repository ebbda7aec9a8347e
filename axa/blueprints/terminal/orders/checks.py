"""Pre-trade checks: an order that fails one is refused with its code (``reason``) and not stored.

* 422 ``unknown_symbol``: no quote in the platform's latest-quote contract for the symbol.
* 422 ``invalid_time_in_force``: a ``day`` order for crypto (it trades around the clock).
* 422 ``market_closed``: an ``ioc`` / ``fok`` US equity order outside the regular session.
* 422 ``stale_quote``: an ``ioc`` / ``fok`` order (it cannot wait) on a stale quote.
* 403 ``insufficient_qty``: a cash account selling more than it holds less its open sell orders
  (a short sale: margin accounts only).
* 403 ``insufficient_buying_power``: the order's cost (a buy, or the short part of a sale) above the
  buying power left after the open orders' reservations. A buy costs its quantity at its limit
  (limit, stop-limit), at the higher of the stop and the price (stop), or at the price (the ask for
  the realistic fill model); a notional buy its notional."""
from __future__ import annotations

from datetime import datetime
from decimal import ROUND_UP, Decimal

from flask_smorest import abort

from axa.models.terminal import Account, Order, Position
from axa.models.terminal.market_hours import is_open
from axa.models.terminal.quotes import Price
from axa.models.terminal.triggers import CENT, QTY_STEP, execution_price
from axa.models.terminal.valuation import Totals, buying_power, totals_of
from axa.platform.redis_client import get_redis

NOW_ONLY = ("ioc", "fok")


def refuse(status: int, reason: str, message: str, field: str | None = None):
    """Refuse the order; a 422 names the field at fault, as a schema error would."""
    if field is None:
        abort(status, message=message, reason=reason)
    abort(status, message=message, reason=reason, errors={"json": {field: [message]}})


def tradable(order: dict, quote: Price, at: datetime) -> None:
    if quote.asset_class == "crypto" and order["time_in_force"] == "day":
        refuse(422, "invalid_time_in_force", "Crypto trades around the clock: use gtc, ioc or fok.",
               "time_in_force")
    if order["time_in_force"] in NOW_ONLY:
        if not is_open(quote.asset_class, at):
            refuse(422, "market_closed", "The market is closed: an ioc or fok order cannot fill now.",
                   "time_in_force")
        if quote.stale:
            refuse(422, "stale_quote", "The latest quote is stale: an ioc or fok order cannot wait.",
                   "time_in_force")


def unit_cost(order: dict, quote: Price, fill_model: str) -> Decimal:
    market = execution_price(order["side"], quote, fill_model)
    if order.get("limit_price") is not None:
        return order["limit_price"]
    if order["order_type"] == "stop" and order["side"] == "buy":
        return max(order["stop_price"], market)
    return market


def reservation(account: Account, order: dict, quote: Price, at_epoch: float,
                replacing: int | None = None) -> Decimal:
    """What the order holds back from the buying power, after checking there is that much left."""
    price = unit_cost(order, quote, account.fill_model)
    qty = order["qty"] if order.get("qty") is not None else (order["notional"] / price).quantize(QTY_STEP)
    if order["side"] == "sell":
        held = Position.held(account.id, quote.ref)
        free = (max(held.qty if held else Decimal(0), Decimal(0))
                - Order.selling_qty(account.id, quote.ref, replacing))
        short = max(Decimal(0), qty - max(free, Decimal(0)))
        if short and account.account_type != "margin":
            refuse(403, "insufficient_qty", "You hold less than that (short selling: margin accounts only).")
        cost = short * price
    else:
        cost = order["notional"] if order.get("notional") is not None else qty * price
    cost = cost.quantize(CENT, ROUND_UP)
    totals = totals_of(get_redis(), [account.id], at_epoch)
    left = (buying_power(account, totals.get(account.id, Totals()))
            - Order.reserved_by_open(account.id, replacing))
    if cost > left:
        refuse(403, "insufficient_buying_power", f"The order costs about {cost}; buying power left: {left}.")
    return cost
