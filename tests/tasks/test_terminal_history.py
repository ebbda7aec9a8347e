"""Portfolio history: beat snapshots each account's equity every AXA_TERMINAL_HISTORY_EVERY_MINUTES
and at each US close (an early close too), sets ``last_equity`` at the close, writes nothing twice
when repeated, and ``GET /accounts/{id}/portfolio/history`` reads them as Alpaca's arrays."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import update

from axa.models.terminal import Account, db
from axa.models.terminal.settings import TerminalSettings
from axa.tasks.terminal.matching import due, snapshot_equity
from tests.blueprints.terminal.market import Market
from tests.blueprints.terminal.test_accounts import Trader
from tests.blueprints.terminal.test_orders import place

TUESDAY = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)  # 10:00 in New York; Monday's close was 21:00 UTC


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def epoch(*args) -> int:
    return int(utc(*args).timestamp())


@pytest.fixture
def market(apps):
    apps["terminal"].extensions["terminal"] = TerminalSettings(history_every_minutes=15)
    market = Market(apps)
    market.at(TUESDAY)
    yield market
    apps["terminal"].extensions.pop("terminal", None)


@pytest.fixture
def trader(apps):
    return Trader(apps)


def opened_in_november(trader, market) -> dict:
    """An account (the clock of these tests is set back: its row says it opened before it)."""
    account = trader.open()
    with market.app.app_context():
        db.session.execute(update(Account).where(Account.id == account["id"]).values(created_at=utc(2026, 11, 2)))
        db.session.commit()
    return account


def sweep(market, moment: datetime) -> dict:
    market.at(moment)
    with market.app.app_context():
        return snapshot_equity()


def history(trader, account: dict, **query) -> dict:
    answer = trader.call("get", f"/accounts/{account['id']}/portfolio/history", query_string=query)
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


def test_snapshots_intraday_and_at_the_close_read_as_alpacas_portfolio_history(trader, market):
    market.quote("AAPL", "100")
    account = opened_in_november(trader, market)
    place(trader, account, qty="10")
    assert sweep(market, utc(2026, 12, 1, 15, 7)) == {"intraday": 1, "daily": 1}  # Monday's close, 15:00's slot
    assert sweep(market, utc(2026, 12, 1, 15, 8)) == {}  # nothing due: nothing written twice
    market.at(utc(2026, 12, 1, 15, 20))
    market.quote("AAPL", "110")
    assert sweep(market, utc(2026, 12, 1, 15, 20)) == {"intraday": 1}
    market.at(utc(2026, 12, 1, 21, 5))
    market.quote("AAPL", "120")
    assert sweep(market, utc(2026, 12, 1, 21, 5)) == {"intraday": 1, "daily": 1}
    assert trader.call("get", f"/accounts/{account['id']}").get_json()["last_equity"] == "100200.00"

    intraday = history(trader, account, period="1W", timeframe="15Min")
    assert intraday == {"timestamp": [epoch(2026, 12, 1, 15), epoch(2026, 12, 1, 15, 15), epoch(2026, 12, 1, 21)],
                        "equity": ["100000.00", "100100.00", "100200.00"],
                        "profit_loss": ["0.00", "100.00", "200.00"],
                        "profit_loss_pct": ["0.000000", "0.001000", "0.002000"],
                        "base_value": "100000.00", "timeframe": "15Min"}
    hourly = history(trader, account, period="1D", timeframe="1H")
    assert (hourly["timestamp"], hourly["equity"]) == (
        [epoch(2026, 12, 1, 15, 15), epoch(2026, 12, 1, 21)], ["100100.00", "100200.00"])  # the last of each hour
    daily = history(trader, account)
    assert (daily["timeframe"], daily["timestamp"], daily["profit_loss"]) == (
        "1D", [epoch(2026, 11, 30, 21), epoch(2026, 12, 1, 21)], ["0.00", "200.00"])


def test_intraday_timeframes_reach_back_a_month_and_others_accounts_are_not_found(apps, trader, market):
    account = trader.open()
    bad = trader.call("get", f"/accounts/{account['id']}/portfolio/history",
                      query_string={"period": "1A", "timeframe": "5Min"})
    assert bad.status_code == 422 and "timeframe" in bad.get_json()["errors"]["query"]
    assert history(trader, account)["timestamp"] == []
    other = Trader(apps).call("get", f"/accounts/{account['id']}/portfolio/history")
    assert other.status_code == 404


def test_the_daily_snapshot_is_stamped_at_the_early_close(market):
    with market.app.app_context():
        assert due(utc(2026, 11, 27, 18, 30).timestamp(), 15)["daily"] == utc(2026, 11, 27, 18)  # 13:00 NY
        assert due(utc(2026, 11, 30, 14).timestamp(), 15)["daily"] == utc(2026, 11, 27, 18)
        assert due(utc(2026, 11, 30, 14, 44).timestamp(), 15)["intraday"] == utc(2026, 11, 30, 14, 30)
