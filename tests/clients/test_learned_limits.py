"""Limits learned from the vendor (CMC key/info, Cbonds meta) in the real Redis, against the
vendor sandbox: they only ever lower the configured limits, and a failing vendor changes nothing."""
from __future__ import annotations

import socket
from types import SimpleNamespace

import pytest

from axa.clients.cmc.plan import PlanLimits, learn_plan_limits
from axa.clients.limits import LEARNED_TTL, PREFIX, VendorLimiter
from axa.clients.registry import make_client
from axa.platform.config import vendor_settings
from axa.tasks.cmc import plan as start_up
from tests.tasks.ingest_helpers import sandbox_server  # noqa: F401 (the session's vendor sandbox)

SANDBOX_PLAN = PlanLimits(rate_per_min=60, daily_quota=4000, monthly_quota=120000)  # cmc.PLAN, DEFAULT_RPM


@pytest.fixture
def sandbox_state(sandbox_server):  # noqa: F811
    state = sandbox_server.app.extensions["sandbox"]
    for vendor in ("cmc", "cbonds"):
        state.reset_vendor(vendor)
    state.clear_requests()
    yield state
    for vendor in ("cmc", "cbonds"):
        state.reset_vendor(vendor)


def _env(sandbox_server, vendor: str, rate: float, burst: int, daily: int, monthly: int,  # noqa: F811
         base_url: str | None = None) -> dict[str, str]:
    key = f"AXA_{vendor.upper()}_"
    return {key + "BASE_URL": base_url or f"{sandbox_server.base_url}/{vendor}",
            key + "RATE_PER_MIN": str(rate), key + "BURST": str(burst),
            key + "DAILY_QUOTA": str(daily), key + "MONTHLY_QUOTA": str(monthly), key + "READ_TIMEOUT": "3"}


def _limiter(redis_client, prefix, vendor: str, env: dict) -> VendorLimiter:
    return VendorLimiter(redis_client, {vendor: vendor_settings(vendor, env)}, prefix=prefix)


def _limits(limiter: VendorLimiter, vendor: str) -> tuple[float, int, int]:
    settings = limiter.settings[vendor]
    return settings.rate_per_min, settings.daily_quota, settings.monthly_quota


def test_cmc_plan_lowers_higher_configured_limits(sandbox_server, sandbox_state, redis_client, prefix):  # noqa: F811
    env = _env(sandbox_server, "cmc", 600, 5, 50_000, 500_000)
    limiter = _limiter(redis_client, prefix, "cmc", env)
    assert learn_plan_limits(make_client("cmc", limiter=limiter, env=env), limiter) == SANDBOX_PLAN
    assert [r["path"] for r in sandbox_state.requests("cmc")][-1].endswith("/v1/key/info")
    assert _limits(limiter, "cmc") == (60.0, 4000, 120000)  # this limiter at once
    rebuilt = _limiter(redis_client, prefix, "cmc", env)  # and every limiter built afterwards
    assert _limits(rebuilt, "cmc") == (60.0, 4000, 120000)
    assert rebuilt.rate_of("cmc") == (1.0, 5)
    key = f"{prefix}:{rebuilt.scope('cmc')}:learned"
    assert 0 < redis_client.ttl(key) <= LEARNED_TTL
    assert rebuilt.configured["cmc"].rate_per_min == 600.0  # the configuration itself is kept


def test_a_quota_configured_as_not_enforced_stays_so(sandbox_server, sandbox_state, redis_client, prefix):  # noqa: F811
    env = _env(sandbox_server, "cmc", 600, 5, 0, 0)  # as make run sets it against the sandbox
    limiter = _limiter(redis_client, prefix, "cmc", env)
    assert learn_plan_limits(make_client("cmc", limiter=limiter, env=env), limiter) == SANDBOX_PLAN
    assert _limits(limiter, "cmc") == (60.0, 0, 0)
    assert _limits(_limiter(redis_client, prefix, "cmc", env), "cmc") == (60.0, 0, 0)


def test_cmc_plan_never_raises_lower_configured_limits(sandbox_server, sandbox_state, redis_client, prefix):  # noqa: F811
    env = _env(sandbox_server, "cmc", 30, 5, 100, 10_000)
    limiter = _limiter(redis_client, prefix, "cmc", env)
    assert learn_plan_limits(make_client("cmc", limiter=limiter, env=env), limiter) == SANDBOX_PLAN
    assert _limits(limiter, "cmc") == (30.0, 100, 10_000)
    assert _limits(_limiter(redis_client, prefix, "cmc", env), "cmc") == (30.0, 100, 10_000)
    looser = _env(sandbox_server, "cmc", 600, 5, 50_000, 500_000)  # the same key, configured looser elsewhere
    learner = _limiter(redis_client, prefix, "cmc", looser)
    assert learn_plan_limits(make_client("cmc", limiter=learner, env=looser), learner) == SANDBOX_PLAN
    rebuilt = _limiter(redis_client, prefix, "cmc", env)  # the stored plan is looser than this one
    assert rebuilt.learned["cmc"] == {"rate_per_min": 60.0, "daily_quota": 4000.0, "monthly_quota": 120000.0}
    assert _limits(rebuilt, "cmc") == (30.0, 100, 10_000)
    assert rebuilt.rate_of("cmc") == (0.5, 5)


