"""Production mode (AXA_ENV=production), as the compose file runs the apps: the start-up guards,
and the orchestrator's health check passing behind AXA_TRUSTED_HOSTS (issue 14, finding 2)."""
from __future__ import annotations

import json
import re
import subprocess
import sys
import threading

import pytest
from werkzeug.serving import make_server

from axa.apps import create_socweb_app
from axa.platform.config import ConfigError
from tests.conftest import ROOT

SECRET = "s" * 40
PUBLIC_HOST = "api.axa.example"


@pytest.fixture
def production(monkeypatch, live_apps):
    monkeypatch.setenv("AXA_ENV", "production")
    monkeypatch.setenv("AXA_SECRET_KEY", SECRET)
    monkeypatch.setenv("AXA_TRUSTED_HOSTS", PUBLIC_HOST)
    app = create_socweb_app()
    yield app
    with app.app_context():
        app.extensions["sqlalchemy"].engine.dispose()


@pytest.fixture
def served(production):
    server = make_server("127.0.0.1", 0, production, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_port
    server.shutdown()
    server.server_close()


def compose_healthcheck() -> str:
    """The Python the compose file's app healthcheck runs (the CMD's ``-c`` argument)."""
    compose = (ROOT / "ops" / "compose.yaml").read_text()
    test = re.search(r'healthcheck:\n    test: (\["CMD", "python", "-c", .*\])\n', compose).group(1)
    return json.loads(test)[-1]


def test_the_compose_health_check_passes_on_a_production_app(served):
    done = subprocess.run([sys.executable, "-c", compose_healthcheck()], capture_output=True, text=True,
                          env={"AXA_BIND": f"0.0.0.0:{served}", "PATH": "/usr/bin:/bin"}, timeout=30)
    assert done.returncode == 0, done.stderr


def test_production_refuses_a_foreign_host_everywhere_but_health(production):
    client = production.test_client()
    assert client.get("/api/v1/me", headers={"Host": "127.0.0.1:8080"}).status_code == 400
    assert client.get("/api/v1/me", headers={"Host": PUBLIC_HOST}).status_code == 401
    assert client.get("/health/", headers={"Host": "127.0.0.1:8080"}).status_code == 200


def test_production_settings(production):
    settings = production.config["AXA"]
    assert settings.production and settings.cookie_name == "__Host-axa_session"
    assert production.debug is False and production.config["SECRET_KEY"] == SECRET
    response = production.test_client().get("/health/", headers={"Host": PUBLIC_HOST})
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


@pytest.mark.parametrize("secret", [None, "", "short-secret"])
def test_a_missing_or_short_secret_key_stops_start_up(monkeypatch, secret):
    monkeypatch.setenv("AXA_ENV", "production")
    if secret is None:
        monkeypatch.delenv("AXA_SECRET_KEY", raising=False)
    else:
        monkeypatch.setenv("AXA_SECRET_KEY", secret)
    with pytest.raises(ConfigError, match="AXA_SECRET_KEY"):
        create_socweb_app()


@pytest.mark.parametrize("password", ["", "admin"])
def test_flower_refuses_the_default_password_in_production(password):
    env = {"AXA_ENV": "production", "AXA_SECRET_KEY": SECRET, "AXA_FLOWER_PASSWORD": password,
           "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-c", "exec(open('ops/flowerconfig.py').read())"], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0 and "AXA_FLOWER_PASSWORD" in done.stderr
