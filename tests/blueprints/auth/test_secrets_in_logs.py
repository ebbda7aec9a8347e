"""Session ids and one-time tokens never reach a log line or an error body (security.md item 12):
a whole auth flow runs with every logger at DEBUG, and every record and every 4xx/5xx body is
searched for every session id and token the flow handed out."""
import logging

import pytest

from tests.conftest import PASSWORD, bearer, mails, set_settings, token_from

NEW = "a brand new passphrase 42"


class Recorder:
    """A client wrapper that keeps every error answer's body."""

    def __init__(self, client):
        self.client, self.error_bodies = client, []

    def __call__(self, method: str, path: str, **kwargs):
        response = getattr(self.client, method)(path, **kwargs)
        if response.status_code >= 400:
            self.error_bodies.append(response.get_data(as_text=True))
        return response


def _flow(call, auth_app) -> list[str]:
    """Register, confirm, sign in, use and misuse the secrets; returns every secret handed out."""
    assert call("post", "/api/v1/auth/register", json={"email": "ada@example.com", "password": PASSWORD,
                                                      "display_name": "Ada"}).status_code == 201
    confirm = token_from(mails("ada@example.com")[0])
    assert call("post", "/api/v1/auth/confirm", json={"token": confirm}).status_code == 200
    assert call("post", "/api/v1/auth/confirm", json={"token": confirm}).status_code == 400  # reused
    sid = call("post", "/api/v1/auth/login", json={"email": "ada@example.com", "password": PASSWORD}
               ).get_json()["session_id"]
    assert call("get", "/api/v1/auth/me", headers=bearer(sid)).status_code == 200
    assert call("post", "/api/v1/auth/password/change", headers=bearer(sid),
                json={"current_password": "not it at all", "new_password": NEW}).status_code == 403
    assert call("post", "/api/v1/auth/password/forgot", json={"email": "ada@example.com"}).status_code == 202
    reset = token_from(next(m for m in mails("ada@example.com") if "Reset" in m["Subject"]))
    assert call("post", "/api/v1/auth/password/reset", json={"token": reset, "password": "123456789"}
                ).status_code == 422  # too common: the token stays usable
    assert call("post", "/api/v1/auth/password/reset", json={"token": reset, "password": NEW}).status_code == 204
    assert call("post", "/api/v1/auth/password/reset", json={"token": reset, "password": NEW}).status_code == 400
    assert call("get", "/api/v1/auth/me", headers=bearer(sid)).status_code == 401  # ended by the reset
    set_settings(auth_app, login_limits="1 per minute")
    assert call("post", "/api/v1/auth/login", json={"email": "ada@example.com", "password": "wrong one 1"}
                ).status_code == 401
    assert call("post", "/api/v1/auth/login", json={"email": "ada@example.com", "password": NEW}
                ).status_code == 429
    assert call("post", "/api/v1/auth/logout", headers=bearer(sid)).status_code == 401
    return [sid, confirm, reset]


def test_no_session_id_or_token_in_logs_or_error_bodies(auth_app, caplog):
    caplog.set_level(logging.DEBUG)
    call = Recorder(auth_app.test_client(use_cookies=False))
    handed_out = _flow(call, auth_app)
    assert len(call.error_bodies) >= 7 and caplog.records
    logged = [f"{r.getMessage()} {r.args!r} {r.exc_text or ''}" for r in caplog.records]
    for secret in handed_out:
        assert not [line for line in logged if secret in line], "a secret was logged"
        assert not [body for body in call.error_bodies if secret in body], "a secret in an error body"


@pytest.mark.parametrize("path", ["/api/v1/auth/me", "/api/v1/auth/sessions"])
def test_a_rejected_session_id_is_not_echoed(client, caplog, path):
    caplog.set_level(logging.DEBUG)
    forged = "forged-session-id-" + "x" * 30
    response = client.get(path, headers=bearer(forged))
    assert response.status_code == 401 and forged not in response.get_data(as_text=True)
    assert forged not in caplog.text
