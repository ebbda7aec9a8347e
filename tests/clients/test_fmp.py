"""FMP fetchers: transforms on recorded payload shapes, extract against a real local server."""
from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from axa.clients import errors
from axa.clients.fetcher import Raw
from axa.clients.fmp import fetchers as f
from axa.clients.fmp.client import FmpClient
from axa.clients.records import InstrumentRecord, QuoteRecord
from axa.clients.values import decode_json
from axa.platform.config import Secret
from tests.clients.conftest import Reply, payload

FETCHED = datetime(2025, 11, 7, 21, 5, tzinfo=UTC)
PREMIUM = {"Error Message": "Premium Query Parameter: 'Special Endpoint : This value set for 'symbol' "
                            "is not available under your current subscription'"}


def raw(*pages):
    return Raw(tuple(pages), FETCHED)


def client(url):
    return FmpClient(url, credentials={"api_key": Secret("sandbox-fmp-key")})


def test_stock_list():
    records, rejects = f.StockListFetcher.transform_data(f.StockListQuery(), raw(payload("fmp/stock_list.json")))
    assert rejects == []
    assert [(r.symbol, r.name, r.source) for r in records][:2] == [
        ("AAPL", "Apple Inc.", "fmp"), ("MSFT", "Microsoft Corporation", "fmp")]
    assert all(isinstance(r, InstrumentRecord) and r.source_instrument_id == r.symbol for r in records)


def test_batch_quote_handles_both_spellings_numeric_strings_and_nulls():
    query = f.BatchQuoteFetcher.transform_query({"symbols": "aapl, MSFT"})
    records, rejects = f.BatchQuoteFetcher.transform_data(query, raw(payload("fmp/batch_quote.json")))
    assert rejects == []
    aapl, msft = records
    assert aapl == QuoteRecord(
        "fmp", "AAPL", price=Decimal("268.47"), price_unit="currency",
        as_of=datetime.fromtimestamp(1762549202, UTC), as_of_precision="instant", fetched_at=FETCHED,
        raw_ref=aapl.raw_ref, open=Decimal("269.795"), high=Decimal("272.29"), low=Decimal("266.82"),
        prev_close=Decimal("269.77"), change_abs=Decimal("-1.3"), change_pct=Decimal("-0.48189"),
        volume=Decimal(45140079), volume_unit="shares", market_cap=Decimal(3967020108000))
    assert msft.change_pct == Decimal("1.25")  # plural "changesPercentage", as a string
    assert msft.price == Decimal("497.10") and msft.market_cap is None and msft.high is None
    assert aapl.quote_currency is None  # FMP quotes carry no currency: joined from the profile


def test_batch_quote_rejects_bad_rows_only():
    rows = [
        *payload("fmp/batch_quote.json"),
        {"symbol": "NAN", "price": "NaN", "timestamp": 1762549202},
        {"symbol": "NEG", "price": -3, "timestamp": 1762549202},
        {"symbol": "NOTS", "price": 3},
        {"symbol": "AAPL", "price": 268.47, "timestamp": 1762549202},  # duplicate
    ]
    query = f.BatchQuoteFetcher.transform_query({"symbols": ["AAPL", "MSFT", "NAN", "NEG", "NOTS", "GONE"]})
    records, rejects = f.BatchQuoteFetcher.transform_data(query, raw(rows))
    assert [r.source_instrument_id for r in records] == ["AAPL", "MSFT"]
    assert [reason for reason, _ in rejects] == [
        "price: not a finite number", "price: negative", "timestamp: missing", "no quote for symbol",
        "duplicate"]
    assert rejects[3][1] == "GONE"


def test_profile():
    query = f.ProfileFetcher.transform_query({"symbols": ["AAPL"]})
    page = {"symbol": "AAPL", "body": payload("fmp/profile_aapl.json")}
    (record,), rejects = f.ProfileFetcher.transform_data(query, raw(page))
    assert rejects == []
    assert (record.isin, record.cusip, record.cik, record.currency, record.asset_class) == (
        "US0378331005", "037833100", "0000320193", "USD", "equity")
    assert (record.exchange, record.exchange_name, record.is_active) == ("NASDAQ", "NASDAQ Global Select", True)
    etf = dict(payload("fmp/profile_aapl.json")[0], symbol="SPY", isEtf=True)
    (spy,), _ = f.ProfileFetcher.transform_data(query, raw({"symbol": "SPY", "body": [etf]}))
    assert spy.asset_class == "etf"


