"""The base vendor client: one HTTP session, auth, base URL, timeouts, limiter hook, error mapping.

Rules every vendor client inherits (DESIGN.md §4 rule 8, security.md items 40-41, T6):

* The base URL comes from configuration only; request paths are fixed per fetcher.
* Redirects are never followed: a 3xx raises ``RedirectRefused`` and its ``Location`` is not
  contacted. Proxies and ``.netrc`` from the environment are ignored (``trust_env = False``).
* Connect and read timeouts on every call, plus a deadline for the whole body (a slow drip of
  bytes cannot hold a worker) and a size cap (checked on the decoded bytes, so gzip bombs too).
* Credentials travel in a header (or, for Cbonds, the POST body), never in the URL; they are
  redacted from every error message, and neither the client's repr nor its logs show them.
* ``limiter.acquire(vendor)`` is called before every request (default: no-op), or
  ``limiter.take_call(vendor)`` where the limiter has it (a token and the call counted in one
  step). If the limiter also has ``record(vendor, usage)`` / ``pause(vendor, until, reason)``, the
  client reports each call's usage not counted yet and pauses the vendor on quota exhaustion or
  a rate-limit answer; with
  ``learn(vendor, limits)``, limits a vendor announces in its answers are passed on too.
"""
from __future__ import annotations

import json
import logging
import math
import time
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlencode

import urllib3
import urllib3.exceptions

from axa.clients import errors
from axa.clients.values import decode_json, decode_json_to_check
from axa.platform.config import Secret, VendorSettings, check_base_url

log = logging.getLogger("axa.clients")
USER_AGENT = "axa-platform-clients/1"


class NoLimiter:
    """The default limiter: lets every request through."""

    def acquire(self, vendor: str) -> None:
        return None


@dataclass(frozen=True)
class Usage:
    """What one call cost: the call itself, CMC credits, Terrapin ISINs."""

    calls: int = 1
    credits: int = 0
    isins: tuple[str, ...] = ()


@dataclass(frozen=True)
class VendorResponse:
    status: int
    headers: dict[str, str]
    payload: Any  # decoded JSON (floats only if asked with exact=False), or None: empty, not JSON
    body_text: str  # first bytes of the body, for error messages (already redacted)
    body: bytes = field(default=b"", repr=False)  # the whole body as received (gzip/deflate undone)


