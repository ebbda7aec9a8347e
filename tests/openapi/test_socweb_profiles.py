"""Socweb's profile and subscription operations called on a real profile (generated usernames
rarely exist, so test_specs.py mostly sees their 404): each answers its success status, and the
answer holds the spec (body schema, headers, content type), signed in and anonymous."""
from __future__ import annotations

import pytest

from tests.conftest import bearer, login, register
from tests.openapi.checks import json_headers_conform, success_status_documented
from tests.openapi.specs import SPECS

CHECKS = [json_headers_conform, success_status_documented]
AUTHOR = "spec_author_7"
READS = ["/api/v1/profiles/{username}", "/api/v1/profiles/{username}/subscribers",
         "/api/v1/profiles/{username}/subscriptions"]


@pytest.fixture(scope="module")
def author(callers):
    """A second user, with a username, for the reader to subscribe to; their session."""
    auth = callers.auth.test_client(use_cookies=False)
    assert register(auth, email="spec.author@example.com", name="Spec Author").status_code == 201
    session = bearer(login(auth, email="spec.author@example.com").get_json()["session_id"])
    socweb = callers.market.client("socweb")
    chosen = socweb.patch("/api/v1/profile", json={"username": AUTHOR.upper()}, headers=session)
    assert chosen.status_code == 200 and chosen.get_json()["username"] == AUTHOR, chosen.get_json()
    return session


def call(callers, method: str, path: str, signed_in: bool = True, **parts):
    operation = SPECS["socweb"][path][method]
    case = operation.Case(path_parameters={"username": AUTHOR}, **parts)
    headers = callers.headers_for(case) if signed_in else {}
    response = case.call_and_validate(headers=headers, additional_checks=CHECKS)
    assert response.status_code == 200, f"{method} {path}: {response.text[:500]}"
    return response


def test_profile_operations_on_a_real_profile_hold_their_spec(callers, author):
    assert call(callers, "POST", "/api/v1/subscriptions/{username}").json()["following"] is True
    for path in READS:
        for signed_in in (True, False):
            response = call(callers, "GET", path, signed_in, **({"query": {"limit": 1}} if "/sub" in path else {}))
            if path.endswith("/subscribers"):
                assert len(response.json()) == 1 and "link" in response.headers
    assert call(callers, "DELETE", "/api/v1/subscriptions/{username}").json()["following"] is False


def test_the_own_profile_and_own_subscriptions_hold_their_spec(callers, author):
    for path in ("/api/v1/profile", "/api/v1/subscriptions"):
        case = SPECS["socweb"][path]["GET"].Case()
        response = case.call_and_validate(headers=author, additional_checks=CHECKS)
        assert response.status_code == 200, response.text[:500]
