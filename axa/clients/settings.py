"""Vendor settings, read from the environment in one function (``AXA_<VENDOR>_*``).

Per vendor (``FMP``, ``CMC``, ``CBONDS``, ``TERRAPIN``):

* ``AXA_<V>_BASE_URL`` - default: the local vendor sandbox, ``http://127.0.0.1:8099/<vendor>``.
* credentials - ``AXA_FMP_API_KEY``, ``AXA_CMC_API_KEY``, ``AXA_TERRAPIN_API_KEY``,
  ``AXA_CBONDS_LOGIN`` + ``AXA_CBONDS_PASSWORD``; default: the sandbox's credentials.
  In production (``AXA_ENV=production``) base URL and credentials must be set explicitly.
* ``AXA_<V>_RATE_PER_MIN`` and ``AXA_<V>_BURST`` - the shared token bucket (requests/minute and
  bucket capacity).
* ``AXA_<V>_DAILY_QUOTA`` / ``AXA_<V>_MONTHLY_QUOTA`` - in the vendor's quota unit (FMP and
  Cbonds: calls; CMC: credits; Terrapin: distinct ISINs, monthly only); ``0`` = not enforced.
* ``AXA_<V>_CONNECT_TIMEOUT`` / ``AXA_<V>_READ_TIMEOUT`` / ``AXA_<V>_DEADLINE`` (seconds; the
  deadline bounds a whole response, slow drips included) and ``AXA_<V>_MAX_RESPONSE_BYTES``.

Defaults follow vendors.md: FMP Starter (300/min, no daily cap), CMC Basic (30/min,
10,000 credits/month), Cbonds (30/min, 10,000 requests/day), Terrapin (100/min, 3,000 ISINs/month).
"""
from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from axa.platform.config import ConfigError

VENDORS = ("fmp", "cmc", "cbonds", "terrapin")
SANDBOX_URL = "http://127.0.0.1:8099"
QUOTA_METRIC = {"fmp": "calls", "cmc": "credits", "cbonds": "calls", "terrapin": "isins"}
_CREDENTIALS = {
    "fmp": {"api_key": ("AXA_FMP_API_KEY", "sandbox-fmp-key")},
    "cmc": {"api_key": ("AXA_CMC_API_KEY", "sandbox-cmc-key")},
    "cbonds": {"login": ("AXA_CBONDS_LOGIN", "sandbox"),
               "password": ("AXA_CBONDS_PASSWORD", "sandbox-cbonds")},
    "terrapin": {"api_key": ("AXA_TERRAPIN_API_KEY", "sandbox-terrapin-key")},
}
#                  rate/min, burst, daily quota, monthly quota
_LIMITS = {"fmp": (300, 10, 0, 0), "cmc": (30, 5, 0, 10_000),
           "cbonds": (30, 5, 10_000, 0), "terrapin": (100, 10, 0, 3_000)}


class Secret:
    """A credential whose repr and str never show it; ``reveal()`` is the only way in."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


@dataclass(frozen=True)
class VendorSettings:
    vendor: str
    base_url: str
    credentials: Mapping[str, Secret] = field(default_factory=dict)
    rate_per_min: float = 60.0
    burst: int = 5
    daily_quota: int = 0
    monthly_quota: int = 0
    connect_timeout: float = 3.05
    read_timeout: float = 20.0
    deadline: float = 60.0
    max_response_bytes: int = 20 * 1024 * 1024

    @property
    def quota_metric(self) -> str:
        return QUOTA_METRIC[self.vendor]

    @property
    def account(self) -> str:
        """A short, non-reversible id of the account, so each key gets its own bucket."""
        joined = "\0".join(secret.reveal() for _, secret in sorted(self.credentials.items()))
        return hashlib.sha256(joined.encode()).hexdigest()[:12]


def _get(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name)
    return value if value not in (None, "") else None


def _number(env: Mapping[str, str], name: str, default: float, kind=float):
    raw = _get(env, name)
    try:
        value = kind(raw) if raw is not None else default
    except ValueError as exc:
        raise ConfigError(f"{name} must be a number, got {raw!r}") from exc
    if value < 0:
        raise ConfigError(f"{name} must not be negative")
    return value


def check_base_url(url: str, name: str = "base URL") -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"{name} must be an http(s) URL with a host")
    if parts.username or parts.password or parts.query or parts.fragment:
        raise ConfigError(f"{name} must not carry credentials, a query or a fragment")
    return url.rstrip("/")


def _credentials(vendor: str, env: Mapping[str, str], production: bool) -> dict[str, Secret]:
    found = {}
    for key, (name, default) in _CREDENTIALS[vendor].items():
        value = _get(env, name)
        if value is None and production:
            raise ConfigError(f"{name} must be set in production")
        found[key] = Secret(value or default)
    return found


def vendor_settings(vendor: str, env: Mapping[str, str] | None = None) -> VendorSettings:
    """All settings of one vendor from the environment (``env`` defaults to ``os.environ``)."""
    if vendor not in VENDORS:
        raise ValueError(f"unknown vendor {vendor!r}")
    env = os.environ if env is None else env
    production = _get(env, "AXA_ENV") == "production"
    prefix = f"AXA_{vendor.upper()}_"
    base = _get(env, prefix + "BASE_URL")
    if base is None and production:
        raise ConfigError(f"{prefix}BASE_URL must be set in production")
    rate, burst, daily, monthly = _LIMITS[vendor]
    return VendorSettings(
        vendor=vendor,
        base_url=check_base_url(base or f"{SANDBOX_URL}/{vendor}", prefix + "BASE_URL"),
        credentials=_credentials(vendor, env, production),
        rate_per_min=_number(env, prefix + "RATE_PER_MIN", rate),
        burst=_number(env, prefix + "BURST", burst, int),
        daily_quota=_number(env, prefix + "DAILY_QUOTA", daily, int),
        monthly_quota=_number(env, prefix + "MONTHLY_QUOTA", monthly, int),
        connect_timeout=_number(env, prefix + "CONNECT_TIMEOUT", 3.05),
        read_timeout=_number(env, prefix + "READ_TIMEOUT", 20.0),
        deadline=_number(env, prefix + "DEADLINE", 60.0),
        max_response_bytes=_number(env, prefix + "MAX_RESPONSE_BYTES", 20 * 1024 * 1024, int),
    )


def all_vendor_settings(env: Mapping[str, str] | None = None) -> dict[str, VendorSettings]:
    return {vendor: vendor_settings(vendor, env) for vendor in VENDORS}
