"""Orders on the terminal (Alpaca's shape): placing, the pre-trade checks and their codes, the
client_order_id retry, listing, replace and cancel; market orders fill at once on a fresh quote."""
from __future__ import annotations

import pytest

from tests.blueprints.terminal.market import CLOSED_AT, Market
from tests.blueprints.terminal.test_accounts import Trader


@pytest.fixture
def market(apps):
    return Market(apps)


@pytest.fixture
def trader(apps):
    return Trader(apps)


def orders(trader, account: dict) -> str:
    return f"/accounts/{account['id']}/orders"


def place(trader, account: dict, status: int = 201, **body) -> dict:
    order = {"symbol": "AAPL", "qty": "10", "side": "buy", "type": "market", "time_in_force": "day", **body}
    answer = trader.call("post", orders(trader, account), json={k: v for k, v in order.items() if v is not None})
    assert answer.status_code == status, answer.get_json()
    return answer.get_json()


def test_a_market_buy_fills_at_once_on_a_fresh_quote(trader, market):
    market.quote("AAPL", "150.25")
    account = trader.open()
    order = place(trader, account)
    assert (order["status"], order["filled_qty"], order["filled_avg_price"]) == ("filled", "10.000000000", "150.2500000000")
    assert order["symbol"] == "AAPL" and order["quote_ref"] == "fmp:AAPL" and order["asset_class"] == "us_equity"
    assert order["filled_at"] and order["submitted_at"] and order["type"] == "market"
    assert order["expires_at"] == "2026-12-02T21:00:00.000Z"  # 16:00 in New York
    after = trader.call("get", f"/accounts/{account['id']}").get_json()
    assert (after["cash"], after["long_market_value"], after["equity"]) == ("98497.50", "1502.50", "100000.00")
    fill = trader.call("get", f"/accounts/{account['id']}/activities").get_json()[0]
    assert (fill["activity_type"], fill["net_amount"], fill["cash_after"], fill["order_id"]) == (
        "FILL", "-1502.50", "98497.50", order["id"])
    assert (fill["symbol"], fill["side"], fill["qty"], fill["price"]) == ("AAPL", "buy", "10.000000000", "150.2500000000")


def test_a_client_order_id_retried_with_the_same_body_is_the_same_order(trader, market):
    market.quote("AAPL", "100")
    account = trader.open()
    first = place(trader, account, client_order_id="mine-1", type="limit", limit_price="90", time_in_force="gtc")
    again = place(trader, account, status=200, client_order_id="mine-1", type="limit", limit_price="90.0",
                  time_in_force="gtc")
    assert again["id"] == first["id"] and again["client_order_id"] == "mine-1"
    other = place(trader, account, status=422, client_order_id="mine-1", type="limit", limit_price="91",
                  time_in_force="gtc")
    assert other["reason"] == "duplicate_client_order_id"
    found = trader.call("get", f"{orders(trader, account)}/by_client_order_id?client_order_id=mine-1")
    assert found.get_json()["id"] == first["id"]
    assert len(trader.call("get", orders(trader, account)).get_json()) == 1
    assert len(place(trader, account, type="limit", limit_price="80", time_in_force="gtc")["client_order_id"]) == 36


@pytest.mark.parametrize(("body", "status", "reason"), [
    ({"symbol": "NOPE"}, 422, "unknown_symbol"),
    ({"qty": "1000"}, 403, "insufficient_buying_power"),
    ({"side": "sell"}, 403, "insufficient_qty"),
    ({"symbol": "cmc:1", "time_in_force": "day"}, 422, "invalid_time_in_force"),
    ({"symbol": "STALE", "time_in_force": "ioc"}, 422, "stale_quote"),
])
def test_an_order_failing_a_pre_trade_check_is_refused_with_its_code_and_not_stored(trader, market, body, status,
                                                                                    reason):
    market.quote("AAPL", "150")
    market.quote("1", "60000", source="cmc")
    market.quote("STALE", "10", age=market.now - market.now.replace(hour=12))
    account = trader.open()
    assert place(trader, account, status=status, **body)["reason"] == reason
    assert trader.call("get", f"{orders(trader, account)}?status=all").get_json() == []
    assert trader.call("get", f"/accounts/{account['id']}").get_json()["cash"] == "100000.00"


