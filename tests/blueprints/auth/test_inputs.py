"""Text that is not valid Unicode (a lone surrogate from a JSON escape) is the client's error: 422,
never a 503 "Redis outage" or a 500. The limiter reports only Redis errors as an outage."""
import json

import pytest
import redis

from axa.platform import ratelimit
from tests.conftest import PASSWORD, bearer, login, register

SURROGATE = "\\udc80"  # JSON escape of a lone surrogate: valid JSON, not encodable text


def _post(client, path, body: str, **headers):
    return client.post(path, data=body, content_type="application/json", headers=headers)


@pytest.mark.parametrize("path,body", [
    ("/api/v1/auth/login", f'{{"email": "{SURROGATE}@x.y", "password": "whatever it is"}}'),
    ("/api/v1/auth/login", f'{{"email": "a@x.y", "password": "pass{SURROGATE}word"}}'),
    ("/api/v1/auth/password/forgot", f'{{"email": "{SURROGATE}@x.y"}}'),
    ("/api/v1/auth/register", f'{{"email": "ada{SURROGATE}@example.com", "password": "{PASSWORD}", "display_name": "A"}}'),
    ("/api/v1/auth/register", f'{{"email": "ada@example.com", "password": "long enough {SURROGATE}", "display_name": "A"}}'),
    ("/api/v1/auth/register", f'{{"email": "ada@example.com", "password": "{PASSWORD}", "display_name": "{SURROGATE}"}}'),
    ("/api/v1/auth/confirm", f'{{"token": "{SURROGATE}"}}'),
    ("/api/v1/auth/password/reset", f'{{"token": "{SURROGATE}", "password": "{PASSWORD}"}}'),
])
def test_lone_surrogate_is_422(client, path, body):
    response = _post(client, path, body)
    assert response.status_code == 422, response.get_data(as_text=True)
    assert response.is_json and response.get_json()["errors"]["json"]


def test_lone_surrogate_in_password_change_is_422(client):
    register(client)
    sid = login(client).get_json()["session_id"]
    body = json.dumps({"current_password": PASSWORD, "new_password": "x"}).replace('"x"', f'"{SURROGATE}"')
    response = _post(client, "/api/v1/auth/password/change", body, **bearer(sid))
    assert response.status_code == 422


def test_limiter_reports_only_redis_errors_as_an_outage(auth_app):
    with auth_app.test_request_context():
        with pytest.raises(Exception) as raised:
            ratelimit.hit("test-scope", "\udc80@x.y", "5 per minute")
    assert not isinstance(raised.value, redis.RedisError)
