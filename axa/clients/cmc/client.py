"""CoinMarketCap Pro API (vendors.md §2).

Auth: the ``X-CMC_PRO_API_KEY`` header. Every answer has a ``status`` envelope; its
``error_code`` (1001-1011, or an HTTP status) decides the error class, whatever the HTTP status.
``status.credit_count`` is reported to the limiter as usage.
"""
from __future__ import annotations

from axa.clients import errors
from axa.clients.http import (
    Usage,
    VendorClient,
    VendorResponse,
    next_utc_midnight,
    next_utc_month,
    retry_after,
    seconds_to_next_minute,
)
from axa.clients.values import RowRejected, integer

_AUTH = {1001, 1002, 1005, 1007}  # invalid, missing, required, disabled key
_PLAN = {1003, 1004, 1006}  # plan needs payment, payment expired, endpoint not in plan
_RATE = {1008, 1011}  # minute limit, IP limit: wait for the next minute
_STATUS_CODES = {401: errors.AuthFailed, 402: errors.NotEntitled, 403: errors.NotEntitled}


def status_of(payload) -> dict:
    status = payload.get("status") if isinstance(payload, dict) else None
    return status if isinstance(status, dict) else {}


def credit_count(payload) -> int:
    try:
        return max(0, integer(status_of(payload).get("credit_count"), "credit_count") or 0)
    except RowRejected:
        return 0


class CmcClient(VendorClient):
    vendor = "cmc"

    def auth_headers(self) -> dict[str, str]:
        return {"X-CMC_PRO_API_KEY": self._credentials["api_key"].reveal()}

    def usage_of(self, path, body, response: VendorResponse) -> Usage:
        return Usage(credits=credit_count(response.payload))

    def vendor_error(self, response: VendorResponse) -> errors.VendorError | None:
        status = status_of(response.payload)
        try:
            code = integer(status.get("error_code"), "error_code") or 0
        except RowRejected:
            code = 0
        if code == 0:
            return None
        message = str(status.get("error_message") or f"error_code {code}")
        kw = {"status": response.status, "code": code}
        if code in _AUTH:
            return self.error(errors.AuthFailed, message, **kw)
        if code in _PLAN:
            return self.error(errors.NotEntitled, message, **kw)
        if code in _RATE:
            wait = retry_after(response.headers) or seconds_to_next_minute()
            return self.error(errors.RateLimited, message, retry_after=wait, **kw)
        if code == 1009:
            return self.error(errors.QuotaExhausted, message, until=next_utc_midnight(), **kw)
        if code == 1010:
            return self.error(errors.QuotaExhausted, message, until=next_utc_month(), **kw)
        http = response.status if response.status >= 400 else code
        if http == 429:
            return self.error(errors.RateLimited, message,
                              retry_after=retry_after(response.headers) or seconds_to_next_minute(), **kw)
        if http >= 500:
            return self.error(errors.TransientVendorError, message, **kw)
        return self.error(_STATUS_CODES.get(http, errors.RequestRejected), message, **kw)
