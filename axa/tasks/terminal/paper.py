"""``terminal.paper.export_fills``: a paper account's fills for the cmc portfolio linked to it.

    cmc.paper.sync_links (beat) or a new link --> terminal.paper.export_fills (this database)
        --> cmc.paper.record_fills (the portfolio's database) --> again while there are more

The terminal answers only for the account's owner: an account that is not the user's (or no
longer exists) answers an error the link shows. Fills are the account's ``FILL`` activities after
the link's cursor and after the account's last reset, oldest first, at most ``FILLS_PER_MESSAGE``;
read-only, so a redelivered export only sends the same fills again (recorded once)."""
from __future__ import annotations

from decimal import ROUND_HALF_EVEN

from celery import shared_task, signature
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from axa.models.terminal import Account, Activity, Order, db
from axa.models.terminal.quotes import CRYPTO_SOURCES
from axa.models.terminal.triggers import CENT

FILLS_PER_MESSAGE = 500
NO_ACCOUNT = "No paper account with this id is yours."


def fill_row(activity: Activity, quote_ref: str) -> dict:
    """One fill as ``cmc.paper.record_fills`` reads it: the asset as a coin id (a ``cmc:`` quote
    ref) or a stocks symbol, and the fee the fill's cash change holds beyond its price."""
    source, ident = quote_ref.split(":", 1)
    gross = (activity.qty * activity.price).quantize(CENT, ROUND_HALF_EVEN)  # as the fill counted it
    fee = -activity.net_amount - gross if activity.side == "buy" else gross - activity.net_amount
    asset = {"coin_id": int(ident)} if source in CRYPTO_SOURCES else {"symbol": activity.symbol}
    return {"fill_id": activity.id, **asset, "side": activity.side, "qty": str(activity.qty),
            "price": str(activity.price), "fee": str(max(fee, 0)),
            "at": activity.created_at.isoformat(), "order_id": activity.order_id}


def fills_after(account: Account, cursor: int) -> list[tuple[Activity, str]]:
    stmt = (select(Activity, Order.quote_ref).join(Order, Order.id == Activity.order_id)
            .where(Activity.account_id == account.id, Activity.activity_type == Activity.FILL,
                   Activity.id > cursor)
            .order_by(Activity.id).limit(FILLS_PER_MESSAGE + 1))
    if account.reset_at is not None:
        stmt = stmt.where(Activity.created_at >= account.reset_at)
    return [tuple(row) for row in db.session.execute(stmt)]


@shared_task(name="terminal.paper.export_fills", autoretry_for=(OperationalError,), retry_backoff=True,
             retry_jitter=True, max_retries=5, soft_time_limit=25, time_limit=30)
def export_fills(portfolio_id: int, user_id: int, account_id: int, cursor: int) -> int:
    """Send the fills of ``account_id`` after ``cursor`` to the portfolio linked to it."""
    account = db.session.get(Account, account_id)
    if account is None or account.user_id != user_id:
        db.session.rollback()
        answer = {"error": NO_ACCOUNT}
    else:
        rows = fills_after(account, cursor)
        answer = {"account": account.name, "currency": account.currency,
                  "reset_at": account.reset_at.isoformat() if account.reset_at else None,
                  "fills": [fill_row(a, ref) for a, ref in rows[:FILLS_PER_MESSAGE]],
                  "more": len(rows) > FILLS_PER_MESSAGE}
        db.session.rollback()
    signature("cmc.paper.record_fills", args=(portfolio_id, account_id, answer)).apply_async()
    return len(answer.get("fills", ()))
