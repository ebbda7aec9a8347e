"""The diary's FIFO grouping of executions into trades (pure: no database)."""
from datetime import UTC, datetime, timedelta
from decimal import Decimal as D
from zoneinfo import ZoneInfo

import pytest

from axa.blueprints.stocks.diary.fifo import Execution, group

T0 = datetime(2026, 3, 2, 14, 30, tzinfo=UTC)


def ex(n, side, qty, price, fee="0", minutes=0, risk=None):
    return Execution(n, side, D(qty), D(price), D(fee), T0 + timedelta(minutes=minutes),
                     None if risk is None else D(risk))


def test_round_trip_long():
    [trade] = group("AAPL", [ex(1, "buy", "100", "10"), ex(2, "sell", "100", "12", minutes=30)])
    assert (trade.direction, trade.status, trade.quantity) == ("long", "closed", D(100))
    assert trade.gross_pnl == D(200) and trade.net_pnl == D(200)
    assert trade.average_entry == D(10) and trade.average_exit == D(12)
    assert trade.entry_at == T0 and trade.exit_at == T0 + timedelta(minutes=30)
    assert trade.holding_seconds == 1800 and trade.execution_ids == [1, 2]


def test_scale_in_averages_the_entry_and_fifo_realizes_oldest_lots_first():
    [trade] = group("AAPL", [ex(1, "buy", "100", "10"), ex(2, "buy", "100", "11", minutes=5),
                             ex(3, "sell", "150", "12", minutes=10), ex(4, "sell", "50", "9", minutes=20)])
    assert trade.quantity == D(200) and trade.average_entry == D("10.5")
    # 100 @10 -> 12: +200; 50 @11 -> 12: +50; 50 @11 -> 9: -100
    assert trade.gross_pnl == D(150) and trade.closed
    assert trade.average_exit == D("11.25") and trade.execution_ids == [1, 2, 3, 4]


def test_partial_close_leaves_an_open_trade_with_realized_pnl():
    [trade] = group("MSFT", [ex(1, "buy", "10", "100"), ex(2, "sell", "4", "110", minutes=1)])
    assert trade.status == "open" and trade.open_quantity == D(6)
    assert trade.gross_pnl == D(40) and trade.exit_at is None and trade.holding_seconds is None
    assert trade.average_exit == D(110)


def test_flip_from_long_to_short_closes_and_opens_with_the_remainder():
    first, second = group("TSLA", [ex(1, "buy", "100", "10", fee="1"),
                                   ex(2, "sell", "150", "12", fee="3", minutes=1),
                                   ex(3, "buy", "50", "11", fee="1", minutes=2)])
    assert (first.direction, first.status, first.quantity) == ("long", "closed", D(100))
    assert first.gross_pnl == D(200) and first.fees == D(3)  # 1 + 100/150 of 3
    assert first.net_pnl == D(197) and first.exit_at == T0 + timedelta(minutes=1)
    assert (second.direction, second.status, second.quantity) == ("short", "closed", D(50))
    assert second.average_entry == D(12) and second.gross_pnl == D(50)  # short 12 -> cover 11
    assert second.fees == D(2) and second.net_pnl == D(48) and second.execution_ids == [2, 3]


def test_flip_from_short_to_long():
    first, second = group("TSLA", [ex(1, "sell", "10", "20"), ex(2, "buy", "25", "18", minutes=1)])
    assert (first.direction, first.gross_pnl, first.status) == ("short", D(20), "closed")
    assert (second.direction, second.open_quantity, second.average_entry) == ("long", D(15), D(18))


def test_multi_day_swing_with_scale_out():
    day = 24 * 60
    [trade] = group("NVDA", [ex(1, "buy", "10", "100"), ex(2, "sell", "5", "105", minutes=day),
                             ex(3, "sell", "5", "95", minutes=3 * day + 60)])
    assert trade.gross_pnl == D(0) and trade.closed
    assert trade.holding_seconds == (3 * day + 60) * 60


def test_a_new_trade_after_flat():
    trades = group("AMD", [ex(1, "buy", "1", "10"), ex(2, "sell", "1", "11", minutes=1),
                           ex(3, "buy", "2", "12", minutes=2)])
    assert [t.status for t in trades] == ["closed", "open"] and trades[1].execution_ids == [3]


def test_fees_are_subtracted_from_net():
    [trade] = group("AAPL", [ex(1, "buy", "10", "10", fee="0.35"), ex(2, "sell", "10", "10.1", fee="0.40")])
    assert trade.gross_pnl == D("1.0") and trade.fees == D("0.75") and trade.net_pnl == D("0.25")


def test_flip_fee_split_is_exact():
    first, second = group("X", [ex(1, "buy", "1", "10"), ex(2, "sell", "3", "10", fee="1")])
    assert first.fees + second.fees == D(1) and first.fees == D("0.3333333333")


def test_r_multiple_from_the_initial_risk_of_the_opening_executions():
    [trade] = group("AAPL", [ex(1, "buy", "100", "10", fee="1", risk="50"),
                             ex(2, "buy", "100", "10", risk="50"), ex(3, "sell", "200", "10.5", fee="1")])
    assert trade.initial_risk == D(100) and trade.net_pnl == D(98) and trade.r_multiple == D("0.98")
    [losing] = group("AAPL", [ex(1, "sell", "10", "10", risk="20"), ex(2, "buy", "10", "14")])
    assert losing.r_multiple == D(-2)


def test_no_risk_no_r_multiple():
    [trade] = group("AAPL", [ex(1, "buy", "1", "10"), ex(2, "sell", "1", "11")])
    assert trade.initial_risk is None and trade.r_multiple is None


def test_bad_execution_is_refused():
    with pytest.raises(ValueError):
        group("AAPL", [ex(1, "hold", "1", "1")])
    with pytest.raises(ValueError):
        group("AAPL", [ex(1, "buy", "0", "1")])


def test_fingerprint_normalizes_case_decimals_and_time_zone():
    from axa.models.stocks.diary import fingerprint_of
    east = datetime(2026, 3, 2, 16, 30, tzinfo=UTC).astimezone(ZoneInfo("Europe/Moscow"))
    a = fingerprint_of("aapl", "buy", D("1.50"), D("10"), D("0"), datetime(2026, 3, 2, 16, 30, tzinfo=UTC))
    b = fingerprint_of("AAPL", "buy", D("1.5"), D("10.000"), D("0.00"), east)
    assert a == b and len(a) == 64
    assert a != fingerprint_of("AAPL", "sell", D("1.5"), D("10"), D("0"), east)
