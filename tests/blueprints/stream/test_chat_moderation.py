"""Chat moderation over REST: the owner appoints and removes moderators; owner and moderators
ban, time out, lift, delete messages and change the rules; others get 403; every action is in
the audit log (keyset pages, owner and moderators only); the history is keyset-paged and leaves
deleted messages out, even one deleted before its batch was written."""
from __future__ import annotations

import itertools

import pytest

from axa.models.stream import Channel, db
from axa.models.stream import chat_state as state
from axa.platform.redis_client import get_redis
from tests.blueprints.stream.chat_helpers import persist
from tests.blueprints.stream.helpers import new_channel, signed_in

CHAT = "/api/v1/channels/ada-live/chat"
SEQUENCE = itertools.count()  # as the socket's counter: messages of one millisecond keep their order


@pytest.fixture
def chat(clients):
    stream = clients["stream"]
    users = {n: signed_in(clients, f"{n}@example.com") for n in ("ada", "bob", "cyd")}
    ids = {n: stream.get("/api/v1/me", headers=h).get_json()["id"] for n, h in users.items()}
    new_channel(stream, users["ada"])
    return stream, users, ids


def say(app, user_id: int, text: str) -> int:
    """A message as a socket posts it (the socket's own path is tested on real servers)."""
    with app.app_context():
        channel = db.session.scalar(db.select(Channel).where(Channel.slug == "ada-live"))
        now = state.now_ms()
        event = {"type": "message", "id": state.message_id(now, next(SEQUENCE)), "channel_id": channel.id,
                 "user_id": user_id, "author": "Ada", "text": text, "sent_at_ms": now, "sent_at": ""}
        state.post(get_redis(), channel.id, event)
        return event["id"]


def test_only_the_owner_appoints_and_moderators_then_moderate(chat):
    stream, users, ids = chat
    assert stream.post(f"{CHAT}/moderators", headers=users["bob"], json={"user_id": ids["bob"]}).status_code == 403
    assert stream.get(f"{CHAT}/moderators", headers=users["bob"]).status_code == 403
    assert stream.post(f"{CHAT}/bans", headers=users["bob"], json={"user_id": ids["cyd"]}).status_code == 403
    first = stream.post(f"{CHAT}/moderators", headers=users["ada"], json={"user_id": ids["bob"]})
    again = stream.post(f"{CHAT}/moderators", headers=users["ada"], json={"user_id": ids["bob"]})
    assert first.status_code == again.status_code == 200 and first.get_json() == again.get_json()
    assert stream.post(f"{CHAT}/moderators", headers=users["ada"], json={"user_id": ids["ada"]}).status_code == 409
    assert [m["user_id"] for m in stream.get(f"{CHAT}/moderators", headers=users["bob"]).get_json()] == [ids["bob"]]
    assert stream.post(f"{CHAT}/moderators", headers=users["bob"], json={"user_id": ids["cyd"]}).status_code == 403
    assert stream.post(f"{CHAT}/bans", headers=users["bob"], json={"user_id": ids["cyd"]}).status_code == 200
    assert stream.delete(f"{CHAT}/moderators/{ids['bob']}", headers=users["ada"]).status_code == 204
    assert stream.delete(f"{CHAT}/moderators/{ids['bob']}", headers=users["ada"]).status_code == 204
    assert stream.delete(f"{CHAT}/bans/{ids['cyd']}", headers=users["bob"]).status_code == 403
    assert stream.get(f"{CHAT}/moderators").status_code == 401
    assert stream.get("/api/v1/channels/no-such/chat/moderators", headers=users["ada"]).status_code == 404


def test_every_action_is_audited_newest_first_for_owner_and_moderators_only(chat):
    stream, users, ids = chat
    stream.post(f"{CHAT}/moderators", headers=users["ada"], json={"user_id": ids["bob"]})
    stream.post(f"{CHAT}/bans", headers=users["bob"], json={"user_id": ids["cyd"], "duration_seconds": 600,
                                                            "reason": "caps"})
    stream.delete(f"{CHAT}/bans/{ids['cyd']}", headers=users["ada"])
    stream.patch(f"{CHAT}/rules", headers=users["bob"], json={"slow_mode_seconds": 5})
    doomed = say(stream.application, ids["cyd"], "oops")
    assert stream.delete(f"{CHAT}/messages/{doomed}", headers=users["bob"]).status_code == 204
    stream.delete(f"{CHAT}/moderators/{ids['bob']}", headers=users["ada"])
    page = stream.get(f"{CHAT}/audit?limit=4", headers=users["ada"])
    log = page.get_json()
    assert [(e["action"], e["actor_id"], e["target_user_id"]) for e in log] == [
        ("moderator_removed", ids["ada"], ids["bob"]), ("message_deleted", ids["bob"], ids["cyd"]),
        ("rules_changed", ids["bob"], None), ("user_unbanned", ids["ada"], ids["cyd"])]
    assert log[1]["message_id"] == doomed and log[2]["details"] == {"changes": ["slow_mode_seconds"]}
    rest = stream.get(f"{CHAT}/audit?limit=4&max_id={log[-1]['id']}", headers=users["ada"]).get_json()
    assert [e["action"] for e in rest] == ["user_timed_out", "moderator_added"]
    assert rest[0]["details"] == {"reason": "caps", "duration_seconds": 600}
    assert stream.get(f"{CHAT}/audit", headers=users["bob"]).status_code == 403  # no longer a moderator
    assert stream.get(f"{CHAT}/audit", headers=users["cyd"]).status_code == 403


