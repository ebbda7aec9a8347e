"""Comments: create (replies within the post), keyset-paged list, delete by the comment's author
or the post's; hidden with their post and with their author."""
from __future__ import annotations

import re

import pytest

TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def comment(socweb, user, post_id: int, body: str = "Nice post", **fields):
    return socweb.post(f"/api/v1/posts/{post_id}/comments", json={"body": body, **fields}, headers=user.headers)


def local(link: str, rel: str) -> str | None:
    found = re.search(rf'<http://localhost([^>]+)>; rel="{rel}"', link)
    return found.group(1) if found else None


def test_a_comment_is_answered_with_its_author_and_counted(socweb, socweb_users, publish):
    ada, bob = socweb_users("ada", "bob")
    post = publish(ada)
    made = comment(socweb, bob, post["id"], "Well said")
    assert made.status_code == 201, made.get_json()
    body = made.get_json()
    assert (body["post_id"], body["body"], body["in_reply_to_id"]) == (post["id"], "Well said", None)
    assert body["author"] == {"id": bob.id, "username": None, "display_name": "Bob", "bio": None,
                              "image": None, "following": False}
    assert TIMESTAMP.match(body["created_at"]) and TIMESTAMP.match(body["updated_at"])
    assert socweb.get(f"/api/v1/posts/{post['id']}/comments").get_json() == [body]
    assert socweb.get(f"/api/v1/posts/{post['id']}").get_json()["comments_count"] == 1


def test_comments_are_paged_newest_first(socweb, socweb_user, publish):
    post = publish(socweb_user)
    ids = [comment(socweb, socweb_user, post["id"], f"c{n}").get_json()["id"] for n in range(5)]
    first = socweb.get(f"/api/v1/posts/{post['id']}/comments?limit=2")
    assert [c["id"] for c in first.get_json()] == [ids[4], ids[3]]
    second = socweb.get(local(first.headers["Link"], "next"))
    assert [c["id"] for c in second.get_json()] == [ids[2], ids[1]]
    last = socweb.get(local(second.headers["Link"], "next"))
    assert [c["id"] for c in last.get_json()] == [ids[0]] and local(last.headers["Link"], "next") is None
    newer = socweb.get(local(last.headers["Link"], "prev"))
    assert [c["id"] for c in newer.get_json()] == [ids[2], ids[1]]


def test_a_reply_must_answer_a_comment_of_the_same_post(socweb, socweb_user, publish):
    post, other = publish(socweb_user), publish(socweb_user)
    first = comment(socweb, socweb_user, post["id"]).get_json()
    elsewhere = comment(socweb, socweb_user, other["id"]).get_json()
    reply = comment(socweb, socweb_user, post["id"], "Indeed", in_reply_to_id=first["id"])
    assert reply.status_code == 201 and reply.get_json()["in_reply_to_id"] == first["id"]
    for bad in (elsewhere["id"], 999_999, 0, 2**63, "x"):
        refused = comment(socweb, socweb_user, post["id"], in_reply_to_id=bad)
        assert refused.status_code == 422, refused.get_json()
        assert list(refused.get_json()["errors"]["json"]) == ["in_reply_to_id"]


@pytest.mark.parametrize("body", [{}, {"body": ""}, {"body": " \n "}, {"body": "c" * 5001}, {"body": 5},
                                  {"body": "ok", "post_id": 3}])
def test_a_bad_comment_is_422(socweb, socweb_user, publish, body):
    post = publish(socweb_user)
    refused = socweb.post(f"/api/v1/posts/{post['id']}/comments", json=body, headers=socweb_user.headers)
    assert refused.status_code == 422 and refused.get_json()["errors"]["json"]
    assert socweb.get(f"/api/v1/posts/{post['id']}/comments").get_json() == []


def test_comment_on_an_unknown_post_is_404_and_anonymous_is_401(socweb, socweb_user, publish):
    assert comment(socweb, socweb_user, 999).status_code == 404
    assert socweb.get("/api/v1/posts/999/comments").status_code == 404
    assert socweb.post(f"/api/v1/posts/{publish(socweb_user)['id']}/comments", json={"body": "hi"}).status_code == 401


def test_the_comments_author_or_the_posts_may_delete_it(socweb, socweb_users, publish):
    ada, bob, eve = socweb_users("ada", "bob", "eve")
    post, other = publish(ada), publish(ada)
    first, second = (comment(socweb, bob, post["id"]).get_json()["id"] for _ in range(2))
    path = f"/api/v1/posts/{post['id']}/comments"
    assert socweb.delete(f"{path}/{first}", headers=eve.headers).status_code == 403
    assert socweb.delete(f"/api/v1/posts/{other['id']}/comments/{first}", headers=bob.headers).status_code == 404
    assert socweb.delete(f"{path}/{first}", headers=bob.headers).status_code == 204
    assert socweb.delete(f"{path}/{second}", headers=ada.headers).status_code == 204
    assert socweb.delete(f"{path}/{second}", headers=ada.headers).status_code == 404
    assert socweb.get(path).get_json() == []


def test_comments_of_a_disabled_user_are_not_listed_or_counted(socweb, socweb_users, publish, disable):
    ada, bob = socweb_users("ada", "bob")
    post = publish(ada)
    comment(socweb, ada, post["id"], "mine")
    comment(socweb, bob, post["id"], "bob's")
    disable(bob)
    assert [c["body"] for c in socweb.get(f"/api/v1/posts/{post['id']}/comments").get_json()] == ["mine"]
    assert socweb.get(f"/api/v1/posts/{post['id']}").get_json()["comments_count"] == 1


def test_a_subscribers_post_takes_comments_only_from_those_who_see_it(socweb, socweb_users, subscribe, publish):
    ada, fan, stranger = socweb_users("ada", "fan", "stranger")
    subscribe(fan, ada)
    post = publish(ada, visibility="subscribers")
    path = f"/api/v1/posts/{post['id']}/comments"
    assert comment(socweb, stranger, post["id"]).status_code == 404
    made = comment(socweb, fan, post["id"]).get_json()
    assert socweb.get(path).status_code == 404
    assert socweb.get(path, headers=stranger.headers).status_code == 404
    assert socweb.delete(f"{path}/{made['id']}", headers=stranger.headers).status_code == 404
    assert [c["id"] for c in socweb.get(path, headers=fan.headers).get_json()] == [made["id"]]
    assert [c["id"] for c in socweb.get(path, headers=ada.headers).get_json()] == [made["id"]]
