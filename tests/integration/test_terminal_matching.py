"""Paper orders matched by a real worker on the real broker, on quotes written through the Redis
contract: every order type, and ``gtc`` / ``ioc`` / ``fok``, fill when a quote batch announces a
price that crosses (a coin, so it trades whatever the time of the run; ``day`` orders and the US
market calendar are covered with a set clock in tests/tasks/test_terminal_matching.py); the same
batch announced many times at once, matched by two worker processes, fills each order once."""
from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import func, insert, select

from axa.clients.records import QuoteRecord
from axa.models import latest_quotes
from axa.models.terminal import Activity, Order, db
from axa.platform.redis_client import client_for
from axa.tasks.terminal.matching import announce_quotes
from tests.blueprints.terminal.test_accounts import Trader
from tests.integration.conftest import consumer_counts, rabbitmq_redelivery, wait_until

COIN = "cmc:1"


def write_quote(app, price: str) -> None:
    """A coin quote written as the cmc ingest writes it, then announced as its batch would be."""
    now = datetime.now(UTC)
    record = QuoteRecord(source="cmc", source_instrument_id="1", price=Decimal(price), price_unit="currency",
                         as_of=now, as_of_precision="instant", fetched_at=now, raw_ref="test", quote_currency="USD")
    latest_quotes.write(client_for(app.config["AXA"].redis_url), [record], "cmc.quotes", 600)
    announce_quotes([COIN])


def status_of(trader, account: dict, order: dict) -> str:
    return trader.call("get", f"/accounts/{account['id']}/orders/{order['id']}").get_json()["status"]


def place(trader, account: dict, **body) -> dict:
    order = {"symbol": COIN, "qty": "1", "side": "buy", "type": "market", "time_in_force": "gtc", **body}
    answer = trader.call("post", f"/accounts/{account['id']}/orders", json=order)
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


def filled(trader, account: dict, *orders: dict) -> None:
    for order in orders:
        wait_until(lambda o=order: status_of(trader, account, o) == "filled", 10.0, f"{order['type']} filled")


def test_every_order_type_and_time_in_force_fills_through_the_worker(platform):
    trader = Trader(platform)
    write_quote(platform["terminal"], "100")
    account = trader.open(account_type="margin")
    filled(trader, account, place(trader, account, qty="5"))  # a market order: at once, announced by its placement
    ioc = place(trader, account, type="limit", limit_price="101", time_in_force="ioc")
    fok = place(trader, account, time_in_force="fok")
    gone = place(trader, account, type="limit", limit_price="90", time_in_force="ioc")
    filled(trader, account, ioc, fok)
    wait_until(lambda: status_of(trader, account, gone) == "canceled", 10.0, "an ioc that cannot fill canceled")
    waiting = [place(trader, account, type="limit", limit_price="95"),
               place(trader, account, type="stop", side="sell", stop_price="96"),
               place(trader, account, type="stop_limit", side="sell", stop_price="97", limit_price="94"),
               place(trader, account, type="trailing_stop", side="sell", trail_price="3")]
    assert [status_of(trader, account, order) for order in waiting] == ["new"] * 4
    write_quote(platform["terminal"], "95")
    filled(trader, account, *waiting)
    view = trader.call("get", f"/accounts/{account['id']}/positions/{COIN}").get_json()
    assert view["qty"] == "5.000000000"  # 5 + 1 + 1 + 1 bought, 3 sold


def test_one_batch_announced_many_times_at_once_fills_each_order_once(platform):
    trader = Trader(platform)
    write_quote(platform["terminal"], "100")
    account = trader.open()
    orders = [place(trader, account, type="limit", limit_price="95") for _ in range(20)]
    now = datetime.now(UTC)
    record = QuoteRecord(source="cmc", source_instrument_id="1", price=Decimal("94"), price_unit="currency",
                         as_of=now, as_of_precision="instant", fetched_at=now, raw_ref="test", quote_currency="USD")
    latest_quotes.write(client_for(platform["terminal"].config["AXA"].redis_url), [record], "cmc.quotes", 600)
    for _ in range(10):
        announce_quotes([COIN])
    filled(trader, account, *orders)
    assert fills(platform) == len(orders)
    assert trader.call("get", f"/accounts/{account['id']}").get_json()["cash"] == "98120.00"


KILL_ORDERS = 4000  # settled 200 to a transaction: long enough to kill the worker mid-way


@rabbitmq_redelivery
def test_a_worker_killed_mid_matching_loses_no_fill_and_doubles_none(platform, worker):
    trader = Trader(platform)
    write_quote(platform["terminal"], "100")
    account = trader.open(starting_cash="1000000")
    with platform["terminal"].app_context():
        db.session.execute(insert(Order), [
            {"account_id": account["id"], "client_order_id": f"bulk-{i}", "request_hash": "-", "symbol": COIN,
             "quote_ref": COIN, "asset_class": "crypto", "side": "buy", "order_type": "limit", "time_in_force": "gtc",
             "qty": 1, "limit_price": 95, "reserved": 95, "status": "new", "filled_qty": 0, "stop_triggered": False}
            for i in range(KILL_ORDERS)])
        db.session.commit()
    write_quote(platform["terminal"], "94")
    wait_until(lambda: fills(platform) > 0, 10.0, "the first fills")
    worker.kill()
    wait_until(lambda: sum(consumer_counts().values()) == 0, 5.0, "the broker saw the worker die")
    assert fills(platform) < KILL_ORDERS, "matching ended before the kill: raise KILL_ORDERS"
    worker.start()
    wait_until(lambda: fills(platform) == KILL_ORDERS, 60.0, "every order filled after the redelivery")
    with platform["terminal"].app_context():
        open_left = db.session.scalar(select(func.count()).where(Order.status != "filled"))
    assert open_left == 0 and fills(platform) == KILL_ORDERS
    assert trader.call("get", f"/accounts/{account['id']}").get_json()["cash"] == f"{1000000 - 94 * KILL_ORDERS}.00"


def fills(platform) -> int:
    with platform["terminal"].app_context():
        return db.session.scalar(select(func.count()).where(Activity.activity_type == "FILL"))
