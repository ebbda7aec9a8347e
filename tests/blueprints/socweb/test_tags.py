"""Popular tags: counted over the public posts of active users only."""
from __future__ import annotations

import pytest


def test_popular_tags_count_public_posts_of_active_users(socweb, socweb_users, publish, disable, subscribe):
    ada, bob, gone = socweb_users("ada", "bob", "gone")
    subscribe(bob, ada)
    publish(ada, body="#python #flask")
    publish(ada, body="more #python", tags=["Web"])
    publish(bob, body="#Python too", tags=["web", "celery"])
    publish(ada, body="#secret #python", visibility="subscribers")
    publish(gone, body="#python #gone")
    disable(gone)
    expected = [{"tag": "python", "count": 3}, {"tag": "web", "count": 2}, {"tag": "celery", "count": 1},
                {"tag": "flask", "count": 1}]
    assert socweb.get("/api/v1/tags").get_json() == expected
    assert socweb.get("/api/v1/tags", headers=bob.headers).get_json() == expected  # same for a subscriber
    assert socweb.get("/api/v1/tags?limit=2").get_json() == expected[:2]


def test_a_deleted_post_no_longer_counts(socweb, socweb_user, publish):
    post = publish(socweb_user, body="#once")
    assert socweb.get("/api/v1/tags").get_json() == [{"tag": "once", "count": 1}]
    socweb.delete(f"/api/v1/posts/{post['id']}", headers=socweb_user.headers)
    assert socweb.get("/api/v1/tags").get_json() == []


@pytest.mark.parametrize("query", ["limit=0", "limit=101", "limit=x"])
def test_a_bad_query_is_422(socweb, query):
    answer = socweb.get(f"/api/v1/tags?{query}")
    assert answer.status_code == 422 and answer.get_json()["errors"]["query"]
