"""Input that Python's own parsers give up on is the client's error (400 JSON), never a 500
(issue 14, finding 8), and /health/ stays reachable behind AXA_TRUSTED_HOSTS (finding 2)."""
from __future__ import annotations

import logging

import pytest

from tests.conftest import set_settings

REGISTER = "/api/v1/auth/register"


@pytest.mark.parametrize("body", [
    b"[" * 3000 + b"]" * 3000,
    b'{"a":' * 3000 + b"1" + b"}" * 3000,
    b'{"email": "a@b.example", "password": ' + b"9" * 4301 + b', "display_name": "x"}',
])
def test_deep_json_and_huge_integers_are_400_not_500(client, caplog, body):
    with caplog.at_level(logging.ERROR):
        response = client.post(REGISTER, data=body, content_type="application/json")
    assert response.status_code == 400, response.get_data(as_text=True)[:200]
    assert response.get_json()["code"] == 400 and "too" in response.get_json()["message"]
    assert "Traceback" not in caplog.text and not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_a_long_but_legal_integer_is_still_a_validation_error(client):
    body = b'{"email": "a@b.example", "password": ' + b"9" * 4000 + b', "display_name": "x"}'
    response = client.post(REGISTER, data=body, content_type="application/json")
    assert response.status_code == 422 and "password" in response.get_json()["errors"]["json"]


def test_trusted_hosts_refuse_other_hosts_but_not_health(apps):
    app = apps["socweb"]
    set_settings(app, trusted_hosts=["api.axa.example"])
    client = app.test_client()
    refused = client.get("/api/v1/me", headers={"Host": "evil.example"})
    assert refused.status_code == 400 and refused.get_json()["message"] == "Unknown host."
    assert client.get("/api/v1/me", headers={"Host": "api.axa.example"}).status_code == 401
    health = client.get("/health/", headers={"Host": "172.18.0.5:8080"})  # what the orchestrator sends
    assert health.status_code == 200 and health.get_json()["status"] == "ok"
    assert client.get("/api/v1/docs/openapi.json", headers={"Host": "172.18.0.5:8080"}).status_code == 400
