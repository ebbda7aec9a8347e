"""Shared vendor limits in the real Redis: token bucket across processes, quota counters, pauses,
and the limiter wired into real clients talking to a local server."""
from __future__ import annotations

import multiprocessing
import os
import time
from datetime import UTC, datetime, timedelta

import pytest

from axa.clients import errors
from axa.clients.cmc.fetchers import GlobalMetricsFetcher
from axa.clients.http import Usage, next_utc_midnight
from axa.clients.limits import QuotaLedger, VendorLimiter
from axa.clients.registry import make_client
from axa.platform.config import vendor_settings
from tests.clients import bucket_worker
from tests.clients.conftest import Reply, payload

RATE, CAPACITY, DURATION = 40.0, 20, 2.0  # a bucket per process would allow twice as many
BUCKET_ENV = {"AXA_FMP_RATE_PER_MIN": str(RATE * 60), "AXA_FMP_BURST": str(CAPACITY), "AXA_FMP_DAILY_QUOTA": "0"}


def test_token_bucket_holds_its_rate_across_two_processes(prefix):
    ctx = multiprocessing.get_context("spawn")
    ready, results, go, start_at = ctx.Queue(), ctx.Queue(), ctx.Event(), ctx.Value("d", 0.0)
    workers = [ctx.Process(target=bucket_worker.hammer, args=(
        os.environ["AXA_REDIS_URL"], prefix, BUCKET_ENV, ready, go, start_at, DURATION, results))
        for _ in range(2)]
    for worker in workers:
        worker.start()
    try:
        for _ in workers:
            ready.get(timeout=60)
        start_at.value = time.time() + 0.2
        go.set()
        counts = [results.get(timeout=30) for _ in workers]
    finally:
        for worker in workers:
            worker.join(timeout=10)
    expected = CAPACITY + RATE * DURATION  # 100: a full bucket, then the refill rate
    assert 0.8 * expected <= sum(counts) <= expected + 1, counts  # never more; less only if starved
    assert min(counts) >= 0.15 * expected, counts  # both processes drew from the one bucket


def _bucket(redis_client, prefix, per_second: float, burst: int) -> VendorLimiter:
    return limiter(redis_client, prefix, {"AXA_FMP_RATE_PER_MIN": str(per_second * 60),
                                          "AXA_FMP_BURST": str(burst), "AXA_FMP_DAILY_QUOTA": "0"})


def test_bucket_capacity_then_refill(redis_client, prefix):
    limits = _bucket(redis_client, prefix, 10.0, 3)
    for _ in range(3):
        limits.acquire("fmp", block=False)
    with pytest.raises(errors.RateLimited) as caught:
        limits.acquire("fmp", block=False)
    assert caught.value.retry_after == pytest.approx(0.1)
    limits.acquire("unlisted", block=False)  # a vendor without settings is not limited
    with pytest.raises(ValueError):
        limits.acquire("fmp", tokens=4)


def test_bucket_blocks_until_a_token_or_the_timeout(redis_client, prefix):
    fast = _bucket(redis_client, prefix, 20.0, 1)
    fast.acquire("fmp")
    started = time.monotonic()
    fast.acquire("fmp", timeout=2.0)  # about 50 ms later
    assert time.monotonic() - started >= 0.03
    slow = _bucket(redis_client, f"{prefix}:slow", 2.0, 1)
    slow.acquire("fmp")
    started = time.monotonic()
    with pytest.raises(errors.RateLimited):
        slow.acquire("fmp", timeout=0.1)
    assert 0.1 <= time.monotonic() - started < 0.4


