"""Matching: the open orders of the quote refs a batch changed, evaluated against the latest quotes
of the contract (axa/models/terminal/triggers.py decides), then filled, canceled or expired.

1. One Redis round trip for the refs' quotes, then one read, without locks, of the open orders of
   the refs (the partial index by ref) that the quotes may act on: ``CANDIDATES`` joins the quotes
   as arrays and keeps an order only if its price could cross (a superset of what ``evaluate``
   fills: the last price or the better of it and the ask / bid), it is a market or ``ioc`` /
   ``fok`` order, it is past its expiry, or its trailing stop moves. Each is evaluated, and only
   those the quote acts on go on.
2. Those, in chunks of CHUNK orders, each chunk one transaction: the accounts locked first (in id
   order, one statement), then the orders still open (``FOR UPDATE``), each evaluated again under
   the locks and applied (axa/models/terminal/fills.py). An order another matcher already filled is
   no longer open and is skipped: a fill is applied once, however many matchers race and however
   often a task is redelivered; cash and positions change in the fill's transaction. A partial
   fill stamps the order with its quote (triggers.py): the same quote never fills it twice.

``expire_due`` expires the open orders past their close (a beat sweep), whether or not a quote came.
"""
from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from decimal import Decimal

import redis
from sqlalchemy import select, text, update

from axa.models.terminal import db
from axa.models.terminal.accounts import Account
from axa.models.terminal.events import OrderEvent
from axa.models.terminal.fills import Ledger, apply_fill
from axa.models.terminal.orders import OPEN, Order
from axa.models.terminal.positions import Position
from axa.models.terminal.quotes import Price, prices
from axa.models.terminal.settings import terminal_settings
from axa.models.terminal.triggers import CANCEL, EXPIRE, FILL, WAIT, evaluate

CHUNK = 200


CANDIDATES = text("""
SELECT o.* FROM orders AS o
JOIN unnest(CAST(:refs AS text[]), CAST(CAST(:prices AS text[]) AS numeric[]),
            CAST(CAST(:lows AS text[]) AS numeric[]), CAST(CAST(:highs AS text[]) AS numeric[]))
     AS q(ref, price, low, high) ON o.quote_ref = q.ref
WHERE o.status IN ('new', 'accepted', 'partially_filled') AND (
  o.expires_at <= :now OR o.time_in_force IN ('ioc', 'fok') OR o.order_type = 'market'
  OR (o.order_type = 'limit' OR (o.order_type = 'stop_limit' AND o.stop_triggered)) AND
     (o.side = 'buy' AND coalesce(q.low, q.price) <= o.limit_price
      OR o.side = 'sell' AND coalesce(q.high, q.price) >= o.limit_price)
  OR o.order_type IN ('stop', 'stop_limit') AND
     (o.side = 'buy' AND q.price >= o.stop_price OR o.side = 'sell' AND q.price <= o.stop_price)
  OR o.order_type = 'trailing_stop' AND
     (o.side = 'buy' AND (q.price < o.hwm OR q.price >= o.stop_price)
      OR o.side = 'sell' AND (q.price > o.hwm OR q.price <= o.stop_price)))
ORDER BY o.account_id, o.id""")


def candidates(refs: list[str], quotes: dict[str, Price], at: datetime) -> list[Order]:
    """The open orders of ``refs`` their quotes may act on (see ``CANDIDATES``)."""
    found = [quotes.get(ref) for ref in refs]  # decimals as text: psycopg sends text arrays faster
    quoted = [q for q in found if q is not None]
    sided = any(q.ask is not None or q.bid is not None for q in quoted)  # else low = high = price
    params = {"refs": refs, "now": at, "prices": [str(q.price) if q else None for q in found],
              "lows": [str(min(q.price, q.ask or q.price)) if q else None for q in found] if sided else None,
              "highs": [str(max(q.price, q.bid or q.price)) if q else None for q in found] if sided else None}
    return list(db.session.scalars(select(Order).from_statement(CANDIDATES), params))


