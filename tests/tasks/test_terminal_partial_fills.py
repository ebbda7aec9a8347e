"""Partial fills of the realistic fill model: at most AXA_TERMINAL_FILL_MAX_QTY of an order per
quote, the rest on the next quotes (``partially_filled``, ``filled_qty``, the weighted
``filled_avg_price``, a FILL activity and a ``partial_fill`` event each); one quote's liquidity is
taken once however often it is matched or however many matchers race; ``fok`` never fills in part,
``ioc`` cancels its rest. Matching runs on quotes written through the latest-quote contract."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from axa.models.terminal import Activity, db
from axa.models.terminal.settings import TerminalSettings
from tests.blueprints.terminal.market import Market
from tests.blueprints.terminal.test_accounts import Trader
from tests.blueprints.terminal.test_orders import place
from tests.tasks.test_terminal_matching import account_of, order_of, run_racing


@pytest.fixture
def market(apps):
    apps["terminal"].extensions["terminal"] = TerminalSettings(fill_max_qty=100)
    yield Market(apps)
    apps["terminal"].extensions.pop("terminal", None)


@pytest.fixture
def trader(apps):
    return Trader(apps)


def events_of(trader, account: dict) -> list[tuple]:
    events = trader.call("get", f"/accounts/{account['id']}/events").get_json()
    return [(e["event"], e["qty"]) for e in events]


def fills(market) -> int:
    with market.app.app_context():
        return db.session.scalar(select(func.count()).where(Activity.activity_type == "FILL"))


def test_a_large_order_fills_over_several_quotes_at_their_prices(trader, market):
    market.quote("AAPL", "100", bid="99.9", ask="100.1")
    account = trader.open(fill_model="realistic")
    order = place(trader, account, qty="250", time_in_force="gtc")
    assert (order["status"], order["filled_qty"], order["filled_avg_price"]) == (
        "partially_filled", "100.000000000", "100.1000000000")
    assert market.match("fmp:AAPL") == {}  # the same quote again (a redelivered task): nothing more
    assert market.match(market.quote("AAPL", "101", bid="100.9", ask="101.1")) == {"partially_filled": 1}
    assert market.match(market.quote("AAPL", "102", bid="101.9", ask="102.1")) == {"filled": 1}
    done = order_of(trader, account, order)
    assert (done["status"], done["filled_qty"], done["filled_avg_price"]) == (
        "filled", "250.000000000", "100.9000000000")  # (100 x 100.1 + 100 x 101.1 + 50 x 102.1) / 250
    assert [e for e in events_of(trader, account) if e[0] != "new"] == [
        ("partial_fill", "100.000000000"), ("partial_fill", "100.000000000"), ("fill", "50.000000000")]
    assert account_of(trader, account)["cash"] == "74772.00"  # 25225 and 3 x 1.00 in fees
    position = trader.call("get", f"/accounts/{account['id']}/positions/AAPL").get_json()
    assert (position["qty"], position["avg_entry_price"]) == ("250.000000000", "100.9000000000")


def test_the_alpaca_model_fills_whole(trader, market):
    market.quote("AAPL", "100")
    account = trader.open()
    assert place(trader, account, qty="250")["status"] == "filled"


def test_fok_never_fills_in_part_and_ioc_cancels_its_rest(trader, market):
    market.quote("AAPL", "100", bid="99.9", ask="100.1")
    account = trader.open(fill_model="realistic")
    fok = place(trader, account, qty="250", time_in_force="fok")
    assert (fok["status"], fok["filled_qty"]) == ("canceled", "0.000000000")
    ioc = place(trader, account, qty="250", time_in_force="ioc")
    assert (ioc["status"], ioc["filled_qty"], ioc["filled_avg_price"]) == (
        "canceled", "100.000000000", "100.1000000000")
    assert [e[0] for e in events_of(trader, account)] == ["new", "canceled", "new", "partial_fill", "canceled"]
    assert fills(market) == 1


def test_racing_matchers_take_a_quotes_liquidity_once(trader, market):
    market.quote("AAPL", "100", bid="99.9", ask="100.1")
    account = trader.open(fill_model="realistic")
    order = place(trader, account, qty="1000", type="limit", limit_price="99", time_in_force="gtc")
    ref = market.quote("AAPL", "98", bid="97.9", ask="98.1")
    results = run_racing(market, ref)
    assert sorted(r.get("partially_filled", 0) for r in results) == [0, 0, 0, 1]
    assert order_of(trader, account, order)["filled_qty"] == "100.000000000" and fills(market) == 1


def test_canceling_a_partly_filled_order_keeps_its_fills_and_frees_the_rest(trader, market):
    market.quote("AAPL", "100", bid="99.9", ask="100.1")
    account = trader.open(fill_model="realistic", starting_cash="30000")
    order = place(trader, account, qty="200", type="limit", limit_price="101", time_in_force="gtc")
    assert order["status"] == "partially_filled"
    assert account_of(trader, account)["buying_power"] == "9889.00"  # 30000 - 10010 - 1.00 - 100 x 101 held
    left = place(trader, account, qty="100", type="limit", limit_price="200", time_in_force="gtc", status=403)
    assert left["reason"] == "insufficient_buying_power"  # 100 x 101 still held back by the order
    canceled = trader.call("delete", f"/accounts/{account['id']}/orders/{order['id']}")
    assert canceled.status_code in (200, 204)
    view = order_of(trader, account, order)
    assert (view["status"], view["filled_qty"]) == ("canceled", "100.000000000")
    assert place(trader, account, qty="90", type="limit", limit_price="200", time_in_force="gtc")["status"] == "filled"
