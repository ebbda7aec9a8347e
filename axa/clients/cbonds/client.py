"""Cbonds JSON web services (vendors.md §3).

``POST <base>/services/json/<operation>/?lang=eng`` with a JSON body; the credentials travel in
the body's ``auth`` object (Cbonds has no header auth), never in the URL. Failures come as HTTP
401/403, as ``{"error": {"err_no": 900000, ...}}`` (throttling), or as a bare JSON string
(``"invalid operation name"``, ``"invalid resource name"``), often with HTTP 200.
Answers announce the per-minute limit in ``meta.throttling_per_minute_max`` (§3.4); it is passed
to the limiter, which keeps it when it is below the configured rate.
"""
from __future__ import annotations

import math
import re
from typing import Any

from axa.clients import errors
from axa.clients.http import (
    VendorClient,
    VendorResponse,
    next_utc_midnight,
    retry_after,
    seconds_to_next_minute,
)

THROTTLED = 900000
_OPERATION = re.compile(r"^[a-z][a-z0-9_]{1,63}$")
_BY_TEXT = (
    ("invalid operation name", errors.RequestRejected),  # unknown method: our bug
    ("invalid resource name", errors.NotEntitled),  # method not in the subscription
    ("daily", errors.QuotaExhausted),  # "Daily request limit exceeded" (also with err_no 900000)
    ("throttl", errors.RateLimited),
    ("too many requests", errors.RateLimited),
    ("auth", errors.AuthFailed),
    ("login", errors.AuthFailed),
    ("password", errors.AuthFailed),
)


def _error_text(error: Any) -> str:
    if isinstance(error, dict):
        parts = [str(value) for key, value in error.items() if key != "err_no" and value]
        return "; ".join(parts) or f"err_no {error.get('err_no')}"
    return str(error)


def _known_text(text: str) -> bool:
    return any(fragment in text.lower() for fragment, _ in _BY_TEXT)


class CbondsClient(VendorClient):
    vendor = "cbonds"

    def call(self, operation: str, body: dict, lang: str = "eng") -> VendorResponse:
        """POST one operation; ``body`` without ``auth`` (added here)."""
        if not _OPERATION.match(operation):
            raise ValueError(f"not a Cbonds operation name: {operation!r}")
        auth = {"login": self._credentials["login"].reveal(),
                "password": self._credentials["password"].reveal()}
        return self.post(f"/services/json/{operation}/", {"auth": auth, **body}, {"lang": lang})

    def announced_limits(self, response: VendorResponse) -> dict[str, float]:
        meta = response.payload.get("meta") if isinstance(response.payload, dict) else None
        announced = meta.get("throttling_per_minute_max") if isinstance(meta, dict) else None
        try:
            rate = float(announced) if announced is not None and not isinstance(announced, bool) else 0.0
        except (TypeError, ValueError):
            return {}
        return {"rate_per_min": rate} if math.isfinite(rate) and rate > 0 else {}

    def vendor_error(self, response: VendorResponse) -> errors.VendorError | None:
        payload, status = response.payload, response.status
        if isinstance(payload, str):
            return self._by_text(payload, status, None)
        if payload is None and _known_text(response.body_text):  # the same messages as plain text
            return self._by_text(response.body_text, status, None)
        error = payload.get("error") if isinstance(payload, dict) else None
        if error:
            code = error.get("err_no") if isinstance(error, dict) else None
            if str(code) == str(THROTTLED) and "daily" not in _error_text(error).lower():
                return self.error(errors.RateLimited, f"throttled: {_error_text(error)}", status=status,
                                  code=code, retry_after=retry_after(response.headers)
                                  or seconds_to_next_minute())
            return self._by_text(_error_text(error), status, code)
        if status in (401, 403):
            return self._by_text(response.body_text or "authorization error", status, None,
                                 default=errors.AuthFailed)
        return None

    def _by_text(self, message: str, status: int, code, default=errors.VendorError):
        lowered = message.lower()
        cls = next((c for fragment, c in _BY_TEXT if fragment in lowered), None)
        if cls is None and status in (401, 403):
            cls = errors.AuthFailed
        if cls is None and status >= 500:
            cls = errors.TransientVendorError
        if cls is None and status >= 400:
            cls = errors.RequestRejected
        cls = cls or default
        if cls is errors.RateLimited:
            return self.error(cls, message, status=status, code=code,
                              retry_after=seconds_to_next_minute())
        if cls is errors.QuotaExhausted:
            return self.error(cls, message, status=status, code=code, until=next_utc_midnight())
        return self.error(cls, message, status=status, code=code)
