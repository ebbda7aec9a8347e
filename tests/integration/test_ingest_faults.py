"""The vendor misbehaves (security.md T6), seen through a real worker and measured at the sandbox:
Retry-After honoured, 5xx bursts retried with backoff and jitter until the run ends ``partial``,
malformed rows quarantined, redirects refused, quota exhaustion pausing the vendor."""
from __future__ import annotations

import itertools
import json
import socket
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from axa.clients.http import next_utc_midnight
from axa.clients.limits import VendorLimiter
from axa.models import stocks as m
from axa.platform.config import all_vendor_settings
from axa.platform.redis_client import client_for
from axa.tasks.ingest import MAX_POLL_RETRIES
from ops.sandbox.synth.equities import equity_universe
from tests.integration.conftest import BACKOFF_BASE, start_run, wait_for_run, wait_until


@pytest.fixture
def symbols(vendors) -> list[str]:
    return [e.symbol for e in equity_universe(vendors.state.config.seed).items[:600]]


def limiter(app) -> VendorLimiter:
    """The workers' shared limiter state (pauses) as seen from the test process."""
    return VendorLimiter(client_for(app.config["AXA"].redis_url), all_vendor_settings())


def batch_of(entry: dict) -> str:
    return entry["query"].get("symbols", "")


def stored_symbols(app) -> set[str]:
    with app.app_context():
        return set(m.db.session.scalars(select(m.LatestQuote.source_instrument_id)))


def test_retry_after_is_honoured_by_every_worker_process(platform, vendors, symbols):
    stocks, state = platform["stocks"], vendors.state
    state.faults.set("fmp", {"rate_limit": {"count": 1, "retry_after": 2}})
    limited = start_run(stocks, "fmp.quotes", {"symbols": symbols[:100]})
    wait_until(lambda: limiter(stocks).paused_until("fmp"), 5.0, "the vendor paused by the 429")
    others = start_run(stocks, "fmp.quotes", {"symbols": symbols[100:300]})
    for run_id, stored in ((limited, 100), (others, 200)):
        run = wait_for_run(stocks, run_id, 15.0)
        assert (run["status"], run["records_stored"], run["errors"]) == ("succeeded", stored, [])
    log = state.requests("fmp")
    assert [(e["status"], e["fault"]) for e in log[:1]] == [(429, "rate_limit")]
    waits = [entry["monotonic"] - log[0]["monotonic"] for entry in log[1:]]
    assert len(waits) == 3 and {batch_of(e) for e in log} == {batch_of(e) for e in log[1:]}
    assert all(2.0 <= wait < 2.0 + 1.0 + 2.0 for wait in waits), waits  # Retry-After, jitter, slack


def test_server_error_burst_is_retried_with_backoff_then_the_run_ends_partial(platform, vendors, symbols):
    stocks, state = platform["stocks"], vendors.state
    state.faults.set("fmp", {"slow": {"count": 2, "seconds": 1.5}})  # batches 0 and 1 answer 200, slowly
    run_id = start_run(stocks, "fmp.quotes", {"symbols": symbols[:400]})
    wait_until(lambda: len(state.requests("fmp")) >= 2, 5.0, "the first two batches in flight")
    state.faults.set("fmp", {"server_error": {"count": 1000, "status": 503}})  # longer than the retries
    run = wait_for_run(stocks, run_id, 20.0)
    assert (run["status"], run["batches_done"], run["batches_failed"]) == ("partial", 4, 2)
    assert run["records_stored"] == 200 and len(stored_symbols(stocks)) == 200
    assert len(run["errors"]) == 2 and all("TransientVendorError" in e and "503" in e for e in run["errors"])
    attempts: dict[str, list[float]] = {}
    for entry in state.requests("fmp")[2:]:
        assert (entry["status"], entry["fault"]) == (503, "server_error")
        attempts.setdefault(batch_of(entry), []).append(entry["monotonic"])
    assert len(attempts) == 2 and {len(t) for t in attempts.values()} == {MAX_POLL_RETRIES + 1}
    gaps = [[b - a for a, b in itertools.pairwise(times)] for times in attempts.values()]
    for series in gaps:  # base * 2^k * (0.5..1), plus the worker's own latency
        assert all(BACKOFF_BASE * 2 ** k * 0.5 <= gap < BACKOFF_BASE * 2 ** k + 1.0
                   for k, gap in enumerate(series)), series
        assert series[-1] > 2 * series[0], series
    assert any(abs(a - b) > 0.005 for a, b in zip(*gaps, strict=True)), gaps  # jitter


