"""A fill applied to an account: the order filled, the cash and the position changed, and a
``FILL`` activity, all in the caller's transaction, which holds the account's row lock and the
order's (taken in that order everywhere: placement, replace, matching), so a fill is applied once
however many matchers race over the same order.

A cash account cannot spend cash it does not have nor sell what it does not hold: a fill that
would (the price moved since the order was placed, another order sold the position first) rejects
the order instead, with ``insufficient_buying_power`` or ``insufficient_qty``."""
from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_EVEN, Decimal

from sqlalchemy import inspect

from axa.models.terminal import db
from axa.models.terminal.accounts import Account
from axa.models.terminal.activities import Activity
from axa.models.terminal.events import OrderEvent
from axa.models.terminal.market_hours import CRYPTO, trading_date
from axa.models.terminal.orders import Order
from axa.models.terminal.positions import Position, apply
from axa.models.terminal.triggers import CENT, fee, fill_qty


def refusal(account: Account, order: Order, position: Position | None, qty: Decimal,
            cash_change: Decimal) -> str | None:
    if account.account_type != "cash":
        return None
    if order.side == "buy" and account.cash + cash_change < 0:
        return "insufficient_buying_power"
    if order.side == "sell" and (position is None or position.qty < qty):
        return "insufficient_qty"
    return None


def drop_closed(positions: dict[tuple[int, str], Position]) -> None:
    """Positions back to zero leave the table (one opened and closed in this chunk: never written)."""
    for position in positions.values():
        if position.qty == 0:
            if inspect(position).pending:
                db.session.expunge(position)
            else:
                db.session.delete(position)


def apply_fill(account: Account, order: Order, price: Decimal, at: datetime,
               positions: dict[tuple[int, str], Position]) -> bool:
    """Fill the (locked, open) ``order`` of the (locked) ``account`` at ``price``; False when the
    order was rejected instead. ``positions``: the accounts' positions by (account id, ref), read
    under the same locks and kept current here, so a chunk of fills is flushed once, at commit (the
    caller deletes those that came back to zero: ``drop_closed``)."""
    qty = fill_qty(order, price)
    gross = (qty * price).quantize(CENT, ROUND_HALF_EVEN)
    charge = fee(order.asset_class, qty, price, account.fill_model)
    cash_change = (-gross if order.side == "buy" else gross) - charge
    key = (account.id, order.quote_ref)
    position = positions.get(key)
    reason = "insufficient_qty" if qty <= 0 else refusal(account, order, position, qty, cash_change)
    if reason:
        order.finish("rejected", at, reason)
        return False
    if position is None:
        position = Position(account_id=account.id, symbol=order.symbol, quote_ref=order.quote_ref,
                            asset_class=order.asset_class, qty=Decimal(0), avg_entry_price=price,
                            cost_basis=Decimal(0), created_at=at)
        db.session.add(position)
        positions[key] = position
    delta = qty if order.side == "buy" else -qty
    day_trade = (order.asset_class != CRYPTO and position.reduced_by(delta) and position.opened_at is not None
                 and trading_date(position.opened_at) == trading_date(at))
    realized = apply(position, delta, price, at)
    account.cash += cash_change
    account.updated_at = at
    order.status, order.filled_qty, order.filled_avg_price = "filled", qty, price
    order.filled_at = order.updated_at = at
    order.reserved = Decimal(0)
    OrderEvent.record(order, "fill", at, qty=qty, price=price, position_qty=position.qty)
    Activity.record_fill(account.id, cash_change, account.cash, order, qty, price,
                         realized.quantize(CENT, ROUND_HALF_EVEN), at, day_trade)
    return True
