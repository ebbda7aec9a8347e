"""Portfolios: several per user, named, FIFO or average cost; transactions of coins and stocks with
their checks (unknown coins, negative or zero quantities, missing prices, dates in the future,
selling more than held); holdings with realized and unrealized P&L on the latest quotes (stale
flag), allocation and totals; keyset pages and Idempotency-Key."""
from __future__ import annotations

import csv
import io
import itertools
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from decimal import Decimal as D

import pytest

from axa.clients.records import QuoteRecord
from axa.models import latest_quotes
from axa.platform.redis_client import client_for
from tests.conftest import bearer, login, register

STOCK, PRICE = "PFSTOCK", "50"  # a stocks symbol this module writes to the contract
emails = itertools.count()


@pytest.fixture(scope="module")
def stock_quote(cmc):
    now = datetime.now(UTC)
    quote = QuoteRecord("fmp", STOCK, D(PRICE), "currency", now, "instant", now, "test", quote_currency="USD")
    latest_quotes.write(client_for(cmc.apps["cmc"].config["AXA"].redis_url), [quote], "fmp.quotes", 300,
                        index_ids=True)


class Owner:
    def __init__(self, cmc):
        self.cmc = cmc
        email = f"investor{next(emails)}@example.com"
        auth = cmc.apps["auth"].test_client(use_cookies=False)
        assert register(auth, email=email).status_code == 201
        self.headers = bearer(login(auth, email=email).get_json()["session_id"])

    def call(self, method: str, path: str, **kwargs):
        headers = {**self.headers, **kwargs.pop("headers", {})}
        return getattr(self.cmc.client("cmc"), method)(f"/api/v1{path}", headers=headers, **kwargs)

    def new(self, name: str = "Main", cost_basis: str = "fifo") -> int:
        created = self.call("post", "/portfolios", json={"name": name, "cost_basis": cost_basis})
        assert created.status_code == 201, created.get_json()
        return created.get_json()["id"]

    def trade(self, portfolio: int, kind: str, quantity: str, price: str | None = None, days_ago: int = 0,
              **more):
        body = {"kind": kind, "quantity": quantity, **more}
        if "symbol" not in body:
            body.setdefault("coin_id", 1)
        if price is not None:
            body["price"] = price
        if days_ago:
            body["executed_at"] = (datetime.now(UTC) - timedelta(days=days_ago)).isoformat()
        return self.call("post", f"/portfolios/{portfolio}/transactions", json=body)

    def holdings(self, portfolio: int) -> dict:
        return {(h["coin_id"] or h["symbol"]): h for h in self.call("get", f"/portfolios/{portfolio}").get_json()[
            "holdings"]}


@pytest.fixture
def owner(cmc, stock_quote):
    return Owner(cmc)


def test_create_read_change_delete_and_only_the_owner_sees_it(cmc, owner):
    created = owner.call("post", "/portfolios", json={"name": "  Long term "})
    assert created.status_code == 201
    body = created.get_json()
    assert (body["name"], body["cost_basis"], body["holdings"], body["totals"]) == ("Long term", "fifo", [], [])
    assert owner.call("get", f"/portfolios/{body['id']}").get_json() == body
    changed = owner.call("patch", f"/portfolios/{body['id']}", json={"cost_basis": "average", "name": "LT"})
    assert (changed.get_json()["cost_basis"], changed.get_json()["name"]) == ("average", "LT")
    taken = owner.call("post", "/portfolios", json={"name": "LT"})
    assert taken.status_code == 409 and taken.get_json()["reason"] == "duplicate_name"
    assert Owner(cmc).new("LT")  # another user's name is free
    bad = owner.call("post", "/portfolios", json={"name": "x", "cost_basis": "lifo"})
    assert bad.status_code == 422 and "cost_basis" in bad.get_json()["errors"]["json"]
    other = Owner(cmc)
    for method, path, sent in (("get", "", None), ("patch", "", {"name": "x"}), ("delete", "", None),
                               ("get", "/transactions", None), ("post", "/transactions",
                                                                {"kind": "buy", "coin_id": 1, "quantity": "1",
                                                                 "price": "1"})):
        assert other.call(method, f"/portfolios/{body['id']}{path}", json=sent).status_code == 404, (method, path)
    assert cmc.client("cmc").get("/api/v1/portfolios").status_code == 401
    assert owner.call("delete", f"/portfolios/{body['id']}").status_code == 204
    assert owner.call("get", f"/portfolios/{body['id']}").status_code == 404


