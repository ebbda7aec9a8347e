"""CMC fetchers: transforms on recorded payload shapes, paging and credits against a local server."""
from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from axa.clients import errors
from axa.clients.cmc import fetchers as f
from axa.clients.cmc.client import CmcClient
from axa.clients.fetcher import Raw
from axa.clients.records import CoinInfoRecord, GlobalMetricsRecord, InstrumentRecord, QuoteRecord
from axa.platform.config import Secret
from tests.clients.conftest import Reply, payload

FETCHED = datetime(2024, 5, 1, 10, 0, 5, tzinfo=UTC)


def raw(*pages):
    return Raw(tuple(pages), FETCHED)


def client(url):
    return CmcClient(url, credentials={"api_key": Secret("sandbox-cmc-key")})


def split(records):
    return ([r for r in records if isinstance(r, InstrumentRecord)],
            [r for r in records if isinstance(r, QuoteRecord)])


def test_listings_transform():
    query = f.ListingsFetcher.transform_query({})
    records, rejects = f.ListingsFetcher.transform_data(query, raw(payload("cmc/listings_latest.json")))
    instruments, quotes = split(records)
    assert [i.cmc_id for i in instruments] == [1, 1027, 825, 99999]  # the illiquid coin is kept
    assert [reason for reason, _ in rejects] == ["price: missing"]  # only its quote is rejected
    eth = quotes[1]
    assert (eth.source_instrument_id, eth.price, eth.quote_currency, eth.change_pct) == (
        "1027", Decimal("339.400890152"), "USD", Decimal("-7.8024"))
    assert (eth.change_pct_1h, eth.change_pct_7d) == (Decimal("-0.00356475"), Decimal("-1.45411"))
    assert eth.as_of == datetime(2020, 10, 2, 12, 9, 23, tzinfo=UTC) and eth.volume_unit == "quote_ccy"
    usdt = instruments[2]
    assert (usdt.asset_class, usdt.chain, usdt.token_address) == (
        "token", "ETH", "0xdac17f958d2ee523a2206206994597c13d831ec7")
    assert quotes[2].volume == Decimal("852164659250.2758")  # numeric string in E notation


def test_quotes_by_id_gives_one_quote_per_convert_currency():
    query = f.QuotesFetcher.transform_query({"ids": "1,1027", "convert": "usd,eur"})
    assert query.ids == (1, 1027) and query.convert == ("USD", "EUR")
    records, rejects = f.QuotesFetcher.transform_data(query, raw(payload("cmc/quotes_latest_by_id.json")))
    instruments, quotes = split(records)
    assert rejects == [] and [i.is_active for i in instruments] == [True, True]
    assert [(q.source_instrument_id, q.quote_currency) for q in quotes] == [
        ("1", "USD"), ("1", "EUR"), ("1027", "USD"), ("1027", "EUR")]
    assert quotes[0].market_cap == Decimal("1184000000000.0")


def test_quotes_symbol_keyed_arrays():
    query = f.QuotesFetcher.transform_query({"ids": [1]})
    records, _ = f.QuotesFetcher.transform_data(query, raw(payload("cmc/quotes_latest_by_symbol.json")))
    instruments, quotes = split(records)
    assert [(i.cmc_id, i.symbol, i.asset_class, i.chain) for i in instruments] == [
        (1, "BTC", "crypto", None), (31469, "BTC", "token", "BNB")]
    assert quotes[1].price == Decimal("0.00001234") and quotes[1].market_cap is None


def test_map_info_and_global_metrics():
    mapped, rejects = f.MapFetcher.transform_data(f.MapFetcher.transform_query({}), raw(payload("cmc/map.json")))
    assert rejects == [] and [(m.cmc_slug, m.asset_class) for m in mapped] == [
        ("bitcoin", "crypto"), ("tether", "token")]
    info, rejects = f.InfoFetcher.transform_data(f.InfoFetcher.transform_query({"ids": [1, 825]}),
                                                 raw(payload("cmc/info.json")))
    assert rejects == [] and all(isinstance(i, CoinInfoRecord) for i in info)
    btc, usdt = info
    assert btc.website == ("https://bitcoin.org/",) and btc.date_launched is None
    assert btc.tags == ("mineable", "pow") and usdt.chain == "ETH"
    assert usdt.date_launched == datetime(2014, 10, 6, tzinfo=UTC)
    (metrics,), rejects = f.GlobalMetricsFetcher.transform_data(
        f.GlobalMetricsFetcher.transform_query({}), raw(payload("cmc/global_metrics.json")))
    assert isinstance(metrics, GlobalMetricsRecord) and rejects == []
    assert (metrics.quote_currency, metrics.btc_dominance, metrics.active_exchanges) == ("USD", Decimal("54.1"), 700)
    assert metrics.total_market_cap_change_pct_24h == Decimal("-1.79")


