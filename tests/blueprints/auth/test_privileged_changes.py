"""Email change and password change without the current password: both are "privileged" (Kratos'
term), proved by the current password or by a sign-in at most AXA_REAUTH_MINUTES old."""
from __future__ import annotations

from axa.models.auth import User, db
from tests.conftest import PASSWORD, bearer, login, mails, register, token_from

NEW = "a brand new passphrase 42"
EMAIL = "/api/v1/auth/email/change"
PASSWORD_CHANGE = "/api/v1/auth/password/change"


def signed_in(client, app, clock) -> str:
    """A session id (Bearer; the test client keeps no cookie of it, so later logins are clean)."""
    app.config["AXA_CLOCK"] = lambda: clock[0]
    assert register(client).status_code == 201
    return login(app.test_client(use_cookies=False)).get_json()["session_id"]


def test_a_fresh_sign_in_changes_the_password_without_the_current_one(client, auth_app):
    clock = [1_500_000_000.0]
    sid = signed_in(client, auth_app, clock)
    clock[0] += 9 * 60
    ok = client.post(PASSWORD_CHANGE, headers=bearer(sid), json={"new_password": NEW})
    assert ok.status_code == 204
    assert login(client, password=NEW).status_code == 200


def test_an_old_sign_in_must_give_the_current_password_or_reauthenticate(client, auth_app):
    clock = [1_500_000_000.0]
    sid = signed_in(client, auth_app, clock)
    clock[0] += 11 * 60
    refused = client.post(PASSWORD_CHANGE, headers=bearer(sid), json={"new_password": NEW})
    assert refused.status_code == 403 and refused.get_json()["reason"] == "reauthentication_required"
    assert login(client, password=PASSWORD).status_code == 200  # unchanged
    moved = client.post(EMAIL, headers=bearer(sid), json={"email": "ada@new.example"})
    assert moved.status_code == 403 and moved.get_json()["reason"] == "reauthentication_required"
    again = client.post("/api/v1/auth/reauthenticate", headers=bearer(sid), json={"password": PASSWORD})
    assert again.status_code == 200
    assert client.post(PASSWORD_CHANGE, headers=bearer(sid), json={"new_password": NEW}).status_code == 204


def test_an_email_change_mails_the_new_address_a_link_and_the_old_one_a_notice(client, auth_app):
    clock = [1_500_000_000.0]
    sid = signed_in(client, auth_app, clock)
    old_link = token_from(next(m for m in mails("ada@example.com") if "Confirm" in m["Subject"]))
    clock[0] += 3600  # an hour on: the current password proves it instead
    wrong = client.post(EMAIL, headers=bearer(sid), json={"email": "ada@new.example",
                                                          "current_password": "not it at all"})
    assert wrong.status_code == 403
    moved = client.post(EMAIL, headers=bearer(sid), json={"email": "Ada@New.example",
                                                          "current_password": PASSWORD})
    assert moved.status_code == 200
    assert moved.get_json()["email"] == "ada@new.example" and moved.get_json()["email_confirmed"] is False
    notice = [m for m in mails("ada@example.com") if "email address was changed" in m["Subject"]]
    assert len(notice) == 1 and "ada@new.example" in notice[0].get_body(("plain",)).get_content()
    # the link mailed to the old address before the change confirms nothing now
    assert client.post("/api/v1/auth/confirm", json={"token": old_link}).status_code == 400
    link = token_from(next(m for m in mails("ada@new.example") if "Confirm" in m["Subject"]))
    assert client.post("/api/v1/auth/confirm", json={"token": link}).status_code == 200
    assert login(client, email="ada@example.com").status_code == 401
    assert login(client, email="ada@new.example").status_code == 200
    with auth_app.app_context():
        user = User.by_email("ada@new.example")
        assert user.email_confirmed_at is not None and user.version >= 2  # user sync carries it


def test_an_address_of_another_account_is_409_and_the_same_one_changes_nothing(client, auth_app):
    clock = [1_500_000_000.0]
    assert register(client, email="bob@example.com", name="Bob").status_code == 201
    sid = signed_in(client, auth_app, clock)
    taken = client.post(EMAIL, headers=bearer(sid), json={"email": "BOB@example.com"})
    assert taken.status_code == 409
    with auth_app.app_context():
        version = User.by_email("ada@example.com").version
    same = client.post(EMAIL, headers=bearer(sid), json={"email": "ada@example.com"})
    assert same.status_code == 200
    with auth_app.app_context():
        assert db.session.get(User, same.get_json()["id"]).version == version
    assert client.post(EMAIL, json={"email": "x@example.com"}).status_code == 401
    bad = client.post(EMAIL, headers=bearer(sid), json={"email": "not an address"})
    assert bad.status_code == 422
