"""The key's real plan limits from CMC ``GET /v1/key/info`` (vendors.md §2.4; 0 credits, but it
counts toward the per-minute limit), and applying them to the shared limiter.

``learn_plan_limits`` is called at start-up by workers that poll CMC
(``axa.tasks.cmc.plan``); it never raises: on any failure the configured limits stay.
"""
from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from typing import Any

import redis

from axa.clients import errors
from axa.clients.cmc.client import CmcClient
from axa.clients.values import RowRejected, integer

log = logging.getLogger("axa.clients")
KEY_INFO = "/v1/key/info"
_PLAN_FIELDS = {"rate_per_min": "rate_limit_minute", "daily_quota": "credit_limit_daily",
                "monthly_quota": "credit_limit_monthly"}


@dataclass(frozen=True)
class PlanLimits:
    """The plan's limits; None where the plan does not state one (e.g. no daily cap)."""

    rate_per_min: int | None = None
    daily_quota: int | None = None
    monthly_quota: int | None = None

    def as_limits(self) -> dict[str, int]:
        """The stated, positive limits, in ``VendorLimiter.learn``'s terms."""
        return {name: value for name, value in asdict(self).items() if value and value > 0}


def _limit(plan: dict, field: str) -> int | None:
    try:
        return integer(plan.get(field), field)
    except RowRejected:
        return None


def fetch_plan_limits(client: CmcClient) -> PlanLimits:
    """Ask CMC for the key's plan; raises the vendor error hierarchy (``BadPayload`` if no plan)."""
    payload: Any = client.get(KEY_INFO).payload
    data = payload.get("data") if isinstance(payload, dict) else None
    plan = data.get("plan") if isinstance(data, dict) else None
    if not isinstance(plan, dict):
        raise client.error(errors.BadPayload, "key/info answer has no data.plan")
    return PlanLimits(**{name: _limit(plan, field) for name, field in _PLAN_FIELDS.items()})


def learn_plan_limits(client: CmcClient, limiter) -> PlanLimits | None:
    """Fetch the plan and store it as CMC's learned limits; None (and a warning) on failure."""
    try:
        plan = fetch_plan_limits(client)
        limiter.learn(client.vendor, plan.as_limits())
    except (errors.VendorError, redis.RedisError) as exc:
        log.warning("CMC plan limits not learned, keeping the configured ones: %r", exc)
        return None
    log.info("CMC plan limits: %s", plan)
    return plan