def test_wrong_data_shape_is_bad_payload():
    with pytest.raises(errors.BadPayload):
        f.ListingsFetcher.transform_data(f.PagedQuery(), raw({"status": {}, "data": {"1": {}}}))


@pytest.mark.parametrize("params", [{}, {"ids": "BTC"}, {"ids": [0]}])
def test_ids_query_validation(params):
    with pytest.raises(ValueError):
        f.QuotesFetcher.transform_query(params)


def coin(cmc_id):
    return {"id": cmc_id, "name": f"Coin {cmc_id}", "symbol": f"C{cmc_id}", "slug": f"coin-{cmc_id}",
            "platform": None, "quote": {"USD": {"price": cmc_id, "last_updated": "2024-05-01T09:59:00.000Z"}}}


def listings_server(server, total):
    def listings(seen):
        start, limit = int(seen.query["start"]), int(seen.query["limit"])
        start = start - 1 if start > 1 else start  # the order shifted: one coin shows up twice
        ids = list(range(start, min(start + limit, total + 1)))
        return Reply(200, {"status": {"error_code": 0, "error_message": None, "credit_count": 1,
                                      "total_count": total}, "data": [coin(i) for i in ids]})
    server.route("GET", "/v1/cryptocurrency/listings/latest", listings)


def test_listings_pages_up_to_total_count_and_dedupes(server):
    listings_server(server, total=12)
    result = f.ListingsFetcher.fetch(client(server.url), {"limit": 5, "convert": ["USD"]})
    assert [s.query["start"] for s in server.seen] == ["1", "6", "11"]
    assert {s.query["convert"] for s in server.seen} == {"USD"}
    instruments, quotes = split(result.records)
    assert sorted(i.cmc_id for i in instruments) == list(range(1, 13))  # no duplicates
    assert len(quotes) == 12 and result.raw.credit_count == 3


def test_listings_max_items(server):
    listings_server(server, total=100)
    f.ListingsFetcher.fetch(client(server.url), {"limit": 5, "max_items": 7})
    assert [(s.query["start"], s.query["limit"]) for s in server.seen] == [("1", "5"), ("6", "2")]


def test_quotes_extract_batches_ids(server):
    def quotes(seen):
        ids = [int(i) for i in seen.query["id"].split(",")]
        return Reply(200, {"status": {"error_code": 0, "credit_count": 1}, "data": {str(i): coin(i) for i in ids}})
    server.route("GET", "/v2/cryptocurrency/quotes/latest", quotes)
    result = f.QuotesFetcher.fetch(client(server.url), {"ids": list(range(1, 251))})
    assert [len(s.query["id"].split(",")) for s in server.seen] == [100, 100, 50]
    assert result.raw.credit_count == 3 and len(split(result.records)[1]) == 250


def test_global_metrics_and_map_extract(server):
    server.route("GET", "/v1/global-metrics/quotes/latest", Reply(200, payload("cmc/global_metrics.json")))
    server.route("GET", "/v1/cryptocurrency/map", Reply(200, payload("cmc/map.json")))
    server.route("GET", "/v2/cryptocurrency/info", Reply(200, payload("cmc/info.json")))
    assert len(f.GlobalMetricsFetcher.fetch(client(server.url)).records) == 1
    mapped = f.MapFetcher.fetch(client(server.url), {"limit": 5000})
    assert len(mapped.records) == 2 and mapped.raw.credit_count == 1
    assert server.seen[1].query == {"start": "1", "limit": "5000", "listing_status": "active"}
    assert len(f.InfoFetcher.fetch(client(server.url), {"ids": [1, 825]}).records) == 2


def test_rate_limit_on_a_later_page_is_raised(server):
    def listings(seen):
        if seen.query["start"] != "1":
            return Reply(429, {"status": {"error_code": 1008, "error_message": "minute", "credit_count": 0}})
        return Reply(200, {"status": {"error_code": 0, "credit_count": 1, "total_count": 10},
                           "data": [coin(i) for i in range(1, 6)]})
    server.route("GET", "/v1/cryptocurrency/listings/latest", listings)
    with pytest.raises(errors.RateLimited):
        f.ListingsFetcher.fetch(client(server.url), {"limit": 5})
