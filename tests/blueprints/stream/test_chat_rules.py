"""Every chat rule as a user meets it on a real socket (gunicorn): timeouts end by themselves,
slow mode spaces one user's messages (not the owner's or a moderator's), subscribers-only asks a
subscription of a minimum age, blocked terms are refused in any case, the per-user rate limit
drops a flood with an error and keeps the socket, anonymous sockets read only, and a session
ended elsewhere closes the socket at its next message."""
from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from axa.models.stream import Subscription, db
from tests.blueprints.stream.chat_helpers import ChatClient, stream_server
from tests.blueprints.stream.helpers import new_channel, signed_in

CHAT = "/api/v1/channels/ada-live/chat"


@pytest.fixture(scope="module")
def server(databases):
    with stream_server(AXA_STREAM_CHAT_RATE_MESSAGES="5", AXA_STREAM_CHAT_RATE_SECONDS="2") as address:
        yield address


@pytest.fixture
def room(clients, server):
    stream = clients["stream"]
    users = {n: signed_in(clients, f"{n}@example.com") for n in ("ada", "bob", "cyd")}
    new_channel(stream, users["ada"])
    opened = []

    def connect(name: str | None) -> ChatClient:
        opened.append(ChatClient(server, "ada-live", users[name] if name else None))
        return opened[-1]
    yield stream, users, connect
    for sock in opened:
        sock.close()


def answer(sock: ChatClient) -> dict:
    """The answer to the socket's own message: an error, or its own message coming back."""
    while True:
        frame = sock.next("error", "message")
        if frame["type"] == "error" or frame["user_id"] == sock.welcome["user_id"]:
            return frame


def refused(sock: ChatClient, text: str) -> dict:
    sock.say(text)
    frame = answer(sock)
    assert frame["type"] == "error", frame
    return frame


def accepted(sock: ChatClient, text: str) -> dict:
    sock.say(text)
    frame = answer(sock)
    assert frame["type"] == "message" and frame["text"] == text, frame
    return frame


def test_a_timeout_refuses_until_it_ends(room):
    stream, users, connect = room
    bob = connect("bob")
    timed = stream.post(f"{CHAT}/bans", headers=users["ada"],
                        json={"user_id": bob.welcome["user_id"], "duration_seconds": 1})
    assert timed.status_code == 200 and timed.get_json()["until"] is not None
    assert bob.next("timeout")["until"] == timed.get_json()["until"]
    frame = refused(bob, "let me talk")
    assert frame["code"] == "timed_out" and 0 < frame["retry_after_ms"] <= 1000
    time.sleep(frame["retry_after_ms"] / 1000 + 0.1)
    accepted(bob, "I'm back")


def test_slow_mode_spaces_a_users_messages_but_not_the_owners_or_a_moderators(room):
    stream, users, connect = room
    stream.post(f"{CHAT}/moderators", headers=users["ada"], json={"user_id": connect("cyd").welcome["user_id"]})
    assert stream.patch(f"{CHAT}/rules", headers=users["ada"], json={"slow_mode_seconds": 1}).status_code == 200
    ada, bob, cyd = connect("ada"), connect("bob"), connect("cyd")
    accepted(bob, "first")
    frame = refused(bob, "second")
    assert frame["code"] == "slow_mode" and 0 < frame["retry_after_ms"] <= 1000
    for sock in (ada, cyd):
        accepted(sock, "a")
        accepted(sock, "b")
    time.sleep(frame["retry_after_ms"] / 1000 + 0.1)
    accepted(bob, "second, later")


def test_subscribers_only_needs_a_subscription_old_enough(room):
    stream, users, connect = room
    rules = {"subscribers_only": True, "min_subscription_minutes": 10}
    assert stream.patch(f"{CHAT}/rules", headers=users["ada"], json=rules).status_code == 200
    assert refused(connect("bob"), "hi")["code"] == "subscribers_only"
    stream.post(f"{CHAT[:-5]}/subscription", headers=users["bob"])
    too_new = refused(connect("bob"), "hi")
    assert too_new["code"] == "subscription_too_new" and 9 * 60_000 < too_new["retry_after_ms"] <= 10 * 60_000
    with stream.application.app_context():
        db.session.execute(update(Subscription).values(created_at=datetime.now(UTC) - timedelta(minutes=11)))
        db.session.commit()
    accepted(connect("bob"), "a subscriber of eleven minutes")
    accepted(connect("ada"), "the owner needs no subscription")


