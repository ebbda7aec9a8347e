"""Switchable faults, per vendor, set at run time through the control API.

A fault is armed for its next ``count`` vendor requests (``quota_exhausted: true`` until cleared).
Each request consumes at most one *blocking* fault, in the order redirect, server_error,
rate_limit, quota_exhausted; ``slow`` delays any response, and ``malformed`` spoils a normal one.
"""
from __future__ import annotations

import json
import math
import threading
from dataclasses import dataclass

BLOCKING = ("redirect", "server_error", "rate_limit", "quota_exhausted")
KINDS = (*BLOCKING, "slow", "malformed")
MALFORMED_MODES = ("invalid_json", "partly_invalid")
DEFAULTS = {
    "rate_limit": {"count": 1, "retry_after": 2},
    "server_error": {"count": 1, "status": 503},
    "malformed": {"count": 1, "mode": "invalid_json"},
    "slow": {"count": 1, "seconds": 3.0},
    "redirect": {"count": 1, "location": "http://169.254.169.254/latest/meta-data/", "status": 302},
    "quota_exhausted": {"count": None},
}
PRICE_KEYS = ("price", "close", "last_price", "indicative_price", "avar_price", "buying_quote")
TIME_KEYS = ("timestamp", "last_updated", "date", "update_time")
IDENTIFIERS = ("id", "symbol", "isin", "isin_code", "emission_id")


class FaultError(ValueError):
    """A fault specification the control API refuses (answered with 400)."""


def _number(spec: dict, name: str, low: float, high: float) -> None:
    value = spec.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise FaultError(f"{name} must be a number between {low} and {high}")


def normalize(kind: str, raw) -> dict | None:
    """Validate one fault specification; ``None`` means "clear this kind"."""
    if kind not in KINDS:
        raise FaultError(f"unknown fault {kind!r}; known: {', '.join(KINDS)}")
    if raw is False or raw is None:
        return None
    if raw is True and kind == "quota_exhausted":
        raw = {}
    if not isinstance(raw, dict):
        raise FaultError(f"{kind} must be an object")
    spec = {**DEFAULTS[kind], **raw}
    if spec["count"] is not None:
        _number(spec, "count", 1, 1_000_000)
        spec["count"] = int(spec["count"])
    for name, low, high in (("retry_after", 0, 86400), ("seconds", 0, 120), ("status", 100, 599)):
        if name in spec:
            _number(spec, name, low, high)
    if kind == "server_error" and not 500 <= spec["status"] <= 599:
        raise FaultError("server_error status must be 5xx")
    if kind == "redirect" and not 300 <= spec["status"] <= 399:
        raise FaultError("redirect status must be 3xx")
    if kind == "malformed" and spec["mode"] not in MALFORMED_MODES:
        raise FaultError(f"malformed mode must be one of {', '.join(MALFORMED_MODES)}")
    return spec


@dataclass
class Decision:
    blocking: tuple[str, dict] | None = None
    slow: float = 0.0
    malformed: str | None = None


class FaultBoard:
    def __init__(self, vendors: tuple[str, ...]) -> None:
        self._lock = threading.Lock()
        self._armed: dict[str, dict[str, dict]] = {v: {} for v in vendors}

    def set(self, vendor: str, body: dict) -> dict:
        specs = {kind: normalize(kind, raw) for kind, raw in body.items()}
        with self._lock:
            for kind, spec in specs.items():
                if spec is None:
                    self._armed[vendor].pop(kind, None)
                else:
                    self._armed[vendor][kind] = spec
            return self.snapshot_locked(vendor)

    def clear(self, vendor: str) -> None:
        with self._lock:
            self._armed[vendor] = {}

    def snapshot_locked(self, vendor: str) -> dict:
        return {kind: dict(spec) for kind, spec in self._armed[vendor].items()}

    def snapshot(self) -> dict:
        with self._lock:
            return {vendor: self.snapshot_locked(vendor) for vendor in self._armed}

    def _consume(self, vendor: str, kind: str) -> dict:
        spec = self._armed[vendor][kind]
        if spec["count"] is not None:
            spec["count"] -= 1
            if spec["count"] <= 0:
                del self._armed[vendor][kind]
        return dict(spec)

    def take(self, vendor: str) -> Decision:
        decision = Decision()
        with self._lock:
            armed = self._armed[vendor]
            if "slow" in armed:
                decision.slow = float(self._consume(vendor, "slow")["seconds"])
            for kind in BLOCKING:
                if kind in armed:
                    decision.blocking = (kind, self._consume(vendor, kind))
                    return decision
            if "malformed" in armed:
                decision.malformed = self._consume(vendor, "malformed")["mode"]
        return decision


def truncate(body: bytes) -> bytes:
    """Cut a JSON body in the middle: it is no longer parseable."""
    return body[: max(1, len(body) // 2)]


def _rows(data) -> list[dict]:
    if isinstance(data, list):
        return [row for row in data if isinstance(row, dict)]
    if not isinstance(data, dict):
        return []
    inner = data.get("data", data.get("items"))
    if isinstance(inner, list):
        return _rows(inner)
    if isinstance(inner, dict):
        rows = []
        for value in inner.values():
            rows.extend(_rows(value if isinstance(value, list) else [value]))
        return rows
    return []


def _targets(row: dict) -> list[dict]:
    quote = row.get("quote")
    if isinstance(quote, dict) and quote:
        return [q for q in quote.values() if isinstance(q, dict)]
    return [row]


def _as_number(value) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 1.0


def _spoil(target: dict, variant: int, strings: bool) -> None:
    key = next((k for k in PRICE_KEYS if k in target), None)
    if variant == 2 or key is None:  # rows without a price (stock list, map) lose a descriptive field
        key = key or next((k for k in target if k not in IDENTIFIERS), None)
        for name in (key, *TIME_KEYS):
            target.pop(name, None)
        return
    negative = -abs(_as_number(target[key]) or 1.0)
    if strings:
        target[key] = ("abc", f"{negative:.4f}", None, "NaN")[variant]
    else:
        target[key] = ("abc", negative, None, math.nan)[variant]


def corrupt(data, strings: bool = False):
    """Spoil every fifth row: a price "abc", a negative price, missing fields, NaN (in that rotation).

    ``strings``: the vendor writes numbers as strings (Cbonds), so the bad values are strings too.
    """
    for position, row in enumerate(_rows(data)):
        if position % 5:
            continue
        for target in _targets(row):
            _spoil(target, (position // 5) % 4, strings)
    return data


_ENCODER = json.JSONEncoder(ensure_ascii=False, allow_nan=True, separators=(",", ":"))


def dumps(data) -> bytes:
    """JSON as the vendors write it; NaN goes out as the bare token ``NaN`` (invalid strict JSON)."""
    return _ENCODER.encode(data).encode()
