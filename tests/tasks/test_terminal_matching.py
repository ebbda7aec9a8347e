"""``terminal.matching.match_quotes`` on quotes written through the latest-quote contract: every
order type and time in force, the fill models, P&L, exactly one fill with matchers racing or a task
redelivered, and the ingest graphs announcing the refs of each quote batch."""
from __future__ import annotations

import importlib
import json
import threading
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from axa.clients.records import QuoteRecord
from axa.models import stocks as m
from axa.models.terminal import Activity, db, matching
from axa.platform import celery_app
from axa.platform.redis_client import client_for
from axa.tasks.ingest import Dataset, Stored
from axa.tasks.stocks.format import store_batch
from tests.blueprints.terminal.market import CLOSED_AT, OPEN_AT, Market
from tests.blueprints.terminal.test_accounts import Trader
from tests.blueprints.terminal.test_orders import place


@pytest.fixture
def market(apps):
    return Market(apps)


@pytest.fixture
def trader(apps):
    return Trader(apps)


def order_of(trader, account: dict, order: dict) -> dict:
    return trader.call("get", f"/accounts/{account['id']}/orders/{order['id']}").get_json()


def account_of(trader, account: dict) -> dict:
    return trader.call("get", f"/accounts/{account['id']}").get_json()


def test_a_limit_order_waits_for_the_price_to_cross_and_fills_at_the_last_price(trader, market):
    market.quote("AAPL", "100")
    account = trader.open()
    buy = place(trader, account, type="limit", limit_price="95", time_in_force="gtc")
    assert buy["status"] == "new"
    assert market.match(market.quote("AAPL", "96")) == {}
    assert order_of(trader, account, buy)["status"] == "new"
    assert market.match(market.quote("AAPL", "94.5")) == {"filled": 1}
    filled = order_of(trader, account, buy)
    assert (filled["status"], filled["filled_avg_price"]) == ("filled", "94.5000000000")
    sell = place(trader, account, type="limit", side="sell", limit_price="99", time_in_force="gtc")
    assert market.match(market.quote("AAPL", "98")) == {}
    assert market.match(market.quote("AAPL", "99.25")) == {"filled": 1}
    assert order_of(trader, account, sell)["filled_avg_price"] == "99.2500000000"
    fills = [a for a in trader.call("get", f"/accounts/{account['id']}/activities").get_json()
             if a["activity_type"] == "FILL"]
    assert [(f["side"], f["net_amount"], f["realized_pl"]) for f in fills] == [
        ("sell", "992.50", "47.50"), ("buy", "-945.00", "0.00")]
    assert account_of(trader, account)["cash"] == "100047.50"


def test_a_stop_order_fills_at_market_once_the_stop_is_reached(trader, market):
    market.quote("AAPL", "100")
    account = trader.open()
    place(trader, account, qty="4")
    stop = place(trader, account, type="stop", side="sell", qty="4", stop_price="90", time_in_force="gtc")
    assert market.match(market.quote("AAPL", "91")) == {}
    assert market.match(market.quote("AAPL", "88")) == {"filled": 1}
    assert order_of(trader, account, stop)["filled_avg_price"] == "88.0000000000"
    assert trader.call("get", f"/accounts/{account['id']}/positions").get_json() == []


def test_a_stop_limit_order_becomes_a_limit_when_the_stop_is_reached(trader, market):
    market.quote("AAPL", "100")
    account = trader.open()
    order = place(trader, account, type="stop_limit", stop_price="105", limit_price="106", time_in_force="gtc")
    assert market.match(market.quote("AAPL", "107")) == {"moved": 1}  # triggered, above the limit
    assert market.match(market.quote("AAPL", "104")) == {"filled": 1}  # a limit now, whatever the stop
    assert order_of(trader, account, order)["filled_avg_price"] == "104.0000000000"


