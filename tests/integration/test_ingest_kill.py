"""A worker killed with SIGKILL (its whole process group) while batches are in flight at the
vendor: a new worker finishes the run, every batch counted once, nothing missing, no duplicates."""
from __future__ import annotations

from sqlalchemy import func, select

from axa.models import stocks as m
from ops.sandbox.synth.equities import equity_universe
from tests.integration.conftest import (
    consumer_counts,
    rabbitmq_redelivery,
    start_run,
    wait_for_run,
    wait_until,
)

BATCHES = 6


@rabbitmq_redelivery
def test_worker_killed_mid_batch_then_replaced_completes_the_run_once(platform, vendors, worker):
    stocks, state = platform["stocks"], vendors.state
    symbols = [e.symbol for e in equity_universe(state.config.seed).items[:100 * BATCHES]]
    state.faults.set("fmp", {"slow": {"count": 2, "seconds": 3}})  # both pool processes held at the vendor
    run_id = start_run(stocks, "fmp.quotes", {"symbols": symbols})
    wait_until(lambda: len(state.requests("fmp")) == 2, 5.0, "two batches in flight")
    worker.kill()
    wait_until(lambda: sum(consumer_counts().values()) == 0, 5.0, "the broker saw the worker die")
    in_flight = {e["query"]["symbols"] for e in state.requests("fmp")}
    worker.start()
    run = wait_for_run(stocks, run_id, 25.0)
    assert (run["status"], run["batches_done"], run["batches_failed"]) == ("succeeded", BATCHES, 0)
    assert (run["records_stored"], run["records_rejected"]) == (100 * BATCHES, 0)  # counted once
    with stocks.app_context():
        stored = list(m.db.session.scalars(select(m.LatestQuote.source_instrument_id)))
        batches = m.db.session.scalar(select(func.count()).select_from(m.IngestBatch)
                                      .where(m.IngestBatch.run_id == run_id))
    assert sorted(stored) == sorted(symbols) and batches == BATCHES
    asked = [e["query"]["symbols"] for e in state.requests("fmp")]
    assert all(asked.count(batch) == 2 for batch in in_flight)  # redelivered, polled again
    assert len(asked) == BATCHES + len(in_flight) and len(in_flight) == 2
