"""Matching: the open orders of the quote refs a batch changed, evaluated against the latest quotes
of the contract (axa/models/terminal/triggers.py decides), then filled, canceled or expired.

1. One read, without locks, of the open orders of the refs (the partial index by ref) and one
   Redis round trip for their quotes; each is evaluated, and only those the quote acts on (a fill,
   a cancel, an expiry, a trailing stop that moves) go on.
2. Those, in chunks of CHUNK orders, each chunk one transaction: the accounts locked first (in id
   order, one statement), then the orders still open (``FOR UPDATE``), each evaluated again under
   the locks and applied (axa/models/terminal/fills.py). An order another matcher already filled is
   no longer open and is skipped: a fill is applied once, however many matchers race and however
   often a task is redelivered; cash and positions change in the fill's transaction.

``expire_due`` expires the open orders past their close (a beat sweep), whether or not a quote came.
"""
from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import redis
from sqlalchemy import select, update

from axa.models.terminal import db
from axa.models.terminal.accounts import Account
from axa.models.terminal.fills import apply_fill
from axa.models.terminal.orders import OPEN, Order
from axa.models.terminal.quotes import prices
from axa.models.terminal.triggers import CANCEL, EXPIRE, FILL, WAIT, evaluate

CHUNK = 200


def open_orders(refs: list[str]) -> list[Order]:
    return list(db.session.scalars(select(Order).where(Order.quote_ref.in_(refs), Order.status.in_(OPEN))
                                   .order_by(Order.account_id, Order.id)))


def fill_models(account_ids: set[int]) -> dict[int, str]:
    rows = db.session.execute(select(Account.id, Account.fill_model).where(Account.id.in_(account_ids)))
    return dict(rows.all())


def match(client: redis.Redis, refs: list[str], now: float) -> Counter:
    """Evaluate and settle the open orders of ``refs`` at epoch ``now``; counts by outcome."""
    counts: Counter = Counter()
    orders = open_orders(sorted(set(refs))) if refs else []
    if not orders:
        db.session.rollback()
        return counts
    at = datetime.fromtimestamp(now, UTC)
    quotes = prices(client, sorted({o.quote_ref for o in orders}), now)
    models = fill_models({o.account_id for o in orders})
    acting = []
    for order in orders:
        outcome = evaluate(order, quotes.get(order.quote_ref), at, models[order.account_id])
        if outcome.action != WAIT or outcome.changes:
            acting.append(order.id)
    db.session.rollback()  # end the read; the acting orders are read again under their locks
    for start in range(0, len(acting), CHUNK):
        counts.update(settle(acting[start:start + CHUNK], quotes, at))
    return counts


def settle(order_ids: list[int], quotes: dict, at: datetime) -> Counter:
    """One transaction: lock the orders' accounts, then the orders still open; apply each outcome."""
    counts: Counter = Counter()
    account_ids = select(Order.account_id).where(Order.id.in_(order_ids))
    accounts = {a.id: a for a in db.session.scalars(
        select(Account).where(Account.id.in_(account_ids)).order_by(Account.id)
        .with_for_update().execution_options(populate_existing=True))}
    locked = db.session.scalars(select(Order).where(Order.id.in_(order_ids), Order.status.in_(OPEN))
                                .order_by(Order.id).with_for_update()
                                .execution_options(populate_existing=True))
    for order in locked:
        account = accounts[order.account_id]
        outcome = evaluate(order, quotes.get(order.quote_ref), at, account.fill_model)
        for name, value in outcome.changes.items():
            setattr(order, name, value)
        if outcome.action == FILL:
            counts["filled" if apply_fill(account, order, outcome.price, at) else "rejected"] += 1
        elif outcome.action in (CANCEL, EXPIRE):
            order.finish("canceled" if outcome.action == CANCEL else "expired", at)
            counts["canceled" if outcome.action == CANCEL else "expired"] += 1
        elif outcome.changes:
            order.updated_at = at
            counts["moved"] += 1
    db.session.commit()
    return counts


def expire_due(now: float) -> int:
    """Expire every open order past its ``expires_at`` (``day`` orders at the close)."""
    at = datetime.fromtimestamp(now, UTC)
    done = db.session.execute(
        update(Order).where(Order.status.in_(OPEN), Order.expires_at <= at)
        .values(status="expired", expired_at=at, updated_at=at, reserved=0)
        .returning(Order.id)).all()
    db.session.commit()
    return len(done)