def test_fifo_holdings_with_realized_and_unrealized_pnl(cmc, owner):
    portfolio = owner.new()
    assert owner.trade(portfolio, "buy", "1", "100", days_ago=3, fee="1").status_code == 201
    assert owner.trade(portfolio, "buy", "1", "200", days_ago=2).status_code == 201
    sold = owner.trade(portfolio, "sell", "0.5", "300", days_ago=1, fee="2", note="took some profit")
    assert sold.status_code == 201
    assert (sold.get_json()["quantity"], sold.get_json()["price"], sold.get_json()["fee"]) == ("0.5", "300", "2")
    assert owner.trade(portfolio, "buy", "4", symbol=STOCK.lower(), price="40").status_code == 201
    price = D(cmc.get("cmc", "/api/v1/coins/1").get_json()["quote"]["price"])
    view = owner.call("get", f"/portfolios/{portfolio}").get_json()
    btc, stock = owner.holdings(portfolio)[1], owner.holdings(portfolio)[STOCK]
    assert (btc["symbol"], btc["name"], btc["currency"]) == ("BTC", "Bitcoin", "USD")
    assert (D(btc["quantity"]), D(btc["cost_basis"]), D(btc["realized_pnl"])) == (D("1.5"), D("250.5"), D("97.5"))
    assert D(btc["fees"]) == 3 and D(btc["price"]) == price and btc["stale"] is False
    assert D(btc["market_value"]) == D("1.5") * price
    assert D(btc["unrealized_pnl"]) == D("1.5") * price - D("250.5")
    assert (stock["asset_kind"], D(stock["market_value"]), D(stock["unrealized_pnl"])) == ("stock", 200, 40)
    total_value = D("1.5") * price + 200
    assert abs(D(stock["allocation_pct"]) - 200 * 100 / total_value) <= D("1e-18")  # shown to 18 places
    assert view["holdings"][0]["coin_id"] == 1 and view["transactions_count"] == 4
    (totals,) = view["totals"]
    assert (totals["currency"], D(totals["cost_basis"]), D(totals["realized_pnl"])) == ("USD", D("410.5"), D("97.5"))
    assert D(totals["market_value"]) == total_value and totals["unquoted"] == 0


def test_average_cost_and_switching_the_method_recounts(owner):
    portfolio = owner.new(cost_basis="average")
    owner.trade(portfolio, "buy", "1", "100", days_ago=3)
    owner.trade(portfolio, "buy", "1", "200", days_ago=2)
    owner.trade(portfolio, "sell", "1", "250", days_ago=1)
    btc = owner.holdings(portfolio)[1]
    assert (D(btc["cost_basis"]), D(btc["average_cost"]), D(btc["realized_pnl"])) == (150, 150, 100)
    owner.call("patch", f"/portfolios/{portfolio}", json={"cost_basis": "fifo"})
    btc = owner.holdings(portfolio)[1]
    assert (D(btc["cost_basis"]), D(btc["realized_pnl"])) == (200, 150)


def test_transfers_and_fees_in_the_asset(owner):
    portfolio = owner.new()
    owner.trade(portfolio, "transfer_in", "2", "100", days_ago=3)
    assert owner.trade(portfolio, "transfer_out", "0.5", days_ago=2, fee="1").status_code == 201
    assert owner.trade(portfolio, "fee", "0.5", days_ago=1).status_code == 201
    btc = owner.holdings(portfolio)[1]
    assert (D(btc["quantity"]), D(btc["cost_basis"]), D(btc["realized_pnl"])) == (1, 100, -51)


