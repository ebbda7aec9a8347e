"""Portfolios linked to a paper account of the trading terminal (axa/models/cmc/paper_links.py):
the account's fills copied as the portfolio's transactions.

    new link, or beat (cmc.paper.sync_links) --> terminal.paper.export_fills
        --> cmc.paper.record_fills --> terminal.paper.export_fills again while there are more

``record_fills`` writes under the portfolio's lock: fills already copied (a redelivery, two syncs
crossing) are skipped by their ``fill_id``; the cursor only moves forward. A lost message costs
only time: the next sync asks again from the cursor."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from celery import shared_task
from sqlalchemy import delete, func
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import OperationalError

from axa.blueprints.cmc.portfolios.history import backfill_after
from axa.blueprints.cmc.portfolios.service import TRANSACTIONS_MAX, request_fills
from axa.models.cmc import PaperLink, Portfolio, PortfolioTransaction, db

SYNC_BATCH = 500
TOO_MANY = f"The paper account has more fills than a portfolio holds ({TRANSACTIONS_MAX}); no longer copied."


@shared_task(name="cmc.paper.sync_links", soft_time_limit=50, time_limit=60)
def sync_links() -> int:
    """Beat: ask the terminal for the new fills of every live link."""
    after, asked = 0, 0
    while links := PaperLink.live(after, SYNC_BATCH):
        db.session.rollback()
        for link, user_id in links:
            request_fills(link, user_id)
        after, asked = links[-1][0].portfolio_id, asked + len(links)
    return asked


def transaction_row(portfolio_id: int, currency: str, fill: dict) -> dict:
    return {"portfolio_id": portfolio_id, "kind": fill["side"], "coin_id": fill.get("coin_id"),
            "symbol": fill.get("symbol"), "quantity": Decimal(fill["qty"]), "price": Decimal(fill["price"]),
            "fee": Decimal(fill["fee"]), "currency": currency,
            "executed_at": datetime.fromisoformat(fill["at"]),
            "note": f"Paper order {fill['order_id']}", "fill_id": fill["fill_id"]}


def drop_before_reset(link: PaperLink, reset_at: datetime | None) -> datetime | None:
    """The fills copied before a reset the link had not seen go; returns the earliest gone."""
    if reset_at is None or (link.reset_at is not None and reset_at <= link.reset_at):
        return None
    link.reset_at = reset_at
    tx = PortfolioTransaction
    gone = db.session.scalars(delete(tx).where(tx.portfolio_id == link.portfolio_id, tx.fill_id.is_not(None),
                                               tx.executed_at < reset_at).returning(tx.executed_at)).all()
    return min(gone, default=None)


def copied(portfolio: Portfolio, link: PaperLink, answer: dict) -> list[datetime]:
    """Write the fills of ``answer`` not copied yet (after dropping those a new reset voids);
    returns when the changed transactions happened, to recount the value history from."""
    reset_at = answer["reset_at"] and datetime.fromisoformat(answer["reset_at"])
    earliest = drop_before_reset(link, reset_at)
    rows = [transaction_row(portfolio.id, answer["currency"], fill) for fill in answer["fills"]]
    if rows and PortfolioTransaction.count_in(portfolio.id) + len(rows) > TRANSACTIONS_MAX:
        link.state, link.error = "failed", TOO_MANY
        return []
    added = []
    if rows:
        added = db.session.scalars(insert(PortfolioTransaction).values(rows).on_conflict_do_nothing(
            constraint="uq_portfolio_transactions_fill").returning(PortfolioTransaction.executed_at)).all()
    link.cursor = max([link.cursor, *(fill["fill_id"] for fill in answer["fills"])])
    link.state, link.error, link.synced_at = "linked", None, func.now()
    if added or earliest:
        portfolio.touch()
    return [*added, *([earliest] if earliest else [])]


@shared_task(name="cmc.paper.record_fills", autoretry_for=(OperationalError,), retry_backoff=True,
             retry_jitter=True, max_retries=5, soft_time_limit=25, time_limit=30)
def record_fills(portfolio_id: int, account_id: int, answer: dict) -> int:
    """Copy the fills the terminal sent (or record why it sent none) into the linked portfolio."""
    portfolio = db.session.get(Portfolio, portfolio_id, with_for_update=True)
    link = db.session.get(PaperLink, portfolio_id)
    if portfolio is None or link is None or link.account_id != account_id:  # unlinked meanwhile
        db.session.rollback()
        return 0
    if "error" in answer:
        link.state, link.error = "failed", answer["error"]
        changed = []
    else:
        changed = copied(portfolio, link, answer)
    db.session.commit()
    if changed:
        backfill_after(portfolio_id, min(changed))
    if answer.get("more") and link.state == "linked":
        request_fills(link, portfolio.user_id)
    return len(changed)
