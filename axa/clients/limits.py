"""Vendor limits shared by every worker and process, in Redis (DESIGN.md §6, vendors.md §5).

* A token bucket per vendor account, refilled continuously; a Lua script takes tokens
  atomically using Redis's clock, so all processes see one bucket.
* ``QuotaLedger`` - daily and monthly counters per vendor account (FMP and Cbonds calls, CMC
  credits from ``status.credit_count``) and Terrapin's distinct ISINs per month (a Redis set:
  exact; repeats of an ISIN in the same month are free, as at the vendor).
* ``VendorLimiter`` - what clients call: ``acquire(vendor)`` waits out a short pause, refuses a
  paused or exhausted vendor (``QuotaExhausted``), then takes a token, in one Redis call
  (``take_call`` also counts the call there); ``record`` counts usage known after the answer;
  ``pause(vendor, until)`` / ``paused_until(vendor)`` stop a vendor until its quota resets;
  ``learn(vendor, limits)`` remembers the limits a vendor announced (see below).

Learned limits: the vendor's real plan (CMC ``/v1/key/info`` at worker start-up, Cbonds'
``meta.throttling_per_minute_max`` on every answer) is kept per vendor account in the Redis hash
``<prefix>:<vendor>:<account>:learned`` (fields ``rate_per_min``, ``daily_quota``,
``monthly_quota``) for ``LEARNED_TTL`` (a day; every write renews it). A limiter uses
min(configured, learned) for the bucket rate and the quotas: learning only ever lowers limits, and
a quota configured as 0 (not enforced) stays unenforced.

Periods are UTC days and months (CMC Basic resets at UTC midnight; others assumed alike).
Keys: ``<prefix>:<vendor>:<account>:{bucket|pause|learned|quota:<metric>:<d|m>:<period>}``.
"""
from __future__ import annotations

import os
import time
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime

import redis

from axa.clients import errors
from axa.clients.http import Usage, next_utc_midnight, next_utc_month
from axa.clients.settings import VendorSettings, all_vendor_settings
from axa.platform.lua import LuaScript
from axa.platform.redis_client import client_for

PREFIX = "axa:vendors"
ACQUIRE = LuaScript(__file__, "vendor_acquire")
PAUSE = LuaScript(__file__, "vendor_pause")
DAY_TTL, MONTH_TTL = 3 * 86400, 40 * 86400
LEARNED_TTL = 86400
LEARNED_FIELDS = ("rate_per_min", "daily_quota", "monthly_quota")


def _tighter(configured: float, learned: float | None) -> float:
    """min(configured, learned); a configured 0 ("not enforced", e.g. ``make run`` against the
    vendor sandbox, which is no paid plan) is the operator's choice and stays."""
    if not learned or learned <= 0 or not configured:
        return configured
    return min(configured, learned)


def _worth_storing(configured: float, value: float, known: float | None) -> bool:
    if value <= 0 or value == known:
        return False
    return known is not None or bool(configured and value < configured)


def effective_settings(settings: VendorSettings, learned: Mapping[str, float]) -> VendorSettings:
    """``settings`` with each learned limit applied where it is tighter than the configured one."""
    return replace(settings, rate_per_min=float(_tighter(settings.rate_per_min, learned.get("rate_per_min"))),
                   daily_quota=int(_tighter(settings.daily_quota, learned.get("daily_quota"))),
                   monthly_quota=int(_tighter(settings.monthly_quota, learned.get("monthly_quota"))))


def _period_keys(base: str, now: datetime) -> tuple[str, str]:
    return f"{base}:d:{now:%Y%m%d}", f"{base}:m:{now:%Y%m}"


class QuotaLedger:
    def __init__(self, client: redis.Redis, *, prefix: str = PREFIX) -> None:
        self.redis, self.prefix = client, prefix

    def base(self, name: str, metric: str) -> str:
        """The key prefix of ``metric``'s counters for the bucket ``name`` (``:d:<day>``, ``:m:<month>``)."""
        return f"{self.prefix}:{name}:quota:{metric}"

    def add(self, name: str, metric: str, amount: int, now: datetime | None = None) -> tuple[int, int]:
        """Count ``amount`` in today's and this month's counters; returns both totals."""
        day_key, month_key = _period_keys(self.base(name, metric), now or datetime.now(UTC))
        pipe = self.redis.pipeline()
        pipe.incrby(day_key, amount).expire(day_key, DAY_TTL)
        pipe.incrby(month_key, amount).expire(month_key, MONTH_TTL)
        day_total, _, month_total, _ = pipe.execute()
        return int(day_total), int(month_total)

    def used(self, name: str, metric: str, period: str, now: datetime | None = None) -> int:
        day_key, month_key = _period_keys(self.base(name, metric), now or datetime.now(UTC))
        if metric == "isins":
            return int(self.redis.scard(month_key))
        return int(self.redis.get(day_key if period == "day" else month_key) or 0)

    def add_isins(self, name: str, isins, now: datetime | None = None) -> int:
        """Remember ISINs pulled this month; returns the month's distinct count."""
        _, month_key = _period_keys(self.base(name, "isins"), now or datetime.now(UTC))
        pipe = self.redis.pipeline()
        if isins:
            pipe.sadd(month_key, *isins).expire(month_key, MONTH_TTL)
        pipe.scard(month_key)
        return int(pipe.execute()[-1])


