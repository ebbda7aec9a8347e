"""Cbonds fetchers: all-strings payloads, "0" prices, filters that must not be ignored, paging."""
from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from axa.clients import errors
from axa.clients.cbonds import fetchers as f
from axa.clients.cbonds.client import CbondsClient
from axa.clients.fetcher import Raw
from axa.clients.records import BondTermsRecord, InstrumentRecord, IssuerRecord
from axa.platform.config import Secret
from tests.clients.conftest import Reply, payload

FETCHED = datetime(2025, 6, 2, 18, 0, tzinfo=UTC)
PATH = "/services/json/{}/"


def raw(*pages):
    return Raw(tuple(pages), FETCHED)


def client(url):
    return CbondsClient(url, credentials={"login": Secret("sandbox"), "password": Secret("sandbox-cbonds")})


def test_emissions_all_strings_into_instrument_and_terms():
    query = f.EmissionsFetcher.transform_query({})
    records, rejects = f.EmissionsFetcher.transform_data(query, raw(payload("cbonds/emissions.json")))
    assert rejects == []
    apple, apple_terms, eurobank, eurobank_terms = records
    assert isinstance(apple, InstrumentRecord) and isinstance(apple_terms, BondTermsRecord)
    assert (apple.source_instrument_id, apple.isin, apple.cusip, apple.figi, apple.currency) == (
        "123456", "US037833FB15", "037833FB1", "BBG00TFY8ZZ1", "USD")
    assert (apple.issuer_name, apple.vendor_issuer_id, apple.asset_class) == ("Apple", "7788", "bond")
    assert apple_terms.coupon_rate == Decimal("4.75") and apple_terms.maturity_date is None  # perpetual
    assert (apple_terms.coupon_type, apple_terms.coupon_frequency, apple_terms.face_value) == (
        "fixed", 2, Decimal(1000))  # nominal_price "" -> eurobonds_nominal
    assert apple_terms.next_coupon_date == date(2025, 11, 12) and apple_terms.margin is None
    assert (eurobank_terms.coupon_type, eurobank_terms.coupon_frequency, eurobank_terms.margin) == (
        "floating", 4, Decimal("2.5"))
    assert eurobank.figi is None and eurobank.lei is None and eurobank_terms.maturity_date == date(2029, 11, 28)


def test_tradings_zero_prices_mean_no_price():
    records, rejects = f.TradingsFetcher.transform_data(f.TradingsFetcher.transform_query({}),
                                                        raw(payload("cbonds/tradings.json")))
    assert [(r.source_instrument_id, r.venue, r.price) for r in records] == [
        ("123456", "14", Decimal("99.1")), ("123456", "22", Decimal("99.05")), ("223344", "22", Decimal("101.3"))]
    assert [(reason, row["id"]) for reason, row in rejects] == [("no price (all prices missing or 0)", "9003")]
    first, indicative, last = records
    assert (first.bid, first.ask, first.yield_pct, first.price_unit) == (
        Decimal("98.75"), Decimal("99.25"), Decimal("4.91"), "pct_of_nominal")
    assert first.duration == Decimal("4.52055")  # 1650 days in years
    assert indicative.bid is None and indicative.volume == Decimal(0)
    assert last.as_of == datetime(2025, 6, 2, tzinfo=UTC) and last.as_of_precision == "day"


def test_tradings_bad_and_duplicate_rows_are_rejects():
    rows = payload("cbonds/tradings.json")
    rows["items"] += [dict(rows["items"][0]), dict(rows["items"][0], id="x", last_price="-1"),
                      dict(rows["items"][0], id="y", date="02.06.2025")]
    records, rejects = f.TradingsFetcher.transform_data(f.TradingsFetcher.transform_query({}), raw(rows))
    assert len(records) == 3
    assert [reason for reason, _ in rejects] == [
        "no price (all prices missing or 0)", "last_price: negative", "date: not a date", "duplicate"]


def test_emitents():
    (issuer,), rejects = f.EmitentsFetcher.transform_data(f.EmitentsFetcher.transform_query({}),
                                                          raw(payload("cbonds/emitents.json")))
    assert rejects == [] and isinstance(issuer, IssuerRecord)
    assert (issuer.source_issuer_id, issuer.full_name, issuer.lei, issuer.cik) == (
        "7788", "Apple Inc.", "HWUPKR0MPOU8FGXBT394", "0000320193")


