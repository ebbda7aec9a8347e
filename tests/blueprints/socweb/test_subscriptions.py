"""Subscriptions: subscribe and unsubscribe by username (idempotent, one outbox entry per real
change, never yourself), the relationship flags and counts, and the keyset lists of subscribers
and subscriptions with their Link header."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from axa.models.socweb import OutboxEntry, Subscription, db
from tests.blueprints.socweb.conftest import Member, links


def follow(socweb, member: Member, username: str, **headers):
    return socweb.post(f"/api/v1/subscriptions/{username}", headers={**member.headers, **headers})


def unfollow(socweb, member: Member, username: str):
    return socweb.delete(f"/api/v1/subscriptions/{username}", headers=member.headers)


def stored(apps) -> tuple[list[tuple[int, int]], list[tuple[str, dict]]]:
    """(subscriber, author) rows and (topic, payload) outbox entries of the feeds, oldest first
    (the notifications' are tests/blueprints/socweb/test_notifications.py's)."""
    with apps["socweb"].app_context():
        pairs = db.session.execute(select(Subscription.subscriber_id, Subscription.author_id)
                                   .order_by(Subscription.id)).all()
        entries = db.session.execute(select(OutboxEntry.topic, OutboxEntry.payload)
                                     .where(OutboxEntry.topic.like("feed.%")).order_by(OutboxEntry.id)).all()
        return [tuple(p) for p in pairs], [tuple(e) for e in entries]


def test_subscribing_twice_makes_one_subscription_and_one_outbox_entry(apps, socweb, sign_up):
    ada, grace = sign_up("Ada", username="ada"), sign_up("Grace", username="grace")
    for _ in range(2):
        response = follow(socweb, ada, "Grace")
        assert response.status_code == 200
        body = response.get_json()
        assert (body["id"], body["username"], body["following"], body["subscribers_count"]) == \
            (grace.id, "grace", True, 1)
    subscribed = {"subscriber_id": ada.id, "author_id": grace.id}
    assert stored(apps) == ([(ada.id, grace.id)], [("feed.subscribed", subscribed)])
    for _ in range(2):
        response = unfollow(socweb, ada, "grace")
        assert response.status_code == 200
        assert (response.get_json()["following"], response.get_json()["subscribers_count"]) == (False, 0)
    assert stored(apps) == ([], [("feed.subscribed", subscribed), ("feed.unsubscribed", subscribed)])


def test_unsubscribing_from_someone_never_followed_changes_nothing(apps, socweb, sign_up):
    ada, _ = sign_up("Ada", username="ada"), sign_up("Grace", username="grace")
    response = unfollow(socweb, ada, "grace")
    assert response.status_code == 200 and response.get_json()["following"] is False
    assert stored(apps) == ([], [])


def test_parallel_subscribes_by_one_user_make_one_row_and_one_entry(apps, sign_up):
    ada, grace = sign_up("Ada", username="ada"), sign_up("Grace", username="grace")
    barrier, statuses = threading.Barrier(8), []

    def subscribe() -> None:
        client = apps["socweb"].test_client(use_cookies=False)
        barrier.wait()
        statuses.append(follow(client, ada, "grace").status_code)
    threads = [threading.Thread(target=subscribe) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 8
    pairs, entries = stored(apps)
    assert pairs == [(ada.id, grace.id)] and [topic for topic, _ in entries] == ["feed.subscribed"]


@pytest.mark.parametrize("method", ["post", "delete"])
def test_you_cannot_subscribe_to_yourself(apps, socweb, sign_up, method):
    ada = sign_up("Ada", username="ada")
    response = getattr(socweb, method)("/api/v1/subscriptions/ADA", headers=ada.headers)
    assert response.status_code == 422
    body = response.get_json()
    assert body["message"] == "You cannot subscribe to yourself."
    assert body["errors"] == {"path": {"username": ["You cannot subscribe to yourself."]}}
    assert stored(apps) == ([], [])


@pytest.mark.parametrize("username", ["nobody", "ab", "a%00bc", "ad%C3%A1", "x" * 40])
@pytest.mark.parametrize("method", ["post", "delete"])
def test_an_unknown_author_is_404(socweb, sign_up, username, method):
    ada = sign_up("Ada", username="ada")
    response = getattr(socweb, method)(f"/api/v1/subscriptions/{username}", headers=ada.headers)
    assert response.status_code == 404 and response.get_json()["message"] == "No such profile."


def test_subscribing_needs_a_session(socweb, sign_up):
    sign_up("Ada", username="ada")
    assert socweb.post("/api/v1/subscriptions/ada").status_code == 401
    assert socweb.delete("/api/v1/subscriptions/ada").status_code == 401
    assert socweb.get("/api/v1/subscriptions").status_code == 401


def test_following_and_followed_by_are_the_viewers(socweb, sign_up):
    ada, grace = sign_up("Ada", username="ada"), sign_up("Grace", username="grace")
    follow(socweb, ada, "grace")

    def flags(viewer: Member, username: str) -> tuple[bool, bool]:
        body = socweb.get(f"/api/v1/profiles/{username}", headers=viewer.headers).get_json()
        return body["following"], body["followed_by"]
    assert flags(ada, "grace") == (True, False)
    assert flags(grace, "ada") == (False, True)
    assert follow(socweb, grace, "ada").get_json()["followed_by"] is True
    assert flags(ada, "grace") == flags(grace, "ada") == (True, True)
    anonymous = socweb.get("/api/v1/profiles/grace").get_json()
    assert (anonymous["following"], anonymous["followed_by"]) == (False, False)


def test_counts_follow_subscriptions_and_leave_out_inactive_users(socweb, sign_up, sync_status):
    ada = sign_up("Ada", username="ada")
    others = [sign_up(name, username=name.lower()) for name in ("Grace", "Linus", "Barbara")]
    for other in others:
        follow(socweb, other, "ada")
    follow(socweb, ada, "grace")
    follow(socweb, ada, "linus")
    body = socweb.get("/api/v1/profiles/ada").get_json()
    assert (body["subscribers_count"], body["subscriptions_count"]) == (3, 2)
    own = socweb.get("/api/v1/profile", headers=ada.headers).get_json()
    assert (own["subscribers_count"], own["subscriptions_count"]) == (3, 2)
    sync_status(others[0], "deleted")
    body = socweb.get("/api/v1/profiles/ada").get_json()
    assert (body["subscribers_count"], body["subscriptions_count"]) == (2, 1)
    assert [p["username"] for p in socweb.get("/api/v1/subscriptions", headers=ada.headers).get_json()] == ["linus"]
    assert socweb.get("/api/v1/profiles/grace").status_code == 404


def test_lists_of_subscribers_and_subscriptions_newest_first_with_flags(socweb, sign_up):
    ada = sign_up("Ada", username="ada")
    grace, linus = sign_up("Grace", username="grace"), sign_up("Linus", username="linus")
    follow(socweb, grace, "ada")
    follow(socweb, linus, "ada")
    follow(socweb, ada, "linus")
    subscribers = socweb.get("/api/v1/profiles/ada/subscribers", headers=ada.headers)
    assert subscribers.status_code == 200
    assert [(p["username"], p["following"], p["followed_by"]) for p in subscribers.get_json()] == \
        [("linus", True, True), ("grace", False, True)]
    listed = subscribers.get_json()[0]
    assert listed == socweb.get("/api/v1/profiles/linus", headers=ada.headers).get_json()
    anonymous = socweb.get("/api/v1/profiles/ADA/subscribers").get_json()
    assert [(p["username"], p["following"]) for p in anonymous] == [("linus", False), ("grace", False)]
    assert [p["username"] for p in socweb.get("/api/v1/profiles/grace/subscriptions").get_json()] == ["ada"]
    mine = socweb.get("/api/v1/subscriptions", headers=grace.headers)
    assert [(p["username"], p["following"]) for p in mine.get_json()] == [("ada", True)]
    assert socweb.get("/api/v1/profiles/nobody/subscribers").status_code == 404
    assert socweb.get("/api/v1/profiles/nobody/subscriptions").status_code == 404


def walk(socweb, path: str, headers: dict | None = None) -> list[tuple[list[str], dict]]:
    """Every page from ``path`` on, following ``next``: (usernames, links) per page."""
    pages = []
    while path is not None:
        response = socweb.get(path, headers=headers or {})
        assert response.status_code == 200
        pages.append(([p["username"] for p in response.get_json()], links(response)))
        path = pages[-1][1].get("next")
    return pages


@pytest.mark.parametrize(("fans", "sizes"), [(5, [2, 2, 1]), (4, [2, 2]), (2, [2]), (1, [1])])
def test_keyset_pages_with_link_and_no_next_on_the_last(socweb, sign_up, fans, sizes):
    sign_up("Ada", username="ada")
    names = [f"fan{n}" for n in range(fans)]
    for name in names:
        follow(socweb, sign_up(name.title(), username=name), "ada")
    pages = walk(socweb, "/api/v1/profiles/ada/subscribers?limit=2")
    assert [len(usernames) for usernames, _ in pages] == sizes
    assert [u for usernames, _ in pages for u in usernames] == names[::-1]
    assert all("next" in page_links for _, page_links in pages[:-1]) and "next" not in pages[-1][1]
    assert all("prev" in page_links and "limit=2" in page_links["prev"] for _, page_links in pages)
    if len(pages) > 1:
        back = socweb.get(pages[1][1]["prev"]).get_json()
        assert [p["username"] for p in back] == pages[0][0]


def test_an_empty_list_has_no_link(socweb, sign_up):
    ada = sign_up("Ada", username="ada")
    for path in ("/api/v1/profiles/ada/subscribers", "/api/v1/profiles/ada/subscriptions", "/api/v1/subscriptions"):
        response = socweb.get(path, headers=ada.headers)
        assert response.status_code == 200 and response.get_json() == [] and "Link" not in response.headers


def test_my_subscriptions_are_keyset_paged(socweb, sign_up):
    ada = sign_up("Ada", username="ada")
    for name in ("bea", "cal", "dot"):
        sign_up(name.title(), username=name)
        follow(socweb, ada, name)
    pages = walk(socweb, "/api/v1/subscriptions?limit=2", ada.headers)
    assert [usernames for usernames, _ in pages] == [["dot", "cal"], ["bea"]]
    assert socweb.get("/api/v1/subscriptions?limit=41", headers=ada.headers).status_code == 422


def test_an_idempotency_key_replays_the_first_answer_and_refuses_another_author(socweb, sign_up):
    ada = sign_up("Ada", username="ada")
    sign_up("Grace", username="grace")
    sign_up("Linus", username="linus")
    first = follow(socweb, ada, "grace", **{"Idempotency-Key": "k-1"})
    again = follow(socweb, ada, "grace", **{"Idempotency-Key": "k-1"})
    assert first.status_code == again.status_code == 200
    assert again.get_json() == first.get_json() and again.headers["Idempotent-Replayed"] == "true"
    other = follow(socweb, ada, "linus", **{"Idempotency-Key": "k-1"})
    assert other.status_code == 422
