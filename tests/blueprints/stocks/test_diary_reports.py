"""The diary's reports over closed trades (pure: no database)."""
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal as D

from axa.blueprints.stocks.diary.fifo import Execution, group
from axa.blueprints.stocks.diary.reports import report

MONDAY = datetime(2026, 3, 2, 14, 30, tzinfo=UTC)


def round_trip(n, symbol, entry, exit_, days=0, fee="0", risk=None, qty="10"):
    opened = MONDAY + timedelta(days=days)
    [trade] = group(symbol, [Execution(2 * n, "buy", D(qty), D(entry), D(fee), opened, risk and D(risk)),
                             Execution(2 * n + 1, "sell", D(qty), D(exit_), D(0), opened + timedelta(hours=1))])
    return trade


def trades():
    return [round_trip(1, "AAPL", "10", "13", risk="10"),           # Mon +30, R 3
            round_trip(2, "AAPL", "10", "8", days=1, risk="10"),    # Tue -20, R -2
            round_trip(3, "MSFT", "10", "11", days=1, fee="1"),     # Tue +9
            round_trip(4, "MSFT", "10", "6", days=2),               # Wed -40
            round_trip(5, "MSFT", "10", "10", days=3)]              # Thu 0


def test_summary_figures():
    s = report(trades())["summary"]
    assert (s["trades"], s["wins"], s["losses"], s["scratches"]) == (5, 2, 2, 1)
    assert s["net_pnl"] == D(-21) and s["fees"] == D(1) and s["gross_pnl"] == D(-20)
    assert s["win_rate"] == D("0.4") and s["average_win"] == D("19.5") and s["average_loss"] == D(-30)
    assert s["profit_factor"] == D("0.65") and s["expectancy"] == D("-4.2")
    assert s["largest_win"] == D(30) and s["largest_loss"] == D(-40)
    assert s["max_drawdown"] == D(51)  # peak +30, then -20, +9, -40: 30 - (-21)
    assert s["average_r"] == D("0.5") and s["r_trades"] == 2


def test_groups_calendar_and_range():
    body = report(trades())
    assert [(g["key"], g["trades"], g["net_pnl"]) for g in body["by_symbol"]] == \
        [("AAPL", 2, D(10)), ("MSFT", 3, D(-31))]
    assert [(g["key"], g["trades"]) for g in body["by_weekday"]] == \
        [("Monday", 1), ("Tuesday", 2), ("Wednesday", 1), ("Thursday", 1)]
    assert [(c["day"], c["net_pnl"]) for c in body["calendar"]][:2] == [(date(2026, 3, 2), D(30)),
                                                                        (date(2026, 3, 3), D(-11))]
    tuesday = report(trades(), start=date(2026, 3, 3), end=date(2026, 3, 3))["summary"]
    assert tuesday["trades"] == 2 and tuesday["net_pnl"] == D(-11)


def test_empty_and_open_trades_leave_ratios_null():
    [open_trade] = group("X", [Execution(1, "buy", D(1), D(1), D(0), MONDAY)])
    s = report([open_trade])["summary"]
    assert s["trades"] == 0 and s["win_rate"] is None and s["profit_factor"] is None
    assert s["largest_win"] is None and s["max_drawdown"] == D(0) and s["average_r"] is None