@pytest.mark.parametrize(("operator", "value", "actual", "expected"), [
    ("eq", "123", "123", True), ("eq", "123", 123, True), ("eq", "1", "2", False),
    ("ne", "1", "2", True), ("in", "A;B", "B", True), ("in", "A;B", "C", False),
    ("ni", "A;B", "C", True), ("nu", None, "", True), ("nn", None, "", False),
    ("gt", "9", "10", True), ("lt", "2025-01-01", "2024-12-31", True), ("ge", "5", "4.5", False),
])
def test_filter_matching(operator, value, actual, expected):
    assert f.matches({"x": actual}, f.CbondsFilter("x", operator, value)) is expected
    if operator not in ("nu", "nn"):
        assert f.matches({}, f.CbondsFilter("x", operator, value)) is False


@pytest.mark.parametrize("params", [{"filters": [{"field": "x", "operator": "like", "value": "a"}]},
                                    {"filters": [{"field": "x", "operator": "eq"}]}, {"limit": 1001}])
def test_query_validation(params):
    with pytest.raises(ValueError):
        f.EmissionsFetcher.transform_query(params)
    with pytest.raises(ValueError):
        f.EmitentsFetcher.transform_query({"isins": ["US0378331005"]})


def test_query_body_includes_filter_fields():
    query = f.EmissionsFetcher.transform_query({"isins": "xs2724510792,US037833FB15", "fields": ["id"],
                                                "sorting": [{"field": "id", "order": "desc"}]})
    body = query.body(0, 10)
    assert body["filters"] == [{"field": "isin_code", "operator": "in", "value": "XS2724510792;US037833FB15"}]
    assert body["fields"] == [{"field": "id"}, {"field": "isin_code"}]
    assert body["sorting"] == [{"field": "id", "order": "desc"}] and body["quantity"] == {"limit": 10, "offset": 0}


def page_of(rows, total, offset, limit):
    return {"count": len(rows), "total": total, "limit": limit, "offset": offset, "items": rows}


def test_paging_by_record_offset_up_to_total(server):
    def emissions(seen):
        q = seen.body["quantity"]
        rows = [{"id": str(i), "isin_code": None} for i in range(q["offset"], min(q["offset"] + q["limit"], 2500))]
        return Reply(200, page_of(rows, 2500, q["offset"], q["limit"]))
    server.route("POST", PATH.format("get_emissions"), emissions)
    result = f.EmissionsFetcher.fetch(client(server.url), {"limit": 1000})
    assert [s.body["quantity"] for s in server.seen] == [
        {"limit": 1000, "offset": 0}, {"limit": 1000, "offset": 1000}, {"limit": 1000, "offset": 2000}]
    assert all(s.body["auth"] == {"login": "sandbox", "password": "sandbox-cbonds"} for s in server.seen)
    assert all(s.query == {"lang": "eng"} for s in server.seen)
    assert len(result.records) == 2 * 2500 and result.raw.calls == 3


def test_paging_stops_on_an_empty_page_and_max_records(server):
    def emissions(seen):
        q = seen.body["quantity"]
        rows = [] if q["offset"] >= 3 else [{"id": str(q["offset"] + i)} for i in range(q["limit"])]
        return Reply(200, page_of(rows, 1_000_000, q["offset"], q["limit"]))
    server.route("POST", PATH.format("get_emissions"), emissions)
    f.EmissionsFetcher.fetch(client(server.url), {"limit": 3})
    assert [s.body["quantity"]["offset"] for s in server.seen] == [0, 3]
    server.seen.clear()
    f.EmissionsFetcher.fetch(client(server.url), {"limit": 2, "max_records": 3})
    assert [s.body["quantity"] for s in server.seen] == [{"limit": 2, "offset": 0}, {"limit": 1, "offset": 2}]


def test_an_ignored_filter_is_bad_payload_and_stops_paging(server):
    everything = [{"id": str(i), "isin_code": f"XS{i:010d}"} for i in range(1000)]
    server.route("POST", PATH.format("get_emissions"), Reply(200, page_of(everything, 323925, 0, 1000)))
    with pytest.raises(errors.BadPayload, match="ignored"):
        f.EmissionsFetcher.fetch(client(server.url), {"isins": ["US037833FB15"]})
    assert len(server.seen) == 1


def test_an_applied_filter_passes(server):
    server.route("POST", PATH.format("get_tradings_new"), Reply(200, payload("cbonds/tradings.json")))
    result = f.TradingsFetcher.fetch(client(server.url), {
        "filters": [{"field": "emission_id", "operator": "in", "value": ["123456", "223344"]},
                    {"field": "date", "operator": "ge", "value": "2025-06-01"}]})
    assert len(result.records) == 3
    assert server.seen[0].body["filters"][0] == {"field": "emission_id", "operator": "in", "value": "123456;223344"}


def test_missing_items_is_bad_payload(server):
    server.route("POST", PATH.format("get_emitents"), Reply(200, {"total": 3}))
    with pytest.raises(errors.BadPayload):
        f.EmitentsFetcher.fetch(client(server.url))
