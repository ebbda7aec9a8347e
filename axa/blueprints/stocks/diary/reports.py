"""Reports over closed trades (pure, Decimal): win rate, average win and loss, profit factor,
expectancy, largest win and loss, max drawdown and average R, overall, by symbol and by weekday,
and a calendar of daily P&L. Every figure is on net P&L (after fees).

A trade counts on the UTC day it closed (when its P&L is realized): the calendar and the date
filter go by that day, and the drawdown follows closing order. The weekday is the one it opened
on. Open trades are left out."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from decimal import Decimal

from axa.blueprints.stocks.diary.fifo import ZERO, Trade, quantized

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _ratio(part: Decimal, whole: Decimal) -> Decimal | None:
    return quantized(part / whole) if whole else None


def stats(trades: list[Trade]) -> dict:
    """The figures of ``trades`` (closed, in closing order)."""
    nets = [t.net_pnl for t in trades]
    wins = [n for n in nets if n > 0]
    losses = [n for n in nets if n < 0]
    won, lost = sum(wins, ZERO), sum(losses, ZERO)
    equity = peak = drawdown = ZERO
    for net in nets:
        equity += net
        peak = max(peak, equity)
        drawdown = max(drawdown, peak - equity)
    rs = [t.r_multiple for t in trades if t.r_multiple is not None]
    count = Decimal(len(nets))
    return {"trades": len(nets), "wins": len(wins), "losses": len(losses),
            "scratches": len(nets) - len(wins) - len(losses),
            "gross_pnl": sum((t.gross_pnl for t in trades), ZERO),
            "fees": sum((t.fees for t in trades), ZERO), "net_pnl": won + lost,
            "win_rate": _ratio(Decimal(len(wins)), count),
            "average_win": _ratio(won, Decimal(len(wins))),
            "average_loss": _ratio(lost, Decimal(len(losses))),
            "profit_factor": _ratio(won, -lost), "expectancy": _ratio(won + lost, count),
            "largest_win": max(wins, default=None), "largest_loss": min(losses, default=None),
            "max_drawdown": drawdown,
            "average_r": _ratio(sum(rs, ZERO), Decimal(len(rs))), "r_trades": len(rs)}


def _grouped(trades: list[Trade], key: Callable[[Trade], str],
             order: Iterable[str] | None = None) -> list[dict]:
    groups: dict[str, list[Trade]] = defaultdict(list)
    for trade in trades:
        groups[key(trade)].append(trade)
    keys = [k for k in order if k in groups] if order is not None else sorted(groups)
    return [{"key": k, **stats(groups[k])} for k in keys]


def calendar(trades: list[Trade]) -> list[dict]:
    days: dict = defaultdict(list)
    for trade in trades:
        days[trade.exit_at.date()].append(trade.net_pnl)
    return [{"day": day, "net_pnl": sum(nets, ZERO), "trades": len(nets)}
            for day, nets in sorted(days.items())]


def report(trades: Iterable[Trade], start=None, end=None) -> dict:
    """The report of the closed ``trades`` that closed between the UTC days ``start`` and ``end``."""
    closed = sorted((t for t in trades if t.closed and (start is None or t.exit_at.date() >= start)
                     and (end is None or t.exit_at.date() <= end)), key=lambda t: (t.exit_at, t.entry_at))
    return {"summary": stats(closed),
            "by_symbol": _grouped(closed, lambda t: t.symbol),
            "by_weekday": _grouped(closed, lambda t: WEEKDAYS[t.entry_at.weekday()], WEEKDAYS),
            "calendar": calendar(closed)}
