"""Chat across two real app processes (gunicorn, gthread, each its own Redis connections): a
message sent to one is seen on both, and a ban, a deletion and a rule change made anywhere are
seen and enforced on both at once (issue 11: "a message and a ban seen on both")."""
from __future__ import annotations

import pytest

from tests.blueprints.stream.chat_helpers import ChatClient, persist, stream_servers
from tests.blueprints.stream.helpers import new_channel, signed_in

CHAT = "/api/v1/channels/ada-live/chat"


@pytest.fixture(scope="module")
def servers(databases):
    with stream_servers(2) as both:
        yield both


@pytest.fixture
def chat(clients, servers):
    stream = clients["stream"]
    ada, bob, cyd = (signed_in(clients, f"{n}@example.com") for n in ("ada", "bob", "cyd"))
    new_channel(stream, ada)
    sockets = {"ada": ChatClient(servers[0], "ada-live", ada), "bob": ChatClient(servers[1], "ada-live", bob),
               "cyd": ChatClient(servers[0], "ada-live", cyd), "anon": ChatClient(servers[1], "ada-live")}
    yield stream, {"ada": ada, "bob": bob, "cyd": cyd}, sockets
    for sock in sockets.values():
        sock.close()


def test_a_message_sent_to_one_process_reaches_every_socket_on_both(chat):
    stream, _, sockets = chat
    sockets["bob"].say("hello from process two")
    seen = [sockets[name].next("message") for name in ("ada", "bob", "cyd", "anon")]
    assert {m["text"] for m in seen} == {"hello from process two"}
    assert len({m["id"] for m in seen}) == 1 and seen[0]["author"] == "Ada"  # register() names all Ada
    assert seen[0]["user_id"] == sockets["bob"].welcome["user_id"]
    assert persist(stream.application) == 1
    history = stream.get(f"{CHAT}/messages").get_json()
    assert [(m["id"], m["text"]) for m in history] == [(seen[0]["id"], "hello from process two")]


def test_a_ban_made_anywhere_is_seen_on_both_and_enforced_on_both(chat):
    stream, who, sockets = chat
    bob_id = sockets["bob"].welcome["user_id"]
    banned = stream.post(f"{CHAT}/bans", headers=who["ada"], json={"user_id": bob_id, "reason": "spam"})
    assert banned.status_code == 200 and banned.get_json()["until"] is None
    for name in ("ada", "bob", "cyd", "anon"):
        assert sockets[name].next("ban") == {"type": "ban", "user_id": bob_id, "until": None}
    sockets["bob"].say("still here?")  # on process two
    assert sockets["bob"].next("error", "message")["code"] == "banned"
    other = ChatClient(chat_server(sockets, 0), "ada-live", who["bob"])  # process one
    other.say("and here?")
    assert other.next("error", "message")["code"] == "banned"
    other.close()
    sockets["cyd"].say("cyd may talk")
    assert sockets["bob"].next("message")["text"] == "cyd may talk"  # bob still reads
    assert stream.delete(f"{CHAT}/bans/{bob_id}", headers=who["ada"]).status_code == 204
    assert sockets["anon"].next("unban")["user_id"] == bob_id
    sockets["bob"].say("back")
    assert [sockets["ada"].next("message")["text"] for _ in range(2)] == ["cyd may talk", "back"]


def test_a_deleted_message_is_gone_on_both_processes_and_from_the_history(chat):
    stream, who, sockets = chat
    sockets["cyd"].say("keep me")
    sockets["cyd"].say("delete me")
    kept, doomed = sockets["bob"].next("message"), sockets["bob"].next("message")
    persist(stream.application)
    gone = stream.delete(f"{CHAT}/messages/{doomed['id']}", headers=who["ada"])
    assert gone.status_code == 204
    for name in ("ada", "bob", "cyd", "anon"):
        assert sockets[name].next("delete") == {"type": "delete", "id": doomed["id"]}
    assert [m["id"] for m in stream.get(f"{CHAT}/messages").get_json()] == [kept["id"]]


def test_rules_changed_anywhere_apply_on_both_processes(chat):
    stream, who, sockets = chat
    changed = stream.patch(f"{CHAT}/rules", headers=who["ada"], json={"slow_mode_seconds": 30})
    assert changed.status_code == 200
    assert sockets["bob"].next("rules")["slow_mode_seconds"] == 30
    sockets["bob"].say("one")
    assert sockets["bob"].next("message")["text"] == "one"
    second = ChatClient(chat_server(sockets, 0), "ada-live", who["bob"])  # bob again, on process one
    second.say("two")
    refused = second.next("error", "message")
    assert refused["code"] == "slow_mode" and 28_000 < refused["retry_after_ms"] <= 30_000
    second.close()


def chat_server(sockets, index: int) -> str:
    """The address of server ``index`` (process one: ada's and cyd's sockets)."""
    return sockets["ada"].address if index == 0 else sockets["bob"].address