def test_a_trailing_stop_follows_the_best_price_and_fills_when_it_comes_back(trader, market):
    market.quote("AAPL", "100")
    account = trader.open()
    place(trader, account, qty="2")
    trail = place(trader, account, type="trailing_stop", side="sell", qty="2", trail_percent="10", time_in_force="gtc")
    assert (trail["hwm"], trail["stop_price"]) == ("100.0000000000", "90.0000000000")
    assert market.match(market.quote("AAPL", "120")) == {"moved": 1}
    moved = order_of(trader, account, trail)
    assert (moved["hwm"], moved["stop_price"]) == ("120.0000000000", "108.0000000000")
    assert market.match(market.quote("AAPL", "109")) == {}
    assert market.match(market.quote("AAPL", "107.5")) == {"filled": 1}
    buy = place(trader, account, type="trailing_stop", qty="1", trail_price="5", time_in_force="gtc")
    assert market.match(market.quote("AAPL", "101")) == {"moved": 1}
    assert market.match(market.quote("AAPL", "106.5")) == {"filled": 1}
    assert order_of(trader, account, buy)["status"] == "filled"


def test_market_orders_wait_for_the_open_and_for_a_fresh_quote(trader, market):
    market.at(CLOSED_AT)
    market.quote("AAPL", "100")
    account = trader.open()
    gtc = place(trader, account, time_in_force="gtc")
    assert gtc["status"] == "accepted"
    assert market.match("fmp:AAPL") == {}
    market.at(CLOSED_AT + timedelta(hours=15, minutes=31))  # the next day, 09:31 in New York
    stale = market.quote("AAPL", "101", age=timedelta(hours=2))  # written, but past its freshness
    assert market.match(stale) == {} and order_of(trader, account, gtc)["status"] == "accepted"
    assert market.match(market.quote("AAPL", "102")) == {"filled": 1}
    assert order_of(trader, account, gtc)["filled_avg_price"] == "102.0000000000"


def test_day_orders_expire_at_the_close_and_gtc_orders_stay(trader, market):
    market.quote("AAPL", "100")
    account = trader.open()
    day = place(trader, account, type="limit", limit_price="50")
    gtc = place(trader, account, type="limit", limit_price="50", time_in_force="gtc")
    other = place(trader, account, type="limit", limit_price="50", symbol="cmc:1", status=422)
    assert other["reason"] == "unknown_symbol"
    market.at(OPEN_AT.replace(hour=21, minute=0))
    assert market.match(market.quote("AAPL", "99")) == {"expired": 1}
    assert order_of(trader, account, day)["status"] == "expired"
    assert order_of(trader, account, gtc)["status"] == "new"
    late = place(trader, account, type="limit", limit_price="50")  # placed after the close: the next one
    market.at(OPEN_AT + timedelta(days=1, hours=7))
    assert market.expire() == 1 and order_of(trader, account, late)["expired_at"]
    events = trader.call("get", f"/accounts/{account['id']}/events").get_json()
    assert [(e["event"], e["order_id"]) for e in events if e["event"] == "expired"] == [
        ("expired", day["id"]), ("expired", late["id"])]


def test_ioc_and_fok_fill_at_once_or_are_canceled(trader, market):
    market.quote("AAPL", "100")
    account = trader.open()
    assert place(trader, account, type="limit", limit_price="99", time_in_force="ioc")["status"] == "canceled"
    assert place(trader, account, type="limit", limit_price="101", time_in_force="fok")["status"] == "filled"
    assert place(trader, account, time_in_force="fok")["status"] == "filled"
    assert place(trader, account, time_in_force="ioc", side="sell", qty="20")["status"] == "filled"


def test_the_realistic_model_buys_at_the_ask_and_charges_fees(trader, market):
    market.quote("AAPL", "100", bid="99.9", ask="100.1")
    account = trader.open(fill_model="realistic")
    order = place(trader, account, qty="300")
    assert order["filled_avg_price"] == "100.1000000000"
    assert account_of(trader, account)["cash"] == "69968.50"  # 300 x 100.1 and 300 x 0.005 in fees
    market.quote("1", "60000", source="cmc")
    coin = place(trader, account, symbol="cmc:1", qty=None, notional="600", time_in_force="gtc")
    assert (coin["filled_avg_price"], coin["filled_qty"]) == ("60030.0000000000", "0.009995002")


