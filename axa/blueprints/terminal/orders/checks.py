"""Pre-trade checks: an order that fails one is refused with its code (``reason``) and not stored.

* 422 ``unknown_symbol``: no quote in the platform's latest-quote contract for the symbol.
* 422 ``invalid_time_in_force``: a ``day`` order for crypto (it trades around the clock).
* 422 ``market_closed``: an ``ioc`` / ``fok`` US equity order outside the regular session.
* 422 ``stale_quote``: an ``ioc`` / ``fok`` order (it cannot wait) on a stale quote.
* 403 ``insufficient_qty``: a cash account selling more than it holds less its open sell orders
  (a short sale: margin accounts only).
* 403 ``pattern_day_trader``: a US equity order closing a position the same trading day opened
  (a day trade) that would be the account's 4th in 5 business days while its equity is under
  $25,000 (crypto is exempt).
* 403 ``insufficient_buying_power``: the order's cost (a buy, or the short part of a sale) above the
  buying power left after the open orders' reservations. A buy costs its quantity at its limit
  (limit, stop-limit), at the higher of the stop and the price (stop), or at the price (the ask for
  the realistic fill model); a notional buy its notional."""
from __future__ import annotations

from datetime import UTC, datetime
from decimal import ROUND_UP, Decimal

from flask_smorest import abort

from axa.models.terminal import Account, Activity, Order, Position
from axa.models.terminal.market_hours import CRYPTO, DAY_TRADE_WINDOW, is_open, trading_date, window_start
from axa.models.terminal.quotes import Price
from axa.models.terminal.triggers import CENT, QTY_STEP, execution_price
from axa.models.terminal.valuation import Totals, buying_power, equity, totals_of
from axa.platform.redis_client import get_redis

NOW_ONLY = ("ioc", "fok")
PDT_EQUITY, PDT_TRADES = Decimal(25_000), 4  # FINRA's pattern day trader rule, as Alpaca applies it


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


def cost_of(account: Account, order: dict, ref: str, held: Position | None, qty: Decimal, price: Decimal,
            replacing: int | None) -> Decimal:
    """A buy's cost; a sale's is that of its short part (refused on a cash account)."""
    if order["side"] == "buy":
        return order["notional"] if order.get("notional") is not None else qty * price
    free = max(held.qty if held else Decimal(0), Decimal(0)) - Order.selling_qty(account.id, ref, replacing)
    short = max(Decimal(0), qty - max(free, Decimal(0)))
    if short and account.account_type != "margin":
        refuse(403, "insufficient_qty", "You hold less than that (short selling: margin accounts only).")
    return short * price


def day_trading(account: Account, order: dict, quote: Price, held: Position | None, at_epoch: float) -> None:
    """An order closing what the same trading day opened, on an account under PDT_EQUITY with
    PDT_TRADES - 1 day trades in the window already, would make it a pattern day trader."""
    at = datetime.fromtimestamp(at_epoch, UTC)
    if quote.asset_class == CRYPTO or held is None or held.opened_at is None:
        return
    closing = (held.qty > 0) == (order["side"] == "sell")
    if not closing or trading_date(held.opened_at) != trading_date(at):
        return
    totals = totals_of(get_redis(), [account.id], at_epoch).get(account.id, Totals())
    if equity(account, totals) >= PDT_EQUITY:
        return
    if Activity.day_trades([account.id], window_start(at)).get(account.id, 0) >= PDT_TRADES - 1:
        refuse(403, "pattern_day_trader", f"A {PDT_TRADES}th day trade in {DAY_TRADE_WINDOW} business days "
               f"with equity under {PDT_EQUITY} would flag the account as a pattern day trader.")


def reservation(account: Account, order: dict, quote: Price, at_epoch: float,
                replacing: int | None = None) -> Decimal:
    """What the order holds back from the buying power, after checking there is that much left. A
    cash account's buy reads neither its positions (it can hold no short to close) nor their market
    values (its buying power is its cash)."""
    price = unit_cost(order, quote, account.fill_model)
    qty = order["qty"] if order.get("qty") is not None else (order["notional"] / price).quantize(QTY_STEP)
    margin = account.account_type == "margin"
    held = Position.held(account.id, quote.ref) if margin or order["side"] == "sell" else None
    day_trading(account, order, quote, held, at_epoch)
    cost = cost_of(account, order, quote.ref, held, qty, price, replacing).quantize(CENT, ROUND_UP)
    totals = totals_of(get_redis(), [account.id], at_epoch).get(account.id, Totals()) if margin else Totals()
    left = buying_power(account, totals) - Order.reserved_by_open(account.id, replacing)
    if cost > left:
        refuse(403, "insufficient_buying_power", f"The order costs about {cost}; buying power left: {left}.")
    return cost
