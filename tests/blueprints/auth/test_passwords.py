"""Forgot / reset / change password."""
from datetime import UTC, datetime, timedelta

from axa.models.auth import UserToken, db
from tests.conftest import PASSWORD, bearer, login, mails, register, set_settings, token_from

NEW = "a brand new passphrase 42"


def _reset_mails():
    return [m for m in mails("ada@example.com") if "Reset" in m["Subject"]]


def test_forgot_answers_the_same_whether_or_not_the_account_exists(client):
    register(client)
    known = client.post("/api/v1/auth/password/forgot", json={"email": "ada@example.com"})
    unknown = client.post("/api/v1/auth/password/forgot", json={"email": "ghost@example.com"})
    assert known.status_code == unknown.status_code == 202
    assert known.get_data() == unknown.get_data()
    assert len(_reset_mails()) == 1 and mails("ghost@example.com") == []


def test_reset_sets_password_ends_sessions_and_mails(client, clients, auth_app):
    register(client)
    device = auth_app.test_client(use_cookies=False)
    sid = login(device).get_json()["session_id"]
    client.post("/api/v1/auth/password/forgot", json={"email": "ada@example.com"})
    token = token_from(_reset_mails()[0])
    assert client.post("/api/v1/auth/password/reset", json={"token": token, "password": NEW}).status_code == 204
    assert clients["socweb"].get("/api/v1/me", headers=bearer(sid)).status_code == 401
    assert login(client, password=PASSWORD).status_code == 401
    assert login(client, password=NEW).status_code == 200
    changed = [m for m in mails("ada@example.com") if "changed" in m["Subject"]]
    assert len(changed) == 1 and NEW not in changed[0].as_string()
    again = device.post("/api/v1/auth/password/reset", json={"token": token, "password": NEW + "x"})
    assert again.status_code == 400


def test_newer_reset_token_voids_older_and_tokens_expire(client, auth_app):
    register(client)
    client.post("/api/v1/auth/password/forgot", json={"email": "ada@example.com"})
    client.post("/api/v1/auth/password/forgot", json={"email": "ada@example.com"})
    first, second = (token_from(m) for m in _reset_mails())
    assert client.post("/api/v1/auth/password/reset", json={"token": first, "password": NEW}).status_code == 400
    with auth_app.app_context():
        db.session.query(UserToken).filter_by(purpose="reset", used_at=None).update(
            {"expires_at": datetime.now(UTC) - timedelta(seconds=1)})
        db.session.commit()
    assert client.post("/api/v1/auth/password/reset", json={"token": second, "password": NEW}).status_code == 400


def test_reset_rejects_weak_password_without_using_the_token(client):
    register(client)
    client.post("/api/v1/auth/password/forgot", json={"email": "ada@example.com"})
    token = token_from(_reset_mails()[0])
    weak = client.post("/api/v1/auth/password/reset", json={"token": token, "password": "123456789"})
    assert weak.status_code == 422
    assert client.post("/api/v1/auth/password/reset", json={"token": token, "password": NEW}).status_code == 204


def test_reset_link_uses_configured_public_url_not_host_header(client):
    register(client)
    client.post("/api/v1/auth/password/forgot", json={"email": "ada@example.com"},
                headers={"Host": "evil.example"})
    body = _reset_mails()[0].get_body(preferencelist=("plain",)).get_content()
    assert "evil.example" not in body and "http://localhost:8000/reset-password?token=" in body


def test_change_password_keeps_this_session_and_ends_others(client, clients, auth_app):
    register(client)
    me, other = (auth_app.test_client(use_cookies=False) for _ in range(2))
    mine = login(me).get_json()["session_id"]
    theirs = login(other).get_json()["session_id"]
    wrong = me.post("/api/v1/auth/password/change", headers=bearer(mine),
                    json={"current_password": "not it at all", "new_password": NEW})
    assert wrong.status_code == 403
    ok = me.post("/api/v1/auth/password/change", headers=bearer(mine),
                 json={"current_password": PASSWORD, "new_password": NEW})
    assert ok.status_code == 204
    assert clients["terminal"].get("/api/v1/me", headers=bearer(mine)).status_code == 200
    assert clients["terminal"].get("/api/v1/me", headers=bearer(theirs)).status_code == 401
    assert login(client, password=NEW).status_code == 200


def test_change_password_needs_a_session(client):
    response = client.post("/api/v1/auth/password/change",
                           json={"current_password": PASSWORD, "new_password": NEW})
    assert response.status_code == 401


def test_stored_hash_is_argon2id_with_configured_parameters(client, auth_app):
    from argon2 import extract_parameters

    from axa.models.auth import User
    register(client)
    with auth_app.app_context():
        stored = db.session.query(User).one().password_hash
    params = extract_parameters(stored)
    assert stored.startswith("$argon2id$")
    assert (params.memory_cost, params.time_cost, params.parallelism) == (19 * 1024, 2, 1)


