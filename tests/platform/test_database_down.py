"""One subsystem's database down (security.md T4): its API endpoints answer 503 JSON with
Retry-After, never 500 and never a hang; what does not need the database still answers, and the
other subsystems are unaffected."""
from __future__ import annotations

import socket
import time

import pytest

from axa.apps import create_stocks_app
from tests.conftest import bearer, login, register

QUICK = 10.0


@pytest.fixture
def signed_in(clients) -> str:
    assert register(clients["auth"]).status_code == 201
    return login(clients["auth"]).get_json()["session_id"]


@pytest.fixture
def stocks_without_database(monkeypatch, signed_in):
    with socket.socket() as held:  # bound, never listening: connections are refused at once
        held.bind(("127.0.0.1", 0))
        monkeypatch.setenv("AXA_STOCKS_DATABASE_URL", f"postgresql://root@127.0.0.1:{held.getsockname()[1]}/x")
        app = create_stocks_app({"TESTING": True})
        yield app
        with app.app_context():
            app.extensions["sqlalchemy"].engine.dispose()


def test_api_endpoints_answer_503_with_one_database_down(stocks_without_database, signed_in, clients):
    sid = signed_in
    client = stocks_without_database.test_client()
    for path in ("/api/v1/instruments?q=A", "/api/v1/bonds", "/api/v1/instruments/1", "/api/v1/me"):
        started = time.monotonic()
        response = client.get(path, headers=bearer(sid))
        assert time.monotonic() - started < QUICK, path
        assert response.status_code == 503, (path, response.get_data(as_text=True)[:200])
        body = response.get_json()
        assert body["code"] == 503 and response.headers["Retry-After"] == "5"
        assert "Traceback" not in response.get_data(as_text=True) and "psycopg" not in body["message"]
    quotes = client.get("/api/v1/quotes?symbols=AAPL", headers=bearer(sid))
    assert quotes.status_code == 200 and quotes.get_json()["missing"] == ["AAPL"]  # Redis only
    assert clients["socweb"].get("/api/v1/me", headers=bearer(sid)).status_code == 200
    health = client.get("/health/").get_json()
    assert health["down"] == ["database"]
