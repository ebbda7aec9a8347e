"""A portfolio's past daily values, from its transactions and the coins' daily closes (the
``coin_daily`` table the cmc ingest keeps): what ``cmc.snapshots.backfill_portfolio`` writes when a
transaction dated in the past changes the history. Each day's holdings are the transactions up to
the end of that UTC day, replayed once in time order (pnl.py, by the portfolio's method); a coin
held in USD is valued at that day's close. Stocks instruments have no daily closes in the cmc
database (they live in stocks'), so a past day counts them ``unquoted``, as does a coin held in
another currency or on a day without a close."""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from celery import signature
from sqlalchemy import select

from axa.blueprints.cmc.portfolios import pnl, presenter
from axa.blueprints.cmc.portfolios.service import movement
from axa.models.cmc import CoinDaily, Portfolio, PortfolioTransaction, db

BACKFILL_DAYS = 366  # as far back as the history endpoint reads


def backfill_after(portfolio_id: int, executed_at: datetime) -> None:
    """Once a transaction dated before today is committed (added or deleted): the days from its
    date up to yesterday written again, by ``cmc.snapshots.backfill_portfolio``."""
    day = executed_at.astimezone(UTC).date()
    if day < datetime.now(UTC).date():
        signature("cmc.snapshots.backfill_portfolio", args=(portfolio_id, day.isoformat())).apply_async()


def recount(portfolio: Portfolio) -> None:
    """The whole history again (the cost-basis method changed): from the first transaction."""
    first = portfolio.transactions()[:1]
    if first:
        backfill_after(portfolio.id, first[0].executed_at)


def closes(coin_ids: list[int], start: date, end: date) -> dict[tuple[int, date], object]:
    if not coin_ids:
        return {}
    rows = db.session.execute(select(CoinDaily.coin_id, CoinDaily.day, CoinDaily.close).where(
        CoinDaily.coin_id.in_(coin_ids), CoinDaily.quote_currency == "USD", CoinDaily.day >= start,
        CoinDaily.day <= end))
    return {(coin_id, day): close for coin_id, day, close in rows}


def daily_rows(portfolio: Portfolio, start: date, end: date, taken_at: datetime) -> list[dict]:
    """One row per currency held for each day from ``start`` to ``end`` (days before the first
    transaction have none)."""
    transactions = portfolio.transactions()
    prices = closes(sorted({t.coin_id for t in transactions if t.coin_id is not None}), start, end)
    held: dict[tuple, pnl.Position] = {}
    rows, next_tx, day = [], 0, start
    while day <= end:
        day_end = datetime.combine(day + timedelta(days=1), time.min, UTC)
        while next_tx < len(transactions) and transactions[next_tx].executed_at < day_end:
            replay(portfolio, held, transactions[next_tx])
            next_tx += 1
        rows += day_rows(portfolio.id, day, held, prices, taken_at)
        day += timedelta(days=1)
    return rows


def replay(portfolio: Portfolio, held: dict[tuple, pnl.Position], t: PortfolioTransaction) -> None:
    key = (t.coin_id, t.symbol, t.currency)
    position = held.setdefault(key, pnl.Position(portfolio.cost_basis, portfolio.allow_short))
    with pnl.exact():
        pnl.replayed(position, [movement(t)])


def day_rows(portfolio_id: int, day: date, held: dict[tuple, pnl.Position], prices: dict,
             taken_at: datetime) -> list[dict]:
    holdings = []
    for (coin_id, _, currency), position in held.items():
        price = prices.get((coin_id, day)) if coin_id is not None and currency == "USD" else None
        holdings.append({"currency": currency, "quantity": position.quantity, "cost_basis": position.cost,
                         "realized_pnl": position.realized, "fees": position.fees,
                         **pnl.valued(position, price)})
    return [value_row(portfolio_id, day, total, taken_at) for total in presenter.totals(holdings)]


def value_row(portfolio_id: int, day: date, total: dict, taken_at: datetime) -> dict:
    """A ``portfolio_values`` row from one currency's totals (presenter.totals)."""
    return {"portfolio_id": portfolio_id, "currency": total["currency"], "day": day,
            "market_value": total["market_value"], "cost_basis": total["cost_basis"],
            "realized_pnl": total["realized_pnl"], "unrealized_pnl": total["unrealized_pnl"],
            "unquoted": total["unquoted"], "taken_at": taken_at}
