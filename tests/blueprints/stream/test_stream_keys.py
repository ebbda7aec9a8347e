"""Stream keys: shown once, stored as a hash, revoked and rotated by the channel's owner, with the
Redis lookup the media-server hook will use kept in step with PostgreSQL."""
from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from axa.models.stream import StreamKey, db
from axa.models.stream.keys import KEYS_MAX, REDIS_KEY, channel_for_key
from axa.platform.redis_client import get_redis
from tests.blueprints.stream.helpers import new_channel, signed_in

KEYS = "/api/v1/channels/ada-live/keys"


@pytest.fixture
def clock(clients):
    """One hand-moved clock for every app (``AXA_CLOCK``: sessions and keys read it)."""
    now = [2_000_000_000.0]
    for client in clients.values():
        client.application.config["AXA_CLOCK"] = lambda: now[0]
    return now


@pytest.fixture
def ada(clients, clock):
    headers = signed_in(clients, "ada@example.com")
    channel = new_channel(clients["stream"], headers)
    return {"headers": headers, "channel": channel}


def lookup(stream, secret: str, now: float) -> int | None:
    with stream.application.app_context():
        return channel_for_key(get_redis(), secret, now)


def entry_name(secret: str) -> str:
    return REDIS_KEY.format(hashlib.sha256(secret.encode()).hexdigest())


def forget_entry(stream, secret: str) -> None:
    with stream.application.app_context():
        assert get_redis().delete(entry_name(secret)) == 1


def test_a_key_is_shown_once_and_only_its_hash_is_stored(clients, ada, clock):
    stream = clients["stream"]
    created = stream.post(KEYS, headers=ada["headers"], json={"label": "OBS"})
    assert created.status_code == 201
    secret = created.get_json()["key"]
    assert secret.startswith("live_") and len(secret) > 40 and secret.startswith(created.get_json()["prefix"])
    listed = stream.get(KEYS, headers=ada["headers"]).get_json()
    assert [k["label"] for k in listed] == ["OBS"] and "key" not in listed[0] and secret not in str(listed)
    with stream.application.app_context():
        stored = db.session.scalar(select(StreamKey))
        assert stored.key_hash == hashlib.sha256(secret.encode()).hexdigest()
        assert secret not in str([getattr(stored, c.key) for c in StreamKey.__table__.columns])
    assert lookup(stream, secret, clock[0]) == ada["channel"]["id"]
    assert lookup(stream, secret + "x", clock[0]) is None


def test_revoke_stops_the_key_at_once(clients, ada, clock):
    stream = clients["stream"]
    key = stream.post(KEYS, headers=ada["headers"], json={"label": "OBS"}).get_json()
    assert stream.delete(f"{KEYS}/{key['id']}", headers=ada["headers"]).status_code == 204
    assert lookup(stream, key["key"], clock[0]) is None
    assert stream.get(KEYS, headers=ada["headers"]).get_json() == []
    assert stream.delete(f"{KEYS}/{key['id']}", headers=ada["headers"]).status_code == 404


def test_lookup_rebuilds_from_postgresql_on_a_miss(clients, ada, clock):
    stream = clients["stream"]
    kept = stream.post(KEYS, headers=ada["headers"], json={"label": "OBS"}).get_json()
    forget_entry(stream, kept["key"])
    assert lookup(stream, kept["key"], clock[0]) == ada["channel"]["id"]
    with stream.application.app_context():
        assert get_redis().exists(entry_name(kept["key"]))


def test_rotation_without_grace_stops_the_old_key_at_once(clients, ada, clock):
    stream = clients["stream"]
    old = stream.post(KEYS, headers=ada["headers"], json={"label": "OBS"}).get_json()
    rotated = stream.post(f"{KEYS}/{old['id']}/rotate", headers=ada["headers"], json={})
    assert rotated.status_code == 201, rotated.get_json()
    new = rotated.get_json()
    assert new["label"] == "OBS" and new["key"] != old["key"]
    assert lookup(stream, old["key"], clock[0]) is None
    assert lookup(stream, new["key"], clock[0]) == ada["channel"]["id"]
    assert [k["id"] for k in stream.get(KEYS, headers=ada["headers"]).get_json()] == [new["id"]]


