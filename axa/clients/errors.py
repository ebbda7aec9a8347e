"""One error hierarchy for every vendor failure (vendors.md §5 "Error classes").

Callers decide by class, never by vendor:

* ``TransientVendorError`` - timeouts, connection errors, 5xx: retry with backoff and jitter.
* ``RateLimited(retry_after)`` - retry after ``retry_after`` seconds (None: the caller's default).
* ``QuotaExhausted(until)`` - no retry; pause the vendor until ``until`` (None: unknown reset).
* ``AuthFailed`` / ``NotEntitled`` - no retry, alert an operator.
* ``SymbolUnavailable`` - skip the item (symbol or ISIN), keep going with the rest.
* ``BadPayload`` - the vendor answered something we cannot trust (shape, size, ignored filter).
* ``RequestRejected`` - the vendor refused our request as malformed (400/404/422): our bug.
* ``RedirectRefused`` - a 3xx; redirects are never followed (security.md item 40).

Messages never carry credentials: clients redact them before raising.
"""
from __future__ import annotations

from datetime import datetime


class VendorError(Exception):
    """Base class. ``retryable`` tells a task whether a plain retry may help."""

    retryable = False

    def __init__(self, message: str, *, vendor: str | None = None, status: int | None = None,
                 code: int | str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.vendor = vendor
        self.status = status
        self.code = code

    def __str__(self) -> str:
        where = f"{self.vendor} " if self.vendor else ""
        status = f" (HTTP {self.status})" if self.status is not None else ""
        return f"{where}{self.message}{status}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r})"


class TransientVendorError(VendorError):
    retryable = True


class RateLimited(VendorError):
    retryable = True

    def __init__(self, message: str, *, retry_after: float | None = None, **kw) -> None:
        super().__init__(message, **kw)
        self.retry_after = retry_after


class QuotaExhausted(VendorError):
    def __init__(self, message: str, *, until: datetime | None = None, **kw) -> None:
        super().__init__(message, **kw)
        self.until = until


class AuthFailed(VendorError):
    pass


class NotEntitled(VendorError):
    pass


class SymbolUnavailable(VendorError):
    pass


class BadPayload(VendorError):
    pass


class RequestRejected(VendorError):
    pass


class RedirectRefused(VendorError):
    pass
