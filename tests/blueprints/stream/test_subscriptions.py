"""Channel subscriptions (issue 11 item 7): subscribe and unsubscribe are idempotent, my
subscriptions are a keyset-paged list, and channel pages show the subscriber count."""
from __future__ import annotations

import pytest

from tests.blueprints.stream.helpers import new_channel, signed_in

SUB = "/api/v1/channels/{}/subscription"


@pytest.fixture
def stream(clients):
    client = clients["stream"]
    ada, bob = signed_in(clients, "ada@example.com"), signed_in(clients, "bob@example.com")
    for slug in ("ada-one", "ada-two", "ada-three"):
        new_channel(client, ada, slug=slug)
    return client, ada, bob


def test_subscribe_twice_is_one_subscription_and_unsubscribe_twice_is_fine(stream):
    client, _, bob = stream
    first = client.post(SUB.format("ada-one"), headers=bob)
    again = client.post(SUB.format("ada-one"), headers=bob)
    assert first.status_code == again.status_code == 200
    assert first.get_json()["id"] == again.get_json()["id"]
    assert again.get_json()["channel"]["subscribers"] == 1 and again.get_json()["channel"]["subscribed"] is True
    page = client.get("/api/v1/channels/ada-one", headers=bob).get_json()
    assert (page["subscribers"], page["subscribed"]) == (1, True)
    assert client.get("/api/v1/channels/ada-one").get_json()["subscribed"] is False  # anonymous
    assert client.delete(SUB.format("ada-one"), headers=bob).status_code == 204
    assert client.delete(SUB.format("ada-one"), headers=bob).status_code == 204
    page = client.get("/api/v1/channels/ada-one", headers=bob).get_json()
    assert (page["subscribers"], page["subscribed"]) == (0, False)


def test_subscriptions_need_a_session_and_a_channel(stream):
    client, _, bob = stream
    assert client.post(SUB.format("ada-one")).status_code == 401
    assert client.delete(SUB.format("ada-one")).status_code == 401
    assert client.get("/api/v1/subscriptions").status_code == 401
    for method in (client.post, client.delete):
        missing = method(SUB.format("no-such"), headers=bob)
        assert missing.status_code == 404 and missing.get_json()["code"] == 404
    assert client.post(SUB.format("BAD!"), headers=bob).status_code == 404


def test_my_subscriptions_newest_first_in_keyset_pages(stream):
    client, ada, bob = stream
    for slug in ("ada-one", "ada-two", "ada-three"):
        client.post(SUB.format(slug), headers=bob)
    client.post(SUB.format("ada-two"), headers=ada)  # the owner may subscribe too
    first = client.get("/api/v1/subscriptions?limit=2", headers=bob)
    assert [s["channel"]["slug"] for s in first.get_json()] == ["ada-three", "ada-two"]
    assert first.get_json()[1]["channel"]["subscribers"] == 2
    older = first.get_json()[-1]["id"]
    assert f"max_id={older}" in first.headers["Link"]
    rest = client.get(f"/api/v1/subscriptions?limit=2&max_id={older}", headers=bob).get_json()
    assert [s["channel"]["slug"] for s in rest] == ["ada-one"]
    assert [s["channel"]["slug"] for s in client.get("/api/v1/subscriptions", headers=ada).get_json()] == ["ada-two"]
    listed = client.get("/api/v1/channels?limit=3").get_json()
    assert {c["slug"]: c["subscribers"] for c in listed} == {"ada-one": 1, "ada-two": 2, "ada-three": 1}


def test_deleting_a_channel_ends_its_subscriptions(stream):
    client, ada, bob = stream
    client.post(SUB.format("ada-one"), headers=bob)
    assert client.delete("/api/v1/channels/ada-one", headers=ada).status_code == 204
    assert client.get("/api/v1/subscriptions", headers=bob).get_json() == []