def test_rotation_with_grace_keeps_the_old_key_until_it_ends(clients, ada, clock):
    stream = clients["stream"]
    old = stream.post(KEYS, headers=ada["headers"], json={"label": "OBS"}).get_json()
    new = stream.post(f"{KEYS}/{old['id']}/rotate", headers=ada["headers"], json={"grace_seconds": 120}).get_json()
    assert lookup(stream, old["key"], clock[0] + 60) == ada["channel"]["id"]
    assert lookup(stream, new["key"], clock[0] + 60) == ada["channel"]["id"]
    assert len(stream.get(KEYS, headers=ada["headers"]).get_json()) == 2
    clock[0] += 121
    assert lookup(stream, old["key"], clock[0]) is None
    assert [k["id"] for k in stream.get(KEYS, headers=ada["headers"]).get_json()] == [new["id"]]
    forget_entry(stream, old["key"])  # rebuilt from PostgreSQL: still expired
    assert lookup(stream, old["key"], clock[0]) is None


def test_grace_is_capped(clients, ada, clock):
    stream = clients["stream"]
    cap = stream.application.config["AXA"].stream_key_grace_max
    old = stream.post(KEYS, headers=ada["headers"], json={"label": "OBS"}).get_json()
    stream.post(f"{KEYS}/{old['id']}/rotate", headers=ada["headers"], json={"grace_seconds": cap * 10})
    assert lookup(stream, old["key"], clock[0] + cap - 1) == ada["channel"]["id"]
    assert lookup(stream, old["key"], clock[0] + cap + 1) is None


def test_rotation_needs_a_recent_sign_in(clients, ada, clock):
    stream, auth = clients["stream"], clients["auth"]
    minutes = stream.application.config["AXA"].reauth_minutes
    old = stream.post(KEYS, headers=ada["headers"], json={"label": "OBS"}).get_json()
    clock[0] += minutes * 60 + 1
    refused = stream.post(f"{KEYS}/{old['id']}/rotate", headers=ada["headers"], json={})
    assert refused.status_code == 403 and refused.get_json()["reason"] == "reauthentication_required"
    assert lookup(stream, old["key"], clock[0]) == ada["channel"]["id"]  # untouched
    again = auth.post("/api/v1/auth/reauthenticate", headers=ada["headers"],
                      json={"password": "correct horse battery staple"})
    assert again.status_code == 200
    assert stream.post(f"{KEYS}/{old['id']}/rotate", headers=ada["headers"], json={}).status_code == 201


def test_keys_are_the_owners_only(clients, ada, clock):
    stream = clients["stream"]
    bob = signed_in(clients, "bob@example.com")
    key = stream.post(KEYS, headers=ada["headers"], json={"label": "OBS"}).get_json()
    for response in (stream.get(KEYS, headers=bob), stream.post(KEYS, headers=bob, json={"label": "x"}),
                     stream.delete(f"{KEYS}/{key['id']}", headers=bob),
                     stream.post(f"{KEYS}/{key['id']}/rotate", headers=bob, json={})):
        assert response.status_code == 403 and response.get_json()["reason"] == "not_owner"
    assert stream.get(KEYS).status_code == 401
    assert lookup(stream, key["key"], clock[0]) == ada["channel"]["id"]


def test_a_channel_has_at_most_keys_max_working_keys(clients, ada, clock):
    stream = clients["stream"]
    created = [stream.post(KEYS, headers=ada["headers"], json={"label": f"k{n}"}) for n in range(KEYS_MAX + 1)]
    assert [c.status_code for c in created] == [201] * KEYS_MAX + [409]
    assert created[-1].get_json()["reason"] == "key_limit"
    assert stream.delete(f"{KEYS}/{created[0].get_json()['id']}", headers=ada["headers"]).status_code == 204
    assert stream.post(KEYS, headers=ada["headers"], json={"label": "again"}).status_code == 201


def test_deleting_the_channel_stops_its_keys(clients, ada, clock):
    stream = clients["stream"]
    key = stream.post(KEYS, headers=ada["headers"], json={"label": "OBS"}).get_json()
    assert stream.delete("/api/v1/channels/ada-live", headers=ada["headers"]).status_code == 204
    assert lookup(stream, key["key"], clock[0]) is None
