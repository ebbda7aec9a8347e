"""Posts: create (slug, tags, outbox), read with visibility, edit with history, delete."""
from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import select

from axa.models.socweb import OutboxEntry, Post, db

TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def outbox(apps) -> list[tuple[str, dict]]:
    """The feeds' outbox entries (the notifications' are tests/blueprints/socweb/test_notifications.py's)."""
    with apps["socweb"].app_context():
        try:
            return [(e.topic, e.payload) for e in db.session.scalars(
                select(OutboxEntry).where(OutboxEntry.topic.like("feed.%")).order_by(OutboxEntry.id))]
        finally:
            db.session.remove()


def post_count(apps) -> int:
    with apps["socweb"].app_context():
        try:
            return len(db.session.scalars(select(Post.id)).all())
        finally:
            db.session.remove()


def test_a_new_post_has_its_slug_tags_counts_and_author(socweb, socweb_user, apps):
    created = socweb.post("/api/v1/posts", headers=socweb_user.headers, json={
        "title": "Hello, Wörld!", "description": "First", "body": "Learning #Python and #flask today",
        "tags": ["Web", "#python", "  "]})
    assert created.status_code == 201, created.get_json()
    post = created.get_json()
    assert post["slug"] == "hello-world" and post["title"] == "Hello, Wörld!"
    assert post["tags"] == ["flask", "python", "web"]
    assert post["visibility"] == "public" and post["edited_at"] is None
    assert (post["likes_count"], post["comments_count"], post["liked"], post["favorited"]) == (0, 0, False, False)
    assert post["author"]["id"] == socweb_user.id and post["author"]["display_name"] == "Ada"
    assert TIMESTAMP.match(post["created_at"]) and TIMESTAMP.match(post["updated_at"])
    assert socweb.get(f"/api/v1/posts/{post['id']}").get_json() == post
    assert outbox(apps) == [("feed.post_created", {"post_id": post["id"], "author_id": socweb_user.id})]


def test_slugs_are_unique_per_author(socweb_users, publish):
    ada, bob = socweb_users("ada", "bob")
    assert [publish(ada, title="Same Title")["slug"] for _ in range(3)] == ["same-title", "same-title-2",
                                                                           "same-title-3"]
    assert publish(bob, title="Same Title")["slug"] == "same-title"
    assert publish(ada, title="!!!")["slug"] == "post" and publish(ada)["slug"] is None


def test_parallel_posts_with_one_title_get_distinct_slugs(socweb_user, socweb_server):
    def create(_):
        return requests.post(f"{socweb_server}/api/v1/posts", json={"title": "Race", "body": "go"},
                             headers=socweb_user.headers, timeout=30)
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(create, range(8)))
    assert [a.status_code for a in answers] == [201] * 8
    assert sorted(a.json()["slug"] for a in answers) == sorted(["race"] + [f"race-{n}" for n in range(2, 9)])


@pytest.mark.parametrize(("body", "field"), [
    ({}, "body"),
    ({"body": "   \n\t "}, "body"),
    ({"body": "x" * 5001}, "body"),
    ({"body": "nul \x00 here"}, "body"),
    ({"body": "ok", "title": "t" * 201}, "title"),
    ({"body": "ok", "title": "line\nbreak"}, "title"),
    ({"body": "ok", "description": "d" * 501}, "description"),
    ({"body": "ok", "tags": [f"t{n}" for n in range(21)]}, "tags"),
    ({"body": "ok", "tags": ["t" * 51]}, "tags"),
    ({"body": "ok", "tags": "python"}, "tags"),
    ({"body": " ".join(f"#h{n}" for n in range(15)), "tags": [f"t{n}" for n in range(6)]}, "tags"),
    ({"body": "ok", "tags": ["\ufdfa" * 3]}, "tags"),  # NFKC: one character becomes 18
    ({"body": "ok", "visibility": "friends"}, "visibility"),
    ({"body": "ok", "pinned": True}, "pinned"),
])
def test_bad_input_is_422_on_its_field_and_creates_nothing(socweb, socweb_user, apps, body, field):
    answer = socweb.post("/api/v1/posts", json=body, headers=socweb_user.headers)
    assert answer.status_code == 422, answer.get_json()
    assert field in answer.get_json()["errors"]["json"]
    assert post_count(apps) == 0


def test_create_needs_a_session_and_a_json_body(socweb, socweb_user):
    assert socweb.post("/api/v1/posts", json={"body": "hi"}).status_code == 401
    assert socweb.post("/api/v1/posts", data="body=hi", headers=socweb_user.headers).status_code == 422
    broken = socweb.post("/api/v1/posts", data="{", content_type="application/json", headers=socweb_user.headers)
    assert broken.status_code in (400, 422) and broken.is_json


@pytest.mark.parametrize("path", ["/api/v1/posts/999", "/api/v1/posts/999/history",
                                  "/api/v1/posts/0", f"/api/v1/posts/{2**63}", "/api/v1/posts/abc"])
def test_an_unknown_post_is_a_json_404(socweb, socweb_user, path):
    answer = socweb.get(path, headers=socweb_user.headers)
    assert answer.status_code == 404 and answer.get_json()["code"] == 404


def test_a_subscribers_post_is_seen_only_by_its_author_and_subscribers(socweb, socweb_users, subscribe, publish):
    ada, fan, stranger = socweb_users("ada", "fan", "stranger")
    subscribe(fan, ada)
    post = publish(ada, body="for my fans", visibility="subscribers")
    path = f"/api/v1/posts/{post['id']}"
    for path_ in (path, f"{path}/history"):
        assert socweb.get(path_).status_code == 404
        assert socweb.get(path_, headers=stranger.headers).status_code == 404
        assert socweb.get(path_, headers=fan.headers).status_code == 200
        assert socweb.get(path_, headers=ada.headers).status_code == 200
    assert socweb.get(path, headers=fan.headers).get_json()["author"]["following"] is True
    assert socweb.patch(path, json={"body": "mine"}, headers=stranger.headers).status_code == 404
    assert socweb.delete(path, headers=stranger.headers).status_code == 404
    assert socweb.patch(path, json={"body": "mine"}, headers=fan.headers).status_code == 403
    assert socweb.delete(path, headers=fan.headers).status_code == 403
    assert socweb.get(path, headers=ada.headers).get_json()["body"] == "for my fans"


def test_a_disabled_authors_posts_are_gone(socweb, socweb_users, publish, disable):
    ada, bob = socweb_users("ada", "bob")
    post = publish(ada)
    disable(ada)
    for path in (f"/api/v1/posts/{post['id']}", f"/api/v1/posts/{post['id']}/history",
                 f"/api/v1/posts/{post['id']}/comments"):
        assert socweb.get(path, headers=bob.headers).status_code == 404