def test_quota_ledger_days_months_and_distinct_isins(redis_client, prefix):
    ledger = QuotaLedger(redis_client, prefix=prefix)
    day1, day2 = datetime(2025, 3, 30, 23, 59, tzinfo=UTC), datetime(2025, 3, 31, 0, 1, tzinfo=UTC)
    assert ledger.add("cmc:a", "credits", 3, day1) == (3, 3)
    assert ledger.add("cmc:a", "credits", 2, day2) == (2, 5)
    assert ledger.add("cmc:a", "credits", 1, datetime(2025, 4, 1, tzinfo=UTC)) == (1, 1)
    assert ledger.used("cmc:a", "credits", "day", day1) == 3
    assert ledger.used("cmc:a", "credits", "month", day2) == 5
    assert ledger.add_isins("terrapin:a", ["XS1610682764", "XS2724510792"], day1) == 2
    assert ledger.add_isins("terrapin:a", ["XS1610682764"], day2) == 2  # repeats are free
    assert ledger.used("terrapin:a", "isins", "month", day2) == 2
    assert ledger.add_isins("terrapin:a", ["XS1610682764"], datetime(2025, 4, 2, tzinfo=UTC)) == 1
    assert redis_client.ttl(f"{prefix}:cmc:a:quota:credits:d:20250330") > 0


def limiter(redis_client, prefix, env=None, **kwargs):
    env = env or {}
    return VendorLimiter(redis_client, {v: vendor_settings(v, env) for v in ("fmp", "cmc", "cbonds", "terrapin")},
                         prefix=prefix, **kwargs)


def test_daily_quota_pauses_until_the_reset(redis_client, prefix):
    limits = limiter(redis_client, prefix, {"AXA_CBONDS_DAILY_QUOTA": "2"})
    for _ in range(2):
        limits.acquire("cbonds")
        limits.record("cbonds", Usage())
    with pytest.raises(errors.QuotaExhausted) as caught:
        limits.acquire("cbonds")
    assert caught.value.until == next_utc_midnight()
    assert limits.paused_until("cbonds") == next_utc_midnight()
    assert limits.paused_until("fmp") is None
    limits.acquire("fmp")  # other vendors are not affected


def test_pause_is_never_shortened_and_can_be_resumed(redis_client, prefix):
    limits = limiter(redis_client, prefix)
    later = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=5)
    limits.pause("terrapin", later)
    limits.pause("terrapin", datetime.now(UTC) + timedelta(seconds=5), "rate")
    assert limits.paused_until("terrapin") == later
    with pytest.raises(errors.QuotaExhausted):
        limits.acquire("terrapin")
    limits.resume("terrapin")
    limits.acquire("terrapin")


def test_short_rate_pause_is_waited_out(redis_client, prefix):
    limits = limiter(redis_client, prefix)
    limits.pause("cmc", datetime.now(UTC) + timedelta(seconds=0.3), "rate")
    with pytest.raises(errors.RateLimited) as caught:
        limits.acquire("cmc", block=False)
    assert 0 < caught.value.retry_after <= 0.3
    started = time.monotonic()
    limits.acquire("cmc")
    assert time.monotonic() - started >= 0.2


def test_each_account_has_its_own_bucket(redis_client, prefix):
    one = limiter(redis_client, prefix, {"AXA_FMP_API_KEY": "key-one"})
    two = limiter(redis_client, prefix, {"AXA_FMP_API_KEY": "key-two"})
    assert one.scope("fmp") != two.scope("fmp")
    assert "key-one" not in one.scope("fmp")


def test_vendor_quota_answer_pauses_the_vendor_for_every_worker(server, redis_client, prefix):
    server.route("GET", "/stable/stock-list", Reply(429, {"Error Message": "Limit Reach . Please upgrade"}))
    env = {"AXA_FMP_BASE_URL": server.url, "AXA_FMP_DAILY_QUOTA": "250"}  # a daily plan
    client = make_client("fmp", env=env, limiter=limiter(redis_client, prefix, env))
    with pytest.raises(errors.QuotaExhausted):
        client.get("/stable/stock-list")
    other_worker = make_client("fmp", env=env, limiter=limiter(redis_client, prefix, env))
    with pytest.raises(errors.QuotaExhausted):
        other_worker.get("/stable/stock-list")
    assert len(server.seen) == 1  # the vendor was not asked again
    assert other_worker.limiter.paused_until("fmp") == next_utc_midnight()
    assert other_worker.limiter.used("fmp", "calls") == 1