def test_login_rehashes_when_parameters_change(client, auth_app):
    from argon2 import extract_parameters

    from axa.models.auth import User
    from tests.conftest import set_settings
    register(client)
    set_settings(auth_app, argon2_time_cost=3)
    assert login(client).status_code == 200
    with auth_app.app_context():
        assert extract_parameters(db.session.query(User).one().password_hash).time_cost == 3


def test_a_reset_clears_the_login_lock_of_the_account(client, auth_app):
    """The owner proves control of the mailbox: the lock an attacker's guesses put on the account
    must not outlive the reset (security.md item 19: the real user can still sign in)."""
    set_settings(auth_app, login_limits="3 per minute")
    register(client)
    device = auth_app.test_client(use_cookies=False)
    assert [login(device, password="a wrong guess").status_code for _ in range(3)] == [401] * 3
    assert login(device).status_code == 429
    device.post("/api/v1/auth/password/forgot", json={"email": " ADA@example.com"})
    token = token_from(_reset_mails()[0])
    assert device.post("/api/v1/auth/password/reset", json={"token": token, "password": NEW}).status_code == 204
    assert login(device, password=NEW).status_code == 200


def _change(app, sid, current):
    return app.test_client(use_cookies=False).post(
        "/api/v1/auth/password/change", headers=bearer(sid),
        json={"current_password": current, "new_password": NEW})


def test_wrong_current_passwords_are_audited_and_end_the_session(client, clients, auth_app):
    from axa.models.auth import AuthEvent
    set_settings(auth_app, password_change_limits="100 per minute", password_change_session_limits="3 per day")
    register(client)
    sid = login(auth_app.test_client(use_cookies=False)).get_json()["session_id"]
    assert [_change(auth_app, sid, f"guess number {n}").status_code for n in range(3)] == [403, 403, 401]
    assert client.get("/api/v1/auth/me", headers=bearer(sid)).status_code == 401
    assert clients["socweb"].get("/api/v1/me", headers=bearer(sid)).status_code == 401
    with auth_app.app_context():
        events = [(e.kind, e.ip) for e in db.session.query(AuthEvent).order_by(AuthEvent.id)]
    assert events[1:] == [("password_change_failed", "127.0.0.1")] * 3 + [
        ("password_guesses_signed_out", "127.0.0.1")]
    assert login(client, password=PASSWORD).status_code == 200  # the password did not change


def test_wrong_current_passwords_are_throttled_per_account(client, auth_app):
    """Guesses spread over several sessions of the account share one allowance."""
    set_settings(auth_app, password_change_limits="4 per minute", password_change_session_limits="3 per day")
    register(client)
    device = auth_app.test_client(use_cookies=False)
    first, second, third = (login(device).get_json()["session_id"] for _ in range(3))
    codes = [_change(auth_app, sid, "a wrong guess").status_code for sid in (first, first, second, second)]
    assert codes == [403] * 4
    for sid in (second, third):  # even the right password waits
        blocked = _change(auth_app, sid, PASSWORD)
        assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) >= 1
    assert login(device, password=NEW).status_code == 401


def test_forgot_for_an_unknown_or_disabled_account_mails_nobody_and_leaves_no_row(client, auth_app):
    from axa.models.auth import OutboxEntry, User
    register(client, email="off@example.com")
    with auth_app.app_context():
        db.session.query(User).update({"status": "disabled"})
        db.session.commit()
    for email in ("off@example.com", "ghost@example.com"):
        assert client.post("/api/v1/auth/password/forgot", json={"email": email}).status_code == 202
    assert [m["Subject"] for m in mails()] == ["Confirm your AXA Platform email"]  # registration's
    with auth_app.app_context():
        assert db.session.query(OutboxEntry).filter_by(topic="mail").count() == 0


def test_concurrent_wrong_current_passwords_cannot_overrun_the_account_limit(client, auth_app):
    """10 guesses at once against a limit of 5: at most 5 are checked (and audited); the rest 429."""
    from concurrent.futures import ThreadPoolExecutor

    from axa.models.auth import AuthEvent
    set_settings(auth_app, password_change_limits="5 per minute", password_change_session_limits="100 per day")
    register(client)
    device = auth_app.test_client(use_cookies=False)
    sessions = [login(device).get_json()["session_id"] for _ in range(10)]
    with ThreadPoolExecutor(max_workers=10) as pool:
        codes = list(pool.map(lambda sid: _change(auth_app, sid, "a wrong guess").status_code, sessions))
    assert sorted(codes) == [403] * 5 + [429] * 5
    with auth_app.app_context():
        assert db.session.query(AuthEvent).filter_by(kind="password_change_failed").count() == 5
