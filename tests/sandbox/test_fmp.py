"""FMP stable endpoints: shapes per vendors.md section 1, auth, errors."""
from __future__ import annotations

import time
from datetime import date

from ops.sandbox.synth.rand import valid_isin
from tests.sandbox.conftest import START, TICK

INVALID_KEY = ("Invalid API KEY. Feel free to create a Free API Key or visit "
               "https://site.financialmodelingprep.com/faqs?search=why-is-my-api-key-invalid for more information.")
QUOTE_TYPES = {"symbol": str, "name": str, "price": float, "changePercentage": float, "change": float,
               "volume": int, "dayLow": float, "dayHigh": float, "yearHigh": float, "yearLow": float,
               "priceAvg50": float, "priceAvg200": float, "exchange": str, "open": float,
               "previousClose": float, "timestamp": int}


def _symbols(sandbox, n=5):
    return [row["symbol"] for row in sandbox.fmp("/stable/stock-list").json()[:n]]


def _check_quote(row):
    for name, kind in QUOTE_TYPES.items():
        assert isinstance(row[name], int | float if kind is float else kind), name
    assert row["marketCap"] is None or isinstance(row["marketCap"], int)
    assert "currency" not in row
    assert row["dayLow"] <= row["price"] <= row["dayHigh"]
    assert row["yearLow"] <= row["dayLow"] and row["dayHigh"] <= row["yearHigh"]


def test_stock_list_is_large_and_fast(sandbox):
    sandbox.fmp("/stable/stock-list")  # the universe is built on first use
    started = time.process_time()  # CPU time of client and server threads: the test machine is shared
    response = sandbox.fmp("/stable/stock-list")
    rows = response.json()
    assert time.process_time() - started < 1.0
    assert response.status_code == 200 and len(rows) >= 5000
    assert all(set(row) == {"symbol", "companyName"} for row in rows)


def test_profile_shape_and_numeric_strings(sandbox):
    symbol = _symbols(sandbox, 1)[0]
    rows = sandbox.fmp("/stable/profile", symbol=symbol).json()
    assert len(rows) == 1
    profile = rows[0]
    assert profile["symbol"] == symbol and profile["currency"] in ("USD", "GBP", "EUR")
    assert valid_isin(profile["isin"]) and isinstance(profile["exchangeFullName"], str)
    assert profile["cik"] is None or (isinstance(profile["cik"], str) and len(profile["cik"]) == 10)
    assert profile["fullTimeEmployees"] is None or isinstance(profile["fullTimeEmployees"], str)
    assert isinstance(profile["isEtf"], bool) and isinstance(profile["isActivelyTrading"], bool)
    low, high = (float(v) for v in profile["range"].split("-"))
    assert low <= profile["price"] <= high


def test_quote_takes_one_symbol(sandbox):
    first, second = _symbols(sandbox, 2)
    rows = sandbox.fmp("/stable/quote", symbol=first).json()
    assert len(rows) == 1 and rows[0]["symbol"] == first
    _check_quote(rows[0])
    assert rows[0]["timestamp"] == START // TICK * TICK
    assert sandbox.fmp("/stable/quote", symbol=f"{first},{second}").json() == []
    assert sandbox.fmp("/stable/quote", symbol="NOPE").json() == []


def test_batch_quote_uses_plural_symbols_and_skips_unknown(sandbox):
    symbols = _symbols(sandbox, 60)
    rows = sandbox.fmp("/stable/batch-quote", symbols=",".join([*symbols, "NOPE"])).json()
    assert [row["symbol"] for row in rows] == symbols
    for row in rows:
        _check_quote(row)


def test_eod_history_is_trading_days_newest_first(sandbox):
    symbol = _symbols(sandbox, 1)[0]
    bars = sandbox.fmp("/stable/historical-price-eod/full", symbol=symbol, **{"from": "2026-05-01",
                                                                            "to": "2026-05-31"}).json()
    days = [date.fromisoformat(bar["date"]) for bar in bars]
    assert days == sorted(days, reverse=True) and len(days) == 21
    assert all(d.weekday() < 5 and date(2026, 5, 1) <= d <= date(2026, 5, 31) for d in days)
    for bar in bars:
        assert set(bar) == {"symbol", "date", "open", "high", "low", "close", "volume", "change",
                            "changePercent", "vwap"}
        assert bar["low"] <= min(bar["open"], bar["close"]) <= max(bar["open"], bar["close"]) <= bar["high"]
    again = sandbox.fmp("/stable/historical-price-eod/full", symbol=symbol, **{"from": "2026-05-01",
                                                                             "to": "2026-05-31"}).json()
    assert again == bars
    latest = sandbox.fmp("/stable/historical-price-eod/full", symbol=symbol).json()
    assert latest[0]["date"] == "2026-06-16"  # today's bar appears only after the 20:00 UTC close


def test_key_in_header_or_query_and_errors(sandbox):
    assert sandbox.fmp("/stable/stock-list", headers={}, apikey="sandbox-fmp-key").status_code == 200
    for headers, params in (({}, {}), ({"apikey": "wrong"}, {}), ({}, {"apikey": ""})):
        response = sandbox.fmp("/stable/quote", headers=headers, symbol="X", **params)
        assert response.status_code == 401
        assert response.json() == {"Error Message": INVALID_KEY}
    legacy = sandbox.fmp("/api/v3/quote/AAPL")
    assert legacy.status_code == 403 and legacy.json()["Error Message"].startswith("Legacy Endpoint")
    unknown = sandbox.fmp("/stable/no-such-endpoint")
    assert unknown.status_code == 404 and set(unknown.json()) == {"Error Message"}