def test_positions_carry_market_value_and_unrealized_pl_on_the_latest_quote(trader, market):
    market.quote("AAPL", "100")
    account = trader.open()
    place(trader, account, qty="10")
    place(trader, account, qty="10", type="limit", limit_price="100")
    market.match(market.quote("AAPL", "110", change="2"))
    position = trader.call("get", f"/accounts/{account['id']}/positions").get_json()[0]
    assert (position["qty"], position["avg_entry_price"], position["market_value"]) == (
        "20.000000000", "100.0000000000", "2200.00")
    assert (position["unrealized_pl"], position["unrealized_plpc"], position["unrealized_intraday_pl"]) == (
        "200.00", "0.100000", "40.00")
    assert account_of(trader, account)["equity"] == "100200.00"
    closing = trader.call("delete", f"/accounts/{account['id']}/positions/AAPL").get_json()
    assert (closing["side"], closing["qty"], closing["status"]) == ("sell", "20.000000000", "filled")
    assert account_of(trader, account)["cash"] == "100200.00"


def test_a_cash_account_fill_that_would_overspend_is_rejected(trader, market):
    market.quote("AAPL", "90")
    account = trader.open(starting_cash="1000")
    order = place(trader, account, qty="10", type="stop", stop_price="100", time_in_force="gtc")
    assert market.match(market.quote("AAPL", "120")) == {"rejected": 1}
    rejected = order_of(trader, account, order)
    assert (rejected["status"], rejected["fail_reason"]) == ("rejected", "insufficient_buying_power")
    assert account_of(trader, account)["cash"] == "1000.00"


