"""POST /api/v1/auth/reauthenticate: the password again stamps the session's auth time (what the
stream app's key rotation reads), is throttled like login and audited."""
from __future__ import annotations

from sqlalchemy import select

from axa.models.auth import AuthEvent, db
from axa.platform.auth_hook import session_store
from tests.conftest import PASSWORD, bearer, login, register, set_settings

REAUTH = "/api/v1/auth/reauthenticate"


def signed_in(client) -> str:
    assert register(client).status_code == 201
    return login(client).get_json()["session_id"]


def auth_time(app, sid: str) -> float:
    with app.test_request_context():
        return session_store().validate(sid).auth_time


def events(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuthEvent.kind).order_by(AuthEvent.id)))


def test_the_password_again_stamps_the_session(client, auth_app):
    clock = [1_500_000_000.0]
    auth_app.config["AXA_CLOCK"] = lambda: clock[0]
    sid = signed_in(client)
    assert auth_time(auth_app, sid) == clock[0]
    clock[0] += 3600
    answer = client.post(REAUTH, headers=bearer(sid), json={"password": PASSWORD})
    assert answer.status_code == 200
    assert auth_time(auth_app, sid) == clock[0]
    assert answer.get_json()["auth_time"].startswith("2017-07-14T03:40")
    assert events(auth_app)[-1] == "reauthenticate"


def test_a_wrong_password_is_refused_audited_and_throttled(client, auth_app):
    clock = [1_500_000_000.0]
    auth_app.config["AXA_CLOCK"] = lambda: clock[0]
    sid = signed_in(client)
    set_settings(auth_app, login_limits="3 per minute")
    clock[0] += 600
    for _ in range(3):
        wrong = client.post(REAUTH, headers=bearer(sid), json={"password": "not it at all"})
        assert wrong.status_code == 403 and wrong.get_json()["reason"] == "wrong_password"
    assert auth_time(auth_app, sid) == 1_500_000_000.0
    throttled = client.post(REAUTH, headers=bearer(sid), json={"password": PASSWORD})
    assert throttled.status_code == 429 and throttled.headers["Retry-After"]
    assert auth_time(auth_app, sid) == 1_500_000_000.0
    assert events(auth_app).count("reauthenticate_failed") == 3
    assert client.get("/api/v1/auth/me", headers=bearer(sid)).status_code == 200  # still signed in


def test_it_needs_a_session(client):
    assert client.post(REAUTH, json={"password": PASSWORD}).status_code == 401


def test_stamping_an_ended_session_never_brings_it_back(auth_app):
    with auth_app.test_request_context():
        store = session_store()
        sid, session = store.create(1, "127.0.0.1", "test")
        store.end(session)
        assert store.stamp_auth(session) is None
        assert store.validate(sid) is None
        assert not store.redis.exists(f"axa:sess:{session.key_hash}")
