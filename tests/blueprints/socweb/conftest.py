"""Socweb API tests: fresh apps with Celery eager, so a user registered on auth reaches socweb's
users replica through user sync before the next request; people signed in on socweb by name."""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest

from axa.models.socweb import User, db
from tests.conftest import PASSWORD, bearer, login, register


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
