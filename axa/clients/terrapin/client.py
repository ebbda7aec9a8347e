"""Terrapin Finance API (vendors.md §4): ``POST <base>/api/v1/<endpoint>`` with a JSON body.

Auth: ``Authorization: Bearer <key>``. Errors: ``{"errors": [{"detail", "reason"?, "title"?,
"source": {"pointer"}?}]}`` with 400/401/403 (not in tier, or the monthly ISIN quota)/404/422/
429 (``retry-after``)/500/502. The ``ratelimit`` header (``limit=100, remaining=0, reset=23``)
is read on every answer: at ``remaining=0`` the vendor is paused until the reset. ISINs sent to
reference and pricing answers are reported as usage (the quota counts distinct ISINs a month).
"""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from axa.clients import errors
from axa.clients.http import Usage, VendorClient, VendorResponse, next_utc_month, retry_after

_METERED = ("bond_reference", "bond_pricing_latest", "bond_pricing_history", "bond_cashflows")
_BY_STATUS = {400: errors.RequestRejected, 401: errors.AuthFailed, 403: errors.NotEntitled,
              404: errors.RequestRejected, 422: errors.RequestRejected}


def ratelimit(headers: dict[str, str]) -> dict[str, float]:
    """``ratelimit: limit=100, remaining=42, reset=23`` as numbers (IETF draft v7)."""
    found = {}
    for key, value in re.findall(r"(\w+)\s*=\s*([0-9.]+)", headers.get("ratelimit", "")):
        found[key.lower()] = float(value)
    return found


def error_detail(payload) -> str:
    items = payload.get("errors") if isinstance(payload, dict) else None
    if not isinstance(items, list) or not items:
        return ""
    parts = []
    for item in items:
        if isinstance(item, dict):
            source = item.get("source") if isinstance(item.get("source"), dict) else {}
            pointer = source.get("pointer")
            text = " ".join(str(item[k]) for k in ("title", "detail", "reason") if item.get(k))
            parts.append(f"{text} at {pointer}" if pointer else text)
    return "; ".join(p for p in parts if p) or "error"


class TerrapinClient(VendorClient):
    vendor = "terrapin"

    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._credentials['api_key'].reveal()}"}

    def call(self, endpoint: str, body: dict) -> VendorResponse:
        response = self.post(f"/api/v1/{endpoint}", body)
        limits = ratelimit(response.headers)
        if limits.get("remaining") == 0 and limits.get("reset"):
            until = datetime.now(UTC) + timedelta(seconds=limits["reset"])
            self._report("pause", until, "rate")
        return response

    def usage_of(self, path: str, body, response: VendorResponse) -> Usage:
        if not (200 <= response.status < 300) or not path.endswith(_METERED) or not isinstance(body, dict):
            return Usage()
        data = response.payload.get("data") if isinstance(response.payload, dict) else None
        rows = data if isinstance(data, list) else []
        isins = {str(r["isin"]).upper() for r in rows if isinstance(r, dict) and r.get("isin")}
        if rows and not isins and body.get("isin"):  # history rows do not repeat the ISIN
            isins = {str(body["isin"]).upper()}
        return Usage(isins=tuple(sorted(isins)))

    def vendor_error(self, response: VendorResponse) -> errors.VendorError | None:
        detail, status = error_detail(response.payload), response.status
        if not detail:
            return None
        if status == 429:
            wait = retry_after(response.headers) or ratelimit(response.headers).get("reset")
            return self.error(errors.RateLimited, detail, status=status, retry_after=wait)
        if status == 403 and "quota" in detail.lower():
            return self.error(errors.QuotaExhausted, detail, status=status, until=next_utc_month())
        if status >= 500:
            return self.error(errors.TransientVendorError, detail, status=status)
        return self.error(_BY_STATUS.get(status, errors.RequestRejected), detail, status=status)
