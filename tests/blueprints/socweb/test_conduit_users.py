"""Conduit accounts: register and login through the real auth server (HTTP), the current user and
its update, the token on every app, and the errors in RealWorld's shape."""
from __future__ import annotations

import socket
import time

from sqlalchemy import delete, select

from axa.apps import FACTORIES
from axa.models.auth import AuthEvent
from axa.models.socweb import User
from axa.platform.celery_app import celery
from tests.blueprints.socweb.auth_server import served
from tests.blueprints.socweb.conduit_support import Conduit
from tests.conftest import PASSWORD, bearer, login, mails, register, set_settings

USER_KEYS = {"email", "token", "username", "bio", "image"}


def test_a_registered_user_is_signed_in_and_usable_at_once_everywhere(conduit):
    answer = conduit.call("POST", "/users", json={"user": {"username": "Jacob", "email": "jake@jake.jake",
                                                           "password": PASSWORD}})
    user = conduit.check(answer, "CreateUser", 201)["user"]
    assert set(user) == USER_KEYS
    assert user | {"token": None} == {"email": "jake@jake.jake", "token": None, "username": "jacob",
                                      "bio": None, "image": None}
    token = user["token"]
    assert [m["Subject"] for m in mails(to="jake@jake.jake")], "the confirmation mail is sent"
    assert conduit.article(token)["author"]["username"] == "jacob"  # the very next request
    for app in ("stocks", "cmc", "terminal"):  # the same session, as Bearer, on other apps
        me = conduit.apps[app].test_client().get("/api/v1/me", headers=bearer(token))
        assert me.status_code == 200 and me.get_json()["email"] == "jake@jake.jake", app
    assert conduit.check(conduit.call("GET", "/user", token, scheme="Bearer"), "GetCurrentUser", 200)["user"] == user


def test_registration_errors_name_the_field(conduit):
    conduit.register("jake", "jake@example.com")
    cases = [
        ({"username": "", "email": "a@example.com", "password": PASSWORD}, {"username": ["can't be blank"]}),
        ({"email": "a@example.com", "password": PASSWORD}, {"username": ["can't be blank"]}),
        ({"username": "bad name", "email": "a@example.com", "password": PASSWORD},
         {"username": ["is invalid (3 to 30 letters, digits or _)"]}),
        ({"username": "JAKE", "email": "a@example.com", "password": PASSWORD},
         {"username": ["has already been taken"]}),
        ({"username": "other", "email": "JAKE@example.com", "password": PASSWORD},
         {"email": ["has already been taken"]}),
        ({"username": "other", "email": "not-an-email", "password": PASSWORD}, {"email": ["is invalid"]}),
        ({"username": "other", "email": "a@example.com", "password": "short"},
         {"password": ["must be 8 to 256 characters"]}),
    ]
    for fields, errors in cases:
        answer = conduit.call("POST", "/users", json={"user": fields})
        assert (answer.status_code, answer.get_json()) == (422, {"errors": errors}), fields
    common = conduit.call("POST", "/users", json={"user": {"username": "other", "email": "a@example.com",
                                                           "password": "password123"}})
    assert common.status_code == 422 and list(common.get_json()["errors"]) == ["password"]
    assert conduit.call("POST", "/users", json={}).get_json() == {"errors": {"user": ["Missing data for required field."]}}
    assert conduit.call("POST", "/users", json={"user": {"username": "other", "email": "o@example.com",
                                                         "password": PASSWORD}}).status_code == 201


def test_login_answers_a_new_token_and_refuses_wrong_credentials(conduit):
    first = conduit.register("jake", "jake@example.com")
    answer = conduit.call("POST", "/users/login", json={"user": {"email": "Jake@Example.com", "password": PASSWORD}})
    user = conduit.check(answer, "Login", 200)["user"]
    assert user["username"] == "jake" and user["token"] != first and set(user) == USER_KEYS
    for email, password in (("jake@example.com", "wrong password"), ("nobody@example.com", PASSWORD)):
        refused = conduit.call("POST", "/users/login", json={"user": {"email": email, "password": password}})
        assert refused.status_code == 401
        assert refused.get_json() == {"errors": {"email or password": ["is invalid"]}}
    blank = conduit.call("POST", "/users/login", json={"user": {"email": " ", "password": ""}})
    assert (blank.status_code, blank.get_json()) == (422, {"errors": {"email": ["can't be blank"],
                                                                      "password": ["can't be blank"]}})


