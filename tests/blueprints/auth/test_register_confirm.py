"""Registration and email confirmation."""
from concurrent.futures import ThreadPoolExecutor

import pytest

from axa.models.auth import User, db
from tests.conftest import PASSWORD, bearer, login, mails, register, set_settings, token_from


def test_register_returns_user_and_mails_confirmation(client):
    response = register(client)
    assert response.status_code == 201
    body = response.get_json()
    assert body["email"] == "ada@example.com" and body["display_name"] == "Ada"
    assert body["email_confirmed"] is False and "password" not in body and "password_hash" not in body
    [mail] = mails("ada@example.com")
    assert mail["Subject"] == "Confirm your AXA Platform email"
    assert "token=" in mail.get_body(preferencelist=("html",)).get_content()


def test_taken_email_is_409_case_insensitive(client):
    assert register(client).status_code == 201
    response = register(client, email="ADA@Example.com")
    assert response.status_code == 409
    assert response.get_json()["message"]


@pytest.mark.parametrize("password,reason", [
    ("short7!", "at least 8"),
    ("x" * 257, "at most 256"),
    ("password123", "common"),
    ("ada@example.com", "email"),
])
def test_bad_passwords_are_422(client, password, reason):
    response = register(client, password=password)
    assert response.status_code == 422
    assert reason in " ".join(response.get_json()["errors"]["json"]["password"])


@pytest.mark.parametrize("password", ["a" * 64 + "Z9", "q" * 256, "🔥🔥🔥🔥 emoji pass", "with space x1"])
def test_long_emoji_and_spaced_passwords_are_accepted(client, password):
    assert register(client, password=password).status_code == 201
    assert login(client, password=password).status_code == 200


def test_bad_email_and_missing_fields_are_422_json(client):
    response = client.post("/api/v1/auth/register", json={"email": "nope", "password": PASSWORD,
                                                          "display_name": "A"})
    assert response.status_code == 422 and "email" in response.get_json()["errors"]["json"]
    response = client.post("/api/v1/auth/register", json={})
    assert response.status_code == 422
    assert set(response.get_json()["errors"]["json"]) == {"email", "password", "display_name"}


def test_twenty_parallel_registrations_of_one_email(auth_app):
    def attempt(_):
        with auth_app.test_client() as c:
            return register(c, email="race@example.com").status_code

    with ThreadPoolExecutor(max_workers=20) as pool:
        codes = list(pool.map(attempt, range(20)))
    assert codes.count(201) == 1
    assert codes.count(409) == 19
    with auth_app.app_context():
        assert db.session.query(User).filter_by(email="race@example.com").count() == 1


def test_confirm_is_single_use(client):
    register(client)
    token = token_from(mails("ada@example.com")[0])
    response = client.post("/api/v1/auth/confirm", json={"token": token})
    assert response.status_code == 200 and response.get_json()["email_confirmed"] is True
    assert client.post("/api/v1/auth/confirm", json={"token": token}).status_code == 400
    assert client.post("/api/v1/auth/confirm", json={"token": "nonsense"}).status_code == 400


def test_resend_voids_the_older_confirmation(client):
    register(client)
    first = token_from(mails("ada@example.com")[0])
    sid = login(client).get_json()["session_id"]
    assert client.post("/api/v1/auth/confirm/resend", headers=bearer(sid)).status_code == 202
    all_mails = mails("ada@example.com")
    assert len(all_mails) == 2
    second = token_from(all_mails[-1]) if token_from(all_mails[-1]) != first else token_from(all_mails[0])
    browser = client.application.test_client(use_cookies=False)  # the link opened elsewhere
    assert browser.post("/api/v1/auth/confirm", json={"token": first}).status_code == 400
    assert browser.post("/api/v1/auth/confirm", json={"token": second}).status_code == 200


def test_resend_needs_a_session(client):
    assert client.post("/api/v1/auth/confirm/resend").status_code == 401


def test_confirm_token_expires(client, auth_app):
    from datetime import UTC, datetime, timedelta

    from axa.models.auth import UserToken
    register(client)
    token = token_from(mails("ada@example.com")[0])
    with auth_app.app_context():
        db.session.query(UserToken).update({"expires_at": datetime.now(UTC) - timedelta(seconds=1)})
        db.session.commit()
    assert client.post("/api/v1/auth/confirm", json={"token": token}).status_code == 400


def test_tokens_are_stored_hashed(client, auth_app):
    from axa.models.auth import UserToken
    register(client)
    token = token_from(mails("ada@example.com")[0])
    with auth_app.app_context():
        stored = [t.token_hash for t in db.session.query(UserToken)]
    assert token not in stored and len(stored) == 1


def _signed_in(app, email):
    client = app.test_client(use_cookies=False)
    assert register(client, email=email).status_code == 201
    return client, login(client, email=email).get_json()["session_id"]


def test_resend_is_limited_per_account_with_retry_after(auth_app):
    set_settings(auth_app, resend_limits="2 per minute", resend_ip_limits="100 per minute")
    client, sid = _signed_in(auth_app, "ada@example.com")
    codes = [client.post("/api/v1/auth/confirm/resend", headers=bearer(sid)).status_code for _ in range(3)]
    assert codes == [202, 202, 429]
    blocked = client.post("/api/v1/auth/confirm/resend", headers=bearer(sid))
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) >= 1
    assert len(mails("ada@example.com")) == 3  # registration + two resends
    other, other_sid = _signed_in(auth_app, "bob@example.com")  # another account: its own allowance
    assert other.post("/api/v1/auth/confirm/resend", headers=bearer(other_sid)).status_code == 202


def test_resend_is_limited_per_client_address(auth_app):
    set_settings(auth_app, resend_limits="100 per minute", resend_ip_limits="3 per minute")
    sessions = [_signed_in(auth_app, f"user{n}@example.com") for n in range(2)]
    codes = [client.post("/api/v1/auth/confirm/resend", headers=bearer(sid)).status_code
             for client, sid in (sessions[0], sessions[0], sessions[1], sessions[1])]
    assert codes == [202, 202, 202, 429]