def run_racing(market, ref: str, racers: int = 4) -> list:
    """``racers`` matchers on ``ref`` at once, each in its own thread, session and connection."""
    barrier, results = threading.Barrier(racers), []

    def race():
        with market.app.app_context():
            barrier.wait()
            results.append(matching.match(client_for(market.app.config["AXA"].redis_url), [ref], market.now.timestamp()))
    threads = [threading.Thread(target=race) for _ in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_racing_matchers_and_a_redelivered_task_fill_each_order_once(apps, trader, market):
    market.quote("AAPL", "100")
    accounts = [trader.open(name=f"A{i}") for i in range(2)]
    ids = [place(trader, account, qty="1", type="limit", limit_price="95", time_in_force="gtc")["id"]
           for account in accounts for _ in range(10)]
    ref = market.quote("AAPL", "94")
    results = run_racing(market, ref)
    assert sum(r.get("filled", 0) for r in results) == len(ids)
    assert market.match(ref) == {}  # a redelivery finds nothing open
    with apps["terminal"].app_context():
        fills = db.session.scalar(select(func.count()).where(Activity.activity_type == "FILL"))
    assert fills == len(ids)
    assert [account_of(trader, a)["cash"] for a in accounts] == ["99060.00", "99060.00"]


def test_a_quote_batch_of_the_stocks_ingest_fills_the_orders_of_its_symbols(apps, trader, market):
    t0 = OPEN_AT + timedelta(minutes=5)
    market.at(t0)
    market.quote("AAA", "10")
    account = trader.open()
    order = place(trader, account, symbol="AAA", type="limit", limit_price="9", time_in_force="gtc")
    terminal = celery_app.flask_app_for("terminal")  # the app the eager task runs in from stocks
    terminal.config["AXA_CLOCK"] = lambda: (t0 + timedelta(seconds=62)).timestamp()
    row = {"symbol": "AAA", "name": "AAA", "price": 8.5, "changePercentage": 0.5, "change": 0.1, "volume": 1000,
           "marketCap": 10**9, "exchange": "NASDAQ", "open": 8.5, "previousClose": 8.4,
           "timestamp": int((t0 + timedelta(seconds=60)).timestamp())}
    try:
        with apps["stocks"].app_context():
            run = m.IngestRun.start("fmp.quotes", "fmp", "test", {}, batches=1)
            m.db.session.commit()
            store_batch({"run_id": run.id, "dataset": "fmp.quotes", "batch_no": 0,
                         "params": {"symbols": ["AAA"], "batch_size": 100}, "bodies": [json.dumps([row])],
                         "fetched_at": (t0 + timedelta(seconds=61)).astimezone(UTC).isoformat(),
                         "credit_count": 0})
    finally:
        terminal.config.pop("AXA_CLOCK", None)
    filled = order_of(trader, account, order)
    assert (filled["status"], filled["filled_avg_price"]) == ("filled", "8.5000000000")
    assert datetime.fromisoformat(filled["filled_at"].replace("Z", "+00:00")) == t0 + timedelta(seconds=62)


def test_fills_in_one_batch_that_close_and_reopen_a_position_leave_it_right(trader, market):
    market.quote("AAPL", "100")
    reopened, opened, closed = (trader.open(name=name, account_type="margin") for name in ("R", "O", "C"))
    for account in (reopened, closed):
        assert place(trader, account, qty="5")["status"] == "filled"
    market.at(CLOSED_AT)  # the orders wait for the open, then fill in one batch, in id order
    for account, sells, buys in ((reopened, "5", "2"), (opened, "3", "3"), (closed, "5", None)):
        if account is opened:
            place(trader, account, qty=buys, type="limit", limit_price="101", time_in_force="gtc")
        place(trader, account, qty=sells, side="sell", type="limit", limit_price="99", time_in_force="gtc")
        if account is reopened:
            place(trader, account, qty=buys, type="limit", limit_price="101", time_in_force="gtc")
    market.at(OPEN_AT + timedelta(days=1))
    assert market.match(market.quote("AAPL", "100")) == {"filled": 5}
    positions = {a["name"]: trader.call("get", f"/accounts/{a['id']}/positions").get_json()
                 for a in (reopened, opened, closed)}
    assert [(p["qty"], p["cost_basis"]) for p in positions["R"]] == [("2.000000000", "200.0000000000")]
    assert positions["O"] == [] and positions["C"] == []  # O's was opened and closed in the batch


@pytest.mark.parametrize("subsystem", ["stocks", "cmc"])
def test_each_quote_batch_written_announces_its_refs_and_a_batch_writing_nothing_does_not(
        apps, monkeypatch, subsystem):
    module = importlib.import_module(f"axa.tasks.{subsystem}.format")
    announced = []
    monkeypatch.setattr(module, "announce_quotes", announced.append)
    source = "fmp" if subsystem == "stocks" else "cmc"
    now = datetime.now(UTC)

    def batch(as_of: datetime) -> list:
        return [QuoteRecord(source=source, source_instrument_id=ident, price=Decimal("1"), price_unit="currency",
                            as_of=as_of, as_of_precision="instant", fetched_at=now, raw_ref="test")
                for ident in ("A", "B")]
    dataset = Dataset(f"{source}.quotes", source, "quotes", "poll", lambda params: [params], 60.0, fresh_for=120)
    with apps[subsystem].app_context():
        module.publish_latest(dataset, Stored(2, batch(now)))
        module.publish_latest(dataset, Stored(2, batch(now - timedelta(minutes=1))))  # older: not written
    assert announced == [[f"{source}:A", f"{source}:B"]]


def test_cancels_racing_a_matcher_end_each_order_once_without_deadlock(apps, trader, market):
    market.quote("AAPL", "100")
    account = trader.open()
    ids = [place(trader, account, qty="1", type="limit", limit_price="95", time_in_force="gtc")["id"]
           for _ in range(12)]
    ref, barrier, answers = market.quote("AAPL", "94"), threading.Barrier(2), []

    def cancel_all_one_by_one():
        barrier.wait()
        answers.extend(trader.call("delete", f"/accounts/{account['id']}/orders/{i}").status_code for i in ids)

    def match():
        with market.app.app_context():
            barrier.wait()
            matching.match(client_for(market.app.config["AXA"].redis_url), [ref], market.now.timestamp())
    threads = [threading.Thread(target=cancel_all_one_by_one), threading.Thread(target=match)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    statuses = [order_of(trader, account, {"id": i})["status"] for i in ids]
    assert set(statuses) <= {"filled", "canceled"} and set(answers) <= {204, 422}
    assert answers.count(204) == statuses.count("canceled")
    fills = [a for a in trader.call("get", f"/accounts/{account['id']}/activities").get_json()
             if a["activity_type"] == "FILL"]
    assert len(fills) == statuses.count("filled")
    assert account_of(trader, account)["cash"] == f"{100000 - 94 * statuses.count('filled')}.00"