def fill_models(account_ids: set[int]) -> dict[int, str]:
    rows = db.session.execute(select(Account.id, Account.fill_model).where(Account.id.in_(account_ids)))
    return dict(rows.all())


def match(client: redis.Redis, refs: list[str], now: float) -> Counter:
    """Evaluate and settle the open orders of ``refs`` at epoch ``now``; counts by outcome."""
    counts: Counter = Counter()
    refs = sorted(set(refs))
    at = datetime.fromtimestamp(now, UTC)
    quotes = prices(client, refs, now) if refs else {}
    orders = candidates(refs, quotes, at) if refs else []
    if not orders:
        db.session.rollback()
        return counts
    models = fill_models({o.account_id for o in orders})
    cap = Decimal(terminal_settings().fill_max_qty)
    acting = []
    for order in orders:
        outcome = evaluate(order, quotes.get(order.quote_ref), at, models[order.account_id], cap)
        if outcome.action != WAIT or outcome.changes:
            acting.append(order.id)
    db.session.rollback()  # end the read; the acting orders are read again under their locks
    for start in range(0, len(acting), CHUNK):
        counts.update(settle(acting[start:start + CHUNK], quotes, at, cap))
    return counts


def settle(order_ids: list[int], quotes: dict, at: datetime, cap: Decimal | None = None) -> Counter:
    """One transaction: lock the orders' accounts, then the orders still open; read the positions
    they may change; apply each outcome (one flush, at the commit). An ``ioc`` order's rest after a
    partial fill is canceled."""
    counts: Counter = Counter()
    account_ids = select(Order.account_id).where(Order.id.in_(order_ids))
    accounts = {a.id: a for a in db.session.scalars(
        select(Account).where(Account.id.in_(account_ids)).order_by(Account.id)
        .with_for_update().execution_options(populate_existing=True))}
    locked = list(db.session.scalars(select(Order).where(Order.id.in_(order_ids), Order.status.in_(OPEN))
                                     .order_by(Order.id).with_for_update()
                                     .execution_options(populate_existing=True)))
    ledger = Ledger({(p.account_id, p.quote_ref): p for p in Position.of_accounts(
        list(accounts), sorted({o.quote_ref for o in locked}))})
    for order in locked:
        account = accounts[order.account_id]
        outcome = evaluate(order, quotes.get(order.quote_ref), at, account.fill_model, cap)
        for name, value in outcome.changes.items():
            setattr(order, name, value)
        if outcome.action == FILL:
            if not apply_fill(account, order, outcome.price, at, ledger, outcome.qty):
                counts["rejected"] += 1
            elif order.status == "partially_filled":
                counts["partially_filled"] += 1
                if order.time_in_force == "ioc":
                    order.finish("canceled", at, events=ledger.events)  # after its partial_fill
            else:
                counts["filled"] += 1
        elif outcome.action in (CANCEL, EXPIRE):
            order.finish("canceled" if outcome.action == CANCEL else "expired", at)
            counts["canceled" if outcome.action == CANCEL else "expired"] += 1
        elif outcome.changes:
            order.updated_at = at
            counts["moved"] += 1
    ledger.write()
    db.session.commit()
    return counts


def expire_due(now: float) -> int:
    """Expire every open order past its ``expires_at`` (``day`` orders at the close)."""
    at = datetime.fromtimestamp(now, UTC)
    due = select(Order.account_id).where(Order.status.in_(OPEN), Order.expires_at <= at)
    db.session.execute(select(Account.id).where(Account.id.in_(due)).order_by(Account.id)
                       .with_for_update())  # the accounts first, as everywhere (see ``settle``)
    done = db.session.execute(
        update(Order).where(Order.status.in_(OPEN), Order.expires_at <= at)
        .values(status="expired", expired_at=at, updated_at=at, reserved=0)
        .returning(Order.account_id, Order.id)).all()
    OrderEvent.record_many([tuple(row) for row in done], "expired", at)
    db.session.commit()
    return len(done)
