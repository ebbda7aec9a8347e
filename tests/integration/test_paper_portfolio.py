"""A cmc portfolio linked to a paper account, through a real worker on the real broker: fills of
the terminal's matching worker show up in the portfolio (the link's first sync, then beat's), and
fills sent again from the start (a redelivery, a sync crossing another) are copied once."""
from __future__ import annotations

from decimal import Decimal

from celery import signature

from axa.models.cmc import PaperLink, Portfolio, PortfolioTransaction, db
from tests.blueprints.terminal.test_accounts import Trader
from tests.integration.conftest import wait_until
from tests.integration.test_terminal_matching import filled, place, write_quote


def quantity(platform, trader: Trader, portfolio_id: int) -> Decimal | None:
    answer = platform["cmc"].test_client(use_cookies=False).get(f"/api/v1/portfolios/{portfolio_id}",
                                                                 headers=trader.headers)
    held = answer.get_json()["holdings"]
    return Decimal(held[0]["quantity"]) if held else None


def link_of(platform, portfolio_id: int) -> tuple:
    with platform["cmc"].app_context():
        link, owner = db.session.get(PaperLink, portfolio_id), db.session.get(Portfolio, portfolio_id).user_id
        found = (link.state, link.synced_at, owner, PortfolioTransaction.count_in(portfolio_id))
        db.session.remove()
    return found


def test_paper_fills_reach_the_linked_portfolio_once(platform):
    trader = Trader(platform)
    write_quote(platform["terminal"], "100")
    account = trader.open(account_type="margin")
    filled(trader, account, place(trader, account, qty="4"))
    created = platform["cmc"].test_client(use_cookies=False).post(
        "/api/v1/portfolios", headers=trader.headers, json={"name": "Paper", "paper_account_id": account["id"]})
    assert created.status_code == 201, created.get_json()
    portfolio_id = created.get_json()["id"]
    wait_until(lambda: quantity(platform, trader, portfolio_id) == 4, 15.0, "the first fill copied")
    filled(trader, account, place(trader, account, qty="5", side="sell"))  # margin: 1 short
    signature("cmc.paper.sync_links").apply_async()  # what beat sends every minute
    wait_until(lambda: quantity(platform, trader, portfolio_id) == -1, 15.0, "the sell copied, short")
    state, synced_at, user_id, count = link_of(platform, portfolio_id)
    assert (state, count) == ("linked", 2)
    for _ in range(3):
        signature("terminal.paper.export_fills", args=(portfolio_id, user_id, account["id"], 0)).apply_async()
    wait_until(lambda: link_of(platform, portfolio_id)[1] > synced_at, 15.0, "the fills answered again")
    assert link_of(platform, portfolio_id)[3] == 2
    assert quantity(platform, trader, portfolio_id) == -1