def test_ioc_and_fok_equity_orders_are_refused_outside_trading_hours_and_others_wait(trader, market):
    market.at(CLOSED_AT)
    market.quote("AAPL", "150")
    account = trader.open()
    for tif in ("ioc", "fok"):
        assert place(trader, account, status=422, time_in_force=tif)["reason"] == "market_closed"
    waiting = place(trader, account)
    assert waiting["status"] == "accepted" and waiting["expires_at"] == "2026-12-03T21:00:00.000Z"
    crypto = place(trader, account, symbol="CMC:1", time_in_force="ioc", status=422)
    assert crypto["reason"] == "unknown_symbol"  # no quote for it yet
    market.quote("1", "60000", source="cmc")
    assert place(trader, account, symbol="CMC:1", qty="0.5", time_in_force="ioc")["status"] == "filled"


def test_a_short_sale_needs_a_margin_account(trader, market):
    market.quote("AAPL", "100")
    margin = trader.open(name="Margin", account_type="margin")
    short = place(trader, margin, side="sell", qty="5")
    assert short["status"] == "filled"
    position = trader.call("get", f"/accounts/{margin['id']}/positions/aapl").get_json()
    assert (position["side"], position["qty"], position["cost_basis"]) == ("short", "-5.000000000", "-500.0000000000")
    view = trader.call("get", f"/accounts/{margin['id']}").get_json()
    assert (view["cash"], view["short_market_value"], view["equity"]) == ("100500.00", "-500.00", "100000.00")
    assert view["buying_power"] == "199500.00"  # 2 x equity less the gross market value


def test_lists_filter_by_status_and_page_newest_first(trader, market):
    market.quote("AAPL", "100")
    account = trader.open()
    ids = [place(trader, account, type="limit", limit_price=str(50 + i), time_in_force="gtc")["id"] for i in range(3)]
    filled = place(trader, account)["id"]
    assert [o["id"] for o in trader.call("get", orders(trader, account)).get_json()] == ids[::-1]
    assert [o["id"] for o in trader.call("get", f"{orders(trader, account)}?status=closed").get_json()] == [filled]
    page = trader.call("get", f"{orders(trader, account)}?status=all&limit=2")
    assert [o["id"] for o in page.get_json()] == [filled, ids[2]] and 'rel="next"' in page.headers["Link"]
    assert trader.call("get", f"{orders(trader, account)}?symbols=msft").get_json() == []


def test_replace_links_a_new_order_and_cancel_ends_an_open_one(trader, market):
    market.quote("AAPL", "100")
    account = trader.open()
    old = place(trader, account, type="limit", limit_price="90", time_in_force="gtc")
    new = trader.call("patch", f"{orders(trader, account)}/{old['id']}", json={"limit_price": "95", "qty": "3"})
    assert new.status_code == 200, new.get_json()
    new = new.get_json()
    assert (new["replaces"], new["limit_price"], new["qty"], new["status"]) == (old["id"], "95.0000000000",
                                                                                "3.000000000", "new")
    was = trader.call("get", f"{orders(trader, account)}/{old['id']}").get_json()
    assert (was["status"], was["replaced_by"]) == ("replaced", new["id"]) and was["replaced_at"]
    again = trader.call("patch", f"{orders(trader, account)}/{old['id']}", json={"limit_price": "96"})
    assert again.status_code == 422 and again.get_json()["reason"] == "not_replaceable"
    assert trader.call("patch", f"{orders(trader, account)}/{new['id']}", json={"stop_price": "1"}).status_code == 422
    assert trader.call("delete", f"{orders(trader, account)}/{new['id']}").status_code == 204
    gone = trader.call("delete", f"{orders(trader, account)}/{new['id']}")
    assert gone.status_code == 422 and gone.get_json()["reason"] == "not_cancelable"
    assert trader.call("get", f"{orders(trader, account)}/{new['id']}").get_json()["canceled_at"]


