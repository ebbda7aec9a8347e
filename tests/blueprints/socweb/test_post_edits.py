"""Editing a post keeps the version it replaces; deleting it is the author's alone."""
from __future__ import annotations

from sqlalchemy import select

from axa.models.socweb import OutboxEntry, db


def test_an_edit_changes_the_post_and_keeps_the_old_version(socweb, socweb_user, publish):
    post = publish(socweb_user, title="First draft", body="About #python", tags=["Notes"])
    path = f"/api/v1/posts/{post['id']}"
    edited = socweb.patch(path, json={"title": "Final", "body": "About #rust"}, headers=socweb_user.headers)
    assert edited.status_code == 200, edited.get_json()
    body = edited.get_json()
    assert (body["title"], body["slug"], body["body"]) == ("Final", "final", "About #rust")
    assert body["tags"] == ["notes", "rust"]  # the body's old hashtag is gone, the listed tag stays
    assert body["edited_at"] is not None and body["created_at"] == post["created_at"]
    socweb.patch(path, json={"tags": [], "visibility": "subscribers"}, headers=socweb_user.headers)
    history = socweb.get(f"{path}/history", headers=socweb_user.headers).get_json()
    assert [(v["title"], v["body"], v["tags"], v["visibility"]) for v in history] == [
        ("Final", "About #rust", ["notes", "rust"], "public"),
        ("First draft", "About #python", ["notes", "python"], "public")]
    assert history[1]["created_at"] == post["created_at"] and history[0]["created_at"] == body["edited_at"]
    assert socweb.get(path, headers=socweb_user.headers).get_json()["tags"] == ["rust"]


def test_history_is_paged_newest_first_with_links(socweb, socweb_user, publish):
    post = publish(socweb_user, body="v0")
    path = f"/api/v1/posts/{post['id']}"
    for n in range(1, 4):
        assert socweb.patch(path, json={"body": f"v{n}"}, headers=socweb_user.headers).status_code == 200
    first = socweb.get(f"{path}/history?limit=2")
    assert [v["body"] for v in first.get_json()] == ["v2", "v1"] and 'rel="next"' in first.headers["Link"]
    older = first.headers["Link"].split(">")[0].lstrip("<").replace("http://localhost", "")
    last = socweb.get(older)
    assert [v["body"] for v in last.get_json()] == ["v0"] and 'rel="next"' not in last.headers["Link"]


def test_an_edit_that_changes_nothing_leaves_no_history(socweb, socweb_user, publish):
    post = publish(socweb_user, title="Same", body="Same #tag")
    path = f"/api/v1/posts/{post['id']}"
    same = socweb.patch(path, json={"title": "Same", "body": "Same #tag"}, headers=socweb_user.headers)
    assert same.status_code == 200 and same.get_json()["edited_at"] is None
    assert socweb.get(f"{path}/history").get_json() == []


def test_a_bad_edit_is_422_and_changes_nothing(socweb, socweb_user, publish):
    post = publish(socweb_user, body="kept")
    path = f"/api/v1/posts/{post['id']}"
    for bad in ({"body": " "}, {"body": None}, {"body": "y" * 5001}, {"visibility": "all"}, {"tags": ["t" * 51]},
                {"slug": "mine"}):
        answer = socweb.patch(path, json=bad, headers=socweb_user.headers)
        assert answer.status_code == 422 and answer.get_json()["errors"]["json"], (bad, answer.get_json())
    no_body = socweb.patch(path, headers=socweb_user.headers)
    assert no_body.status_code == 422 and no_body.get_json()["errors"]["json"]
    assert socweb.get(path).get_json()["body"] == "kept"
    assert socweb.get(f"{path}/history").get_json() == []


def test_the_author_deletes_a_post_with_its_comments(socweb, socweb_users, publish, apps):
    ada, bob = socweb_users("ada", "bob")
    post = publish(ada)
    path = f"/api/v1/posts/{post['id']}"
    assert socweb.post(f"{path}/comments", json={"body": "nice"}, headers=bob.headers).status_code == 201
    assert socweb.delete(path, headers=bob.headers).status_code == 403
    gone = socweb.delete(path, headers=ada.headers)
    assert gone.status_code == 204 and gone.get_data() == b""
    assert socweb.get(path).status_code == 404
    assert socweb.get(f"{path}/comments").status_code == 404
    assert socweb.delete(path, headers=ada.headers).status_code == 404
    assert socweb.delete(path).status_code == 401
    with apps["socweb"].app_context():
        deleted = db.session.scalars(select(OutboxEntry.payload).where(OutboxEntry.topic == "feed.post_deleted"))
        assert list(deleted) == [{"post_id": post["id"], "author_id": ada.id}]
        db.session.remove()