def test_malformed_rows_are_quarantined_and_the_rest_of_the_batch_stored(platform, vendors, symbols):
    stocks, state = platform["stocks"], vendors.state
    state.faults.set("fmp", {"malformed": {"count": 1, "mode": "partly_invalid"}})
    run = wait_for_run(stocks, start_run(stocks, "fmp.quotes", {"symbols": symbols[:300]}),
                       15.0)
    assert (run["status"], run["batches_failed"]) == ("succeeded", 0)
    assert (run["records_stored"], run["records_rejected"]) == (280, 20)  # every fifth row of one batch
    spoiled = [e for e in state.requests("fmp") if e["fault"] == "malformed:partly_invalid"]
    assert len(spoiled) == 1
    batch = set(batch_of(spoiled[0]).split(","))
    with stocks.app_context():
        rows = list(m.db.session.scalars(select(m.QuarantinedRecord)))
    rejected = {json.loads(r.raw)["symbol"] for r in rows}
    assert len(rows) == 20 and {(r.run_id, r.vendor, r.dataset) for r in rows} == {(run["id"], "fmp", "fmp.quotes")}
    assert rejected < batch and all(r.reason for r in rows)
    assert stored_symbols(stocks) == set(symbols[:300]) - rejected  # the rest of that batch is stored


def test_redirect_is_refused_and_its_target_never_contacted(platform, vendors, symbols):
    stocks, state = platform["stocks"], vendors.state
    with socket.create_server(("127.0.0.1", 0)) as sinkhole:  # connections would queue in its backlog
        location = f"http://127.0.0.1:{sinkhole.getsockname()[1]}/latest/meta-data/"
        state.faults.set("fmp", {"redirect": {"count": 1, "location": location}})
        run = wait_for_run(stocks, start_run(stocks, "fmp.quotes",
                                                     {"symbols": symbols[:200]}), 15.0)
        sinkhole.setblocking(False)
        with pytest.raises(BlockingIOError):
            sinkhole.accept()  # nothing ever connected
    assert (run["status"], run["batches_failed"], run["records_stored"]) == ("partial", 1, 100)
    assert len(run["errors"]) == 1 and "RedirectRefused" in run["errors"][0]
    assert "HTTP 302" in run["errors"][0] and location not in run["errors"][0]
    assert [e["fault"] for e in state.requests("fmp")].count("redirect") == 1


def test_quota_exhaustion_pauses_the_vendor_and_the_rest_fails_fast(platform, vendors):
    cmc, state = platform["cmc"], vendors.state
    state.faults.set("cmc", {"quota_exhausted": True})
    params = {"ids": list(range(1, 501))}
    run = wait_for_run(cmc, start_run(cmc, "cmc.quotes", params), 10.0)
    assert (run["status"], run["batches_total"], run["batches_failed"]) == ("failed", 5, 5)
    assert all("QuotaExhausted" in e for e in run["errors"])
    assert sum("paused until its quota resets" in e for e in run["errors"]) >= 3  # no request made
    seen = state.requests("cmc")
    assert 1 <= len(seen) <= 2 and {(e["status"], e["fault"]) for e in seen} == {(429, "quota_exhausted")}
    until = limiter(cmc).paused_until("cmc")
    assert until is not None and datetime.now(UTC) < until <= next_utc_midnight()
    again = wait_for_run(cmc, start_run(cmc, "cmc.quotes", params), 10.0)
    assert (again["status"], again["batches_failed"]) == ("failed", 5)
    assert len(state.requests("cmc")) == len(seen)  # paused: the vendor sees nothing more