def _closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}/cmc"


@pytest.mark.parametrize("failure", ["server_error", "unreachable", "bad_key"])
def test_failing_key_info_keeps_the_configured_limits(failure, sandbox_server, sandbox_state,  # noqa: F811
                                                      redis_client, prefix):
    env = _env(sandbox_server, "cmc", 600, 5, 0, 500_000,
               base_url=_closed_port_url() if failure == "unreachable" else None)
    if failure == "server_error":
        sandbox_state.faults.set("cmc", {"server_error": {"count": 5}})
    if failure == "bad_key":
        env["AXA_CMC_API_KEY"] = "not-the-sandbox-key"
    limiter = _limiter(redis_client, prefix, "cmc", env)
    assert learn_plan_limits(make_client("cmc", limiter=limiter, env=env), limiter) is None
    assert _limits(limiter, "cmc") == (600.0, 0, 500_000)
    assert not list(redis_client.scan_iter(f"{prefix}:*:learned"))


def _worker(*queues: str) -> SimpleNamespace:
    return SimpleNamespace(app=SimpleNamespace(amqp=SimpleNamespace(queues=SimpleNamespace(
        consume_from={name: object() for name in queues}))))


@pytest.fixture
def default_prefix_cmc(redis_client):
    """The start-up hook uses the real prefix: drop its CMC keys afterwards (the test Redis db)."""
    yield
    keys = list(redis_client.scan_iter(f"{PREFIX}:cmc:*"))
    if keys:
        redis_client.delete(*keys)


def test_worker_start_up_learns_the_plan_only_when_it_polls_cmc(sandbox_server, sandbox_state, monkeypatch,  # noqa: F811
                                                                default_prefix_cmc):
    for name, value in _env(sandbox_server, "cmc", 600, 5, 50_000, 500_000).items():
        monkeypatch.setenv(name, value)
    start_up.learn_cmc_plan_at_start_up(sender="w1", instance=_worker("stocks.poll.fmp", "cmc.format"))
    assert not sandbox_state.requests("cmc")  # not a CMC poller: no call
    assert _limits(VendorLimiter.from_env(), "cmc") == (600.0, 50_000, 500_000)
    start_up.learn_cmc_plan_at_start_up(sender="w2", instance=_worker(start_up.POLL_QUEUE))
    assert _limits(VendorLimiter.from_env(), "cmc") == (60.0, 4000, 120000)


def test_worker_start_up_survives_an_unreachable_vendor(monkeypatch, default_prefix_cmc, caplog):
    monkeypatch.setenv("AXA_CMC_BASE_URL", _closed_port_url())
    monkeypatch.setenv("AXA_CMC_RATE_PER_MIN", "600")
    start_up.learn_cmc_plan_at_start_up(sender="w", instance=_worker(start_up.POLL_QUEUE))
    assert _limits(VendorLimiter.from_env(), "cmc")[0] == 600.0
    assert "keeping the configured ones" in caplog.text
    monkeypatch.setenv("AXA_ENV", "production")  # even a configuration error does not stop start-up
    start_up.learn_cmc_plan_at_start_up(sender="w", instance=_worker(start_up.POLL_QUEUE))


def test_cbonds_meta_lowers_the_learned_rate(sandbox_server, sandbox_state, redis_client, prefix):  # noqa: F811
    env = _env(sandbox_server, "cbonds", 600, 5, 0, 0)
    limiter = _limiter(redis_client, prefix, "cbonds", env)
    client = make_client("cbonds", limiter=limiter, env=env)
    assert client.call("get_emissions", {"quantity": {"limit": 1, "offset": 0}}).payload["meta"][
        "throttling_per_minute_max"] == 30
    assert _limits(limiter, "cbonds")[0] == 30.0
    assert limiter.rate_of("cbonds") == (0.5, 5)
    rebuilt = _limiter(redis_client, prefix, "cbonds", env)
    assert _limits(rebuilt, "cbonds")[0] == 30.0
    assert 0 < redis_client.ttl(f"{prefix}:{rebuilt.scope('cbonds')}:learned") <= LEARNED_TTL


def test_cbonds_meta_above_the_configured_rate_is_not_stored(sandbox_server, sandbox_state,  # noqa: F811
                                                             redis_client, prefix):
    env = _env(sandbox_server, "cbonds", 20, 5, 0, 0)
    limiter = _limiter(redis_client, prefix, "cbonds", env)
    make_client("cbonds", limiter=limiter, env=env).call("get_emissions", {"quantity": {"limit": 1, "offset": 0}})
    assert _limits(limiter, "cbonds")[0] == 20.0
    assert not list(redis_client.scan_iter(f"{prefix}:*:learned"))
