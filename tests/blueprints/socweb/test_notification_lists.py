"""Reading notifications: keyset pages with Link, type filters, the grouped form, the unread
count and read marker, dismissal; only your own, and not those of users no longer active."""
from __future__ import annotations

import pytest

from tests.blueprints.socweb.conftest import links


@pytest.fixture
def crowd(sign_up, socweb):
    """ada with a post liked by five people and each of them subscribed to her."""
    ada = sign_up("Ada", username="ada")
    post = socweb.post("/api/v1/posts", json={"body": "Hello", "title": "Hi"}, headers=ada.headers).get_json()
    fans = [sign_up(f"Fan {i}", username=f"fan{i}") for i in range(5)]
    for fan in fans:
        assert socweb.post(f"/api/v1/likes/{post['id']}", headers=fan.headers).status_code == 200
        assert socweb.post("/api/v1/subscriptions/ada", headers=fan.headers).status_code in (200, 201)
    return ada, post, fans


def get(socweb, member, path="/api/v1/notifications", **query):
    answer = socweb.get(path, query_string=query, headers=member.headers)
    assert answer.status_code == 200, answer.get_json()
    return answer


def test_pages_follow_the_link_header_newest_first(socweb, crowd):
    ada, _, _ = crowd
    first = get(socweb, ada, limit=4)
    ids = [n["id"] for n in first.get_json()]
    assert ids == sorted(ids, reverse=True) and len(ids) == 4
    seen = list(ids)
    page = first
    while "next" in links(page):
        page = socweb.get(links(page)["next"], headers=ada.headers)
        seen += [n["id"] for n in page.get_json()]
    assert len(seen) == len(set(seen)) == 10
    newer = socweb.get(links(page)["prev"], headers=ada.headers).get_json()
    k = seen.index(page.get_json()[0]["id"])
    assert [n["id"] for n in newer] == seen[k - 4:k]  # the page just newer than the last one


def test_types_and_exclude_types_filter(socweb, crowd):
    ada, _, _ = crowd
    likes = get(socweb, ada, **{"types[]": ["like"]}).get_json()
    assert {n["type"] for n in likes} == {"like"} and len(likes) == 5
    rest = get(socweb, ada, **{"exclude_types[]": ["like"]}).get_json()
    assert {n["type"] for n in rest} == {"subscription"} and len(rest) == 5
    both = get(socweb, ada, **{"types[]": ["like", "subscription"], "exclude_types[]": ["subscription"]})
    assert len(both.get_json()) == 5
    bad = socweb.get("/api/v1/notifications", query_string={"types[]": "favourite"}, headers=ada.headers)
    assert bad.status_code == 422


def test_grouped_puts_the_likes_of_a_post_together(socweb, crowd):
    ada, post, _ = crowd
    groups = get(socweb, ada, "/api/v1/notifications/grouped").get_json()
    assert [g["type"] for g in groups].count("subscription") == 5
    [likes] = [g for g in groups if g["type"] == "like"]
    assert likes["group_key"] == f"like-{post['id']}" and likes["notifications_count"] == 5
    assert [a["username"] for a in likes["actors"]] == ["fan4", "fan3", "fan2"]
    assert likes["post"]["id"] == post["id"] and likes["page_min_id"] < likes["most_recent_notification_id"]
    paged = get(socweb, ada, "/api/v1/notifications/grouped", limit=2)
    assert len(paged.get_json()) == 2 and "next" in links(paged)
    keys = [g["group_key"] for g in paged.get_json()]
    while "next" in links(paged):
        paged = socweb.get(links(paged)["next"], headers=ada.headers)
        keys += [g["group_key"] for g in paged.get_json()]
    assert keys == [g["group_key"] for g in groups] and len(keys) == 6


def test_unread_count_and_the_read_marker(socweb, crowd):
    ada, _, _ = crowd
    path = "/api/v1/notifications/unread_count"
    assert get(socweb, ada, path).get_json() == {"count": 10}
    ids = [n["id"] for n in get(socweb, ada).get_json()]
    marked = socweb.post("/api/v1/notifications/read", json={"last_read_id": ids[3]}, headers=ada.headers)
    assert marked.status_code == 200 and marked.get_json() == {"last_read_id": ids[3]}
    assert get(socweb, ada, path).get_json() == {"count": 3}
    assert [n["read"] for n in get(socweb, ada).get_json()] == [False] * 3 + [True] * 7
    back = socweb.post("/api/v1/notifications/read", json={"last_read_id": 1}, headers=ada.headers)
    assert back.get_json() == {"last_read_id": ids[3]}  # never moves back
    ahead = socweb.post("/api/v1/notifications/read", json={"last_read_id": 2**62}, headers=ada.headers)
    assert ahead.get_json() == {"last_read_id": ids[0]}  # never past the newest
    assert get(socweb, ada, path).get_json() == {"count": 0}


def test_dismiss_one_of_yours_only(socweb, crowd):
    ada, _, fans = crowd
    first = get(socweb, ada).get_json()[0]["id"]
    assert socweb.delete(f"/api/v1/notifications/{first}", headers=fans[0].headers).status_code == 404
    assert socweb.delete(f"/api/v1/notifications/{first}", headers=ada.headers).status_code == 204
    assert socweb.delete(f"/api/v1/notifications/{first}", headers=ada.headers).status_code == 404
    assert first not in [n["id"] for n in get(socweb, ada).get_json()]
    assert get(socweb, fans[0]).get_json() == []


def test_notifications_of_a_disabled_actor_are_hidden(socweb, crowd, set_status):
    ada, _, fans = crowd
    set_status(fans[0], "disabled")
    assert len(get(socweb, ada).get_json()) == 8
    assert get(socweb, ada, "/api/v1/notifications/unread_count").get_json() == {"count": 8}


def test_signed_out_is_401(socweb):
    for path in ("", "/grouped", "/unread_count", "/preferences"):
        assert socweb.get(f"/api/v1/notifications{path}").status_code == 401