class VendorClient:
    vendor = "vendor"
    max_error_text = 300

    def __init__(self, base_url: str, *, credentials: dict[str, Secret] | None = None,
                 connect_timeout: float = 3.05, read_timeout: float = 20.0, deadline: float = 60.0,
                 max_response_bytes: int = 20 * 1024 * 1024, limiter: Any = None,
                 pool: urllib3.PoolManager | None = None) -> None:
        self.base_url = check_base_url(base_url)
        self._credentials = dict(credentials or {})
        self.timeout = urllib3.Timeout(connect=connect_timeout, read=read_timeout)
        self.deadline = deadline
        self.max_response_bytes = max_response_bytes
        self.limiter = limiter or NoLimiter()
        # urllib3 itself, not requests: no proxies or .netrc from the environment, no redirects,
        # no retries (the pipeline retries with backoff), kept-alive connections per process
        self.pool = pool or urllib3.PoolManager(num_pools=4, maxsize=4, retries=False)
        self.headers = {"Accept": "application/json", "User-Agent": USER_AGENT,
                        "Accept-Encoding": "gzip, deflate"}

    @classmethod
    def from_settings(cls, settings: VendorSettings, *, limiter: Any = None, **overrides):
        kwargs = dict(credentials=dict(settings.credentials),
                      connect_timeout=settings.connect_timeout, read_timeout=settings.read_timeout,
                      deadline=settings.deadline, max_response_bytes=settings.max_response_bytes,
                      limiter=limiter)
        kwargs.update(overrides)
        return cls(settings.base_url, **kwargs)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.vendor} base_url={self.base_url!r}>"

    def close(self) -> None:
        self.pool.clear()

    # ---- vendor hooks -----------------------------------------------------------------
    def auth_headers(self) -> dict[str, str]:
        return {}

    def vendor_error(self, response: VendorResponse) -> errors.VendorError | None:
        """The vendor-specific failure in ``response`` (200-with-error bodies too), or None."""
        return None

    def usage_of(self, path: str, body: Any, response: VendorResponse) -> Usage:
        return Usage()

    def announced_limits(self, response: VendorResponse) -> dict[str, float]:
        """Limits the vendor states in ``response`` (``rate_per_min`` etc., see ``limits``)."""
        return {}

    # ---- requests ----------------------------------------------------------------------
    def get(self, path: str, params: dict | None = None, *, exact: bool = True) -> VendorResponse:
        return self.request("GET", path, params=params, exact=exact)

    def post(self, path: str, body: Any, params: dict | None = None) -> VendorResponse:
        return self.request("POST", path, params=params, json_body=body)

    def request(self, method: str, path: str, *, params: dict | None = None,
                json_body: Any = None, exact: bool = True) -> VendorResponse:
        """One call: limiter, send, read (capped), map failures; returns a successful response.
        ``exact=False`` where the caller reads numbers from ``body`` itself, not from ``payload``
        (decoded then only to check the answer, with floats: cheaper)."""
        if not path.startswith("/") or "//" in path or "@" in path:
            raise ValueError(f"request path must be a plain absolute path, got {path!r}")
        counted = self._take_call()
        url = self.base_url + path
        started = time.monotonic()
        response = self._send(method, url, params, json_body, exact)
        log.debug("%s %s %s -> %s in %.0f ms", self.vendor, method, path, response.status,
                  (time.monotonic() - started) * 1000)
        usage = self.usage_of(path, json_body, response)
        if counted:  # the limiter counted the call with its token: report only credits / ISINs
            usage = replace(usage, calls=0)
        if usage.calls or usage.credits or usage.isins:
            self._report("record", usage)
        if announced := self.announced_limits(response):
            self._report("learn", announced)
        failure = self.vendor_error(response) or self.generic_error(response)
        if failure is None and response.payload is None:
            failure = self.error(errors.BadPayload, "response body is not JSON", status=response.status)
        if failure is not None:
            self._pause_for(failure)
            log.warning("%s %s %s failed: %r", self.vendor, method, path, failure)
            raise failure
        return response

    def _take_call(self) -> bool:
        """Take a token from the limiter; True when it also counted the call (``take_call``)."""
        take_call = getattr(self.limiter, "take_call", None)
        if take_call is None:
            self.limiter.acquire(self.vendor)
            return False
        take_call(self.vendor)
        return True

    def _send(self, method: str, url: str, params: dict | None, json_body: Any,
              exact: bool = True) -> VendorResponse:
        headers = {**self.headers, **self.auth_headers()}
        body = None
        if json_body is not None:
            body = json.dumps(json_body, allow_nan=False).encode()
            headers["Content-Type"] = "application/json"
        if params:
            url += "?" + urlencode({k: v for k, v in params.items() if v is not None}, doseq=True)
        try:
            raw = self.pool.request(method, url, body=body, headers=headers, timeout=self.timeout,
                                    retries=False, redirect=False, preload_content=False)
            try:
                content = self._read_body(raw)
            except BaseException:
                raw.close()  # a body left unread: the connection cannot be reused
                raise
            finally:
                raw.release_conn()
        except urllib3.exceptions.NewConnectionError as exc:  # (urllib3 files it under timeouts)
            raise self.error(errors.TransientVendorError,
                             f"connection failed: {type(exc).__name__}") from None
        except (urllib3.exceptions.TimeoutError, TimeoutError) as exc:
            raise self.error(errors.TransientVendorError, f"timeout: {type(exc).__name__}") from None
        except urllib3.exceptions.DecodeError:
            raise self.error(errors.BadPayload, "response body cannot be decoded") from None
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            raise self.error(errors.TransientVendorError,
                             f"connection failed: {type(exc).__name__}") from None
        return self._decoded(raw.status, {k.lower(): v for k, v in raw.headers.items()}, content, exact)

    def _read_body(self, raw: urllib3.BaseHTTPResponse) -> bytes:
        declared = raw.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self.max_response_bytes:
            raise self.error(errors.BadPayload, f"response of {declared} bytes is over the cap",
                             status=raw.status)
        ends = time.monotonic() + self.deadline
        chunks, size = [], 0
        while chunk := raw.read1(64 * 1024, decode_content=True):
            size += len(chunk)
            if size > self.max_response_bytes:
                raise self.error(errors.BadPayload, "response is over the size cap", status=raw.status)
            if time.monotonic() > ends:
                raise self.error(errors.TransientVendorError, "response exceeded its deadline",
                                 status=raw.status)
            chunks.append(chunk)
        return b"".join(chunks)

    def _decoded(self, status: int, headers: dict[str, str], body: bytes,
                 exact: bool = True) -> VendorResponse:
        try:
            payload = (decode_json if exact else decode_json_to_check)(body) if body.strip() else None
        except ValueError:
            payload = None
        text = self.redact(body[: self.max_error_text].decode("utf-8", "replace"))
        return VendorResponse(status, headers, payload, text, body)

    # ---- errors -----------------------------------------------------------------------
    def redact(self, text: str) -> str:
        for secret in self._credentials.values():
            value = secret.reveal()
            if value:
                text = text.replace(value, "***")
        return text

    def error(self, cls: type[errors.VendorError], message: str, **kw) -> errors.VendorError:
        return cls(self.redact(message), vendor=self.vendor, **kw)

    def generic_error(self, response: VendorResponse) -> errors.VendorError | None:
        """Status-code mapping shared by all vendors, after the vendor's own mapping."""
        status, detail = response.status, response.body_text[:120] or "no body"
        if 200 <= status < 300:
            return None
        if 300 <= status < 400:
            return self.error(errors.RedirectRefused, "redirect refused", status=status)
        if status == 429:
            return self.error(errors.RateLimited, f"rate limited: {detail}", status=status,
                              retry_after=retry_after(response.headers))
        if status >= 500:
            return self.error(errors.TransientVendorError, f"server error: {detail}", status=status)
        by_status = {401: errors.AuthFailed, 402: errors.NotEntitled, 403: errors.NotEntitled}
        return self.error(by_status.get(status, errors.RequestRejected), detail, status=status)

    def _pause_for(self, failure: errors.VendorError) -> None:
        now = datetime.now(UTC)
        if isinstance(failure, errors.QuotaExhausted):
            self._report("pause", failure.until or now + timedelta(hours=1), "quota")
        elif isinstance(failure, errors.RateLimited) and failure.retry_after:
            self._report("pause", now + timedelta(seconds=failure.retry_after), "rate")

    def _report(self, hook: str, *args: Any) -> None:
        method = getattr(self.limiter, hook, None)
        if method is not None:
            method(self.vendor, *args)