def test_selling_more_than_held_is_refused_also_back_in_time(owner):
    portfolio = owner.new()
    owner.trade(portfolio, "buy", "1", "100", days_ago=5)
    for kind in ("sell", "transfer_out", "fee"):
        over = owner.trade(portfolio, kind, "1.5", "100")
        assert over.status_code == 422 and over.get_json()["reason"] == "insufficient_quantity", kind
        assert "quantity" in over.get_json()["errors"]["json"]
    before = owner.trade(portfolio, "sell", "1", "100", days_ago=6)  # before the buy: nothing held then
    assert before.status_code == 422 and before.get_json()["reason"] == "insufficient_quantity"
    in_usd_only = owner.trade(portfolio, "sell", "1", "100", currency="eur")
    assert in_usd_only.status_code == 422  # the lots were bought in USD
    assert in_usd_only.get_json()["message"] == "Only 0 held in EUR at that time: 1 cannot be removed."
    buy = owner.trade(portfolio, "buy", "1", "100", days_ago=4).get_json()["id"]
    assert owner.trade(portfolio, "sell", "2", "150", days_ago=3).status_code == 201
    needed = owner.call("delete", f"/portfolios/{portfolio}/transactions/{buy}")
    assert needed.status_code == 409 and needed.get_json()["reason"] == "insufficient_quantity"
    assert owner.call("get", f"/portfolios/{portfolio}").get_json()["transactions_count"] == 3


def test_bad_transactions_are_refused_with_the_field(owner):
    portfolio = owner.new()
    future = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    for body, field in (({"coin_id": 999999999}, "coin_id"), ({"coin_id": None, "symbol": "NOSUCHSYM"}, "symbol"),
                        ({"quantity": "-1"}, "quantity"), ({"quantity": "0"}, "quantity"),
                        ({"quantity": "1e-19"}, "quantity"), ({"price": None}, "price"),
                        ({"price": "-1"}, "price"), ({"fee": "-0.01"}, "fee"), ({"executed_at": future}, "executed_at"),
                        ({"kind": "gift"}, "kind"), ({"currency": "US"}, "currency"), ({"quantity": "NaN"}, "quantity"),
                        ({"note": "a\x00b"}, "note"), ({"symbol": STOCK}, "coin_id")):
        sent = {"kind": "buy", "coin_id": 1, "quantity": "1", "price": "10", **body}
        sent = {k: v for k, v in sent.items() if v is not None}
        response = owner.call("post", f"/portfolios/{portfolio}/transactions", json=sent)
        assert response.status_code == 422 and field in response.get_json()["errors"]["json"], (body, response.json)
    assert owner.call("get", f"/portfolios/{portfolio}").get_json()["transactions_count"] == 0
    assert owner.trade(portfolio, "transfer_in", "1").status_code == 201  # no price needed


def test_transactions_in_keyset_pages_and_delete(owner):
    portfolio = owner.new()
    made = [owner.trade(portfolio, "buy", "1", str(10 + n)).get_json()["id"] for n in range(5)]
    first = owner.call("get", f"/portfolios/{portfolio}/transactions?limit=3")
    assert [t["id"] for t in first.get_json()] == made[:1:-1] and 'rel="next"' in first.headers["Link"]
    rest = owner.call("get", f"/portfolios/{portfolio}/transactions?limit=3&max_id={made[2]}")
    assert [t["id"] for t in rest.get_json()] == made[1::-1] and 'rel="next"' not in rest.headers["Link"]
    assert owner.call("delete", f"/portfolios/{portfolio}/transactions/{made[0]}").status_code == 204
    assert owner.call("delete", f"/portfolios/{portfolio}/transactions/{made[0]}").status_code == 404
    assert D(owner.holdings(portfolio)[1]["quantity"]) == 4


