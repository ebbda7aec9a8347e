"""Channels on the stream app: created by a signed-in user, edited and deleted by the owner only,
read by anyone."""
from __future__ import annotations

from tests.blueprints.stream.helpers import new_channel, signed_in


def test_create_then_anyone_reads_it_without_live_state(clients):
    ada = signed_in(clients, "ada@example.com")
    stream = clients["stream"]
    created = new_channel(stream, ada, description="Speedruns", tags=["games", "games", "retro"],
                          category="Gaming", latency_mode="low")
    assert created["tags"] == ["games", "retro"] and created["is_owner"] is True
    anonymous = stream.get("/api/v1/channels/ada-live")
    assert anonymous.status_code == 200
    body = anonymous.get_json()
    assert body["live"] is False and body["viewers"] == 0 and body["is_owner"] is False
    assert body["latency_mode"] == "low" and body["category"] == "Gaming"
    assert body["playback_url"] is None and body["live_since"] is None and body["reconnecting"] is False
    assert stream.get("/api/v1/channels/ada-live", headers=ada).get_json()["is_owner"] is True
    ended = stream.get("/api/v1/channels/ada-live", headers={"Authorization": "Bearer no-such-session"})
    assert ended.status_code == 200 and ended.get_json()["is_owner"] is False
    assert stream.get("/api/v1/channels/nobody-here").status_code == 404
    assert stream.get("/api/v1/channels/NOT_A_SLUG").status_code == 404


def test_creating_needs_a_session_and_a_valid_unique_slug(clients):
    ada, bob = signed_in(clients, "ada@example.com"), signed_in(clients, "bob@example.com")
    stream = clients["stream"]
    assert stream.post("/api/v1/channels", json={"slug": "abc", "title": "x"}).status_code == 401
    for slug in ("ab", "Upper", "a" * 41, "under_score"):
        assert stream.post("/api/v1/channels", headers=ada, json={"slug": slug, "title": "x"}).status_code == 422
    assert stream.post("/api/v1/channels", headers=ada,
                       json={"slug": "abc", "title": "x", "latency_mode": "instant"}).status_code == 422
    new_channel(stream, ada, slug="abc")
    taken = stream.post("/api/v1/channels", headers=bob, json={"slug": "abc", "title": "Mine"})
    assert taken.status_code == 409 and taken.get_json()["reason"] == "slug_taken"


def test_idempotency_key_creates_once(clients):
    ada = signed_in(clients, "ada@example.com")
    stream = clients["stream"]
    headers = {**ada, "Idempotency-Key": "create-1"}
    first = stream.post("/api/v1/channels", headers=headers, json={"slug": "once", "title": "Once"})
    again = stream.post("/api/v1/channels", headers=headers, json={"slug": "once", "title": "Once"})
    assert first.status_code == again.status_code == 201
    assert first.get_json()["id"] == again.get_json()["id"]
    assert len(stream.get("/api/v1/channels").get_json()) == 1


def test_only_the_owner_edits_and_deletes(clients):
    ada, bob = signed_in(clients, "ada@example.com"), signed_in(clients, "bob@example.com")
    stream = clients["stream"]
    new_channel(stream, ada)
    edit = stream.patch("/api/v1/channels/ada-live", headers=bob, json={"title": "Bob's now"})
    assert edit.status_code == 403 and edit.get_json()["reason"] == "not_owner"
    assert stream.delete("/api/v1/channels/ada-live", headers=bob).status_code == 403
    changed = stream.patch("/api/v1/channels/ada-live", headers=ada, json={"title": "Ada again", "category": None})
    assert changed.status_code == 200 and changed.get_json()["title"] == "Ada again"
    assert stream.patch("/api/v1/channels/ada-live", headers=ada, json={"slug": "other"}).status_code == 422
    assert stream.get("/api/v1/channels/ada-live").get_json()["title"] == "Ada again"
    assert stream.delete("/api/v1/channels/ada-live", headers=ada).status_code == 204
    assert stream.get("/api/v1/channels/ada-live").status_code == 404


def test_list_is_a_keyset_newest_first_and_filters_by_owner(clients):
    ada, bob = signed_in(clients, "ada@example.com"), signed_in(clients, "bob@example.com")
    stream = clients["stream"]
    for n in range(3):
        new_channel(stream, ada, slug=f"ada-{n}")
    bob_channel = new_channel(stream, bob, slug="bob-1")
    page = stream.get("/api/v1/channels?limit=2")
    assert [c["slug"] for c in page.get_json()] == ["bob-1", "ada-2"]
    assert 'rel="next"' in page.headers["Link"]
    rest = stream.get(f"/api/v1/channels?limit=2&max_id={page.get_json()[-1]['id']}")
    assert [c["slug"] for c in rest.get_json()] == ["ada-1", "ada-0"]
    mine = stream.get(f"/api/v1/channels?user_id={bob_channel['user_id']}")
    assert [c["slug"] for c in mine.get_json()] == ["bob-1"]