class VendorLimiter:
    """The limiter clients call. ``settings`` maps vendor name to its (configured) ``VendorSettings``.

    Learned limits are read once, when the limiter is built: a worker process builds one per
    vendor and keeps it (``axa.tasks.pipeline.vendor_client``), so it sees what was learned before
    it started (CMC's plan is learned at worker start-up, before the pool takes tasks) and what it
    learns itself (``learn`` applies at once to this limiter). ``self.settings`` is the effective
    view, ``self.configured`` the configuration.
    """

    def __init__(self, client: redis.Redis, settings: Mapping[str, VendorSettings], *,
                 prefix: str = PREFIX, wait_limit: float = 10.0) -> None:
        self.redis, self.prefix, self.wait_limit = client, prefix, wait_limit
        self.configured = dict(settings)
        self.learned = self._read_learned()
        self.settings = {v: effective_settings(s, self.learned[v]) for v, s in self.configured.items()}
        self.ledger = QuotaLedger(client, prefix=prefix)

    @classmethod
    def from_env(cls, redis_url: str | None = None, **kwargs) -> VendorLimiter:
        url = redis_url or os.environ.get("AXA_REDIS_URL", "redis://127.0.0.1:6379/0")
        return cls(client_for(url), all_vendor_settings(), **kwargs)

    def scope(self, vendor: str) -> str:
        settings = self.configured.get(vendor)
        return f"{vendor}:{settings.account}" if settings else vendor

    # ---- learned limits -----------------------------------------------------------------
    def _read_learned(self) -> dict[str, dict[str, float]]:
        vendors = list(self.configured)
        pipe = self.redis.pipeline(transaction=False)
        for vendor in vendors:
            pipe.hgetall(f"{self.prefix}:{self.scope(vendor)}:learned")
        learned = {}
        for vendor, stored in zip(vendors, pipe.execute(), strict=True):
            fields = {_str(k): v for k, v in stored.items()}
            learned[vendor] = {name: float(fields[name]) for name in LEARNED_FIELDS if name in fields}
        return learned

    def learn(self, vendor: str, limits: Mapping[str, float]) -> bool:
        """Remember limits ``vendor`` announced (``LEARNED_FIELDS``; values <= 0 are ignored).

        A value is stored when it is below the configured one or replaces a stored one, so a
        limit announced on every answer costs a Redis write only when it changes. Returns True
        when something was stored; the new limits apply to this limiter at once.
        """
        configured, known = self.configured.get(vendor), self.learned.setdefault(vendor, {})
        if configured is None:
            return False
        changed = {name: float(value) for name, value in limits.items() if name in LEARNED_FIELDS
                   and _worth_storing(getattr(configured, name), float(value or 0), known.get(name))}
        if not changed:
            return False
        key = f"{self.prefix}:{self.scope(vendor)}:learned"
        self.redis.pipeline().hset(key, mapping=changed).expire(key, LEARNED_TTL).execute()
        known.update(changed)
        self._apply(vendor)
        return True

    def _apply(self, vendor: str) -> None:
        self.settings[vendor] = effective_settings(self.configured[vendor], self.learned[vendor])

    def rate_of(self, vendor: str) -> tuple[float, int]:
        """The vendor's bucket: (tokens per second, capacity); (0, 0) for an unknown vendor
        (not limited)."""
        settings = self.settings.get(vendor)
        if settings is None:
            return 0.0, 0
        return settings.rate_per_min / 60.0, max(1, settings.burst)

    # ---- the client hook ------------------------------------------------------------
    def acquire(self, vendor: str, tokens: int = 1, block: bool = True,
                timeout: float | None = None, calls: int = 0) -> None:
        """Wait out a short rate pause, refuse a paused or exhausted vendor, take ``tokens`` from
        its bucket (waiting at most ``timeout`` s) and count ``calls`` in its ledger: each try is
        one Redis call (``_ACQUIRE``), so the checks, the token and the count are one atomic step."""
        timeout = self.wait_limit if timeout is None else timeout
        deadline = time.monotonic() + timeout
        rate, capacity = self.rate_of(vendor)
        if rate > 0 and tokens > capacity:
            raise ValueError(f"{tokens} tokens can never fit a bucket of {capacity}")
        while True:
            status, value = self._try_acquire(vendor, tokens, calls, rate, capacity)
            if status == "ok":
                return
            left = deadline - time.monotonic()
            if status == "paused":
                self._on_pause(vendor, value, block, left)
            elif status == "quota":
                self._on_quota(vendor, value)
            else:  # the bucket is short of tokens
                wait = float(value)
                if not block or left <= 0:
                    raise errors.RateLimited("shared token bucket is empty", vendor=vendor,
                                             retry_after=tokens / rate)
                time.sleep(max(min(wait, left), 0.001))

    def take_call(self, vendor: str) -> None:
        """The client hook: ``acquire`` one token and count the call, in one Redis call."""
        self.acquire(vendor, calls=1)

    def _try_acquire(self, vendor: str, tokens: int, calls: int, rate: float,
                     capacity: int) -> tuple[str, str]:
        name, settings, now = self.scope(vendor), self.settings.get(vendor), datetime.now(UTC)
        metric = settings.quota_metric if settings is not None else "calls"
        daily = monthly = 0
        if settings is not None and metric != "isins":  # repeats of an ISIN are free: only the
            daily, monthly = settings.daily_quota, settings.monthly_quota  # vendor knows (its 403 pauses us)
        keys = [f"{self.prefix}:{name}:pause", f"{self.prefix}:{name}:bucket",
                *_period_keys(self.ledger.base(name, "calls"), now),
                *_period_keys(self.ledger.base(name, metric), now)]
        status, value = ACQUIRE(self.redis, keys, [capacity, rate, tokens, calls, daily, monthly,
                                                   DAY_TTL, MONTH_TTL])
        return _str(status), _str(value)

    def _on_pause(self, vendor: str, value: str, block: bool, left: float) -> None:
        """A pause is running: wait out a short rate pause (then try again), else refuse."""
        until, reason = _pause_from(value)
        remaining = (until - datetime.now(UTC)).total_seconds()
        if reason == "rate" and block and remaining <= left:
            time.sleep(max(remaining, 0.0))
            return
        if reason == "rate":
            raise errors.RateLimited("vendor is paused after a rate limit", vendor=vendor,
                                     retry_after=max(remaining, 0.0))
        raise errors.QuotaExhausted("vendor is paused until its quota resets", vendor=vendor,
                                    until=until)

    def _on_quota(self, vendor: str, period: str) -> None:
        settings, now = self.settings[vendor], datetime.now(UTC)
        quota, reset = ((settings.daily_quota, next_utc_midnight(now)) if period == "day"
                        else (settings.monthly_quota, next_utc_month(now)))
        self.pause(vendor, reset, "quota")
        raise errors.QuotaExhausted(f"quota of {quota} {settings.quota_metric} per {period} used",
                                    vendor=vendor, until=reset)

    def record(self, vendor: str, usage: Usage, now: datetime | None = None) -> None:
        name = self.scope(vendor)
        if usage.calls:
            self.ledger.add(name, "calls", usage.calls, now)
        if usage.credits:
            self.ledger.add(name, "credits", usage.credits, now)
        if usage.isins:
            self.ledger.add_isins(name, usage.isins, now)

    def used(self, vendor: str, metric: str, period: str = "day", now: datetime | None = None) -> int:
        return self.ledger.used(self.scope(vendor), metric, period, now)

    # ---- pauses -----------------------------------------------------------------------
    def pause(self, vendor: str, until: datetime, reason: str = "quota") -> None:
        """Stop calls to ``vendor`` until ``until`` (never shortens a longer pause)."""
        stamp = until.timestamp()
        PAUSE(self.redis, [f"{self.prefix}:{self.scope(vendor)}:pause"],
              [repr(stamp), reason, int(stamp * 1000) + 1])

    def paused_until(self, vendor: str) -> datetime | None:
        until, _ = self._pause_state(vendor)
        return until

    def resume(self, vendor: str) -> None:
        self.redis.delete(f"{self.prefix}:{self.scope(vendor)}:pause")

    def _pause_state(self, vendor: str) -> tuple[datetime | None, str]:
        value = self.redis.get(f"{self.prefix}:{self.scope(vendor)}:pause")
        if not value:
            return None, ""
        until, reason = _pause_from(_str(value))
        return (until, reason) if until > datetime.now(UTC) else (None, "")


def _pause_from(value: str) -> tuple[datetime, str]:
    """A pause key's value, ``<epoch seconds>|<reason>``, as (until, reason)."""
    stamp, _, reason = value.partition("|")
    return datetime.fromtimestamp(float(stamp), UTC), reason


def _str(value) -> str:
    return value.decode() if isinstance(value, bytes) else value