def test_a_platform_user_logging_in_gets_a_username_from_their_display_name(conduit):
    assert register(conduit.apps["auth"].test_client(), email="ada@example.com", name="Ada Lovelace").status_code == 201
    answer = conduit.call("POST", "/users/login", json={"user": {"email": "ada@example.com", "password": PASSWORD}})
    assert conduit.check(answer, "Login", 200)["user"]["username"] == "ada_lovelace"
    profile = conduit.call("GET", "/profiles/Ada_Lovelace")
    assert conduit.check(profile, "GetProfileByUsername", 200) == {
        "profile": {"username": "ada_lovelace", "bio": None, "image": None, "following": False}}


def test_the_current_user_needs_a_live_token(conduit):
    token = conduit.register("jake")
    for scheme in ("Token", "Bearer", "token"):
        assert conduit.check(conduit.call("GET", "/user", token, scheme=scheme), "GetCurrentUser", 200)
    missing = conduit.call("GET", "/user")
    assert (missing.status_code, missing.get_json()) == (401, {"errors": {"token": ["is missing"]}})
    assert conduit.call("GET", "/user", token, scheme="Basic").get_json() == {"errors": {"token": ["is missing"]}}
    for path in ("/user", "/articles", "/profiles/jake"):  # a dead token is 401 on optional reads too
        dead = conduit.call("GET", path, "not-a-session")
        assert (dead.status_code, dead.get_json()) == (401, {"errors": {"token": ["is invalid or expired"]}})
    assert conduit.call("GET", "/articles").status_code == 200
    auth = conduit.apps["auth"].test_client()
    assert auth.post("/api/v1/auth/logout", headers=bearer(token)).status_code == 204
    assert conduit.call("GET", "/user", token).status_code == 401  # logged out on auth: gone here too


def test_a_user_that_sync_has_not_brought_yet_is_fetched_from_auth(conduit):
    register(conduit.apps["auth"].test_client(), email="ada@example.com", name="Ada")
    session_id = login(conduit.apps["auth"].test_client(), email="ada@example.com").get_json()["session_id"]
    with conduit.apps["socweb"].app_context():
        db = conduit.apps["socweb"].extensions["sqlalchemy"]
        db.session.execute(delete(User))
        db.session.commit()
    answer = conduit.call("GET", "/user", session_id)
    assert conduit.check(answer, "GetCurrentUser", 200)["user"] | {"token": None} == {
        "email": "ada@example.com", "token": None, "username": "ada", "bio": None, "image": None}


def test_update_user_changes_the_profile_and_refuses_bad_fields(conduit):
    token = conduit.register("jake", "jake@example.com")
    conduit.register("taken")
    change = {"username": "Jacob", "bio": "I like to skateboard", "image": "https://i.stack.imgur.com/xHWG8.jpg",
              "email": "jake@example.com", "password": "", "token": "ignored"}
    answer = conduit.call("PUT", "/user", token, json={"user": change})
    assert conduit.check(answer, "UpdateCurrentUser", 200)["user"] == {
        "email": "jake@example.com", "token": token, "username": "jacob", "bio": "I like to skateboard",
        "image": "https://i.stack.imgur.com/xHWG8.jpg"}
    assert conduit.call("GET", "/profiles/jake").status_code == 404
    cleared = conduit.call("PUT", "/user", token, json={"user": {"image": "", "bio": None}})
    assert conduit.check(cleared, "UpdateCurrentUser", 200)["user"]["image"] is None
    for fields, field in (({"username": "TAKEN"}, "username"), ({"email": "taken@example.com"}, "email"),
                          ({"email": "not an address"}, "email"), ({"password": "short"}, "password"),
                          ({"username": "no way"}, "username")):
        refused = conduit.call("PUT", "/user", token, json={"user": fields})
        assert refused.status_code == 422 and list(refused.get_json()["errors"]) == [field], fields
    assert conduit.call("GET", "/user", token).get_json()["user"]["username"] == "jacob"