def test_creates_honour_idempotency_keys(owner):
    key = {"Idempotency-Key": "make-main-1"}
    first, again = (owner.call("post", "/portfolios", json={"name": "Main"}, headers=key) for _ in range(2))
    assert first.status_code == again.status_code == 201 and first.get_json() == again.get_json()
    portfolio = first.get_json()["id"]
    buy = {"kind": "buy", "coin_id": 1, "quantity": "1", "price": "5"}
    added = [owner.call("post", f"/portfolios/{portfolio}/transactions", json=buy, headers={"Idempotency-Key": "b1"})
             for _ in range(2)]
    assert added[0].get_json()["id"] == added[1].get_json()["id"]
    assert owner.call("get", f"/portfolios/{portfolio}").get_json()["transactions_count"] == 1


def test_the_stale_flag_follows_the_clock(cmc, owner):
    portfolio = owner.new()
    owner.trade(portfolio, "buy", "1", "100")
    app = cmc.apps["cmc"]
    app.config["AXA_CLOCK"] = lambda: datetime.now(UTC).timestamp() + 3600
    try:
        assert owner.holdings(portfolio)[1]["stale"] is True
    finally:
        del app.config["AXA_CLOCK"]
    assert owner.holdings(portfolio)[1]["stale"] is False


def test_transactions_export_as_csv_in_time_order(cmc, owner):
    portfolio = owner.new()
    owner.trade(portfolio, "buy", "2", "100.25", days_ago=2, note='=HYPERLINK("x"), "quoted"')
    owner.trade(portfolio, "buy", "1.5", symbol=STOCK, price="40", fee="0.5", days_ago=1)
    owner.trade(portfolio, "sell", "1", "120", note="line one\nline two")
    exported = owner.call("get", f"/portfolios/{portfolio}/transactions.csv")
    assert exported.status_code == 200 and exported.mimetype == "text/csv"
    assert exported.headers["Content-Disposition"] == f"attachment; filename=portfolio-{portfolio}-transactions.csv"
    rows = list(csv.DictReader(io.StringIO(exported.get_data(as_text=True))))
    assert [(r["kind"], r["coin_id"], r["symbol"], r["quantity"], r["price"], r["fee"]) for r in rows] == [
        ("buy", "1", "", "2", "100.25", "0"), ("buy", "", STOCK, "1.5", "40", "0.5"), ("sell", "1", "", "1", "120", "0")]
    assert rows[0]["note"] == '\'=HYPERLINK("x"), "quoted"' and rows[2]["note"] == "line one\nline two"
    assert all(r["currency"] == "USD" and r["executed_at"].endswith("Z") for r in rows)
    assert cmc.client("cmc").get(f"/api/v1/portfolios/{portfolio}/transactions.csv").status_code == 401
    assert Owner(cmc).call("get", f"/portfolios/{portfolio}/transactions.csv").status_code == 404


def test_the_widest_quantities_come_back_digit_for_digit(owner):
    portfolio = owner.new()
    wide = "12345678901234567890.123456789012345678"
    assert owner.trade(portfolio, "buy", wide, "0.000000000000000001").get_json()["quantity"] == wide
    owner.trade(portfolio, "transfer_out", "0.000000000000000001")
    btc = owner.holdings(portfolio)[1]
    assert btc["quantity"] == "12345678901234567890.123456789012345677"
    assert btc["cost_basis"] == "12.345678901234567890"[:-1]  # 18 places, trailing zero dropped


def test_concurrent_sells_never_remove_more_than_held(owner):
    """Each sell locks its portfolio: without the lock, sells checked side by side each see the
    units the other is removing (fails without ``lock=True``)."""
    portfolio = owner.new()
    owner.trade(portfolio, "buy", "3", "10", days_ago=1)
    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(lambda _: owner.trade(portfolio, "sell", "1", "20").status_code, range(8)))
    assert statuses.count(201) == 3 and statuses.count(422) == 5, statuses
    assert D(owner.holdings(portfolio)[1]["quantity"]) == 0
