"""MFE, MAE and best exit of each trade, from the platform's price history: the daily bars
(``daily_bars``) the market-data pipeline stores for the instrument of the trade's symbol, those
``GET /api/v1/instruments/{id}/history`` answers.

Over the UTC days the trade was open (entry day to exit day; an open trade: to today) the highest
and the lowest price are the bars' highs and lows (a bar without them: its close) and the trade's
own execution prices. With ``q`` the units opened over the trade's life and ``e`` its average
entry, a long's MFE is ``(highest - e) x q`` and its MAE ``(lowest - e) x q``; a short's are
``(e - lowest) x q`` and ``(e - highest) x q``. MFE is never below 0, MAE never above. The best
exit is the highest price for a long (the lowest for a short), and ``best_exit_pnl`` the net P&L of
exiting every unit there, with the trade's fees: ``MFE - fees``. Daily bars cannot say whether the
extreme of the entry or exit day came before or after the fill: the figures are the day's range.

No bars for the symbol over those days (no instrument of that symbol, or no history stored for the
period): status ``no_history`` with the reason, and no figures. Stored per trade with the trade's
``signature``; a trade that changed since shows ``pending`` until the job runs again."""
from __future__ import annotations

import hashlib
from bisect import bisect_left, bisect_right
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert

from axa.blueprints.stocks.diary import fifo, rekey
from axa.blueprints.stocks.diary.fifo import ZERO, quantized
from axa.models.stocks import DailyBar, DiaryAccount, DiaryExcursion, DiaryExecution, Instrument, db

CHUNK = 500  # rows an upsert statement
FIGURES = ("highest", "lowest", "mfe", "mae", "best_exit_price", "best_exit_pnl")


def signature(trade: fifo.Trade) -> str:
    """The trade's state: its executions, units and open units."""
    text = " ".join(map(str, trade.execution_ids)) + f"|{trade.quantity.normalize():f}|" \
        f"{trade.open_quantity.normalize():f}"
    return hashlib.sha256(text.encode()).hexdigest()


def period(trade: fifo.Trade, today: date) -> tuple[date, date]:
    return trade.entry_at.astimezone(UTC).date(), (trade.exit_at.astimezone(UTC).date() if trade.closed
                                                   else max(today, trade.entry_at.astimezone(UTC).date()))


def measure(trade: fifo.Trade, bars: list[tuple], prices: list[Decimal]) -> dict:
    """The figures of ``trade`` over ``bars`` ((high, low, close) each, at least one) and its own
    execution ``prices``."""
    highs = [b[0] if b[0] is not None else b[2] for b in bars] + prices
    lows = [b[1] if b[1] is not None else b[2] for b in bars] + prices
    highest, lowest = max(highs), min(lows)
    entry, units = trade.entry_value / trade.quantity, trade.quantity
    if trade.direction == "long":
        mfe, mae, best = (highest - entry) * units, (lowest - entry) * units, highest
    else:
        mfe, mae, best = (entry - lowest) * units, (entry - highest) * units, lowest
    mfe, mae = quantized(max(mfe, ZERO)), quantized(min(mae, ZERO))
    return {"highest": highest, "lowest": lowest, "mfe": mfe, "mae": mae, "best_exit_price": best,
            "best_exit_pnl": mfe - trade.fees}


class History:
    """The daily bars of ``symbol``'s instrument over the days, read once for all its trades (the
    first instrument of that symbol, by source and id, that has some)."""

    def __init__(self, symbol: str, start: date, end: date) -> None:
        self.symbol, self.days, self.bars, self.instrument = symbol, [], [], False
        refs = db.session.execute(select(Instrument.source, Instrument.source_instrument_id)
                                  .where(func.upper(Instrument.symbol) == symbol)
                                  .order_by(Instrument.source, Instrument.id)).all()
        self.instrument = bool(refs)
        for source, ref in refs:
            rows = db.session.execute(select(DailyBar.trade_date, DailyBar.high, DailyBar.low, DailyBar.close)
                                      .where(DailyBar.source == source, DailyBar.source_instrument_id == ref,
                                             DailyBar.trade_date.between(start, end))
                                      .order_by(DailyBar.trade_date)).all()
            if rows:
                self.days = [r[0] for r in rows]
                self.bars = [tuple(r[1:]) for r in rows]
                return

    def between(self, start: date, end: date) -> tuple[list[tuple], str | None]:
        """The (high, low, close) bars between the days, or none and why."""
        if not self.instrument:
            return [], f"No instrument with the symbol {self.symbol} in the platform's market data."
        found = self.bars[bisect_left(self.days, start):bisect_right(self.days, end)]
        return (found, None) if found else ([], f"No price history for {self.symbol} from {start} to {end}.")