MAX_RETRY_AFTER = 86400.0


def retry_after(headers: dict[str, str], now: datetime | None = None) -> float | None:
    """``Retry-After`` in seconds from now: delta-seconds, or an HTTP date (RFC 9110 §10.2.3);
    None when absent or unreadable; at most a day (a vendor's typo must not park it for years)."""
    raw = headers.get("retry-after", "").strip()
    if not raw:
        return None
    try:
        seconds = float(raw)
    except ValueError:
        try:
            when = parsedate_to_datetime(raw)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:  # RFC 850 / asctime forms carry no zone: they are GMT
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    return min(max(0.0, seconds), MAX_RETRY_AFTER) if math.isfinite(seconds) else None


def next_utc_midnight(now: datetime | None = None) -> datetime:
    now = now or datetime.now(UTC)
    return datetime(now.year, now.month, now.day, tzinfo=UTC) + timedelta(days=1)


def next_utc_month(now: datetime | None = None) -> datetime:
    now = now or datetime.now(UTC)
    year, month = (now.year + 1, 1) if now.month == 12 else (now.year, now.month + 1)
    return datetime(year, month, 1, tzinfo=UTC)


def seconds_to_next_minute(now: datetime | None = None) -> float:
    """For per-minute limits without Retry-After: the next minute boundary, plus a second."""
    now = now or datetime.now(UTC)
    return 60.0 - now.second - now.microsecond / 1e6 + 1.0
