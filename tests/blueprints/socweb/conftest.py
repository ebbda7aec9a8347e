"""Signed-in socweb users: registered and signed in through the auth app; user sync (eager
Celery) brings each to socweb's replica before the test uses them."""
from __future__ import annotations

import threading
from dataclasses import dataclass

import pytest
from werkzeug.serving import make_server

from axa.models.socweb import Subscription, db
from tests.conftest import PASSWORD, bearer, login, register


@dataclass(frozen=True)
class SocwebUser:
    id: int
    email: str
    session_id: str

    @property
    def headers(self) -> dict:
        return bearer(self.session_id)


@pytest.fixture
def socweb(apps):
    """A client of the socweb app (no cookie jar: each request says who it is)."""
    return apps["socweb"].test_client(use_cookies=False)


@pytest.fixture
def socweb_users(apps):
    """``socweb_users("ada", "bob")``: new users by name, signed in, present in socweb."""
    auth = apps["auth"].test_client(use_cookies=False)

    def sign_up(*names: str) -> list[SocwebUser]:
        made = []
        for name in names:
            email = f"{name}@example.com"
            assert register(auth, email=email, name=name.title()).status_code == 201
            signed_in = login(auth, email=email).get_json()
            made.append(SocwebUser(signed_in["user"]["id"], email, signed_in["session_id"]))
        return made
    return sign_up


@pytest.fixture
def socweb_user(socweb_users) -> SocwebUser:
    return socweb_users("ada")[0]


@pytest.fixture
def subscribe(apps):
    """``subscribe(subscriber, author)``: a subscription row, made directly through the model."""
    def make(subscriber: SocwebUser, author: SocwebUser) -> None:
        with apps["socweb"].app_context():
            Subscription.subscribe(subscriber.id, author.id)
            db.session.commit()
    return make


@pytest.fixture
def disable(apps):
    """``disable(user)``: an admin disables the account in auth; user sync carries it to socweb."""
    auth_app = apps["auth"]
    result = auth_app.test_cli_runner().invoke(args=["create-admin", "root@example.com", "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    admin = login(auth_app.test_client(use_cookies=False), email="root@example.com").get_json()["session_id"]

    def run(user: SocwebUser) -> None:
        changed = auth_app.test_client(use_cookies=False).patch(
            f"/api/v1/auth/users/{user.id}", json={"status": "disabled"}, headers=bearer(admin))
        assert changed.status_code == 200, changed.get_json()
    return run


@pytest.fixture
def publish(socweb):
    """``publish(user, body=..., **fields)``: the created post's JSON (asserting 201)."""
    def run(user: SocwebUser, body: str = "Hello there", **fields) -> dict:
        created = socweb.post("/api/v1/posts", json={"body": body, **fields}, headers=user.headers)
        assert created.status_code == 201, created.get_json()
        return created.get_json()
    return run


@pytest.fixture
def socweb_server(apps):
    """The socweb app served by a real threaded HTTP server (concurrent requests); its base URL."""
    server = make_server("127.0.0.1", 0, apps["socweb"], threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join()
