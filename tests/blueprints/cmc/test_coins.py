"""Coin pages by id or slug, daily history and the global metrics."""
import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import delete, update

from axa.models.cmc import CoinQuote, GlobalMetrics


def test_coin_by_id_and_by_slug(cmc):
    by_id = cmc.get("cmc", "/api/v1/coins/1027")
    assert by_id.status_code == 200
    body = by_id.get_json()
    assert body["symbol"] == "ETH" and body["slug"] == "ethereum" and body["description"]
    assert body["quote"]["quote_currency"] == "USD" and body["quote"]["stale"] is False
    assert cmc.get("cmc", "/api/v1/coins/Ethereum").get_json() == body
    bitcoin = cmc.get("cmc", "/api/v1/coins/bitcoin").get_json()
    assert bitcoin["id"] == 1 and bitcoin["urls"]["website"]


def test_unknown_coins_are_404(cmc):
    for key in ("999999999", "no-such-coin", "99999999999999999999999"):
        response = cmc.get("cmc", f"/api/v1/coins/{key}")
        assert response.status_code == 404 and response.get_json()["message"] == "No such coin.", key
    assert cmc.get("cmc", "/api/v1/coins/no-such-coin/history").status_code == 404
    assert cmc.get("cmc", "/api/v1/coins/no-such-coin", who=None).status_code == 404  # anonymous too


def test_an_old_quote_is_stale(cmc):
    app = cmc.apps["cmc"]
    key = (CoinQuote.coin_id == 1) & (CoinQuote.quote_currency == "USD")
    with app.app_context():
        db = app.extensions["sqlalchemy"]
        as_of = cmc.get("cmc", "/api/v1/coins/1").get_json()["quote"]["as_of"]
        db.session.execute(update(CoinQuote).where(key).values(as_of=datetime.now(UTC) - timedelta(hours=1)))
        db.session.commit()
        try:
            assert cmc.get("cmc", "/api/v1/coins/1").get_json()["quote"]["stale"] is True
            rows = cmc.get("cmc", "/api/v1/listings", query_string={"page_size": 3}).get_json()
            assert [r["stale"] for r in rows] == [True, False, False]
        finally:
            db.session.execute(update(CoinQuote).where(key).values(as_of=datetime.fromisoformat(as_of)))
            db.session.commit()


def test_history_by_id_or_slug_and_its_validation(cmc):
    days = cmc.get("cmc", "/api/v1/coins/1/history").get_json()
    today = datetime.now(UTC).date().isoformat()
    assert [d["date"] for d in days] == [today]
    assert Decimal(days[0]["low"]) <= Decimal(days[0]["close"]) <= Decimal(days[0]["high"])
    assert cmc.get("cmc", "/api/v1/coins/bitcoin/history").get_json() == days
    window = cmc.get("cmc", "/api/v1/coins/1/history", query_string={"from": "2020-01-01", "to": "2020-12-31"})
    assert window.get_json() == [] and json.loads(window.headers["X-Pagination"])["total"] == 0
    for bad in ({"from": "2026-02-30"}, {"to": "soon"}, {"from": "2021-01-02", "to": "2021-01-01"}):
        response = cmc.get("cmc", "/api/v1/coins/1/history", query_string=bad)
        assert response.status_code == 422, bad


def test_global_metrics_latest_then_404_when_none(cmc):
    body = cmc.get("cmc", "/api/v1/global-metrics").get_json()
    assert body["quote_currency"] == "USD" and float(body["total_market_cap"]) > 0
    assert 0 < float(body["btc_dominance"]) < 100 and body["active_cryptocurrencies"] > 0
    app = cmc.apps["cmc"]
    with app.app_context():
        app.extensions["sqlalchemy"].session.execute(delete(GlobalMetrics))
        app.extensions["sqlalchemy"].session.commit()
    missing = cmc.get("cmc", "/api/v1/global-metrics")
    assert missing.status_code == 404 and "cmc.global" in missing.get_json()["message"]
    cmc.run("cmc", "cmc.global")
    assert cmc.get("cmc", "/api/v1/global-metrics").get_json()["as_of"] == body["as_of"]
