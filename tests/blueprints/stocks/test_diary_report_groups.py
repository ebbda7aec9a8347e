"""Every report figure on a hand-computed set of trades with longs and shorts, losses, a
break-even trade, fees and R (pure: no database), and the groups by tag, hour and month.

    T1 long  AAPL buy 10 @ 100 (fee 2, risk 20) Mon 03-02 14:30, sell 10 @ 105 15:30: gross +50, net +48, R 2.4
    T2 short TSLA sell 5 @ 200 (fee 1, risk 26) Mon 03-02 16:10, buy 5 @ 210 (fee 1) Tue 10:00:
       gross -50, net -52, R -2
    T3 short TSLA sell 4 @ 50 Wed 03-04 09:05, buy 4 @ 45 11:00: +20
    T4 long  AAPL buy 3 @ 10 Thu 03-05 14:00, sell 3 @ 10 14:30: 0 (break-even)
    T5 long  MSFT buy 2 @ 300 Wed 04-01 14:00, sell 2 @ 290 (fee 0.5) Thu 04-02 15:00: gross -20, net -20.5

In closing order the cumulative net P&L is 48, -4, 16, 16, -4.5: the drawdown from the peak 48 to
-4.5 is 52.5."""
from datetime import UTC, date, datetime
from decimal import Decimal as D

from axa.blueprints.stocks.diary.fifo import Execution, group
from axa.blueprints.stocks.diary.report_groups import full_report


def at(month, day, hour, minute=0):
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def trades():
    t1 = group("AAPL", [Execution(1, "buy", D(10), D(100), D(2), at(3, 2, 14, 30), D(20)),
                        Execution(2, "sell", D(10), D(105), D(0), at(3, 2, 15, 30))])
    t2 = group("TSLA", [Execution(3, "sell", D(5), D(200), D(1), at(3, 2, 16, 10), D(26)),
                        Execution(4, "buy", D(5), D(210), D(1), at(3, 3, 10))])
    t3 = group("TSLA", [Execution(5, "sell", D(4), D(50), D(0), at(3, 4, 9, 5)),
                        Execution(6, "buy", D(4), D(45), D(0), at(3, 4, 11))])
    t4 = group("AAPL", [Execution(7, "buy", D(3), D(10), D(0), at(3, 5, 14)),
                        Execution(8, "sell", D(3), D(10), D(0), at(3, 5, 14, 30))])
    t5 = group("MSFT", [Execution(9, "buy", D(2), D(300), D(0), at(4, 1, 14)),
                        Execution(10, "sell", D(2), D(290), D("0.5"), at(4, 2, 15))])
    still_open = group("NVDA", [Execution(11, "buy", D(1), D(900), D(0), at(3, 6, 14))])
    return t1 + t2 + t3 + t4 + t5 + still_open


LABELS = {1: [(1, "setup/breakout"), (2, "mistake/late")], 3: [(1, "setup/breakout")], 9: [(2, "mistake/late")]}


def figures(stats: dict, *names) -> tuple:
    return tuple(stats[n] for n in names)


def test_every_summary_figure_with_shorts_losses_and_a_break_even():
    s = full_report(trades(), labels=LABELS)["summary"]
    assert figures(s, "trades", "wins", "losses", "scratches") == (5, 2, 2, 1)
    assert figures(s, "gross_pnl", "fees", "net_pnl") == (D(0), D("4.5"), D("-4.5"))
    assert s["win_rate"] == D("0.4")
    assert s["average_win"] == D(34) and s["average_loss"] == D("-36.25")
    assert s["profit_factor"] == D("0.9379310345")  # 68 / 72.5
    assert s["expectancy"] == D("-0.9")  # 0.4 x 34 + 0.4 x -36.25 = -4.5 / 5
    assert s["largest_win"] == D(48) and s["largest_loss"] == D(-52)
    assert s["max_drawdown"] == D("52.5")
    assert s["average_r"] == D("0.2") and s["r_trades"] == 2  # (2.4 - 2) / 2


def test_by_tag_counts_a_trade_in_each_of_its_tags_and_leaves_untagged_out():
    body = full_report(trades(), labels=LABELS)
    late, breakout = body["by_tag"]
    assert (late["key"], late["tag_id"], late["trades"], late["net_pnl"]) == ("mistake/late", 2, 2, D("27.5"))
    assert late["profit_factor"] == D("2.3414634146") and late["win_rate"] == D("0.5")  # 48 / 20.5
    assert late["max_drawdown"] == D("20.5")
    assert (breakout["key"], breakout["trades"], breakout["net_pnl"]) == ("setup/breakout", 2, D(-4))
    assert breakout["profit_factor"] == D("0.9230769231") and breakout["average_r"] == D("0.2")
    assert full_report(trades())["by_tag"] == []


def test_by_hour_opened_by_month_closed_and_by_weekday_opened():
    body = full_report(trades())
    assert [(g["key"], g["trades"], g["net_pnl"]) for g in body["by_hour"]] == \
        [("09", 1, D(20)), ("14", 3, D("27.5")), ("16", 1, D(-52))]
    fourteen = body["by_hour"][1]
    assert fourteen["win_rate"] == D("0.3333333333") and fourteen["scratches"] == 1
    assert fourteen["expectancy"] == D("9.1666666667") and fourteen["max_drawdown"] == D("20.5")
    assert [(g["key"], g["trades"], g["net_pnl"]) for g in body["by_month"]] == \
        [("2026-03", 4, D(16)), ("2026-04", 1, D("-20.5"))]
    assert [(g["key"], g["trades"], g["net_pnl"]) for g in body["by_weekday"]] == \
        [("Monday", 2, D(-4)), ("Wednesday", 2, D("-0.5")), ("Thursday", 1, D(0))]
    assert [(g["key"], g["net_pnl"]) for g in body["by_symbol"]] == \
        [("AAPL", D(48)), ("MSFT", D("-20.5")), ("TSLA", D(-32))]


def test_calendar_of_daily_pnl_and_the_date_range():
    body = full_report(trades())
    assert [(c["day"], c["net_pnl"], c["trades"]) for c in body["calendar"]] == [
        (date(2026, 3, 2), D(48), 1), (date(2026, 3, 3), D(-52), 1), (date(2026, 3, 4), D(20), 1),
        (date(2026, 3, 5), D(0), 1), (date(2026, 4, 2), D("-20.5"), 1)]
    march = full_report(trades(), start=date(2026, 3, 3), end=date(2026, 3, 31), labels=LABELS)
    assert figures(march["summary"], "trades", "net_pnl", "max_drawdown") == (3, D(-32), D(52))
    assert [g["key"] for g in march["by_month"]] == ["2026-03"]
    assert [(g["key"], g["trades"]) for g in march["by_tag"]] == [("setup/breakout", 1)]
