"""A fill applied to an account: the order filled, the cash and the position changed, a ``FILL``
activity, and the fill in the diary's outbox (axa/models/terminal/diary_outbox.py), all in the
caller's transaction, which holds the account's row lock and the order's (taken in that order
everywhere: placement, replace, cancel, expiry, matching; the foreign keys of the rows a fill or a
cancel inserts take a share lock on the account, so any other order could deadlock), so a fill is
applied once however many matchers race over the same order.

A cash account cannot spend cash it does not have nor sell what it does not hold: a fill that would
(the price moved since the order was placed, another order sold the position first) rejects the
order instead, with ``insufficient_buying_power`` or ``insufficient_qty``."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_EVEN, ROUND_UP, Decimal

from sqlalchemy import insert, inspect

from axa.models.terminal import db
from axa.models.terminal.accounts import Account
from axa.models.terminal.activities import Activity
from axa.models.terminal.diary_outbox import DiaryOutbox
from axa.models.terminal.events import OrderEvent
from axa.models.terminal.market_hours import CRYPTO, trading_date
from axa.models.terminal.orders import Order
from axa.models.terminal.positions import Position, apply
from axa.models.terminal.triggers import CENT, PRICE_STEP, fee, fill_qty


def refusal(account: Account, order: Order, position: Position | None, qty: Decimal,
            cash_change: Decimal) -> str | None:
    if account.account_type != "cash":
        return None
    if order.side == "buy" and account.cash + cash_change < 0:
        return "insufficient_buying_power"
    if order.side == "sell" and (position is None or position.qty < qty):
        return "insufficient_qty"
    return None


@dataclass
class Ledger:
    """A chunk of fills' bookkeeping: the accounts' positions by (account id, ref), read under the
    chunk's locks and kept current by each fill, and the FILL activities and fill events, inserted
    in one statement each by ``write`` (a chunk is flushed once, at its end)."""

    positions: dict[tuple[int, str], Position]
    activities: list[dict] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)
    diary: list[dict] = field(default_factory=list)  # the fills for the diary's outbox

    def write(self) -> None:
        """Positions back to zero leave the table (one opened and closed in this chunk is never
        written); the activities and events go in."""
        for position in self.positions.values():
            if position.qty == 0:
                if inspect(position).pending:
                    db.session.expunge(position)
                else:
                    db.session.delete(position)
        written = ((Activity, self.activities), (OrderEvent, self.events), (DiaryOutbox, self.diary))
        for model, rows in written:
            if rows:
                db.session.execute(insert(model.__table__), rows)


def apply_fill(account: Account, order: Order, price: Decimal, at: datetime, ledger: Ledger,
               qty: Decimal | None = None) -> bool:
    """Fill ``qty`` (default: what is left) of the (locked, open) ``order`` of the (locked)
    ``account`` at ``price``, its bookkeeping in ``ledger``; False when the order was rejected
    instead. Short of the rest, the order is ``partially_filled`` (event ``partial_fill``)."""
    left = fill_qty(order, price)
    qty = left if qty is None else qty
    gross = (qty * price).quantize(CENT, ROUND_HALF_EVEN)
    charge = fee(order.asset_class, qty, price, account.fill_model)
    cash_change = (-gross if order.side == "buy" else gross) - charge
    key = (account.id, order.quote_ref)
    position = ledger.positions.get(key)
    reason = "insufficient_qty" if qty <= 0 else refusal(account, order, position, qty, cash_change)
    if reason:
        order.finish("rejected", at, reason)
        return False
    if position is None:
        position = Position(account_id=account.id, symbol=order.symbol, quote_ref=order.quote_ref,
                            asset_class=order.asset_class, qty=Decimal(0), avg_entry_price=price,
                            cost_basis=Decimal(0), created_at=at)
        db.session.add(position)
        ledger.positions[key] = position
    delta = qty if order.side == "buy" else -qty
    day_trade = (order.asset_class != CRYPTO and position.reduced_by(delta) and position.opened_at is not None
                 and trading_date(position.opened_at) == trading_date(at))
    realized = apply(position, delta, price, at)
    account.cash += cash_change
    account.updated_at = at
    record(order, qty, left, price, at)
    ledger.events.append({"account_id": account.id, "order_id": order.id, "at": at,
                          "event": "fill" if order.status == "filled" else "partial_fill",
                          "qty": qty, "price": price, "position_qty": position.qty})
    ledger.activities.append(Activity.fill_row(account.id, cash_change, account.cash, order, qty, price,
                                               realized.quantize(CENT, ROUND_HALF_EVEN), at, day_trade))
    ledger.diary.append(DiaryOutbox.row(account, order, qty, price, charge, at))
    return True


def record(order: Order, qty: Decimal, left: Decimal, price: Decimal, at: datetime) -> None:
    """The order after a fill of ``qty`` of the ``left`` to fill: its quantity and average price
    so far; what it holds back shrinks with what is left (nothing once filled)."""
    before = order.filled_qty or Decimal(0)
    order.filled_qty = before + qty
    order.filled_avg_price = price if not before else (
        (order.filled_avg_price * before + price * qty) / order.filled_qty).quantize(PRICE_STEP)
    order.updated_at = at
    if qty >= left:
        order.status, order.filled_at, order.reserved = "filled", at, Decimal(0)
    else:
        order.status = "partially_filled"
        order.reserved = (order.reserved * (left - qty) / left).quantize(CENT, ROUND_UP)