def test_cmc_credits_and_terrapin_isins_are_counted(server, redis_client, prefix):
    body = payload("cmc/global_metrics.json")
    body["status"]["credit_count"] = 3
    server.route("GET", "/v1/global-metrics/quotes/latest", Reply(200, body))
    server.route("POST", "/api/v1/bond_pricing_latest", Reply(200, payload("terrapin/pricing_latest.json")))
    env = {"AXA_CMC_BASE_URL": server.url, "AXA_TERRAPIN_BASE_URL": server.url}
    limits = limiter(redis_client, prefix, env)
    result = GlobalMetricsFetcher.fetch(make_client("cmc", env=env, limiter=limits))
    assert result.raw.credit_count == 3
    assert limits.used("cmc", "credits", "day") == 3 and limits.used("cmc", "credits", "month") == 3
    terrapin = make_client("terrapin", env=env, limiter=limits)
    for _ in range(2):
        terrapin.call("bond_pricing_latest", {"isins": ["XS1610682764", "XS2724510792"]})
    assert limits.used("terrapin", "isins", "month") == 2


def test_monthly_credit_quota_is_checked_before_calling(server, redis_client, prefix):
    env = {"AXA_CMC_BASE_URL": server.url, "AXA_CMC_MONTHLY_QUOTA": "3"}
    limits = limiter(redis_client, prefix, env)
    limits.record("cmc", Usage(calls=1, credits=3))
    with pytest.raises(errors.QuotaExhausted) as caught:
        make_client("cmc", env=env, limiter=limits).get("/v1/key/info")
    assert caught.value.until.day == 1 and server.seen == []


def test_from_env_uses_the_configured_redis(prefix, redis_client):
    limits = VendorLimiter.from_env(prefix=prefix)
    limits.record("fmp", Usage())
    assert limits.used("fmp", "calls") == 1
    assert any(redis_client.scan_iter(f"{prefix}:fmp:*"))


def test_vendor_rate_limit_answer_makes_every_worker_wait(server, redis_client, prefix):
    answers = iter([Reply(429, {"errors": [{"detail": "Too Many Requests"}]}, {"retry-after": "0.5"}),
                    Reply(200, payload("terrapin/search.json"))])
    server.route("POST", "/api/v1/bond_search", lambda seen: next(answers))
    env = {"AXA_TERRAPIN_BASE_URL": server.url}
    with pytest.raises(errors.RateLimited):
        make_client("terrapin", env=env, limiter=limiter(redis_client, prefix, env)).call("bond_search", {})
    other_worker = make_client("terrapin", env=env, limiter=limiter(redis_client, prefix, env))
    started = time.monotonic()
    other_worker.call("bond_search", {})  # waits out the pause, then asks again
    assert time.monotonic() - started >= 0.4 and len(server.seen) == 2


def test_a_vendor_call_costs_one_limiter_round_trip_that_takes_and_counts(server, redis_client, prefix,
                                                                          monkeypatch):
    server.route("GET", "/stable/stock-list", Reply(200, payload("fmp/stock_list.json")))
    env = {"AXA_FMP_BASE_URL": server.url, "AXA_FMP_RATE_PER_MIN": "60", "AXA_FMP_BURST": "2",
           "AXA_FMP_DAILY_QUOTA": "3"}
    limits = limiter(redis_client, prefix, env)
    client = make_client("fmp", env=env, limiter=limits)
    sent, real = [], redis_client.execute_command
    monkeypatch.setattr(redis_client, "execute_command", lambda *a, **k: sent.append(a[0]) or real(*a, **k))
    client.get("/stable/stock-list")
    assert sent == ["EVALSHA"]  # pause, quota, token and the call's count: one atomic script
    assert limits.used("fmp", "calls") == 1
    client.get("/stable/stock-list")
    with pytest.raises(errors.RateLimited):  # a burst of 2, then one token a second
        limits.acquire("fmp", block=False)
    limits.acquire("fmp", calls=1)  # waits for the refill
    assert limits.used("fmp", "calls") == 3
    with pytest.raises(errors.QuotaExhausted):  # the daily quota of 3 calls is used up
        client.get("/stable/stock-list")
    assert len(server.seen) == 2 and limits.used("fmp", "calls") == 3
