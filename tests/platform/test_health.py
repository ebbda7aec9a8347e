"""``/health/``: 200 with every check ok; 503 naming a dependency that is down, answered quickly.

"Down" here is a loopback port held bound but not listening, so connections are refused at once
and no other process can start listening there during the test.
"""
from __future__ import annotations

import time

import pytest
from sqlalchemy.engine import make_url

from axa.apps import create_auth_app
from axa.platform.config import SUBSYSTEMS, database_url
from tests.conftest import set_settings

QUICK = 5.0


@pytest.fixture
def built():
    """Apps built here are disposed of here (``apps`` owns only the ones it builds)."""
    made = []

    def build(overrides=None):
        made.append(create_auth_app({"TESTING": True, **(overrides or {})}))
        return made[-1]

    yield build
    for app in made:
        with app.app_context():
            app.extensions["sqlalchemy"].engine.dispose()


def _timed_health(app) -> tuple[int, dict, float]:
    started = time.monotonic()
    response = app.test_client().get("/health/")
    return response.status_code, response.get_json(), time.monotonic() - started


def _assert_down(app, name: str) -> None:
    status, body, elapsed = _timed_health(app)
    assert status == 503, body
    assert body["status"] == "degraded" and body["down"] == [name]
    assert body["checks"][name] == "down"  # the reason goes to the log, not to the public
    assert all(state == "ok" for other, state in body["checks"].items() if other != name)
    assert elapsed < QUICK, f"/health/ took {elapsed:.1f}s with {name} down"


def test_all_up_is_200_on_every_subsystem(clients):
    for subsystem in SUBSYSTEMS:
        response = clients[subsystem].get("/health/")
        assert response.status_code == 200, response.get_json()
        assert response.get_json() == {
            "status": "ok", "subsystem": subsystem, "down": [],
            "checks": {"database": "ok", "redis": "ok", "broker": "ok"}}


def test_database_down_is_503_naming_it(built, closed_port):
    url = make_url(database_url("auth")).set(host="127.0.0.1", port=closed_port)
    _assert_down(built({"SQLALCHEMY_DATABASE_URI": url.render_as_string(hide_password=False)}),
                 "database")


def test_broker_down_is_503_naming_it(built, closed_port):
    app = built()
    set_settings(app, broker_url=f"amqp://guest:guest@127.0.0.1:{closed_port}/axa")
    _assert_down(app, "broker")


def test_redis_down_is_503_naming_it(built, closed_port):
    app = built()
    set_settings(app, redis_url=f"redis://127.0.0.1:{closed_port}/0")
    _assert_down(app, "redis")


def test_health_is_public_and_has_no_secrets(auth_app):
    response = auth_app.test_client().get("/health/", headers={"Authorization": "Bearer nonsense"})
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    settings = auth_app.config["AXA"]
    for secret in (settings.secret_key, "guest:guest", settings.broker_url, settings.redis_url):
        assert secret not in text


def _forget_probes(health) -> None:
    """Close the process's kept broker connections before dropping them (a dropped open one would
    be collected later, in some other test, as an unclosed-socket ResourceWarning)."""
    for probe in health._probes.values():
        probe.close()
    health._probes.clear()


def test_health_keeps_one_broker_connection_across_calls(built, monkeypatch):
    from axa.platform import health
    app, opened = built(), []
    _forget_probes(health)
    real = health.Connection
    monkeypatch.setattr(health, "Connection", lambda *a, **k: opened.append(1) or real(*a, **k))
    for _ in range(5):
        assert _timed_health(app)[0] == 200
    assert len(opened) == 1


def test_the_kept_broker_connection_is_dropped_when_the_broker_goes_and_made_again_when_it_is_back(built):
    """The broker reached through a TCP proxy that is cut, then restored on the same port."""
    from urllib.parse import urlsplit, urlunsplit

    from axa.platform import health
    from tests.integration.proxy import TcpProxy
    app = built()
    parts = urlsplit(app.config["AXA"].broker_url)
    proxy = TcpProxy((parts.hostname, parts.port)).start()
    try:
        netloc = parts.netloc.replace(f"{parts.hostname}:{parts.port}", f"127.0.0.1:{proxy.port}")
        set_settings(app, broker_url=urlunsplit(parts._replace(netloc=netloc)))
        _forget_probes(health)
        assert _timed_health(app)[0] == 200
        proxy.cut()
        _assert_down(app, "broker")
        proxy.start()
        assert _timed_health(app)[0] == 200
    finally:
        proxy.cut()
