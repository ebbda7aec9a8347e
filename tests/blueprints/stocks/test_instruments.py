"""Instrument search, details (bond terms, latest quote from Redis, stale flag) and history."""
import json
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from axa.models import latest_quotes
from axa.models.stocks import Instrument
from axa.platform.redis_client import client_for


def _search(stocks, **query):
    response = stocks.get("stocks", "/api/v1/instruments", query_string=query)
    assert response.status_code == 200, response.get_json()
    return response.get_json(), json.loads(response.headers["X-Pagination"])


def _one(stocks, **where):
    stmt = select(Instrument).where(*(getattr(Instrument, k) == v for k, v in where.items()))
    return stocks.scalars("stocks", stmt.order_by(Instrument.id).limit(1))[0]


def test_search_by_symbol_prefix_case_insensitive_exact_first(stocks):
    symbol = stocks.data["symbols"][0]
    found, _ = _search(stocks, q=symbol[:2].lower(), page_size=100)
    assert found and all(i["symbol"].lower().startswith(symbol[:2].lower())
                         or symbol[:2].lower() in (i["name"] or "").lower() for i in found)
    assert symbol in [i["symbol"] for i in found]
    exact, _ = _search(stocks, q=symbol.lower())
    assert exact[0]["symbol"] == symbol


def test_search_by_name_substring_and_exact_isin(stocks):
    bond = _one(stocks, source="terrapin")
    word = bond.issuer_name.split()[0]
    found, _ = _search(stocks, q=word.upper(), page_size=100)
    assert found and all(word.lower() in (i["name"] or "").lower()
                         or i["symbol"].lower().startswith(word.lower()) for i in found)
    by_isin, _ = _search(stocks, q=bond.isin.lower())
    assert bond.id in [i["id"] for i in by_isin]
    assert all(i["isin"] == bond.isin for i in by_isin)


def test_filters_and_pagination_headers(stocks):
    bonds, meta = _search(stocks, asset_class="bond", currency="eur", page=2, page_size=7)
    assert len(bonds) == 7 and all(b["asset_class"] == "bond" and b["currency"] == "EUR" for b in bonds)
    assert meta["page"] == 2 and meta["previous_page"] == 1 and meta["total"] > 14
    assert meta["total_pages"] == -(-meta["total"] // 7)
    listed, meta = _search(stocks, exchange="nasdaq", page_size=100)
    assert listed and {i["exchange"] for i in listed} == {"NASDAQ"} and meta["total"] == len(listed)
    none, meta = _search(stocks, q="no-such-thing-at-all")
    assert none == [] and meta["total"] == 0
    for bad in ({"asset_class": "stock"}, {"page_size": 101}, {"page": 0}, {"q": "x" * 101}):
        assert stocks.get("stocks", "/api/v1/instruments", query_string=bad).status_code == 422, bad


def test_equity_detail_has_quote_and_no_terms(stocks):
    equity = _one(stocks, symbol=stocks.data["symbols"][1])
    body = stocks.get("stocks", f"/api/v1/instruments/{equity.id}").get_json()
    assert body["symbol"] == equity.symbol and body["isin"] == equity.isin and body["bond_terms"] is None
    assert body["quote"]["source"] == "fmp" and body["quote"]["stale"] is False
    assert datetime.fromisoformat(body["quote"]["as_of"]) > datetime.now(UTC) - timedelta(minutes=3)


def test_bond_detail_has_terms_and_a_stale_flag(stocks):
    bond = _one(stocks, source="cbonds", asset_class="bond")
    body = stocks.get("stocks", f"/api/v1/instruments/{bond.id}").get_json()
    assert body["bond_terms"]["maturity_date"] and body["bond_terms"]["coupon_rate"]
    assert body["quote"]["price_unit"] == "pct_of_nominal" and body["quote"]["stale"] is False
    redis = client_for(stocks.apps["stocks"].config["AXA"].redis_url)
    ref = f"cbonds:{bond.source_instrument_id}"
    ends = redis.hget(latest_quotes.STALE_AT_KEY, ref)
    try:  # as if its freshness window had passed a minute ago
        redis.hset(latest_quotes.STALE_AT_KEY, ref, time.time() - 60)
        assert stocks.get("stocks", f"/api/v1/instruments/{bond.id}").get_json()["quote"]["stale"] is True
    finally:
        redis.hset(latest_quotes.STALE_AT_KEY, ref, ends)


def test_detail_404_and_401(stocks):
    missing = stocks.get("stocks", "/api/v1/instruments/999999")
    assert missing.status_code == 404 and missing.get_json()["message"] == "No such instrument."
    assert stocks.get("stocks", "/api/v1/instruments/1", who=None).status_code == 401
    assert stocks.get("stocks", "/api/v1/instruments", who=None).status_code == 401


def test_history_window_and_validation(stocks):
    equity = _one(stocks, symbol=stocks.data["symbols"][0])
    path = f"/api/v1/instruments/{equity.id}/history"
    bars = stocks.get("stocks", path).get_json()
    assert len(bars) > 30 and [b["date"] for b in bars] == sorted(b["date"] for b in bars)
    assert all(float(b["low"]) <= float(b["close"]) <= float(b["high"]) for b in bars)
    start, end = bars[5]["date"], bars[9]["date"]
    window = stocks.get("stocks", path, query_string={"from": start, "to": end})
    assert [b["date"] for b in window.get_json()] == [b["date"] for b in bars[5:10]]
    assert json.loads(window.headers["X-Pagination"])["total"] == 5
    paged = stocks.get("stocks", path, query_string={"page_size": 2, "page": 2}).get_json()
    assert paged == bars[2:4]
    inverted = stocks.get("stocks", path, query_string={"from": end, "to": start})
    assert inverted.status_code == 422 and "from" in inverted.get_json()["errors"]["query"]
    for bad in ("2026-02-30", "yesterday", "2026-1-1x"):
        assert stocks.get("stocks", path, query_string={"from": bad}).status_code == 422, bad
    assert stocks.get("stocks", "/api/v1/instruments/999999/history").status_code == 404
