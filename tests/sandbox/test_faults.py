"""Faults switched on at run time: vendor-specific 429s and quota errors, 5xx, malformed, slow, redirect."""
from __future__ import annotations

import json
import math
import time

import pytest


def _arm(sandbox, vendor, faults):
    response = sandbox.control("POST", f"/faults/{vendor}", json=faults)
    assert response.status_code == 200, response.text
    return response.json()["faults"]


def _calls(sandbox):
    return {
        "fmp": lambda: sandbox.fmp("/stable/stock-list"),
        "cmc": lambda: sandbox.cmc("/v1/key/info"),
        "cbonds": lambda: sandbox.cbonds("get_emitents", {"quantity": {"limit": 3}}),
        "terrapin": lambda: sandbox.terrapin("bond_search", {"limit": 3}),
    }


def test_rate_limit_answers_each_vendors_429_form_then_recovers(sandbox):
    calls = _calls(sandbox)
    for vendor in calls:
        _arm(sandbox, vendor, {"rate_limit": {"count": 2, "retry_after": 7}})
    for _ in range(2):
        fmp, cmc, cbonds, terrapin = (calls[v]() for v in ("fmp", "cmc", "cbonds", "terrapin"))
        assert fmp.status_code == 429 and fmp.json()["Error Message"].startswith("Limit Reach")
        assert cmc.status_code == 429 and cmc.json()["status"]["error_code"] == 1008
        assert cbonds.status_code == 200 and cbonds.json()["error"]["err_no"] == 900000
        assert terrapin.status_code == 429 and terrapin.json() == {"errors": [{"detail": "Too Many Requests"}]}
        assert fmp.headers["Retry-After"] == cmc.headers["Retry-After"] == terrapin.headers["retry-after"] == "7"
    assert all(call().status_code == 200 and "error" not in call().text[:20] for call in calls.values())


def test_quota_exhausted_lasts_until_cleared(sandbox):
    calls = _calls(sandbox)
    for vendor in calls:
        _arm(sandbox, vendor, {"quota_exhausted": True})
    for _ in range(3):
        assert calls["fmp"]().status_code == 429 and "Retry-After" not in calls["fmp"]().headers
        assert calls["cmc"]().json()["status"]["error_code"] == 1009
        assert calls["cbonds"]().json()["error"]["err_no"] == 900000
        assert calls["terrapin"]().status_code == 403
    assert calls["terrapin"]().json()["errors"][0]["reason"] == "isin_quota_exceeded"
    for vendor in calls:
        assert sandbox.control("DELETE", f"/faults/{vendor}").status_code == 200
    assert all(call().status_code == 200 for call in calls.values())


def test_server_error_bursts(sandbox):
    _arm(sandbox, "fmp", {"server_error": {"count": 3, "status": 503}})
    statuses = [sandbox.fmp("/stable/quote", symbol="X") for _ in range(4)]
    assert [r.status_code for r in statuses] == [503, 503, 503, 200]
    assert statuses[0].headers["Content-Type"].startswith("text/html")
    _arm(sandbox, "cmc", {"server_error": {"count": 1, "status": 500}})
    failed = sandbox.cmc("/v1/key/info")
    assert failed.status_code == 500 and failed.json()["status"]["error_code"] == 500


def test_malformed_invalid_json(sandbox):
    _arm(sandbox, "cmc", {"malformed": {"count": 1, "mode": "invalid_json"}})
    broken = sandbox.cmc("/v1/cryptocurrency/listings/latest", limit=5)
    assert broken.status_code == 200 and broken.headers["Content-Type"] == "application/json"
    with pytest.raises(ValueError):
        json.loads(broken.text)
    assert sandbox.cmc("/v1/cryptocurrency/listings/latest", limit=5).json()["data"]


def test_malformed_partly_invalid_rows(sandbox):
    isins = [r["isin"] for r in sandbox.terrapin("bond_search", {"limit": 20}).json()["data"]]
    _arm(sandbox, "terrapin", {"malformed": {"count": 1, "mode": "partly_invalid"}})
    spoiled = sandbox.terrapin("bond_pricing_latest", {"isins": isins}).json()["data"]
    prices = [row.get("price", "missing") for row in spoiled]
    assert prices[0] == "abc" and prices[5] < 0 and prices[10] == "missing" and math.isnan(prices[15])
    assert all(isinstance(p, float) and p > 0 for i, p in enumerate(prices) if i % 5)
    _arm(sandbox, "cbonds", {"malformed": {"count": 1, "mode": "partly_invalid"}})
    items = sandbox.cbonds("get_tradings_new", {"quantity": {"limit": 20}}).json()["items"]
    assert items[0]["last_price"] == "abc" and items[15]["last_price"] == "NaN"
    assert items[5]["last_price"].startswith("-") and "last_price" not in items[10]


def test_slow_delays_the_answer(sandbox):
    _arm(sandbox, "fmp", {"slow": {"count": 1, "seconds": 0.4}})
    started = time.monotonic()
    assert sandbox.fmp("/stable/quote", symbol="X").status_code == 200
    assert time.monotonic() - started >= 0.4
    log = sandbox.control("GET", "/requests", params={"vendor": "fmp"}).json()["requests"]
    assert log[-1]["duration_ms"] >= 400


def test_redirect_points_where_told(sandbox):
    _arm(sandbox, "terrapin", {"redirect": {"count": 1}})
    response = sandbox.http.post(f"{sandbox.base}/terrapin/api/v1/bond_search", json={},
                                 headers={"Authorization": "Bearer sandbox-terrapin-key"}, allow_redirects=False)
    assert response.status_code == 302
    assert response.headers["Location"] == "http://169.254.169.254/latest/meta-data/"


def test_auth_failures_consume_no_fault(sandbox):
    _arm(sandbox, "fmp", {"rate_limit": {"count": 1}})
    assert sandbox.fmp("/stable/quote", headers={}, symbol="X").status_code == 401
    assert sandbox.fmp("/stable/quote", symbol="X").status_code == 429


def test_bad_fault_specs_are_refused(sandbox):
    for vendor, body in (("fmp", {"explode": {}}), ("fmp", {"server_error": {"status": 404}}),
                         ("cmc", {"malformed": {"mode": "weird"}}), ("cmc", {"slow": {"seconds": "x"}}),
                         ("nope", {"slow": {}}), ("fmp", [])):
        assert sandbox.control("POST", f"/faults/{vendor}", json=body).status_code in (400, 404)
    armed = _arm(sandbox, "cmc", {"slow": {"count": 2, "seconds": 0}, "rate_limit": {"count": 1}})
    assert armed == sandbox.control("GET", "/faults/cmc").json()["faults"]
    assert _arm(sandbox, "cmc", {"slow": None}) == {"rate_limit": armed["rate_limit"]}
