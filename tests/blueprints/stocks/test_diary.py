"""The trader's diary API: accounts (owner only, unique names), executions entered by hand
(checks, duplicates by fingerprint: 409 `duplicate_execution`, keyset pages), and trades grouped
from them by FIFO as JSON pages (symbol and date filters) and CSV."""
from __future__ import annotations

import csv
import io
import itertools
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest

from tests.conftest import bearer, login, register

emails = itertools.count()
DAY1 = datetime(2026, 3, 2, 14, 30, tzinfo=UTC)


class Trader:
    def __init__(self, market):
        self.market = market
        email = f"diarist{next(emails)}@example.com"
        auth = market.apps["auth"].test_client(use_cookies=False)
        assert register(auth, email=email).status_code == 201
        self.headers = bearer(login(auth, email=email).get_json()["session_id"])

    def call(self, method: str, path: str, **kwargs):
        return getattr(self.market.client("stocks"), method)(f"/api/v1/diary{path}", headers=self.headers,
                                                              **kwargs)

    def new(self, name: str = "Main") -> int:
        created = self.call("post", "/accounts", json={"name": name})
        assert created.status_code == 201, created.get_json()
        return created.get_json()["id"]

    def fill(self, account: int, side: str, qty: str, price: str, at: datetime, symbol: str = "aapl", **more):
        body = {"symbol": symbol, "side": side, "quantity": qty, "price": price, "executed_at": at.isoformat(),
                **more}
        return self.call("post", f"/accounts/{account}/executions", json=body)


@pytest.fixture
def trader(market):
    return Trader(market)


def test_accounts_crud_and_ownership(trader, market):
    account = trader.new("Swing")
    assert trader.call("post", "/accounts", json={"name": " Swing "}).get_json()["reason"] == "duplicate_name"
    listed = trader.call("get", "/accounts").get_json()
    assert [(a["name"], a["source"], a["executions_count"]) for a in listed] == [("Swing", "manual", 0)]
    renamed = trader.call("patch", f"/accounts/{account}", json={"name": "Day"})
    assert renamed.status_code == 200 and renamed.get_json()["name"] == "Day"
    other = Trader(market)
    assert other.call("get", f"/accounts/{account}").status_code == 404
    assert other.call("get", f"/accounts/{account}/trades").status_code == 404
    assert other.fill(account, "buy", "1", "1", DAY1).status_code == 404
    assert trader.call("delete", f"/accounts/{account}").status_code == 204
    assert trader.call("get", f"/accounts/{account}").status_code == 404
    assert trader.call("post", "/accounts", json={"name": "x", "source": "ibkr"}).status_code == 422
    assert trader.call("post", "/accounts", json={"name": "y", "user_id": 1}).status_code == 422
    anonymous = market.client("stocks").get("/api/v1/diary/accounts")
    assert anonymous.status_code == 401 and anonymous.is_json


def test_execution_checks_and_duplicates(trader):
    account = trader.new()
    first = trader.fill(account, "buy", "10", "100.50", DAY1, fee="1.00", initial_risk="50")
    assert first.status_code == 201, first.get_json()
    body = first.get_json()
    assert (body["symbol"], body["quantity"], body["price"], body["fee"], body["initial_risk"]) == \
        ("AAPL", "10", "100.5", "1", "50")
    again = trader.fill(account, "buy", "10.0", "100.5", DAY1.astimezone(UTC), symbol="AAPL", fee="1")
    assert again.status_code == 409 and again.get_json()["reason"] == "duplicate_execution"
    assert trader.fill(account, "buy", "10", "100.5", DAY1 + timedelta(seconds=1)).status_code == 201
    for bad in ({"quantity": "0"}, {"quantity": "-1"}, {"price": "-1"}, {"fee": "-0.1"},
                {"initial_risk": "0"}, {"side": "short"}, {"symbol": "A B"}, {"symbol": ""},
                {"executed_at": (datetime.now(UTC) + timedelta(days=1)).isoformat()}):
        body = {"symbol": "AAPL", "side": "buy", "quantity": "1", "price": "1", "executed_at": DAY1.isoformat(),
                **bad}
        answer = trader.call("post", f"/accounts/{account}/executions", json=body)
        assert answer.status_code == 422, (bad, answer.get_json())
    page = trader.call("get", f"/accounts/{account}/executions", query_string={"limit": 1})
    assert len(page.get_json()) == 1 and "next" in page.headers["Link"]
    assert trader.call("get", f"/accounts/{account}").get_json()["executions_count"] == 2


