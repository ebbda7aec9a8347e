"""Socweb API tests: fresh apps with Celery eager, so a user registered on auth reaches socweb's
users replica through user sync before the next request; people signed in on socweb by name."""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from werkzeug.serving import make_server

from axa.models.socweb import Subscription, User, db
from tests.blueprints.socweb.conduit_support import conduit  # noqa: F401  (the Conduit face's fixture)
from tests.conftest import PASSWORD, bearer, login, register
from tests.platform.conftest import smtp  # noqa: F401  (aiosmtpd on a loopback port, for the mail tests)


@dataclass
class Member:
    """A registered, signed-in user (synced to socweb's replica)."""

    id: int
    email: str
    session_id: str

    @property
    def headers(self) -> dict:
        return bearer(self.session_id)


@pytest.fixture
def socweb(apps):
    """A socweb client without a cookie jar: a request is anonymous unless it sends a bearer."""
    return apps["socweb"].test_client(use_cookies=False)


@pytest.fixture
def sign_up(apps, socweb):
    """``sign_up("Ada Lovelace", username="ada")``: register, sign in, and (with ``username``)
    choose the username on socweb."""
    auth = apps["auth"].test_client(use_cookies=False)

    def make(name: str = "Ada", username: str | None = None, email: str | None = None) -> Member:
        email = email or f"{re.sub(r'[^a-z0-9]+', '.', name.lower())}@example.com"
        created = register(auth, email=email, name=name)
        assert created.status_code == 201, created.get_json()
        member = Member(created.get_json()["id"], email, login(auth, email=email).get_json()["session_id"])
        if username is not None:
            chosen = socweb.patch("/api/v1/profile", json={"username": username}, headers=member.headers)
            assert chosen.status_code == 200, chosen.get_json()
        return member
    return make


@pytest.fixture
def set_status(apps):
    """``set_status(member, "disabled")``: an admin changes the user's status on auth; user sync
    carries it to socweb's replica."""
    auth = apps["auth"].test_client(use_cookies=False)
    result = apps["auth"].test_cli_runner().invoke(
        args=["create-admin", "root@example.com", "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    admin = bearer(login(auth, email="root@example.com").get_json()["session_id"])

    def change(member: Member, status: str) -> None:
        changed = auth.patch(f"/api/v1/auth/users/{member.id}", json={"status": status}, headers=admin)
        assert changed.status_code == 200, changed.get_json()
    return change


@pytest.fixture
def sync_status(apps):
    """``sync_status(member, "deleted")``: a newer snapshot of the user reaches socweb's replica
    through user sync (auth's admin API knows only active and disabled)."""
    def change(member: Member, status: str) -> None:
        with apps["socweb"].app_context():
            row = db.session.get(User, member.id)
            snapshot = {**row.to_dict(), "status": status, "version": row.version + 1, "roles": []}
            db.session.rollback()
            assert User.apply_snapshots([snapshot]) == 1
            db.session.remove()
    return change


def links(response) -> dict[str, str]:
    """The ``Link`` header as {rel: path with query}."""
    found = re.findall(r'<([^>]+)>; rel="(\w+)"', response.headers.get("Link", ""))
    return {rel: urlsplit(url).path + "?" + urlsplit(url).query for url, rel in found}


@dataclass(frozen=True)
class SocwebUser:
    id: int
    email: str
    session_id: str

    @property
    def headers(self) -> dict:
        return bearer(self.session_id)


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
