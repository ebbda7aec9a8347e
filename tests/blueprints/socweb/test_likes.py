"""Likes (public, counted) and favorites (private): idempotent, one per user and post even when
asked twenty times at once, listed only to their owner and only over posts they may still see."""
from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import func, select

from axa.models.socweb import Like, Subscription, db


def local(link: str, rel: str) -> str | None:
    found = re.search(rf'<http://localhost([^>]+)>; rel="{rel}"', link)
    return found.group(1) if found else None


def test_liking_twice_is_one_like_and_unliking_undoes_it(socweb, socweb_users, publish):
    ada, bob = socweb_users("ada", "bob")
    post = publish(ada)
    for _ in range(2):
        liked = socweb.post(f"/api/v1/likes/{post['id']}", headers=bob.headers)
        assert liked.status_code == 200, liked.get_json()
        assert (liked.get_json()["liked"], liked.get_json()["likes_count"]) == (True, 1)
    assert socweb.get(f"/api/v1/posts/{post['id']}", headers=ada.headers).get_json()["liked"] is False
    assert socweb.get(f"/api/v1/posts/{post['id']}").get_json()["likes_count"] == 1
    for _ in range(2):
        undone = socweb.delete(f"/api/v1/likes/{post['id']}", headers=bob.headers)
        assert undone.status_code == 200
        assert (undone.get_json()["liked"], undone.get_json()["likes_count"]) == (False, 0)


def test_twenty_parallel_likes_by_one_user_make_one(socweb_users, publish, socweb_server, apps):
    ada, bob = socweb_users("ada", "bob")
    post = publish(ada)

    def like(_):
        return requests.post(f"{socweb_server}/api/v1/likes/{post['id']}", headers=bob.headers, timeout=30)
    with ThreadPoolExecutor(20) as pool:
        answers = list(pool.map(like, range(20)))
    assert [a.status_code for a in answers] == [200] * 20
    assert {(a.json()["liked"], a.json()["likes_count"]) for a in answers} == {(True, 1)}
    with apps["socweb"].app_context():
        assert db.session.scalar(select(func.count()).select_from(Like)) == 1
        db.session.remove()


@pytest.mark.parametrize("kind", ["likes", "favorites"])
def test_the_own_list_is_most_recent_first_and_paged(socweb, socweb_users, publish, kind):
    ada, bob = socweb_users("ada", "bob")
    posts = [publish(ada, body=f"p{n}")["id"] for n in range(4)]
    for post_id in (posts[2], posts[0], posts[3], posts[1]):
        assert socweb.post(f"/api/v1/{kind}/{post_id}", headers=bob.headers).status_code == 200
    first = socweb.get(f"/api/v1/{kind}?limit=3", headers=bob.headers)
    assert [p["id"] for p in first.get_json()] == [posts[1], posts[3], posts[0]]
    flag = "liked" if kind == "likes" else "favorited"
    assert all(p[flag] for p in first.get_json())
    rest = socweb.get(local(first.headers["Link"], "next"), headers=bob.headers)
    assert [p["id"] for p in rest.get_json()] == [posts[2]] and local(rest.headers["Link"], "next") is None
    assert socweb.get(f"/api/v1/{kind}", headers=ada.headers).get_json() == []
    assert socweb.get(f"/api/v1/{kind}").status_code == 401


def test_favorites_are_private_and_not_counted(socweb, socweb_users, publish):
    ada, bob = socweb_users("ada", "bob")
    post = publish(ada)
    kept = socweb.post(f"/api/v1/favorites/{post['id']}", headers=bob.headers).get_json()
    assert (kept["favorited"], kept["liked"], kept["likes_count"]) == (True, False, 0)
    assert socweb.get(f"/api/v1/posts/{post['id']}", headers=ada.headers).get_json()["favorited"] is False
    assert socweb.get(f"/api/v1/posts/{post['id']}").get_json()["favorited"] is False
    assert socweb.delete(f"/api/v1/favorites/{post['id']}", headers=bob.headers).get_json()["favorited"] is False
    assert socweb.get("/api/v1/favorites", headers=bob.headers).get_json() == []


@pytest.mark.parametrize("kind", ["likes", "favorites"])
def test_unknown_or_hidden_posts_are_404(socweb, socweb_users, subscribe, publish, kind):
    ada, fan, stranger = socweb_users("ada", "fan", "stranger")
    subscribe(fan, ada)
    hidden = publish(ada, visibility="subscribers")["id"]
    for path in (f"/api/v1/{kind}/999", f"/api/v1/{kind}/{hidden}"):
        assert socweb.post(path, headers=stranger.headers).status_code == 404
        assert socweb.delete(path, headers=stranger.headers).status_code == 404
    assert socweb.post(f"/api/v1/{kind}/{hidden}", headers=fan.headers).status_code == 200
    assert socweb.post(f"/api/v1/{kind}/{hidden}").status_code == 401
    assert socweb.post(f"/api/v1/{kind}/{2**63}", headers=fan.headers).status_code == 404


def test_a_subscribers_post_leaves_the_list_when_the_subscription_ends(socweb, socweb_users, subscribe,
                                                                      publish, apps):
    ada, fan = socweb_users("ada", "fan")
    subscribe(fan, ada)
    hidden, public = publish(ada, visibility="subscribers")["id"], publish(ada)["id"]
    for post_id in (hidden, public):
        socweb.post(f"/api/v1/likes/{post_id}", headers=fan.headers)
    assert [p["id"] for p in socweb.get("/api/v1/likes", headers=fan.headers).get_json()] == [public, hidden]
    with apps["socweb"].app_context():
        Subscription.unsubscribe(fan.id, ada.id)
        db.session.commit()
    assert [p["id"] for p in socweb.get("/api/v1/likes", headers=fan.headers).get_json()] == [public]


def test_likes_of_a_disabled_user_are_not_counted(socweb, socweb_users, publish, disable):
    ada, bob, eve = socweb_users("ada", "bob", "eve")
    post = publish(ada)
    for user in (bob, eve):
        socweb.post(f"/api/v1/likes/{post['id']}", headers=user.headers)
    disable(bob)
    assert socweb.get(f"/api/v1/posts/{post['id']}").get_json()["likes_count"] == 1
