"""CoinMarketCap Pro endpoints: envelope, shapes, paging, credits, auth (vendors.md section 2)."""
from __future__ import annotations

import math
import re

ISO_MS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
QUOTE_FIELDS = {"price", "volume_24h", "volume_change_24h", "percent_change_1h", "percent_change_24h",
                "percent_change_7d", "percent_change_30d", "percent_change_60d", "percent_change_90d",
                "market_cap", "market_cap_dominance", "fully_diluted_market_cap", "last_updated"}


def _ok(response, credits):
    assert response.status_code == 200
    status = response.json()["status"]
    assert status["error_code"] == 0 and status["error_message"] is None
    assert status["credit_count"] == credits and ISO_MS.match(status["timestamp"])
    assert isinstance(status["elapsed"], int)
    return response.json()


def _check_coin(coin, currencies=("USD",)):
    assert isinstance(coin["id"], int) and isinstance(coin["slug"], str) and isinstance(coin["tags"], list)
    assert coin["platform"] is None or set(coin["platform"]) == {"id", "name", "symbol", "slug", "token_address"}
    assert coin["max_supply"] is None or isinstance(coin["max_supply"], int)
    assert set(coin["quote"]) == set(currencies)
    for block in coin["quote"].values():
        assert QUOTE_FIELDS <= set(block) and block["price"] > 0
    bucket_time = "2026-06-17T15:00:00.000Z"
    assert coin["last_updated"] == bucket_time and coin["quote"][currencies[0]]["last_updated"] == bucket_time


def test_listings_page_through_total_count(sandbox):
    seen, start, total = [], 1, None
    while total is None or start <= total:
        response = sandbox.cmc("/v1/cryptocurrency/listings/latest", start=start, limit=450)
        body = _ok(response, math.ceil(len(response.json()["data"]) / 200))
        total = body["status"]["total_count"]
        seen += [coin["id"] for coin in body["data"]]
        start += 450
    assert total == 2000 and len(seen) == len(set(seen)) == total
    assert body["status"]["credit_count"] == 1  # the last page held 200 coins
    first = sandbox.cmc("/v1/cryptocurrency/listings/latest", limit=5).json()["data"]
    caps = [coin["quote"]["USD"]["market_cap"] for coin in first]
    assert caps == sorted(caps, reverse=True) and [c["cmc_rank"] for c in first] == [1, 2, 3, 4, 5]
    _check_coin(first[0])


def test_listings_credits_sort_and_converts(sandbox):
    body = _ok(sandbox.cmc("/v1/cryptocurrency/listings/latest", limit=201, convert="USD,EUR,BTC"), 2 + 2)
    _check_coin(body["data"][0], ("USD", "EUR", "BTC"))
    names = [c["name"] for c in sandbox.cmc("/v1/cryptocurrency/listings/latest", sort="name", sort_dir="asc",
                                            limit=50).json()["data"]]
    assert names == sorted(names)
    for params in ({"limit": 5001}, {"start": 0}, {"sort": "nope"}, {"convert": "XXX"}):
        response = sandbox.cmc("/v1/cryptocurrency/listings/latest", **params)
        status = response.json()["status"]
        assert response.status_code == 400 and status["error_code"] == 400 and status["credit_count"] == 0
        assert status["error_message"].startswith("Invalid value for")


def test_quotes_v2_keyed_by_id_or_symbol(sandbox):
    ids = [c["id"] for c in sandbox.cmc("/v1/cryptocurrency/map", limit=250).json()["data"]]
    body = _ok(sandbox.cmc("/v2/cryptocurrency/quotes/latest", id=",".join(map(str, ids))), 3)
    assert list(body["data"]) == [str(i) for i in ids]
    coin = body["data"]["1"]
    assert coin["is_active"] == 1 and coin["is_fiat"] == 0 and coin["symbol"] == "BTC"
    _check_coin(coin)
    shared = next(sym for sym, n in _symbol_counts(sandbox).items() if n > 1)
    by_symbol = _ok(sandbox.cmc("/v2/cryptocurrency/quotes/latest", symbol=f"{shared},BTC"), 1)["data"]
    assert isinstance(by_symbol["BTC"], list) and len(by_symbol[shared]) > 1
    assert sandbox.cmc("/v2/cryptocurrency/quotes/latest", id="1,999999999").json()["data"].keys() == {"1"}
    strict = sandbox.cmc("/v2/cryptocurrency/quotes/latest", id="1,999999999", skip_invalid="false")
    assert strict.status_code == 400


def _symbol_counts(sandbox):
    counts = {}
    for coin in sandbox.cmc("/v1/cryptocurrency/map").json()["data"]:
        counts[coin["symbol"]] = counts.get(coin["symbol"], 0) + 1
    return counts


def test_map_info_and_global_metrics(sandbox):
    rows = _ok(sandbox.cmc("/v1/cryptocurrency/map"), 1)["data"]
    assert len(rows) == 2000 and set(rows[0]) == {"id", "rank", "name", "symbol", "slug", "is_active",
                                                  "first_historical_data", "last_historical_data", "platform"}
    inactive = sandbox.cmc("/v1/cryptocurrency/map", listing_status="inactive").json()["data"]
    assert inactive and all(row["is_active"] == 0 for row in inactive)
    info = _ok(sandbox.cmc("/v2/cryptocurrency/info", id="1,1027"), 1)["data"]
    assert set(info) == {"1", "1027"} and info["1027"]["category"] == "coin"
    assert {"website", "technical_doc", "twitter", "reddit", "explorer", "source_code"} <= set(info["1"]["urls"])
    metrics = _ok(sandbox.cmc("/v1/global-metrics/quotes/latest", convert="USD,EUR"), 2)["data"]
    assert metrics["active_cryptocurrencies"] == 2000 and 0 < metrics["btc_dominance"] < 100
    assert {"total_market_cap", "total_volume_24h", "altcoin_market_cap", "last_updated"} <= set(
        metrics["quote"]["EUR"])


def test_key_info_shows_running_credit_usage(sandbox):
    spent = 0
    for limit in (1, 200, 201, 1000):
        spent += sandbox.cmc("/v1/cryptocurrency/listings/latest", limit=limit).json()["status"]["credit_count"]
    assert spent == 1 + 1 + 2 + 5
    body = _ok(sandbox.cmc("/v1/key/info"), 0)["data"]
    assert body["usage"]["current_day"]["credits_used"] == spent
    assert body["usage"]["current_month"]["credits_left"] == body["plan"]["credit_limit_monthly"] - spent
    assert body["plan"]["credit_limit_daily_reset_timestamp"] == "2026-06-18T00:00:00.000Z"


def test_auth_errors(sandbox):
    assert sandbox.cmc("/v1/key/info", headers={}, CMC_PRO_API_KEY="sandbox-cmc-key").status_code == 200
    missing = sandbox.cmc("/v1/key/info", headers={})
    invalid = sandbox.cmc("/v1/key/info", headers={"X-CMC_PRO_API_KEY": "wrong"})
    assert missing.status_code == invalid.status_code == 401
    assert missing.json()["status"]["error_code"] == 1002 and invalid.json()["status"]["error_code"] == 1001
    assert invalid.json()["status"]["credit_count"] == 0 and "data" not in invalid.json()