def test_history_is_keyset_paged_newest_first_without_deleted_messages(chat):
    stream, users, ids = chat
    sent = [say(stream.application, ids["bob"], f"message {n}") for n in range(5)]
    deleted_early = say(stream.application, ids["bob"], "deleted before its batch")
    assert stream.delete(f"{CHAT}/messages/{deleted_early}", headers=users["ada"]).status_code == 204
    assert persist(stream.application) == 6  # entries taken; the tombstoned one is not written
    first = stream.get(f"{CHAT}/messages?limit=2")
    assert [m["text"] for m in first.get_json()] == ["message 4", "message 3"]
    assert f"max_id={sent[3]}" in first.headers["Link"]
    rest = stream.get(f"{CHAT}/messages?limit=5&max_id={sent[3]}").get_json()
    assert [m["id"] for m in rest] == sent[2::-1]
    assert stream.delete(f"{CHAT}/messages/{sent[0]}", headers=users["ada"]).status_code == 204
    assert [m["id"] for m in stream.get(f"{CHAT}/messages").get_json()] == sent[:0:-1]
    newer = stream.get(f"{CHAT}/messages?min_id={sent[2]}").get_json()
    assert [m["id"] for m in newer] == [sent[4], sent[3]]


def test_deleting_an_unknown_or_another_channels_message_is_404(chat):
    stream, users, ids = chat
    new_channel(stream, users["bob"], slug="bob-live")
    theirs = say(stream.application, ids["cyd"], "in ada-live")
    assert stream.delete(f"/api/v1/channels/bob-live/chat/messages/{theirs}", headers=users["bob"]).status_code == 404
    assert stream.delete(f"{CHAT}/messages/12345", headers=users["ada"]).status_code == 404
    assert stream.delete(f"{CHAT}/messages/{theirs}", headers=users["bob"]).status_code == 403


def test_rules_are_public_and_validated(chat):
    stream, users, _ = chat
    assert stream.get(f"{CHAT}/rules").get_json() == {"slow_mode_seconds": 0, "subscribers_only": False,
                                                      "min_subscription_minutes": 0, "blocked_terms": []}
    for bad in ({"slow_mode_seconds": -1}, {"slow_mode_seconds": 3601}, {"blocked_terms": [""]},
                {"blocked_terms": ["x" * 51]}, {"min_subscription_minutes": "soon"}):
        assert stream.patch(f"{CHAT}/rules", headers=users["ada"], json=bad).status_code == 422
    assert stream.patch(f"{CHAT}/rules", headers=users["bob"], json={"slow_mode_seconds": 3}).status_code == 403
    ok = stream.patch(f"{CHAT}/rules", headers=users["ada"], json={"subscribers_only": True})
    assert ok.get_json()["subscribers_only"] is True and ok.get_json()["slow_mode_seconds"] == 0


def test_the_shared_state_comes_back_from_the_database_after_redis_lost_it(chat):
    stream, users, ids = chat
    stream.post(f"{CHAT}/bans", headers=users["ada"], json={"user_id": ids["bob"]})
    stream.patch(f"{CHAT}/rules", headers=users["ada"], json={"slow_mode_seconds": 7})
    with stream.application.app_context():
        client, channel_id = get_redis(), stream.get(CHAT[:-5]).get_json()["id"]
        client.delete(state.key(channel_id, "rules"), state.key(channel_id, "bans"))
        state.load(client, channel_id)
        assert client.hget(state.key(channel_id, "bans"), ids["bob"]) == "0"
        assert client.hget(state.key(channel_id, "rules"), "slow") == "7"
        assert client.hget(state.key(channel_id, "rules"), "owner") == str(ids["ada"])