def test_cancel_all_answers_one_result_per_open_order(trader, market):
    market.quote("AAPL", "100")
    account = trader.open()
    ids = [place(trader, account, type="limit", limit_price="50", time_in_force="gtc")["id"] for _ in range(2)]
    answer = trader.call("delete", orders(trader, account))
    assert answer.status_code == 207
    assert [(r["id"], r["status"], r["body"]["status"]) for r in answer.get_json()] == [
        (ids[0], 200, "canceled"), (ids[1], 200, "canceled")]
    assert trader.call("get", f"/accounts/{account['id']}").get_json()["buying_power"] == "100000.00"


def test_another_users_orders_are_not_found(apps, trader, market):
    market.quote("AAPL", "100")
    account = trader.open()
    order = place(trader, account, type="limit", limit_price="50", time_in_force="gtc")
    other = Trader(apps)
    assert other.call("get", f"{orders(trader, account)}/{order['id']}").status_code == 404
    assert other.call("delete", f"{orders(trader, account)}/{order['id']}").status_code == 404
    assert other.call("post", orders(trader, account), json={"symbol": "AAPL", "qty": "1", "side": "buy",
                                                             "type": "market", "time_in_force": "day"}).status_code == 404


@pytest.mark.parametrize("bad", [
    {"qty": None}, {"notional": "100"}, {"type": "limit"}, {"limit_price": "5"}, {"type": "trailing_stop"},
    {"type": "stop", "stop_price": "5", "time_in_force": "ioc"}, {"qty": "0"}, {"qty": "1.0000000001"},
    {"client_order_id": "x" * 49}, {"symbol": "AAPL\n"}, {"type": "limit", "limit_price": "1", "notional": "5"},
])
def test_inconsistent_orders_are_422(trader, market, bad):
    market.quote("AAPL", "100")
    account = trader.open()
    body = {"symbol": "AAPL", "qty": "1", "side": "buy", "type": "market", "time_in_force": "day", **bad}
    body = {k: v for k, v in body.items() if v is not None}
    assert trader.call("post", orders(trader, account), json=body).status_code == 422


def test_a_fourth_day_trade_in_five_days_under_25000_of_equity_is_refused(trader, market):
    market.quote("AAPL", "100")
    market.quote("1", "100", source="cmc")
    small, rich = trader.open(name="Small", starting_cash="10000"), trader.open(name="Rich")
    for account in (small, rich):
        for _ in range(3):
            assert place(trader, account, qty="1")["status"] == place(trader, account, qty="1", side="sell")["status"]
        place(trader, account, qty="2")
    assert place(trader, small, status=403, qty="1", side="sell")["reason"] == "pattern_day_trader"
    place(trader, rich, qty="1", side="sell")
    views = [trader.call("get", f"/accounts/{a['id']}").get_json() for a in (small, rich)]
    assert [(v["daytrade_count"], v["pattern_day_trader"]) for v in views] == [(3, False), (4, True)]
    for _ in range(2):  # crypto is exempt
        place(trader, small, symbol="cmc:1", time_in_force="gtc", qty="1")
        place(trader, small, symbol="cmc:1", time_in_force="gtc", qty="1", side="sell")
    market.at(market.now.replace(day=3))  # the next day: selling what was bought yesterday is no day trade
    market.quote("AAPL", "100")
    assert place(trader, small, qty="1", side="sell")["status"] == "filled"
    fills = trader.call("get", f"/accounts/{small['id']}/activities").get_json()
    assert [f["day_trade"] for f in fills[:2]] == [False, False]