@pytest.mark.parametrize("name", ["fmp/eod_full.json", "fmp/eod_full_wrapped.json"])
def test_history_accepts_bare_and_wrapped_arrays(name):
    query = f.HistoryFetcher.transform_query({"symbol": "aapl", "start": "2025-01-01", "end": "2025-01-06"})
    records, rejects = f.HistoryFetcher.transform_data(query, raw(payload(name)))
    assert rejects == []
    assert [r.as_of.date() for r in records] == sorted(r.as_of.date() for r in records)
    first = records[0]
    assert first.as_of == datetime(2025, 1, 2, tzinfo=UTC) and first.as_of_precision == "day"
    assert (first.source_instrument_id, first.price, first.open, first.change_pct) == (
        "AAPL", Decimal("243.85"), Decimal("248.93"), Decimal("-2.04"))


def test_wrong_shape_is_bad_payload():
    with pytest.raises(errors.BadPayload):
        f.HistoryFetcher.transform_data(f.HistoryQuery("AAPL"), raw({"symbol": "AAPL"}))


@pytest.mark.parametrize("params", [{}, {"symbols": ""}, {"symbols": ["A"], "batch_size": 0},
                                    {"symbols": ["A"], "batch_size": 501}])
def test_symbols_query_validation(params):
    with pytest.raises(ValueError):
        f.BatchQuoteFetcher.transform_query(params)


def test_batch_quote_extract_batches_by_symbol_count(server):
    def quotes(seen):
        return Reply(200, [{"symbol": s, "price": 10, "timestamp": 1762549202}
                           for s in seen.query["symbols"].split(",")])
    server.route("GET", "/stable/batch-quote", quotes)
    symbols = [f"S{i:03d}" for i in range(250)]
    result = f.BatchQuoteFetcher.fetch(client(server.url), {"symbols": symbols})
    assert [len(s.query["symbols"].split(",")) for s in server.seen] == [100, 100, 50]
    assert len(result.records) == 250 and result.rejects == [] and result.raw.calls == 3
    f.BatchQuoteFetcher.fetch(client(server.url), {"symbols": symbols[:10], "batch_size": 4})
    assert [len(s.query["symbols"].split(",")) for s in server.seen[3:]] == [4, 4, 2]


def test_batch_quote_numbers_stay_exact_though_the_poll_only_checks_the_answer(server):
    body = b'[{"symbol":"LONG","price":0.12345678901234567891,"timestamp":1762549202,"volume":1e3}]'
    server.route("GET", "/stable/batch-quote", Reply(200, body))
    result = f.BatchQuoteFetcher.fetch(client(server.url), {"symbols": ["LONG"]})
    assert result.raw.pages[0][0]["price"] == pytest.approx(0.1234567890123457)  # a float: for checks
    quote = result.records[0]
    assert quote.price == Decimal("0.12345678901234567891") and quote.volume == Decimal("1E+3")
    assert quote.raw_ref == f.BatchQuoteFetcher.transform_data(
        f.BatchQuoteFetcher.transform_query({"symbols": ["LONG"]}), raw(decode_json(body)))[0][0].raw_ref


def test_profile_extract_skips_a_symbol_outside_the_plan(server):
    def profile(seen):
        if seen.query["symbol"] == "TSLA":
            return Reply(402, PREMIUM)
        return Reply(200, payload("fmp/profile_aapl.json"))
    server.route("GET", "/stable/profile", profile)
    result = f.ProfileFetcher.fetch(client(server.url), {"symbols": ["AAPL", "TSLA"]})
    assert [r.symbol for r in result.records] == ["AAPL"]
    assert result.rejects == [("symbol unavailable in plan", "TSLA")]


def test_history_extract_sends_the_range(server):
    server.route("GET", "/stable/historical-price-eod/full", Reply(200, payload("fmp/eod_full.json")))
    result = f.HistoryFetcher.fetch(client(server.url), {"symbol": "AAPL", "start": date(2025, 1, 1),
                                                         "end": "2025-01-06"})
    assert server.seen[0].query == {"symbol": "AAPL", "from": "2025-01-01", "to": "2025-01-06"}
    assert len(result.records) == 3


def test_stock_list_200_error_body_is_raised(server):
    server.route("GET", "/stable/stock-list", Reply(200, {"Error Message": "Limit Reach . Please upgrade"}))
    with pytest.raises(errors.QuotaExhausted):
        f.StockListFetcher.fetch(client(server.url))
