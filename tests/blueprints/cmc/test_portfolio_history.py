"""A portfolio's daily value history: beat's snapshot (cmc.snapshots.snapshot_portfolios fanning
out to snapshot_batch) values every portfolio on the latest quotes and upserts one row per
currency and UTC day; ``GET /portfolios/{id}/history`` reads a window of days."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from axa.models import latest_quotes
from axa.models.cmc import Coin, CoinDaily, PortfolioValue, db
from axa.platform.redis_client import client_for
from axa.tasks.cmc import snapshots
from tests.blueprints.cmc.test_portfolios import Owner


def snapshot(cmc) -> None:
    with cmc.apps["cmc"].app_context():
        snapshots.snapshot_portfolios()


def test_a_snapshot_values_each_portfolio_once_a_day_and_the_history_reads_a_window(cmc, monkeypatch):
    owner, other = Owner(cmc), Owner(cmc)
    portfolio = owner.new()
    assert owner.trade(portfolio, "buy", "2", "100", fee="1").status_code == 201
    assert owner.trade(portfolio, "buy", "1", "10", currency="EUR").status_code == 201
    other.new("Empty")  # no transactions: no rows
    monkeypatch.setattr(snapshots, "BATCH", 1)  # one portfolio a batch
    snapshot(cmc)
    snapshot(cmc)  # the same day again: rewritten, not added
    price = Decimal(latest_quotes.read_one(client_for(cmc.apps["cmc"].config["AXA"].redis_url), "cmc", "1")["price"])
    history = owner.call("get", f"/portfolios/{portfolio}/history")
    assert history.status_code == 200, history.get_json()
    eur, usd = history.get_json()
    today = datetime.now(UTC).date()
    assert (usd["day"], usd["currency"], usd["cost_basis"], usd["unquoted"]) == (today.isoformat(), "USD", "201", 0)
    assert Decimal(usd["market_value"]) == 2 * price and usd["taken_at"].endswith("Z")
    assert (eur["currency"], eur["market_value"], eur["unquoted"]) == ("EUR", "0", 1)  # no EUR quote
    with cmc.apps["cmc"].app_context():
        assert db.session.scalar(select(func.count()).select_from(PortfolioValue)) == 2
        past = PortfolioValue(portfolio_id=portfolio, currency="USD", day=today - timedelta(days=3),
                              market_value=Decimal(150), cost_basis=Decimal(201), realized_pnl=Decimal(0),
                              unrealized_pnl=Decimal(-51), unquoted=0, taken_at=datetime.now(UTC))
        db.session.add(past)
        db.session.commit()
    usd_only = owner.call("get", f"/portfolios/{portfolio}/history", query_string={"currency": "usd"}).get_json()
    assert [(r["day"], r["market_value"]) for r in usd_only[:1]] == [((today - timedelta(days=3)).isoformat(), "150")]
    assert len(usd_only) == 2
    window = {"start": (today - timedelta(days=5)).isoformat(), "end": (today - timedelta(days=1)).isoformat()}
    assert len(owner.call("get", f"/portfolios/{portfolio}/history", query_string=window).get_json()) == 1


def test_history_bad_windows_and_other_users(cmc):
    owner, other = Owner(cmc), Owner(cmc)
    portfolio = owner.new()
    today = datetime.now(UTC).date()
    for query in ({"start": today.isoformat(), "end": (today - timedelta(days=1)).isoformat()},
                  {"start": (today - timedelta(days=366)).isoformat()}, {"currency": "dollars"}):
        assert owner.call("get", f"/portfolios/{portfolio}/history", query_string=query).status_code == 422
    assert owner.call("get", f"/portfolios/{portfolio}/history",
                      query_string={"start": (today - timedelta(days=365)).isoformat()}).get_json() == []
    assert other.call("get", f"/portfolios/{portfolio}/history").status_code == 404


def test_a_transaction_dated_in_the_past_backfills_the_days_from_the_coin_closes(cmc):
    today = datetime.now(UTC).date()
    app = cmc.apps["cmc"]
    with app.app_context():
        coin = db.session.scalars(select(Coin.id).order_by(Coin.id).offset(250).limit(1)).one()
        for back, close in ((3, "100"), (2, "110"), (1, "120")):
            db.session.merge(CoinDaily(coin_id=coin, quote_currency="USD", day=today - timedelta(days=back),
                                       open=Decimal(close), high=Decimal(close), low=Decimal(close),
                                       close=Decimal(close), last_as_of=datetime.now(UTC)))
        db.session.commit()
    owner = Owner(cmc)
    portfolio = owner.new()
    bought = owner.trade(portfolio, "buy", "2", "90", days_ago=3, coin_id=coin)
    assert bought.status_code == 201, bought.get_json()
    owner.trade(portfolio, "buy", "1", "5", days_ago=3, coin_id=coin, currency="EUR")
    window = {"start": (today - timedelta(days=4)).isoformat(), "end": (today - timedelta(days=1)).isoformat()}
    days = owner.call("get", f"/portfolios/{portfolio}/history", query_string=window).get_json()
    usd = [(r["day"], r["market_value"], r["cost_basis"], r["unrealized_pnl"]) for r in days if r["currency"] == "USD"]
    assert usd == [((today - timedelta(days=back)).isoformat(), value, "180", str(int(value) - 180))
                   for back, value in ((3, "200"), (2, "220"), (1, "240"))]
    assert {(r["currency"], r["unquoted"]) for r in days if r["currency"] == "EUR"} == {("EUR", 1)}  # no EUR close
    sold = owner.trade(portfolio, "sell", "1", "130", days_ago=1, coin_id=coin)
    assert sold.status_code == 201
    last = owner.call("get", f"/portfolios/{portfolio}/history", query_string={**window, "currency": "USD"})
    assert (last.get_json()[-1]["market_value"], last.get_json()[-1]["realized_pnl"]) == ("120", "40")
    assert owner.call("delete", f"/portfolios/{portfolio}/transactions/{bought.get_json()['id']}").status_code == 409
    for transaction in owner.call("get", f"/portfolios/{portfolio}/transactions").get_json():
        owner.call("delete", f"/portfolios/{portfolio}/transactions/{transaction['id']}")
    assert owner.call("get", f"/portfolios/{portfolio}/history", query_string=window).get_json() == []


def test_changing_the_cost_basis_method_counts_the_history_again(cmc):
    owner = Owner(cmc)
    portfolio = owner.new()
    for kind, quantity, price, days_ago in (("buy", "1", "100", 3), ("buy", "1", "200", 3), ("sell", "1", "300", 2)):
        assert owner.trade(portfolio, kind, quantity, price, days_ago=days_ago).status_code == 201
    window = {"start": (datetime.now(UTC).date() - timedelta(days=2)).isoformat(), "currency": "USD"}

    def realized() -> str:
        return owner.call("get", f"/portfolios/{portfolio}/history", query_string=window).get_json()[0]["realized_pnl"]
    assert realized() == "200"  # FIFO: sold the one bought at 100
    assert owner.call("patch", f"/portfolios/{portfolio}", json={"cost_basis": "average"}).status_code == 200
    assert realized() == "150"