def test_open_orders_hold_back_buying_power_until_they_end(trader, market):
    market.quote("AAPL", "100")
    account = trader.open(starting_cash="1000")
    order = place(trader, account, qty="6", type="limit", limit_price="90", time_in_force="gtc")
    assert trader.call("get", f"/accounts/{account['id']}").get_json()["buying_power"] == "460.00"
    assert place(trader, account, qty="5", type="limit", limit_price="95", status=403)["reason"] == (
        "insufficient_buying_power")
    trader.call("delete", f"/accounts/{account['id']}/orders/{order['id']}")
    assert trader.call("get", f"/accounts/{account['id']}").get_json()["buying_power"] == "1000.00"


def test_order_events_are_logged_with_each_change_and_read_after_a_cursor(trader, market):
    market.quote("AAPL", "100")
    account = trader.open()
    bought = place(trader, account, qty="2")
    waiting = place(trader, account, type="limit", limit_price="90", time_in_force="gtc")
    replaced = trader.call("patch", f"{orders(trader, account)}/{waiting['id']}", json={"limit_price": "91"})
    trader.call("delete", f"{orders(trader, account)}/{replaced.get_json()['id']}")
    events = f"/accounts/{account['id']}/events"
    log = trader.call("get", events).get_json()
    assert [(e["event"], e["order_id"]) for e in log] == [
        ("new", bought["id"]), ("fill", bought["id"]), ("new", waiting["id"]),
        ("new", replaced.get_json()["id"]), ("replaced", waiting["id"]), ("canceled", replaced.get_json()["id"])]
    assert (log[1]["qty"], log[1]["price"], log[1]["position_qty"]) == ("2.000000000", "100.0000000000", "2.000000000")
    page = trader.call("get", f"{events}?since={log[1]['id']}&limit=2")
    assert [e["id"] for e in page.get_json()] == [log[2]["id"], log[3]["id"]]
    assert f"since={log[3]['id']}" in page.headers["Link"]
    assert trader.call("get", f"{events}?since={log[-1]['id']}").get_json() == []
    trader.call("post", f"/accounts/{account['id']}/reset")
    assert trader.call("get", f"{events}?since={log[-1]['id']}").get_json() == []  # nothing was open


def test_a_resting_order_is_answered_as_it_is_stored(trader, market):
    market.quote("AAPL", "100")
    account = trader.open(account_type="margin")
    for body in ({"type": "limit", "limit_price": "90.5"}, {"type": "trailing_stop", "trail_percent": "2.5"},
                 {"type": "stop_limit", "stop_price": "120", "limit_price": "121", "qty": "0.5"}):
        placed = place(trader, account, time_in_force="gtc", **body)
        assert trader.call("get", f"{orders(trader, account)}/{placed['id']}").get_json() == placed


def test_closing_every_position_reports_each_one_and_a_refusal_leaves_the_others_closed(trader, market):
    market.quote("AAPL", "100")
    gone = market.quote("MSFT", "50")
    account = trader.open()
    place(trader, account, qty="2")
    place(trader, account, symbol="MSFT", qty="3")
    market.redis.hdel("axa:quote:json", gone)  # MSFT's quote is gone: its close is refused
    answer = trader.call("delete", f"/accounts/{account['id']}/positions")
    assert answer.status_code == 207
    results = {r["symbol"]: r for r in answer.get_json()}
    assert (results["AAPL"]["status"], results["AAPL"]["body"]["status"]) == (200, "filled")
    assert (results["MSFT"]["status"], results["MSFT"]["reason"], results["MSFT"]["body"]) == (
        422, "unknown_symbol", None)
    held = trader.call("get", f"/accounts/{account['id']}/positions").get_json()
    assert [(p["symbol"], p["qty"]) for p in held] == [("MSFT", "3.000000000")]
