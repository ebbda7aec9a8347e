"""Conduit accounts: register and login through the real auth server (HTTP), the current user and
its update, the token on every app, and the errors in RealWorld's shape."""
from __future__ import annotations

import socket

from sqlalchemy import delete

from axa.models.socweb import User
from tests.blueprints.socweb.conftest import TIMESTAMP  # noqa: F401 (shared pattern)
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
    dead = conduit.call("GET", "/user", "not-a-session")
    assert (dead.status_code, dead.get_json()) == (401, {"errors": {"token": ["is invalid or expired"]}})
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


def test_update_user_changes_the_profile_and_refuses_what_auth_owns(conduit):
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
    for fields, field in (({"username": "TAKEN"}, "username"), ({"email": "new@example.com"}, "email"),
                          ({"password": "a new password"}, "password"), ({"username": "no way"}, "username")):
        refused = conduit.call("PUT", "/user", token, json={"user": fields})
        assert refused.status_code == 422 and list(refused.get_json()["errors"]) == [field], fields
    assert conduit.call("GET", "/user", token).get_json()["user"]["username"] == "jacob"


def test_auth_server_down_answers_503_in_the_conduit_shape(conduit):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    set_settings(conduit.apps["socweb"], auth_url=f"http://127.0.0.1:{port}")
    for path, user in (("/users", {"username": "jake", "email": "j@example.com", "password": PASSWORD}),
                       ("/users/login", {"email": "j@example.com", "password": PASSWORD})):
        answer = conduit.call("POST", path, json={"user": user})
        assert answer.status_code == 503 and answer.headers["Retry-After"] == "5"
        assert answer.get_json() == {"errors": {"service": ["is unavailable, try again shortly"]}}
