"""Creates honour Idempotency-Key (same key and body: the first answer; another body: 422) and
the per-user limits on posts, comments and likes (429 with Retry-After)."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from axa.models.socweb import Comment, Post, db
from tests.conftest import set_settings


def count(apps, model) -> int:
    with apps["socweb"].app_context():
        try:
            return db.session.scalar(select(func.count()).select_from(model))
        finally:
            db.session.remove()


def test_a_retry_with_the_same_key_gets_the_first_answer_and_makes_one_post(socweb, socweb_user, apps):
    headers = {**socweb_user.headers, "Idempotency-Key": "post-1"}
    first = socweb.post("/api/v1/posts", json={"body": "once", "tags": ["a"]}, headers=headers)
    again = socweb.post("/api/v1/posts", json={"body": "once", "tags": ["a"]}, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json() and again.headers["Idempotent-Replayed"] == "true"
    assert count(apps, Post) == 1
    other = socweb.post("/api/v1/posts", json={"body": "twice"}, headers=headers)
    assert other.status_code == 422 and other.is_json
    assert count(apps, Post) == 1


def test_without_a_key_each_request_creates(socweb, socweb_user, apps):
    for _ in range(2):
        assert socweb.post("/api/v1/posts", json={"body": "same"}, headers=socweb_user.headers).status_code == 201
    assert count(apps, Post) == 2


def test_keys_are_per_user_and_a_refused_create_frees_its_key(socweb, socweb_users, apps):
    ada, bob = socweb_users("ada", "bob")
    for user in (ada, bob):
        made = socweb.post("/api/v1/posts", json={"body": "hi"}, headers={**user.headers, "Idempotency-Key": "k"})
        assert made.status_code == 201 and made.get_json()["author"]["id"] == user.id
    headers = {**ada.headers, "Idempotency-Key": "fixed"}
    assert socweb.post("/api/v1/posts", json={"body": " "}, headers=headers).status_code == 422
    assert socweb.post("/api/v1/posts", json={"body": "fixed"}, headers=headers).status_code == 201
    assert count(apps, Post) == 3


def test_a_comment_retried_with_its_key_is_one_comment(socweb, socweb_user, publish, apps):
    post = publish(socweb_user)
    headers = {**socweb_user.headers, "Idempotency-Key": "comment-1"}
    answers = [socweb.post(f"/api/v1/posts/{post['id']}/comments", json={"body": "hi"}, headers=headers)
               for _ in range(3)]
    assert [a.status_code for a in answers] == [201] * 3 and len({a.get_json()["id"] for a in answers}) == 1
    assert count(apps, Comment) == 1


@pytest.mark.parametrize("key", ["", "x" * 256, "spaced key", "ключ"])
def test_a_malformed_key_is_400(socweb, socweb_user, key):
    answer = socweb.post("/api/v1/posts", json={"body": "hi"},
                         headers={**socweb_user.headers, "Idempotency-Key": key})
    assert answer.status_code == 400 and answer.is_json


def _retry_after(answer) -> int:
    assert answer.status_code == 429 and answer.is_json, answer.get_data(as_text=True)
    return int(answer.headers["Retry-After"])


def test_posting_past_the_limit_is_429_with_retry_after(socweb, socweb_users, apps):
    set_settings(apps["socweb"], socweb_post_limits="2 per minute")
    ada, bob = socweb_users("ada", "bob")
    for _ in range(2):
        assert socweb.post("/api/v1/posts", json={"body": "hi"}, headers=ada.headers).status_code == 201
    assert 1 <= _retry_after(socweb.post("/api/v1/posts", json={"body": "hi"}, headers=ada.headers)) <= 60
    assert socweb.post("/api/v1/posts", json={"body": "hi"}, headers=bob.headers).status_code == 201
    assert count(apps, Post) == 3


def test_commenting_past_the_limit_is_429(socweb, socweb_user, publish, apps):
    set_settings(apps["socweb"], socweb_comment_limits="1 per minute")
    path = f"/api/v1/posts/{publish(socweb_user)['id']}/comments"
    assert socweb.post(path, json={"body": "one"}, headers=socweb_user.headers).status_code == 201
    assert _retry_after(socweb.post(path, json={"body": "two"}, headers=socweb_user.headers)) >= 1
    assert count(apps, Comment) == 1


def test_likes_and_favorites_share_a_limit(socweb, socweb_user, publish, apps):
    set_settings(apps["socweb"], socweb_like_limits="2 per minute")
    post_id = publish(socweb_user)["id"]
    assert socweb.post(f"/api/v1/likes/{post_id}", headers=socweb_user.headers).status_code == 200
    assert socweb.post(f"/api/v1/favorites/{post_id}", headers=socweb_user.headers).status_code == 200
    assert _retry_after(socweb.post(f"/api/v1/likes/{post_id}", headers=socweb_user.headers)) >= 1
    assert socweb.delete(f"/api/v1/likes/{post_id}", headers=socweb_user.headers).status_code == 200
