"""The stream app's channel and stream-key operations on a real channel (generated slugs rarely
exist, so test_specs.py mostly sees their 404): each answers its success status and holds its spec,
from the create through keys, rotation and revocation to the delete. The channel belongs to a user
of its own, whose fresh sign-in makes the rotation's recent-sign-in rule pass."""
from __future__ import annotations

import pytest

from axa.models.stream import db
from axa.models.stream import live as state
from axa.platform import clock
from axa.tasks.stream import notify
from tests.conftest import bearer, login, register
from tests.openapi.checks import json_headers_conform, success_status_documented
from tests.openapi.specs import SPECS

CHECKS = [json_headers_conform, success_status_documented]
CHANNEL = "/api/v1/channels/{slug}"
KEY = "/api/v1/channels/{slug}/keys/{key_id}"


def signed_in(callers, email: str) -> dict:
    auth = callers.market.apps["auth"].test_client(use_cookies=False)
    assert register(auth, email=email).status_code == 201
    return bearer(login(auth, email=email).get_json()["session_id"])


@pytest.fixture(scope="module")
def streamer(callers):
    return signed_in(callers, "streamer@example.com")


def call(method: str, path: str, status: int, headers: dict, **parts):
    case = SPECS["stream"][path][method].Case(**parts)
    response = case.call_and_validate(headers=headers, additional_checks=CHECKS)
    assert response.status_code == status, f"{method} {path}: {response.text[:500]}"
    return response


def test_every_channel_and_key_operation_on_a_real_channel_holds_its_spec(streamer):
    body = {"slug": "spec-channel", "title": "Spec", "tags": ["spec"], "latency_mode": "ultra_low"}
    assert call("POST", "/api/v1/channels", 201, streamer, body=body).json()["live"] is False
    slug = {"slug": "spec-channel"}
    assert call("GET", "/api/v1/channels", 200, {}, query={"limit": 1}).json()[0]["slug"] == "spec-channel"
    assert call("GET", CHANNEL, 200, {}, path_parameters=slug).json()["is_owner"] is False
    call("PATCH", CHANNEL, 200, streamer, path_parameters=slug, body={"description": "Now described"})
    key = call("POST", f"{CHANNEL}/keys", 201, streamer, path_parameters=slug, body={"label": "OBS"}).json()
    assert call("GET", f"{CHANNEL}/keys", 200, streamer, path_parameters=slug).json()[0]["id"] == key["id"]
    on_key = {"path_parameters": {**slug, "key_id": key["id"]}}
    rotated = call("POST", f"{KEY}/rotate", 201, streamer, body={"grace_seconds": 30}, **on_key).json()
    assert rotated["previous_key_stops_at"]
    call("DELETE", KEY, 204, streamer, path_parameters={**slug, "key_id": rotated["id"]})
    assert call("GET", f"{CHANNEL}/sessions", 200, {}, path_parameters=slug, query={"limit": 5}).json() == []
    call("DELETE", CHANNEL, 204, streamer, path_parameters=slug)
    call("GET", CHANNEL, 404, {}, path_parameters=slug)


def test_subscriptions_and_notifications_on_a_real_go_live_hold_their_spec(streamer, callers):
    fan = signed_in(callers, "fan@example.com")
    channel = call("POST", "/api/v1/channels", 201, streamer, body={"slug": "spec-live", "title": "Live"}).json()
    slug = {"slug": "spec-live"}
    for _ in range(2):
        assert call("POST", f"{CHANNEL}/subscription", 200, fan, path_parameters=slug).json()["channel"][
            "subscribers"] == 1
    assert call("GET", "/api/v1/subscriptions", 200, fan, query={"limit": 1}).json()[0]["channel"]["subscribed"]
    with callers.market.apps["stream"].app_context():
        session, _ = state.published(channel["id"], state.at(clock.now()), 30.0)
        db.session.commit()
        notify.fan_out_go_live(session.id)
    [notice] = call("GET", "/api/v1/notifications", 200, fan, query={"limit": 5}).json()
    assert notice["channel"]["slug"] == "spec-live" and notice["read"] is False
    assert call("GET", "/api/v1/notifications/unread", 200, fan).json()["unread"] == 1
    assert call("POST", "/api/v1/notifications/read", 200, fan, body={"up_to": notice["id"]}).json()["unread"] == 0
    assert call("GET", "/api/v1/notifications/preferences", 200, fan).json() == {"go_live_mail": False}
    call("PATCH", "/api/v1/notifications/preferences", 200, fan, body={"go_live_mail": True})
    call("DELETE", f"{CHANNEL}/subscription", 204, fan, path_parameters=slug)
    call("DELETE", f"{CHANNEL}/subscription", 204, fan, path_parameters=slug)
    call("DELETE", CHANNEL, 204, streamer, path_parameters=slug)