def test_trades_grouped_by_fifo_filtered_and_exported(trader):
    account = trader.new()
    day2, day5 = DAY1 + timedelta(days=1), DAY1 + timedelta(days=4)
    for side, qty, price, at, more in (
            ("buy", "100", "10", DAY1, {"fee": "1", "initial_risk": "100"}),
            ("buy", "100", "11", DAY1 + timedelta(minutes=5), {}),
            ("sell", "250", "12", day2, {"fee": "2.5"}),  # closes 200 (+300), opens a short of 50
            ("buy", "50", "13", day5, {})):  # covers the short: -50
        assert trader.fill(account, side, qty, price, at, **more).status_code == 201
    assert trader.fill(account, "buy", "5", "400", DAY1, symbol="MSFT").status_code == 201
    answer = trader.call("get", f"/accounts/{account}/trades")
    assert answer.status_code == 200, answer.get_json()
    page = answer.get_json()
    assert page["total"] == 3
    short, msft, long_ = page["trades"]
    assert (long_["direction"], long_["status"], long_["quantity"], long_["average_entry"]) == \
        ("long", "closed", "200", "10.5")
    assert (long_["gross_pnl"], long_["fees"], long_["net_pnl"], long_["r_multiple"]) == ("300", "3", "297", "2.97")
    assert long_["holding_seconds"] == 86400 and long_["exit_at"] == "2026-03-03T14:30:00.000Z"
    assert (short["direction"], short["gross_pnl"], short["fees"], short["status"]) == ("short", "-50", "0.5", "closed")
    assert (msft["symbol"], msft["status"], msft["exit_at"], msft["holding_seconds"]) == ("MSFT", "open", None, None)
    only = trader.call("get", f"/accounts/{account}/trades", query_string={"symbol": "msft"}).get_json()
    assert [t["symbol"] for t in only["trades"]] == ["MSFT"]
    later = trader.call("get", f"/accounts/{account}/trades", query_string={"start": "2026-03-03"}).get_json()
    assert [t["direction"] for t in later["trades"]] == ["short"]
    second = trader.call("get", f"/accounts/{account}/trades", query_string={"count": 2, "page": 2}).get_json()
    assert len(second["trades"]) == 1 and second["total"] == 3
    bad = trader.call("get", f"/accounts/{account}/trades", query_string={"start": "2026-03-05", "end": "2026-03-01"})
    assert bad.status_code == 422
    exported = trader.call("get", f"/accounts/{account}/trades.csv", query_string={"symbol": "AAPL"})
    assert exported.status_code == 200 and exported.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(exported.get_data(as_text=True))))
    assert [(r["direction"], r["net_pnl"], r["execution_ids"].count(" ")) for r in rows] == \
        [("short", "-50.5", 1), ("long", "297", 2)]


def test_reports_answer_by_range(trader, market):
    account = trader.new()
    for side, qty, price, at in (("buy", "10", "10", DAY1), ("sell", "10", "13", DAY1 + timedelta(hours=1)),
                                 ("sell", "5", "20", DAY1 + timedelta(days=1)),
                                 ("buy", "5", "22", DAY1 + timedelta(days=1, hours=2)),
                                 ("buy", "1", "1", DAY1 + timedelta(days=2))):  # stays open
        assert trader.fill(account, side, qty, price, at).status_code == 201
    body = trader.call("get", f"/accounts/{account}/reports").get_json()
    s = body["summary"]
    assert (s["trades"], s["net_pnl"], s["win_rate"], s["profit_factor"], s["max_drawdown"]) == \
        (2, "20", "0.5", "3", "10")
    assert s["average_r"] is None and [d["day"] for d in body["calendar"]] == ["2026-03-02", "2026-03-03"]
    assert [g["key"] for g in body["by_weekday"]] == ["Monday", "Tuesday"]
    ranged = trader.call("get", f"/accounts/{account}/reports", query_string={"start": "2026-03-03"}).get_json()
    assert ranged["summary"]["trades"] == 1 and ranged["summary"]["largest_loss"] == "-10"
    assert Trader(market).call("get", f"/accounts/{account}/reports").status_code == 404


def test_the_same_execution_posted_at_once_is_stored_once(trader):
    account = trader.new()
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda _: trader.fill(account, "buy", "3", "7.25", DAY1, fee="0.1"), range(8)))
    assert sorted(a.status_code for a in answers) == [201] + [409] * 7
    assert trader.call("get", f"/accounts/{account}").get_json()["executions_count"] == 1
