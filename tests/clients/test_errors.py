"""Every error body of vendors.md, served by a real local HTTP server, maps into one hierarchy."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from axa.clients import errors
from axa.clients.cbonds.client import CbondsClient
from axa.clients.cmc.client import CmcClient
from axa.clients.fmp.client import FmpClient
from axa.clients.http import next_utc_midnight, next_utc_month
from axa.clients.terrapin.client import TerrapinClient
from axa.platform.config import vendor_settings
from tests.clients.conftest import Reply

FMP_KEY_TEXT = ("Invalid API KEY. Feel free to create a Free API Key or visit "
                "https://site.financialmodelingprep.com/faqs?search=why-is-my-api-key-invalid for more information.")
LIMIT = ("Limit Reach . Please upgrade your plan or visit our documentation for more details at "
         "https://site.financialmodelingprep.com/developer/docs/pricing")
PREMIUM = ("Premium Query Parameter: 'Special Endpoint : This value set for 'symbol' is not available "
           "under your current subscription please visit our subscription page to upgrade your plan'")


def fmp(message):
    return {"Error Message": message}


def cmc(code, message, credit_count=0):
    return {"status": {"timestamp": "2024-05-01T10:00:00.000Z", "error_code": code,
                       "error_message": message, "elapsed": 10, "credit_count": credit_count}}


def terrapin(detail, **extra):
    return {"errors": [{"detail": detail, **extra}]}


def midnight(exc):
    return exc.until == next_utc_midnight()


def month(exc):
    return exc.until == next_utc_month()


CASES = [
    # FMP (vendors.md §1.5)
    ("fmp", 401, fmp(FMP_KEY_TEXT), {}, errors.AuthFailed, None),
    ("fmp-daily", 429, fmp(LIMIT), {}, errors.QuotaExhausted, midnight),  # a 250/day plan
    ("fmp", 200, fmp(LIMIT), {}, errors.QuotaExhausted, midnight),  # the old 200 variant
    ("fmp", 429, fmp(LIMIT), {}, errors.RateLimited, lambda e: e.retry_after == 60.0),  # per-minute plan
    ("fmp-daily", 429, fmp(LIMIT), {"Retry-After": "2"}, errors.RateLimited, lambda e: e.retry_after == 2.0),
    ("fmp", 429, fmp("Bandwidth Limit Reach . Please upgrade your plan"), {}, errors.QuotaExhausted,
     lambda e: e.until is None),
    ("fmp", 402, fmp("Restricted Endpoint: This endpoint is not available under your current "
                     "subscription..."), {}, errors.NotEntitled, None),
    ("fmp", 403, fmp("Exclusive Endpoint : This endpoint is not available under your current "
                     "subscription"), {}, errors.NotEntitled, None),
    ("fmp", 402, fmp(PREMIUM), {}, errors.SymbolUnavailable, None),
    ("fmp", 403, fmp("Legacy Endpoint : Due to Legacy endpoints being no longer supported - only "
                     "available for legacy users who have valid subscriptions prior August 31, 2025"),
     {}, errors.NotEntitled, None),
    ("fmp", 200, fmp("Invalid parameters"), {}, errors.RequestRejected, None),
    ("fmp", 429, b"", {"Retry-After": "5"}, errors.RateLimited, lambda e: e.retry_after == 5.0),
    ("fmp", 500, b"<html>oops</html>", {}, errors.TransientVendorError, None),
    # CMC (vendors.md §2.5): error_code decides
    ("cmc", 401, cmc(1001, "This API Key is invalid."), {}, errors.AuthFailed, None),
    ("cmc", 401, cmc(1002, "API key missing."), {}, errors.AuthFailed, None),
    ("cmc", 402, cmc(1003, "Your API Key must be activated."), {}, errors.NotEntitled, None),
    ("cmc", 402, cmc(1004, "Your API Key's subscription plan has expired."), {}, errors.NotEntitled, None),
    ("cmc", 403, cmc(1005, "An API Key is required for this call."), {}, errors.AuthFailed, None),
    ("cmc", 403, cmc(1006, "Your API Key subscription plan doesn't support this endpoint."), {},
     errors.NotEntitled, None),
    ("cmc", 403, cmc(1007, "This API Key has been disabled."), {}, errors.AuthFailed, None),
    ("cmc", 429, cmc(1008, "You've exceeded your API Key's HTTP request rate limit. Rate limits "
                           "reset every minute."), {}, errors.RateLimited,
     lambda e: 0 < e.retry_after <= 61),
    ("cmc", 429, cmc(1008, "minute limit"), {"Retry-After": "7"}, errors.RateLimited,
     lambda e: e.retry_after == 7.0),
    ("cmc", 429, cmc(1009, "You've exceeded your API Key's daily rate limit."), {},
     errors.QuotaExhausted, midnight),
    ("cmc", 429, cmc(1010, "You've exceeded your API Key's monthly rate limit."), {},
     errors.QuotaExhausted, month),
    ("cmc", 429, cmc(1011, "You've hit an IP rate limit."), {}, errors.RateLimited,
     lambda e: e.retry_after is not None),
    ("cmc", 400, cmc(400, 'Invalid value for "id"'), {}, errors.RequestRejected, None),
    ("cmc", 500, cmc(500, "An internal server error occurred"), {}, errors.TransientVendorError, None),
    ("cmc", 200, cmc(1006, "plan"), {}, errors.NotEntitled, None),  # error_code wins over HTTP 200
    # Cbonds (vendors.md §3.5)
    ("cbonds", 200, {"error": {"err_no": 900000, "error": "Throttling: 30 requests per minute"}}, {},
     errors.RateLimited, lambda e: 0 < e.retry_after <= 61),
    ("cbonds", 200, {"error": {"err_no": 900000, "error": "Daily request limit exceeded"}}, {},
     errors.QuotaExhausted, midnight),
    ("cbonds", 200, "invalid operation name", {}, errors.RequestRejected, None),
    ("cbonds", 200, '"invalid resource name"', {}, errors.NotEntitled, None),
    ("cbonds", 403, b"authorization error", {}, errors.AuthFailed, None),
    ("cbonds", 401, '"Access denied"', {}, errors.AuthFailed, None),
    ("cbonds", 200, '"something unexpected happened"', {}, errors.VendorError, None),
    ("cbonds", 502, b"Bad Gateway", {}, errors.TransientVendorError, None),
    # Terrapin (vendors.md §4.1, §4.4)
    ("terrapin", 401, terrapin("Incorrect or no bearer token"), {}, errors.AuthFailed, None),
    ("terrapin", 403, terrapin("Endpoint not available in your tier"), {}, errors.NotEntitled, None),
    ("terrapin", 403, terrapin("Monthly ISIN quota exhausted", reason="isin_quota_exhausted"), {},
     errors.QuotaExhausted, month),
    ("terrapin", 422, terrapin("is not a valid ISIN", title="Invalid ISIN",
                               source={"pointer": "/isins/0"}), {}, errors.RequestRejected,
     lambda e: "/isins/0" in e.message),
    ("terrapin", 429, terrapin("Too Many Requests"), {"retry-after": "2"}, errors.RateLimited,
     lambda e: e.retry_after == 2.0),
    ("terrapin", 429, terrapin("Too Many Requests"), {"ratelimit": "limit=100, remaining=0, reset=23"},
     errors.RateLimited, lambda e: e.retry_after == 23.0),
    ("terrapin", 400, terrapin("Malformed JSON"), {}, errors.RequestRejected, None),
    ("terrapin", 404, terrapin("Not found"), {}, errors.RequestRejected, None),
    ("terrapin", 500, terrapin("Internal error"), {}, errors.TransientVendorError, None),
    ("terrapin", 502, b"", {}, errors.TransientVendorError, None),
]
CLIENTS = {"fmp": FmpClient, "cmc": CmcClient, "cbonds": CbondsClient, "terrapin": TerrapinClient}
CALLS = {
    "fmp": ("GET", "/stable/quote", lambda c: c.get("/stable/quote", {"symbol": "AAPL"})),
    "fmp-daily": ("GET", "/stable/quote", lambda c: c.get("/stable/quote", {"symbol": "AAPL"})),
    "cmc": ("GET", "/v1/key/info", lambda c: c.get("/v1/key/info")),
    "cbonds": ("POST", "/services/json/get_emissions/", lambda c: c.call("get_emissions", {})),
    "terrapin": ("POST", "/api/v1/bond_search", lambda c: c.call("bond_search", {})),
}


def make(label, url, **kwargs):
    vendor = label.split("-")[0]
    if label == "fmp-daily":
        kwargs["daily_plan"] = True
    settings = vendor_settings(vendor, {})
    return CLIENTS[vendor](url, credentials=dict(settings.credentials), **kwargs)


def _case_id(case):
    label, status, _, headers, cls, _ = case
    return f"{label}-{status}-{cls.__name__}" + ("-retry-after" if headers else "")


@pytest.mark.parametrize("case", CASES, ids=[_case_id(c) for c in CASES])
def test_vendor_error_maps_into_the_hierarchy(server, case):
    label, status, body, headers, expected, check = case
    method, path, call = CALLS[label]
    server.route(method, path, Reply(status, body, headers))
    client = make(label, server.url)
    with pytest.raises(errors.VendorError) as caught:
        call(client)
    assert type(caught.value) is expected
    assert caught.value.vendor == label.split("-")[0]
    if check is not None:
        assert check(caught.value), caught.value.__dict__


def test_retryable_classes():
    assert errors.TransientVendorError("x").retryable and errors.RateLimited("x").retryable
    for cls in (errors.QuotaExhausted, errors.AuthFailed, errors.NotEntitled, errors.SymbolUnavailable,
                errors.BadPayload, errors.RequestRejected, errors.RedirectRefused):
        assert not cls("x").retryable
    assert not issubclass(errors.RateLimited, errors.TransientVendorError)  # honours retry_after


def test_until_helpers():
    now = datetime(2024, 12, 31, 23, 59, tzinfo=UTC)
    assert next_utc_midnight(now) == now.replace(hour=0, minute=0) + timedelta(days=1)
    assert next_utc_month(now) == datetime(2025, 1, 1, tzinfo=UTC)


def test_success_is_not_an_error(server):
    server.route("GET", "/v1/key/info", Reply(200, cmc(0, None, credit_count=0) | {"data": {}}))
    response = make("cmc", server.url).get("/v1/key/info")
    assert response.status == 200 and response.payload["data"] == {}
