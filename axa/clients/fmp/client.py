"""Financial Modeling Prep, ``/stable`` API (vendors.md §1).

Auth: the ``apikey`` header (allowed by the stable docs), never the query string. Errors are a
JSON object ``{"Error Message": ...}`` - on 401/402/403/429 and sometimes on **200**.
"""
from __future__ import annotations

from axa.clients import errors
from axa.clients.http import VendorClient, VendorResponse, next_utc_midnight, retry_after

_BY_TEXT = (  # first match wins: (fragment of the message, error class)
    ("bandwidth limit reach", errors.QuotaExhausted),
    ("limit reach", errors.QuotaExhausted),
    ("invalid api key", errors.AuthFailed),
    ("premium query parameter", errors.SymbolUnavailable),
    ("special endpoint", errors.SymbolUnavailable),
    ("restricted endpoint", errors.NotEntitled),
    ("exclusive endpoint", errors.NotEntitled),
    ("legacy endpoint", errors.NotEntitled),
)
_BY_STATUS = {401: errors.AuthFailed, 402: errors.NotEntitled, 403: errors.NotEntitled}


class FmpClient(VendorClient):
    """``daily_plan``: the account has a daily call cap (Free/Basic: 250/day). FMP answers "Limit
    Reach" both for that cap and for per-minute plans; only a daily plan pauses until midnight."""

    vendor = "fmp"

    def __init__(self, base_url: str, *, daily_plan: bool = False, **kwargs) -> None:
        super().__init__(base_url, **kwargs)
        self.daily_plan = daily_plan

    @classmethod
    def from_settings(cls, settings, *, limiter=None, **overrides):
        overrides.setdefault("daily_plan", settings.daily_quota > 0)
        return super().from_settings(settings, limiter=limiter, **overrides)

    def auth_headers(self) -> dict[str, str]:
        return {"apikey": self._credentials["api_key"].reveal()}

    def vendor_error(self, response: VendorResponse) -> errors.VendorError | None:
        payload = response.payload
        if not isinstance(payload, dict) or "Error Message" not in payload:
            return None
        message = str(payload.get("Error Message") or "error")
        cls = next((c for fragment, c in _BY_TEXT if fragment in message.lower()), None)
        status = response.status
        if cls is None:
            if status == 429:
                return self.error(errors.RateLimited, message, status=status,
                                  retry_after=retry_after(response.headers) or 60.0)
            if status >= 500:
                return self.error(errors.TransientVendorError, message, status=status)
            cls = _BY_STATUS.get(status, errors.RequestRejected)
        if cls is errors.QuotaExhausted:
            return self._limit_reach(message, response)
        return self.error(cls, message, status=status)

    def _limit_reach(self, message: str, response: VendorResponse) -> errors.VendorError:
        status, wait = response.status, retry_after(response.headers)
        if "bandwidth" in message.lower():  # the 30-day bandwidth cap: reset unknown
            return self.error(errors.QuotaExhausted, message, status=status, until=None)
        if status == 200 or (self.daily_plan and wait is None):  # 200: the old daily-cap answer
            return self.error(errors.QuotaExhausted, message, status=status, until=next_utc_midnight())
        return self.error(errors.RateLimited, message, status=status, retry_after=wait or 60.0)
