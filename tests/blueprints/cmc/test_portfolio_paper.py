"""Portfolios that allow short positions, and portfolios linked to a paper account of the trading
terminal (Celery eager here; tests/integration/test_paper_portfolio.py runs the same path through a
real worker): the account's fills become read-only transactions, copied once however often they
are sent, dropped after the account's reset; an account of someone else fails the link."""
from __future__ import annotations

from decimal import Decimal as D

import pytest
from celery import signature

from axa.models.cmc import PaperLink, PortfolioTransaction, db
from tests.blueprints.cmc.test_portfolios import Owner

COIN = "cmc:1"


@pytest.fixture
def owner(cmc):
    return Owner(cmc)


def open_account(owner: Owner, **body) -> dict:
    answer = getattr(owner.cmc.client("terminal"), "post")("/api/v1/accounts", headers=owner.headers,
                                                           json={"name": "Paper", **body})
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


def order(owner: Owner, account: dict, side: str, qty: str) -> dict:
    answer = owner.cmc.client("terminal").post(
        f"/api/v1/accounts/{account['id']}/orders", headers=owner.headers,
        json={"symbol": COIN, "qty": qty, "side": side, "type": "market", "time_in_force": "gtc"})
    assert answer.status_code == 201, answer.get_json()
    filled = owner.cmc.client("terminal").get(f"/api/v1/accounts/{account['id']}/orders/{answer.get_json()['id']}",
                                              headers=owner.headers).get_json()
    assert filled["status"] == "filled", filled  # eager: the placement's own announce matched it
    return filled


def test_a_short_portfolio_sells_what_it_does_not_hold_and_cannot_turn_shorts_off(owner):
    portfolio = owner.call("post", "/portfolios", json={"name": "Shorts", "allow_short": True}).get_json()
    assert portfolio["allow_short"] is True and portfolio["paper"] is None
    assert owner.trade(portfolio["id"], "sell", "2", "100", fee="2").status_code == 201
    held = owner.holdings(portfolio["id"])[1]
    price = D(held["price"])
    assert (D(held["quantity"]), D(held["cost_basis"]), D(held["average_cost"])) == (D(-2), D(-198), D(99))
    assert D(held["market_value"]) == -2 * price and D(held["unrealized_pnl"]) == D(198) - 2 * price
    assert D(held["allocation_pct"]) == -100
    refused = owner.call("patch", f"/portfolios/{portfolio['id']}", json={"allow_short": False})
    assert refused.status_code == 409 and refused.get_json()["reason"] == "short_position"
    assert owner.call("get", f"/portfolios/{portfolio['id']}").get_json()["allow_short"] is True
    assert owner.trade(portfolio["id"], "transfer_out", "1").get_json()["reason"] == "insufficient_quantity"
    assert owner.trade(portfolio["id"], "buy", "2", "90").status_code == 201  # covered: flat again
    held = owner.holdings(portfolio["id"])[1]
    assert (D(held["quantity"]), D(held["realized_pnl"])) == (0, 18)  # 198 received, 180 paid
    again = owner.call("patch", f"/portfolios/{portfolio['id']}", json={"allow_short": False})
    assert again.status_code == 409  # its history still sells short: the P&L is counted from it
    plain = owner.new("Plain")
    assert owner.trade(plain, "sell", "1", "100").get_json()["reason"] == "insufficient_quantity"
    assert owner.call("patch", f"/portfolios/{plain}", json={"allow_short": True}).status_code == 200
    assert owner.trade(plain, "sell", "1", "100").status_code == 201


def test_a_linked_paper_account_fills_become_read_only_transactions(owner):
    account = open_account(owner, account_type="margin")
    bought, sold = order(owner, account, "buy", "3"), order(owner, account, "sell", "1")
    created = owner.call("post", "/portfolios", json={"name": "Paper", "paper_account_id": account["id"]})
    assert created.status_code == 201, created.get_json()
    portfolio = created.get_json()["id"]
    view = owner.call("get", f"/portfolios/{portfolio}").get_json()
    assert view["paper"]["state"] == "linked" and view["paper"]["account_id"] == account["id"]
    assert view["allow_short"] is True
    held = owner.holdings(portfolio)[1]
    buy_price, sell_price = D(bought["filled_avg_price"]), D(sold["filled_avg_price"])
    assert D(held["quantity"]) == 2
    assert D(held["realized_pnl"]) == sell_price - buy_price  # FIFO, no fees (Alpaca-like fill model)
    listed = owner.call("get", f"/portfolios/{portfolio}/transactions").get_json()
    assert sorted((t["kind"], t["quantity"]) for t in listed) == [("buy", "3"), ("sell", "1")]
    assert all(t["fill_id"] for t in listed)
    for method, path, body in (("post", "/transactions", {"kind": "buy", "coin_id": 1, "quantity": "1",
                                                           "price": "1"}),
                               ("delete", f"/transactions/{listed[0]['id']}", None),
                               ("patch", "", {"allow_short": False})):
        answer = owner.call(method, f"/portfolios/{portfolio}{path}", json=body)
        assert answer.status_code == 409 and answer.get_json()["reason"] == "paper_linked", (method, path)


def test_fills_sent_again_are_copied_once_and_a_reset_drops_them(owner):
    account = open_account(owner)
    order(owner, account, "buy", "1")
    portfolio = owner.call("post", "/portfolios", json={"name": "P", "paper_account_id": account["id"]}).get_json()
    app, user_id = owner.cmc.apps["cmc"], portfolio_user(owner, portfolio["id"])
    for _ in range(3):  # the beat's sync and redeliveries: the same fills again, from cursor 0
        signature("terminal.paper.export_fills", args=(portfolio["id"], user_id, account["id"], 0)).apply_async()
    assert transactions_of(app, portfolio["id"]) == 1
    with app.app_context():
        assert db.session.get(PaperLink, portfolio["id"]).cursor > 0
        db.session.remove()
    reset = owner.cmc.client("terminal").post(f"/api/v1/accounts/{account['id']}/reset", headers=owner.headers)
    assert reset.status_code == 200, reset.get_json()
    order(owner, account, "buy", "2")
    signature("cmc.paper.sync_links").apply_async()
    held = owner.holdings(portfolio["id"])[1]
    assert D(held["quantity"]) == 2  # the fill before the reset is gone
    assert transactions_of(app, portfolio["id"]) == 1


def test_someone_elses_paper_account_fails_the_link(cmc, owner):
    account = open_account(owner)
    other = Owner(cmc)
    created = other.call("post", "/portfolios", json={"name": "Theirs", "paper_account_id": account["id"]})
    assert created.status_code == 201
    view = other.call("get", f"/portfolios/{created.get_json()['id']}").get_json()
    assert view["paper"]["state"] == "failed" and "yours" in view["paper"]["error"]
    assert view["holdings"] == []


def portfolio_user(owner: Owner, portfolio_id: int) -> int:
    from axa.models.cmc import Portfolio
    app = owner.cmc.apps["cmc"]
    with app.app_context():
        user_id = db.session.get(Portfolio, portfolio_id).user_id
        db.session.remove()
    return user_id


def transactions_of(app, portfolio_id: int) -> int:
    with app.app_context():
        count = PortfolioTransaction.count_in(portfolio_id)
        db.session.remove()
    return count