def account_trades(account_id: int, symbols: list[str] | None = None) -> list[fifo.Trade]:
    """The account's trades (of ``symbols``) by FIFO, read as plain rows (no ORM objects: fast)."""
    e = DiaryExecution
    stmt = (select(e.symbol, e.id, e.side, e.quantity, e.price, e.fee, e.executed_at, e.initial_risk)
            .where(e.account_id == account_id).order_by(e.symbol, e.executed_at, e.id))
    if symbols:
        stmt = stmt.where(e.symbol.in_(symbols))
    trades, by_symbol = [], {}
    for symbol, *fields in db.session.execute(stmt):
        by_symbol.setdefault(symbol, []).append(fifo.Execution(*fields))
    for symbol, executions in by_symbol.items():
        trades.extend(fifo.group(symbol, executions))
    return trades


def _spans(trades: list[fifo.Trade], periods: dict) -> dict[str, list[date]]:
    """Per symbol, the first and last day any of its trades was open."""
    spans: dict[str, list[date]] = {}
    for trade in trades:
        start, end = periods[id(trade)]
        span = spans.setdefault(trade.symbol, [start, end])
        span[0], span[1] = min(span[0], start), max(span[1], end)
    return spans


def _rows(account_id: int, trades: list[fifo.Trade], known: dict, prices: dict, today: date):
    """The excursion rows of the trades to compute (not the closed ones ``known`` as they are)."""
    counts, rows, histories = {"computed": 0, "no_history": 0}, [], {}
    periods = {id(t): period(t, today) for t in trades}
    spans = _spans(trades, periods)
    for trade in trades:
        if trade.closed and known.get(trade.execution_ids[0]) == signature(trade):
            continue  # an announced run: what did not change stays
        start, end = periods[id(trade)]
        if trade.symbol not in histories:
            histories[trade.symbol] = History(trade.symbol, *spans[trade.symbol])
        bars, reason = histories[trade.symbol].between(start, end)
        figures = measure(trade, bars, [prices[i] for i in trade.execution_ids]) if bars \
            else dict.fromkeys(FIGURES)
        status = "computed" if bars else "no_history"
        counts[status] += 1
        rows.append({"trade_id": trade.execution_ids[0], "account_id": account_id,
                     "signature": signature(trade), "status": status, "reason": reason,
                     "history_from": start, "history_to": end, "bars": len(bars), **figures})
    return counts, rows


def refresh(account_id: int, symbols: list[str] | None = None, today: date | None = None) -> dict:
    """Compute and store the excursions of the account's trades (of ``symbols``; all: also drop
    those of executions that no longer open a trade). Counts by status."""
    if db.session.get(DiaryAccount, account_id) is None:
        return {}
    today = today or datetime.now(UTC).date()
    trades = account_trades(account_id, symbols)
    rekey.follow(account_id, trades)  # tags and notes of a trade grouped anew go with it
    prices = dict(db.session.execute(select(DiaryExecution.id, DiaryExecution.price)
                                     .where(DiaryExecution.account_id == account_id)).all())
    known = {} if not symbols else dict(db.session.execute(
        select(DiaryExcursion.trade_id, DiaryExcursion.signature).where(
            DiaryExcursion.account_id == account_id, DiaryExcursion.status == "computed")).all())
    counts, rows = _rows(account_id, trades, known, prices, today)
    if rows:
        stmt = insert(DiaryExcursion)
        updated = {c: stmt.excluded[c] for c in rows[0] if c != "trade_id"}
        stmt = stmt.on_conflict_do_update(index_elements=["trade_id"],
                                          set_={**updated, "computed_at": func.now()})
        connection = db.session.connection()
        for first in range(0, len(rows), CHUNK):
            connection.execute(stmt, rows[first:first + CHUNK])  # executemany: batched by the driver
    if not symbols:
        db.session.execute(delete(DiaryExcursion).where(
            DiaryExcursion.account_id == account_id,
            DiaryExcursion.trade_id.not_in([t.execution_ids[0] for t in trades] or [0])))
    db.session.commit()
    return counts


def shown(row: DiaryExcursion | None, trade: fifo.Trade) -> dict:
    """What a trade shows of its excursions: ``pending`` when none were computed for its state."""
    if row is None or row.signature != signature(trade):
        return {"status": "pending", "reason": "Not computed for the trade as it is yet; "
                "POST …/excursions computes them now.", **dict.fromkeys(FIGURES), "bars": 0,
                "history_from": None, "history_to": None, "computed_at": None}
    return {"status": row.status, "reason": row.reason, "bars": row.bars, "history_from": row.history_from,
            "history_to": row.history_to, "computed_at": row.computed_at,
            **{k: getattr(row, k) for k in FIGURES}}
