"""The terminal's order and position operations on a real account with a quote in the latest-quote
contract (generated ids rarely exist, so test_specs.py mostly sees their 404): each answers its
success status and holds its spec. The coin trades around the clock, so its orders fill whenever
the test runs."""
from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from axa.clients.records import QuoteRecord
from axa.models import latest_quotes
from axa.platform.redis_client import client_for
from tests.conftest import bearer, login, register
from tests.openapi.test_terminal_accounts import call

ORDERS = "/api/v1/accounts/{account_id}/orders"
POSITIONS = "/api/v1/accounts/{account_id}/positions"
COIN = "cmc:999001"


@pytest.fixture(scope="module")
def trader(callers):
    auth = callers.market.apps["auth"].test_client(use_cookies=False)
    assert register(auth, email="order-trader@example.com").status_code == 201
    return bearer(login(auth, email="order-trader@example.com").get_json()["session_id"])


def write_quote(app, price: str) -> None:
    now = datetime.now(UTC)
    record = QuoteRecord(source="cmc", source_instrument_id="999001", price=Decimal(price), price_unit="currency",
                         as_of=now, as_of_precision="instant", fetched_at=now, raw_ref="test", quote_currency="USD")
    latest_quotes.write(client_for(app.config["AXA"].redis_url), [record], "cmc.quotes", 600)


def test_every_order_and_position_operation_on_a_real_account_holds_its_spec(callers, trader):
    write_quote(callers.market.apps["terminal"], "100")
    account = call("POST", "/api/v1/accounts", 201, trader, body={"name": "Orders", "account_type": "margin"}).json()
    on = {"path_parameters": {"account_id": account["id"]}}
    body = {"symbol": COIN, "qty": "2", "side": "buy", "type": "market", "time_in_force": "gtc",
            "client_order_id": "spec-1"}
    bought = call("POST", ORDERS, 201, trader, body=body, **on).json()
    assert call("POST", ORDERS, 200, trader, body=body, **on).json()["id"] == bought["id"]
    limit = call("POST", ORDERS, 201, trader, body={**body, "type": "limit", "limit_price": "50",
                                                    "client_order_id": "spec-2"}, **on).json()
    one = {"path_parameters": {"account_id": account["id"], "order_id": limit["id"]}}
    assert call("GET", f"{ORDERS}/{{order_id}}", 200, trader, **one).json()["status"] == "new"
    call("GET", f"{ORDERS}/by_client_order_id", 200, trader, query={"client_order_id": "spec-2"}, **on)
    assert len(call("GET", ORDERS, 200, trader, query={"status": "all", "limit": 5}, **on).json()) == 2
    new = call("PATCH", f"{ORDERS}/{{order_id}}", 200, trader, body={"limit_price": "60"}, **one).json()
    call("PATCH", f"{ORDERS}/{{order_id}}", 422, trader, body={"limit_price": "61"}, **one)
    replaced = {"path_parameters": {"account_id": account["id"], "order_id": new["id"]}}
    call("DELETE", f"{ORDERS}/{{order_id}}", 204, trader, **replaced)
    call("DELETE", f"{ORDERS}/{{order_id}}", 422, trader, **replaced)
    call("POST", ORDERS, 201, trader, body={**body, "type": "limit", "limit_price": "50", "client_order_id": "x"}, **on)
    assert len(call("DELETE", ORDERS, 207, trader, **on).json()) == 1
    call("POST", ORDERS, 422, trader, body={**body, "symbol": "NO-SUCH-SYMBOL", "client_order_id": "y"}, **on)
    held = call("GET", POSITIONS, 200, trader, **on).json()
    assert [(p["symbol"], p["qty"]) for p in held] == [(COIN, "2.000000000")]
    by_symbol = {"path_parameters": {"account_id": account["id"], "symbol": COIN}}
    assert call("GET", f"{POSITIONS}/{{symbol}}", 200, trader, **by_symbol).json()["market_value"] == "200.00"
    assert call("DELETE", f"{POSITIONS}/{{symbol}}", 200, trader, **by_symbol).json()["side"] == "sell"
    call("POST", ORDERS, 201, trader, body={**body, "side": "sell", "client_order_id": "short"}, **on)
    closed = call("DELETE", POSITIONS, 207, trader, **on).json()
    assert [(c["body"]["side"], c["body"]["status"]) for c in closed] == [("buy", "filled")]
    call("GET", f"{POSITIONS}/{{symbol}}", 404, trader, **by_symbol)
    events = call("GET", "/api/v1/accounts/{account_id}/events", 200, trader, query={"limit": 2}, **on)
    assert [e["event"] for e in events.json()] == ["new", "fill"] and "next" in events.headers["link"][0]
    streamed = call("GET", "/api/v1/accounts/{account_id}/events/stream", 200, trader, query={"since": 1}, **on)
    assert streamed.text.startswith("retry: ") and "event: fill" in streamed.text  # nothing open: it ends