def test_update_user_changes_email_and_password_through_auth_after_a_recent_sign_in(conduit):
    token = conduit.register("jake", "jake@example.com")
    other_device = conduit.call("POST", "/users/login", json={"user": {"email": "jake@example.com",
                                                                       "password": PASSWORD}})
    other = other_device.get_json()["user"]["token"]
    change = {"email": "Jake@New.example", "password": "a brand new passphrase 42"}
    answer = conduit.call("PUT", "/user", token, json={"user": change})
    assert conduit.check(answer, "UpdateCurrentUser", 200)["user"]["email"] == "jake@new.example"
    assert [m["Subject"] for m in mails("jake@example.com")][-1].startswith("Your AXA Platform email address")
    assert any("Confirm" in m["Subject"] for m in mails("jake@new.example"))
    assert conduit.call("GET", "/user", token).get_json()["user"]["email"] == "jake@new.example"
    assert conduit.call("GET", "/user", other).status_code == 401  # the other session ended
    relogin = conduit.call("POST", "/users/login", json={"user": {"email": "jake@new.example",
                                                                  "password": change["password"]}})
    assert relogin.status_code == 200
    # a sign-in older than AXA_REAUTH_MINUTES: RealWorld's client sends no current password, so 422
    auth = conduit.apps["auth"]
    minutes = auth.config["AXA"].reauth_minutes
    auth.config["AXA_CLOCK"] = lambda: time.time() + (minutes + 1) * 60
    try:
        stale = conduit.call("PUT", "/user", token, json={"user": {"password": "another passphrase 43"}})
        assert (stale.status_code, list(stale.get_json()["errors"])) == (422, ["password"])
        stale = conduit.call("PUT", "/user", token, json={"user": {"email": "jake@third.example"}})
        assert stale.status_code == 422
    finally:
        auth.config.pop("AXA_CLOCK")
    assert conduit.call("GET", "/user", token).get_json()["user"]["email"] == "jake@new.example"


def _sign_up_and_in(conduit) -> list:
    return [conduit.call("POST", path, json={"user": user}) for path, user in (
        ("/users", {"username": "jake", "email": "j@example.com", "password": PASSWORD}),
        ("/users/login", {"email": "j@example.com", "password": PASSWORD}))]


def test_auth_server_down_answers_503_in_the_conduit_shape(conduit):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    set_settings(conduit.apps["socweb"], auth_url=f"http://127.0.0.1:{port}")
    for answer in _sign_up_and_in(conduit):
        assert answer.status_code == 503 and answer.headers["Retry-After"] == "5"
        assert answer.get_json() == {"errors": {"service": ["is unavailable, try again shortly"]}}


def test_a_broken_auth_answer_is_503_never_500(conduit):
    def gateway_error(environ, start_response):  # what a proxy in front of a dead auth sends
        start_response("502 Bad Gateway", [("Content-Type", "text/html")])
        return [b"<html>Bad Gateway</html>"]

    def odd_json(environ, start_response):
        start_response("200 OK", [("Content-Type", "application/json")])
        return [b'{"user": {"id": 1}, "session_id": 7}']

    for app in (gateway_error, odd_json):
        with served(app) as auth_url:
            set_settings(conduit.apps["socweb"], auth_url=auth_url)
            for answer in _sign_up_and_in(conduit):
                assert answer.status_code == 503, (app.__name__, answer.get_json())
                assert list(answer.get_json()["errors"]) == ["service"]


def test_auth_counts_its_limits_by_the_end_client_not_by_socweb(conduit, monkeypatch):
    """socweb passes the client's address on; an auth behind one proxy hop (production) uses it."""
    monkeypatch.setenv("AXA_PROXY_HOPS", "1")
    auth = FACTORIES["auth"]({"TESTING": True})
    set_settings(auth, register_limits="1 per minute")
    with served(auth) as auth_url:
        set_settings(conduit.apps["socweb"], auth_url=auth_url)

        def sign_up(name: str, address: str):
            user = {"username": name, "email": f"{name}@example.com", "password": PASSWORD}
            return conduit.call("POST", "/users", json={"user": user}, environ_base={"REMOTE_ADDR": address})

        assert sign_up("first", "203.0.113.7").status_code == 201
        assert sign_up("second", "198.51.100.9").status_code == 201  # another client: its own allowance
        again = sign_up("third", "203.0.113.7")
        assert again.status_code == 429 and int(again.headers["Retry-After"]) > 0
        assert again.get_json() == {"errors": {"requests": ["are too many, try again later"]}}
    with auth.app_context():
        db = auth.extensions["sqlalchemy"]
        events = db.session.execute(select(AuthEvent.kind, AuthEvent.ip).order_by(AuthEvent.id)).all()
        db.session.remove()
        db.engine.dispose()
    assert ("login", "198.51.100.9") in [(kind, str(ip)) for kind, ip in events]


def test_a_new_user_needs_no_sync_to_act_at_once(live_apps):
    """Celery not eager and no worker: user sync has not run anywhere, yet the Conduit user acts."""
    try:
        with served(live_apps["auth"]) as auth_url:
            set_settings(live_apps["socweb"], auth_url=auth_url)
            conduit = Conduit(live_apps, auth_url)
            token = conduit.register("jake")
            assert conduit.article(token)["author"]["username"] == "jake"
            assert conduit.call("GET", "/user", token).status_code == 200
            me = live_apps["stocks"].test_client().get("/api/v1/me", headers=bearer(token))
            assert me.status_code == 404  # stocks waits for sync; socweb did not
    finally:
        celery.control.purge()  # the sync and mail tasks no worker took