def test_blocked_terms_are_refused_in_any_case_and_hidden_from_viewers(room):
    stream, users, connect = room
    changed = stream.patch(f"{CHAT}/rules", headers=users["ada"], json={"blocked_terms": ["Spoiler", "  bad   word "]})
    assert changed.get_json()["blocked_terms"] == ["Spoiler", "bad word"]
    bob = connect("bob")
    assert refused(bob, "huge SPOILER ahead")["code"] == "blocked_term"
    assert refused(bob, "a Bad Word")["code"] == "blocked_term"
    accepted(bob, "spoil the fun")
    assert stream.get(f"{CHAT}/rules").get_json()["blocked_terms"] == []
    assert stream.get(f"{CHAT}/rules", headers=users["bob"]).get_json()["blocked_terms"] == []
    assert stream.get(f"{CHAT}/rules", headers=users["ada"]).get_json()["blocked_terms"] == ["Spoiler", "bad word"]


def test_the_rate_limit_drops_a_burst_with_an_error_and_keeps_the_socket(room):
    _, _, connect = room
    bob, ada = connect("bob"), connect("ada")
    for n in range(5):
        accepted(bob, f"message {n}")
    frame = refused(bob, "one too many")
    assert frame["code"] == "rate_limited" and 0 < frame["retry_after_ms"] <= 2000
    bob.raw('{"type": "ping"}')
    assert bob.next("pong", "error")["type"] == "pong"
    assert [ada.next("message")["text"] for _ in range(5)] == [f"message {n}" for n in range(5)]
    assert ada.quiet(0.3) == []  # the dropped message reached nobody
    time.sleep(frame["retry_after_ms"] / 1000 + 0.1)
    accepted(bob, "after the window")


def test_anonymous_sockets_read_but_do_not_send(room):
    _, _, connect = room
    anon, bob = connect(None), connect("bob")
    assert anon.welcome["user_id"] is None
    assert refused(anon, "hello?")["code"] == "sign_in_required"
    accepted(bob, "hello, reader")
    assert anon.next("message")["text"] == "hello, reader"


def test_a_logout_elsewhere_ends_the_socket_at_its_next_message(room, clients):
    _, users, connect = room
    bob = connect("bob")
    assert clients["auth"].post("/api/v1/auth/logout", headers=users["bob"]).status_code in (200, 204)
    assert refused(bob, "am I still here?")["code"] == "session_ended"
    time.sleep(0.2)
    assert not bob.ws.connected


def test_a_ban_replaced_by_a_timeout_and_a_moderator_cannot_ban_a_moderator(room):
    stream, users, connect = room
    bob_id, cyd_id = connect("bob").welcome["user_id"], connect("cyd").welcome["user_id"]
    assert stream.post(f"{CHAT}/moderators", headers=users["ada"], json={"user_id": cyd_id}).status_code == 200
    assert stream.post(f"{CHAT}/bans", headers=users["ada"], json={"user_id": bob_id}).status_code == 200
    shorter = stream.post(f"{CHAT}/bans", headers=users["cyd"], json={"user_id": bob_id, "duration_seconds": 60})
    assert shorter.status_code == 200 and shorter.get_json()["by_user_id"] == cyd_id
    listed = stream.get(f"{CHAT}/bans", headers=users["cyd"]).get_json()
    assert [(b["user_id"], b["until"] is not None) for b in listed] == [(bob_id, True)]
    assert refused(connect("bob"), "hm")["code"] == "timed_out"
    no = stream.post(f"{CHAT}/bans", headers=users["cyd"], json={"user_id": cyd_id})
    assert no.status_code == 403
    owner = stream.post(f"{CHAT}/bans", headers=users["cyd"], json={"user_id": connect("ada").welcome["user_id"]})
    assert owner.status_code == 409
