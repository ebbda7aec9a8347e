"""Terrapin bond endpoints: bodies, paging, validation, rate-limit headers (vendors.md section 4)."""
from __future__ import annotations

import re
from datetime import date

from ops.sandbox.synth.rand import valid_isin
from tests.sandbox.conftest import TERRAPIN_KEY

SEARCH_FIELDS = {"isin", "ticker", "issuer_name", "coupon", "currency", "maturity_date", "country",
                 "issuer_rating_group", "issue_rating_group"}
RATELIMIT = re.compile(r"^limit=\d+, remaining=\d+, reset=\d+$")


def _data(response):
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"data", "total"} and len(body["data"]) <= 1000
    return body


def test_search_paging_and_sort(sandbox):
    first = _data(sandbox.terrapin("bond_search", {"limit": 50, "offset": 0, "sort": "-coupon"}))
    assert first["total"] > 2000 and len(first["data"]) == 50
    assert all(set(row) == SEARCH_FIELDS and valid_isin(row["isin"]) for row in first["data"])
    coupons = [row["coupon"] for row in first["data"]]
    assert coupons == sorted(coupons, reverse=True)
    second = _data(sandbox.terrapin("bond_search", {"limit": 50, "offset": 25, "sort": "-coupon"}))
    assert [r["isin"] for r in second["data"][:25]] == [r["isin"] for r in first["data"][25:]]
    only_total = _data(sandbox.terrapin("bond_search", {"limit": 0}))
    assert only_total == {"data": [], "total": first["total"]}
    everything = _data(sandbox.terrapin("bond_search", {"limit": 10, "include_non_outstanding": True}))
    assert everything["total"] == 3000


def test_search_filters(sandbox):
    body = _data(sandbox.terrapin("bond_search", {"currencies": ["EUR"], "coupon_min": 3, "coupon_max": 5,
                                                   "maturity_date_min": "2030-01-01", "limit": 1000}))
    assert 0 < body["total"] == len(body["data"])
    for row in body["data"]:
        assert row["currency"] == "EUR" and 3 <= row["coupon"] <= 5 and row["maturity_date"] >= "2030-01-01"
    germany = _data(sandbox.terrapin("bond_search", {"countries": ["germ"], "limit": 1000}))
    assert germany["total"] > 0 and {row["country"] for row in germany["data"]} == {"Germany"}


def test_validation_errors(sandbox):
    for body, pointer in (({"limit": 1001}, "/limit"), ({"offset": -1}, "/offset"),
                          ({"currencies": "EUR"}, "/currencies"), ({"sort": "-nope"}, "/sort")):
        response = sandbox.terrapin("bond_search", body)
        assert response.status_code == 422
        assert response.json()["errors"][0]["source"]["pointer"] == pointer
    bad_isin = sandbox.terrapin("bond_reference", {"isins": ["XS1610682764", "US0378331006"]})
    assert bad_isin.status_code == 422 and bad_isin.json()["errors"][0]["source"]["pointer"] == "/isins/1"
    assert sandbox.terrapin("bond_reference", {}).status_code == 422


def test_reference_and_latest_pricing(sandbox):
    isins = [row["isin"] for row in _data(sandbox.terrapin("bond_search", {"limit": 3}))["data"]]
    reference = _data(sandbox.terrapin("bond_reference", {"isins": [i.lower() for i in isins] + ["XS1610682764"]}))
    assert reference["total"] == 3 and [r["isin"] for r in reference["data"]] == isins
    row = reference["data"][0]
    assert {"figi", "cfi_code", "ticker", "name", "issuer_name", "issuer_type", "lei", "coupon_frequency",
            "interest_type", "interest_accrual_convention", "issue_date", "maturity_date", "issued_amount",
            "minimum_denomination", "composite_issue_rating", "is_callable", "is_outstanding", "is_green",
            "handle"} <= set(row)
    latest = _data(sandbox.terrapin("bond_pricing_latest", {"isins": isins}))
    assert latest["total"] == 3
    for point in latest["data"]:
        assert set(point) == {"isin", "date", "price", "yield_to_maturity", "duration"}
        assert point["date"] == "2026-06-17" and 20 < point["price"] < 200
    friday = _data(sandbox.terrapin("bond_pricing_latest", {"isins": isins, "as_of_date": "2026-06-14"}))
    assert {p["date"] for p in friday["data"]} == {"2026-06-12"}


def test_history_is_capped_at_1000_rows(sandbox):
    isin = _data(sandbox.terrapin("bond_search", {"limit": 1, "sort": "maturity_date",
                                                  "issue_date_max": "2018-01-01"}))["data"][0]["isin"]
    body = _data(sandbox.terrapin("bond_pricing_history", {"isin": isin, "start_date": "2000-01-01",
                                                           "end_date": "2026-06-17"}))
    assert body["total"] > 1000 and len(body["data"]) == 1000
    days = [date.fromisoformat(p["date"]) for p in body["data"]]
    assert days == sorted(days) and all(d.weekday() < 5 for d in days)
    assert set(body["data"][0]) == {"date", "price", "yield_to_maturity", "duration", "modified_duration",
                                    "convexity"}


def test_auth_and_rate_limit_headers(sandbox):
    refused = sandbox.terrapin("bond_search", {}, headers={"Authorization": "Bearer wrong"})
    assert refused.status_code == 401
    assert refused.json() == {"errors": [{"detail": "Incorrect or no bearer token"}]}
    assert sandbox.terrapin("bond_search", {}, headers={}).status_code == 401
    wrong_method = sandbox.http.get(f"{sandbox.base}/terrapin/api/v1/bond_search", headers=TERRAPIN_KEY)
    assert wrong_method.status_code == 405 and "detail" in wrong_method.json()["errors"][0]
    response = sandbox.terrapin("bond_search", {"limit": 1})
    assert response.headers["ratelimit-policy"].endswith(";w=60")
    assert RATELIMIT.match(response.headers["ratelimit"]) and response.headers["request-id"]


def test_minute_window_is_enforced_with_vendor_429s(limited_sandbox):
    statuses = [limited_sandbox.terrapin("bond_search", {"limit": 1}) for _ in range(4)]
    assert [r.status_code for r in statuses] == [200, 200, 200, 429]
    assert statuses[2].headers["ratelimit"].startswith("limit=3, remaining=0, reset=")
    assert statuses[3].json() == {"errors": [{"detail": "Too Many Requests"}]}
    assert 1 <= int(statuses[3].headers["retry-after"]) <= 60
    for _ in range(2):
        limited_sandbox.cbonds("get_emitents", {"quantity": {"limit": 1}})
    throttled = limited_sandbox.cbonds("get_emitents")
    assert throttled.status_code == 200 and throttled.json()["error"]["err_no"] == 900000
    for _ in range(2):
        limited_sandbox.cmc("/v1/key/info")
    assert limited_sandbox.cmc("/v1/key/info").json()["status"]["error_code"] == 1008
