"""The portfolios' daily value history (queue ``cmc.snapshots``):

    beat -> cmc.snapshots.snapshot_portfolios -> cmc.snapshots.snapshot_batch (BATCH portfolios each)
    a transaction dated in the past (added or deleted) -> cmc.snapshots.backfill_portfolio

Each batch values its portfolios as ``GET /api/v1/portfolios/{id}`` shows them (holdings on the
latest quotes, totals per currency) and upserts one row per portfolio, currency and UTC day
(``PortfolioValue``): every snapshot of a day rewrites that day's row, so a redelivered or a
repeated batch changes nothing but the time it was taken, and the day keeps its last value.
"""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from celery import shared_task, signature
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from axa.blueprints.cmc.portfolios import history, presenter
from axa.models.cmc import Portfolio, PortfolioValue, db

BATCH = 200


def value_rows(portfolio: Portfolio, day: date, taken_at: datetime) -> list[dict]:
    """One row per currency of the portfolio's totals (none for a portfolio never used)."""
    return [history.value_row(portfolio.id, day, t, taken_at) for t in presenter.view(portfolio)["totals"]]


@shared_task(name="cmc.snapshots.snapshot_portfolios", soft_time_limit=25, time_limit=30)
def snapshot_portfolios() -> int:
    """Fan every portfolio out to ``snapshot_batch``, ``BATCH`` ids a task, for today (UTC)."""
    ids = list(db.session.scalars(select(Portfolio.id).order_by(Portfolio.id)))
    db.session.rollback()
    day = datetime.now(UTC).date().isoformat()
    for start in range(0, len(ids), BATCH):
        signature("cmc.snapshots.snapshot_batch", args=(ids[start:start + BATCH], day)).apply_async()
    return len(ids)


@shared_task(name="cmc.snapshots.snapshot_batch", autoretry_for=(OperationalError,), retry_backoff=True,
             retry_jitter=True, max_retries=5, soft_time_limit=50, time_limit=60)
def snapshot_batch(portfolio_ids: list[int], day: str) -> int:
    """Value these portfolios now and upsert their row of ``day``."""
    taken_at, on = datetime.now(UTC), date.fromisoformat(day)
    rows = []
    for portfolio in db.session.scalars(select(Portfolio).where(Portfolio.id.in_(portfolio_ids))):
        rows.extend(value_rows(portfolio, on, taken_at))
    PortfolioValue.put(rows)
    db.session.commit()
    return len(rows)


@shared_task(name="cmc.snapshots.backfill_portfolio", autoretry_for=(OperationalError,), retry_backoff=True,
             retry_jitter=True, max_retries=5, soft_time_limit=50, time_limit=60)
def backfill_portfolio(portfolio_id: int, start: str) -> int:
    """Write a portfolio's days from ``start`` (at most ``BACKFILL_DAYS`` back) up to yesterday
    again from its transactions and the coins' daily closes (history.py); today stays the
    snapshot's. Days left without holdings lose their rows."""
    portfolio = db.session.get(Portfolio, portfolio_id)
    if portfolio is None:
        return 0
    today = datetime.now(UTC).date()
    first = max(date.fromisoformat(start), today - timedelta(days=history.BACKFILL_DAYS))
    rows = history.daily_rows(portfolio, first, today - timedelta(days=1), datetime.now(UTC))
    PortfolioValue.clear(portfolio.id, first, today - timedelta(days=1))
    PortfolioValue.put(rows)
    db.session.commit()
    return len(rows)
