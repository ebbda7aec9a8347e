"""The sandbox's run-time state: settings, the clock, the request log, per-minute windows, usage."""
from __future__ import annotations

import itertools
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

from axa.platform.config import read_settings, read_var, var
from ops.sandbox.faults import FaultBoard

VENDORS = ("fmp", "cmc", "cbonds", "terrapin")
DEFAULT_RPM = {"fmp": 300, "cmc": 60, "cbonds": 30, "terrapin": 100}
LOG_SIZE = 5000


@dataclass(frozen=True)
class SandboxConfig:
    """The sandbox's settings: each ``AXA_SANDBOX_*`` variable declared once here (``var``) and read
    through axa/platform/config.py; the per-minute limits are ``AXA_SANDBOX_<VENDOR>_RPM``."""

    fmp_key: str = var("AXA_SANDBOX_FMP_KEY", "sandbox-fmp-key")
    cmc_key: str = var("AXA_SANDBOX_CMC_KEY", "sandbox-cmc-key")
    cbonds_login: str = var("AXA_SANDBOX_CBONDS_LOGIN", "sandbox")
    cbonds_password: str = var("AXA_SANDBOX_CBONDS_PASSWORD", "sandbox-cbonds")
    terrapin_key: str = var("AXA_SANDBOX_TERRAPIN_KEY", "sandbox-terrapin-key")
    tick_seconds: int = var("AXA_SANDBOX_TICK_SECONDS", 60)  # at least 1
    seed: int = var("AXA_SANDBOX_SEED", 20250101)
    # price buckets whose FMP quote JSON is kept (the current and the previous one; the ingest
    # bench keeps a round's worth, rendered before it is timed)
    quote_buckets: int = var("AXA_SANDBOX_QUOTE_BUCKETS", 2)
    rpm: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_RPM))  # 0: not enforced

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> SandboxConfig:
        config = read_settings(cls, env)
        rpm = {v: read_var(f"AXA_SANDBOX_{v.upper()}_RPM", DEFAULT_RPM[v], env) for v in VENDORS}
        return replace(config, tick_seconds=max(1, config.tick_seconds),
                       quote_buckets=max(1, config.quote_buckets), rpm=rpm)


class ManualClock:
    """A settable clock for tests: ``clock()`` returns its epoch seconds."""

    def __init__(self, start: float) -> None:
        self.now = float(start)

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class MinuteWindow:
    """A rolling 60-second window of accepted requests (real monotonic time), per vendor.

    ``limit`` 0 enforces nothing; the window then reports ``nominal`` (the plan's limit) as its limit.
    """

    def __init__(self, limit: int, nominal: int) -> None:
        self.limit = limit
        self.nominal = limit if limit > 0 else nominal
        self.stamps: deque[float] = deque()

    def _trim(self, now: float) -> None:
        while self.stamps and self.stamps[0] <= now - 60.0:
            self.stamps.popleft()

    def admit(self, now: float) -> int | None:
        """Record a request and return None, or return the seconds to wait when the window is full."""
        self._trim(now)
        if self.limit > 0 and len(self.stamps) >= self.limit:
            return max(1, int(self.stamps[0] + 60.0 - now + 0.999))
        self.stamps.append(now)
        return None

    def snapshot(self, now: float) -> dict:
        self._trim(now)
        reset = int(self.stamps[0] + 60.0 - now + 0.999) if self.stamps else 0
        return {"limit": self.nominal, "enforced": self.limit > 0, "used": len(self.stamps),
                "remaining": max(0, self.nominal - len(self.stamps)), "reset": reset}


class SandboxState:
    """Everything mutable, behind one lock; the app holds one as ``app.extensions['sandbox']``."""

    def __init__(self, config: SandboxConfig, clock: Callable[[], float] | None = None) -> None:
        self.config = config
        self._base_clock = clock or time.time
        self.clock_offset = 0.0
        self.lock = threading.RLock()
        self.faults = FaultBoard(VENDORS)
        self.windows = {v: self._new_window(v) for v in VENDORS}
        self.log: deque[dict] = deque(maxlen=LOG_SIZE)
        self._seq = itertools.count(1)
        self.cmc_credits: dict[str, int] = {}

    def _new_window(self, vendor: str) -> MinuteWindow:
        return MinuteWindow(self.config.rpm.get(vendor, 0), DEFAULT_RPM[vendor])

    def now(self) -> float:
        return self._base_clock() + self.clock_offset

    def bucket(self) -> int:
        return int(self.now() // self.config.tick_seconds)

    def bucket_time(self) -> int:
        return self.bucket() * self.config.tick_seconds

    def log_request(self, entry: dict) -> dict:
        entry.update(seq=next(self._seq), epoch=time.time(), monotonic=time.monotonic(), clock=self.now())
        with self.lock:
            self.log.append(entry)
        return entry

    def requests(self, vendor: str | None = None, limit: int = LOG_SIZE) -> list[dict]:
        with self.lock:
            rows = [dict(e) for e in self.log if vendor in (None, "", e["vendor"])]
        return rows[-limit:]

    def clear_requests(self) -> None:
        with self.lock:
            self.log.clear()

    def admit(self, vendor: str) -> int | None:
        with self.lock:
            return self.windows[vendor].admit(time.monotonic())

    def window(self, vendor: str) -> dict:
        with self.lock:
            return self.windows[vendor].snapshot(time.monotonic())

    def reset_vendor(self, vendor: str) -> None:
        """Clear faults and the per-minute window (and CMC's credit ledger) of one vendor."""
        self.faults.clear(vendor)
        with self.lock:
            self.windows[vendor] = self._new_window(vendor)
            if vendor == "cmc":
                self.cmc_credits.clear()

    def charge_cmc(self, credits: int, day: str, month: str) -> None:
        with self.lock:
            for key in (f"day:{day}", f"month:{month}"):
                self.cmc_credits[key] = self.cmc_credits.get(key, 0) + credits
