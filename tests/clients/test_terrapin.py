"""Terrapin fetchers: issuer vs issuer_name, nullable flags, ISIN batching and checks, paging."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from axa.clients import errors
from axa.clients import values as v
from axa.clients.fetcher import Raw
from axa.clients.records import BondTermsRecord, InstrumentRecord
from axa.clients.terrapin import fetchers as f
from axa.clients.terrapin.client import TerrapinClient
from axa.platform.config import Secret
from tests.clients.conftest import Reply, payload

FETCHED = datetime(2024, 7, 18, 6, 0, tzinfo=UTC)


def raw(*pages):
    return Raw(tuple(pages), FETCHED)


def client(url, limiter=None):
    return TerrapinClient(url, credentials={"api_key": Secret("sandbox-terrapin-key")}, limiter=limiter)


def isin(n: int) -> str:
    """A valid synthetic ISIN (check digit computed)."""
    stem = f"XS{n:09d}"
    return next(stem + str(d) for d in range(10) if v.isin_ok(stem + str(d)))


def test_search_reads_issuer_name_or_issuer():
    records, rejects = f.BondSearchFetcher.transform_data(f.BondSearchFetcher.transform_query({}),
                                                          raw(payload("terrapin/search.json")))
    assert rejects == []
    assert [(r.isin, r.issuer_name, r.currency, r.symbol) for r in records] == [
        ("XS2724510792", "EUROBANK SA", "EUR", "EUROB V5.875 11/28/29 EMTN"),
        ("XS1610682764", "ABC CORP", "EUR", "ABC 1.75 04/07/26")]


def test_reference_into_instrument_and_terms():
    query = f.BondReferenceFetcher.transform_query({"isins": ["XS2724510792", "xs1610682764"]})
    records, rejects = f.BondReferenceFetcher.transform_data(query, raw(payload("terrapin/reference.json")))
    assert rejects == []
    eurobank, eurobank_terms, abc, abc_terms = records
    assert isinstance(eurobank, InstrumentRecord) and isinstance(eurobank_terms, BondTermsRecord)
    assert (eurobank.figi, eurobank.lei, eurobank.asset_subclass) == (
        "BBG01K89S0G8", "213800KGF4EFNUQKAT69", "medium-term note")
    assert (eurobank_terms.coupon_rate, eurobank_terms.coupon_type, eurobank_terms.coupon_frequency) == (
        Decimal("5.875"), "variable", 1)
    assert (eurobank_terms.callable, eurobank_terms.puttable, eurobank_terms.status) == (True, False, "outstanding")
    assert (eurobank_terms.face_value, eurobank_terms.outstanding_amount, eurobank_terms.issue_rating) == (
        Decimal(100000), Decimal(500000000), "BBB+")
    assert abc.issuer_name == "ABC CORP"  # the older revision's "issuer"
    assert (abc_terms.coupon_type, abc_terms.callable, abc_terms.status, abc_terms.day_count) == (
        "fixed", None, None, "act/act")


def test_pricing_latest_and_history():
    query = f.BondPricingLatestFetcher.transform_query({"isins": "XS1610682764,XS2724510792"})
    records, rejects = f.BondPricingLatestFetcher.transform_data(query, raw(payload("terrapin/pricing_latest.json")))
    assert rejects == []
    first = records[0]
    assert (first.source_instrument_id, first.price, first.price_unit, first.yield_pct, first.duration) == (
        "XS1610682764", Decimal("99.21"), "pct_of_nominal", Decimal("3.60638"), Decimal("1.38783"))
    assert first.as_of == datetime(2024, 7, 17, tzinfo=UTC) and first.as_of_precision == "day"
    history = f.BondPricingHistoryFetcher.transform_query(
        {"isin": "XS1610682764", "start": "2024-07-15", "end": "2024-07-17"})
    records, rejects = f.BondPricingHistoryFetcher.transform_data(history, raw(payload("terrapin/pricing_history.json")))
    assert [r.as_of.day for r in records] == [15, 16, 17] and rejects == []
    assert {r.source_instrument_id for r in records} == {"XS1610682764"}
    assert records[0].convexity == Decimal("0.031")


def test_invalid_and_missing_isins_become_rejects():
    query = f.BondPricingLatestFetcher.transform_query(
        {"isins": ["XS1610682764", "XS1610682765", "XS2724510792", "US0378331005"]})
    assert query.isins == ("XS1610682764", "XS2724510792", "US0378331005") and query.invalid == ("XS1610682765",)
    page = payload("terrapin/pricing_latest.json")
    page["data"].append({"date": "2024-07-17", "isin": "XS2724510792", "price": "NaN"})
    records, rejects = f.BondPricingLatestFetcher.transform_data(query, raw(page))
    assert len(records) == 2
    assert rejects == [("invalid isin", "XS1610682765"), ("price: not a finite number", page["data"][-1]),
                       ("no data for isin", "US0378331005")]


@pytest.mark.parametrize("params", [{"filters": {"isin": ["X"]}}, {"limit": 1001}])
def test_search_query_validation(params):
    with pytest.raises(ValueError):
        f.BondSearchFetcher.transform_query(params)


def test_search_pages_by_offset_up_to_total(server):
    def search(seen):
        start, limit = seen.body["offset"], seen.body["limit"]
        rows = [{"isin": isin(i), "issuer_name": "X"} for i in range(start, min(start + limit, 2300))]
        return Reply(200, {"data": rows, "total": 2300})
    server.route("POST", "/api/v1/bond_search", search)
    result = f.BondSearchFetcher.fetch(client(server.url), {
        "filters": {"countries": ["Germany"], "include_callable": True}, "sort": "-maturity_date"})
    assert [(s.body["offset"], s.body["limit"]) for s in server.seen] == [(0, 1000), (1000, 1000), (2000, 1000)]
    assert server.seen[0].body == {"countries": ["Germany"], "include_callable": True, "limit": 1000,
                                   "offset": 0, "sort": "-maturity_date"}
    assert server.seen[0].headers["authorization"] == "Bearer sandbox-terrapin-key"
    assert len(result.records) == 2300 and result.rejects == []


def test_reference_batches_at_most_1000_isins(server):
    def reference(seen):
        return Reply(200, {"data": [{"isin": i} for i in seen.body["isins"]], "total": len(seen.body["isins"])})
    server.route("POST", "/api/v1/bond_reference", reference)
    isins = [isin(i) for i in range(1500)]
    result = f.BondReferenceFetcher.fetch(client(server.url), {"isins": isins})
    assert [len(s.body["isins"]) for s in server.seen] == [1000, 500]
    assert len(result.records) == 3000 and result.rejects == []


def test_history_continues_after_the_last_date(server):
    days = [date(2024, 7, 1) + timedelta(days=i) for i in range(5)]

    def history(seen):
        start = date.fromisoformat(seen.body["start_date"])
        left = [d for d in days if d >= start]
        return Reply(200, {"data": [{"date": d.isoformat(), "price": 99} for d in left[:2]], "total": len(left)})
    server.route("POST", "/api/v1/bond_pricing_history", history)
    result = f.BondPricingHistoryFetcher.fetch(client(server.url), {"isin": "XS1610682764", "start": "2024-07-01",
                                                                   "end": "2024-07-31"})
    assert [s.body["start_date"] for s in server.seen] == ["2024-07-01", "2024-07-03", "2024-07-05"]
    assert [r.as_of.date() for r in result.records] == days


def test_quota_403_and_rate_limit_header_pause_the_vendor(server):
    pauses = []

    class Recorder:
        def acquire(self, vendor):
            pass

        def pause(self, vendor, until, reason):
            pauses.append((vendor, reason, round((until - datetime.now(UTC)).total_seconds())))

    server.route("POST", "/api/v1/bond_pricing_latest",
                 Reply(200, payload("terrapin/pricing_latest.json"), {"ratelimit": "limit=100, remaining=0, reset=23"}))
    f.BondPricingLatestFetcher.fetch(client(server.url, Recorder()), {"isins": ["XS1610682764"]})
    assert pauses == [("terrapin", "rate", 23)]
    server.route("POST", "/api/v1/bond_reference",
                 Reply(403, {"errors": [{"detail": "Monthly ISIN quota exhausted"}]}))
    with pytest.raises(errors.QuotaExhausted):
        f.BondReferenceFetcher.fetch(client(server.url, Recorder()), {"isins": ["XS1610682764"]})
    assert pauses[-1][:2] == ("terrapin", "quota")
