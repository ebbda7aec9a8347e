"""Worker start-up: a worker consuming ``cmc.poll.cmc`` learns the key's real plan limits from
``/v1/key/info`` (vendors.md §2.4) before its pool takes tasks. It never stops the worker: on any
failure it logs a warning and the configured limits stay."""
from __future__ import annotations

import logging

from celery.signals import celeryd_after_setup

from axa.clients.cmc.plan import PlanLimits, learn_plan_limits
from axa.clients.limits import VendorLimiter
from axa.clients.registry import make_client

log = logging.getLogger(__name__)
POLL_QUEUE = "cmc.poll.cmc"


def learn_cmc_plan() -> PlanLimits | None:
    limiter = VendorLimiter.from_env(wait_limit=5.0)
    client = make_client("cmc", limiter=limiter, read_timeout=5.0, deadline=10.0)
    try:
        return learn_plan_limits(client, limiter)
    finally:
        client.close()


@celeryd_after_setup.connect
def learn_cmc_plan_at_start_up(sender=None, instance=None, **_) -> None:
    try:
        if POLL_QUEUE not in (instance.app.amqp.queues.consume_from or {}):
            return
        learn_cmc_plan()
    except Exception:  # start-up must go on with the configured limits
        log.warning("CMC plan limits not learned, keeping the configured ones", exc_info=True)
