"""Notifications of each type, made by the ``socweb.notify`` tasks (eager here) from the outbox
rows the actions write: none for your own action, none twice when a task runs again, and each
removed when its action is undone."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from axa.models.socweb import Comment, Like, Notification, OutboxEntry, Subscription, db
from axa.tasks.socweb import notify


@pytest.fixture
def people(sign_up):
    return [sign_up(name.title(), username=name) for name in ("ada", "bob", "cyd")]


def inbox(socweb, member, **query) -> list[dict]:
    got = socweb.get("/api/v1/notifications", query_string=query, headers=member.headers)
    assert got.status_code == 200, got.get_json()
    return got.get_json()


def kinds(socweb, member) -> list[tuple[str, str | None]]:
    return [(n["type"], n["actor"]["username"]) for n in inbox(socweb, member)]


def post_by(socweb, member, body="Hello", **fields) -> dict:
    made = socweb.post("/api/v1/posts", json={"body": body, **fields}, headers=member.headers)
    assert made.status_code == 201, made.get_json()
    return made.get_json()


def comment_on(socweb, member, post, body, reply_to=None) -> dict:
    made = socweb.post(f"/api/v1/posts/{post['id']}/comments", json={"body": body, "in_reply_to_id": reply_to},
                       headers=member.headers)
    assert made.status_code == 201, made.get_json()
    return made.get_json()


def count_rows(apps) -> int:
    with apps["socweb"].app_context():
        found = db.session.scalar(select(func.count()).select_from(Notification))
        db.session.remove()
    return found


def test_a_subscription_notifies_the_author_and_unsubscribing_removes_it(socweb, people):
    ada, bob, _ = people
    assert socweb.post("/api/v1/subscriptions/ada", headers=bob.headers).status_code in (200, 201)
    [note] = inbox(socweb, ada)
    assert (note["type"], note["actor"]["username"], note["post"], note["comment"], note["read"]) == (
        "subscription", "bob", None, None, False)
    assert socweb.delete("/api/v1/subscriptions/ada", headers=bob.headers).status_code in (200, 204)
    assert inbox(socweb, ada) == []


def test_a_like_notifies_the_author_unlike_removes_it_and_your_own_like_nothing(socweb, people, apps):
    ada, bob, _ = people
    post = post_by(socweb, ada, title="First")
    assert socweb.post(f"/api/v1/likes/{post['id']}", headers=ada.headers).status_code == 200
    assert inbox(socweb, ada) == []  # no notification of your own action
    assert socweb.post(f"/api/v1/likes/{post['id']}", headers=bob.headers).status_code == 200
    [note] = inbox(socweb, ada)
    assert (note["type"], note["actor"]["username"], note["post"]) == (
        "like", "bob", {"id": post["id"], "title": "First", "slug": post["slug"]})
    assert socweb.delete(f"/api/v1/likes/{post['id']}", headers=bob.headers).status_code == 200
    assert inbox(socweb, ada) == [] and count_rows(apps) == 0


def test_a_comment_notifies_the_post_author_and_deleting_it_removes_that(socweb, people, apps):
    ada, bob, _ = people
    post = post_by(socweb, ada)
    comment_on(socweb, ada, post, "my own comment")
    made = comment_on(socweb, bob, post, "Nice one")
    [note] = inbox(socweb, ada)
    assert (note["type"], note["actor"]["username"], note["comment"]) == (
        "comment", "bob", {"id": made["id"], "body": "Nice one"})
    assert socweb.delete(f"/api/v1/posts/{post['id']}/comments/{made['id']}",
                         headers=bob.headers).status_code == 204
    assert inbox(socweb, ada) == [] and count_rows(apps) == 0


def test_mentions_in_a_post_and_a_comment_notify_whom_they_name(socweb, people):
    ada, bob, cy = people
    post = post_by(socweb, ada, body="Hi @Bob and @nobody_here and @ada, mail me at x@cyd.org")
    assert kinds(socweb, bob) == [("mention", "ada")]
    assert inbox(socweb, cy) == [] and inbox(socweb, ada) == []  # not an e-mail address, not yourself
    comment_on(socweb, bob, post, "Thanks! cc @cyd")
    assert kinds(socweb, cy) == [("mention", "bob")]
    assert inbox(socweb, cy)[0]["comment"]["body"] == "Thanks! cc @cyd"


def test_an_edit_notifies_only_the_newly_mentioned(socweb, people):
    ada, bob, cy = people
    post = post_by(socweb, ada, body="Hi @bob")
    edited = socweb.patch(f"/api/v1/posts/{post['id']}", json={"body": "Hi @bob and @cyd"}, headers=ada.headers)
    assert edited.status_code == 200, edited.get_json()
    assert kinds(socweb, bob) == [("mention", "ada")]
    assert kinds(socweb, cy) == [("mention", "ada")]


def test_a_mention_in_a_subscribers_only_post_reaches_only_those_who_may_see_it(socweb, people, subscribe):
    ada, bob, cy = people
    subscribe(bob, ada)
    post_by(socweb, ada, body="@bob @cyd secret", visibility="subscribers")
    assert kinds(socweb, bob) == [("mention", "ada")]
    assert inbox(socweb, cy) == []


def test_a_reply_notifies_the_answered_commenter_once(socweb, people):
    ada, bob, cy = people
    post = post_by(socweb, ada)
    first = comment_on(socweb, bob, post, "first")
    comment_on(socweb, cy, post, "@bob I disagree", reply_to=first["id"])
    assert kinds(socweb, bob) == [("reply", "cyd")]  # a reply that also mentions: one notification
    assert [n["type"] for n in inbox(socweb, ada)] == ["comment", "comment"]
    comment_on(socweb, bob, post, "answering myself", reply_to=first["id"])
    assert kinds(socweb, bob) == [("reply", "cyd")]


def test_a_task_run_again_makes_nothing_twice(socweb, people, apps):
    ada, bob, cy = people
    post = post_by(socweb, ada, body="@bob look")
    socweb.post("/api/v1/subscriptions/ada", headers=bob.headers)
    socweb.post(f"/api/v1/likes/{post['id']}", headers=bob.headers)
    made = comment_on(socweb, cy, post, "@bob hi")
    before = count_rows(apps)
    assert before == 5  # mention, subscription, like, comment (ada), mention (bob)
    with apps["socweb"].app_context():
        assert notify.notify_mentions(post["id"]) == 0
        assert notify.notify_subscription(bob.id, ada.id) == 0
        assert notify.notify_like(bob.id, post["id"]) == 0
        assert notify.notify_comment(made["id"]) == 0
        db.session.remove()
    assert count_rows(apps) == before


def test_every_action_writes_its_outbox_row_in_its_own_transaction(socweb, people, apps):
    ada, bob, _ = people
    post = post_by(socweb, ada, body="@bob")
    socweb.post(f"/api/v1/likes/{post['id']}", headers=bob.headers)
    comment_on(socweb, bob, post, "yo")
    socweb.post("/api/v1/subscriptions/ada", headers=bob.headers)
    with apps["socweb"].app_context():
        topics = db.session.scalars(select(OutboxEntry.topic).where(OutboxEntry.topic.like("notify.%"))).all()
        assert {"notify.posted", "notify.liked", "notify.commented", "notify.subscribed"} <= set(topics)
        assert db.session.scalar(select(func.count()).where(OutboxEntry.published_at.is_(None))) == 0
        db.session.remove()


def test_a_task_for_an_undone_action_makes_nothing(socweb, people, apps):
    ada, bob, _ = people
    post = post_by(socweb, ada)
    with apps["socweb"].app_context():  # the like and subscription came and went before the task ran
        Like.add(bob.id, post["id"])
        Subscription.subscribe(bob.id, ada.id)
        db.session.commit()
        Like.remove(bob.id, post["id"])
        Subscription.unsubscribe(bob.id, ada.id)
        db.session.commit()
        assert notify.notify_like(bob.id, post["id"]) == 0
        assert notify.notify_subscription(bob.id, ada.id) == 0
        assert notify.notify_comment(10**9) == 0
        assert notify.notify_mentions(10**9) == 0
        db.session.remove()
    assert count_rows(apps) == 0


def test_deleting_a_post_removes_its_notifications(socweb, people, apps):
    ada, bob, _ = people
    post = post_by(socweb, ada, body="hey @cyd")
    socweb.post(f"/api/v1/likes/{post['id']}", headers=bob.headers)
    comment_on(socweb, bob, post, "ok @cyd")
    assert count_rows(apps) == 4  # cyd's two mentions, ada's like and comment
    assert socweb.delete(f"/api/v1/posts/{post['id']}", headers=ada.headers).status_code == 204
    assert count_rows(apps) == 0
    with apps["socweb"].app_context():
        assert db.session.scalar(select(func.count()).select_from(Comment)) == 0
        db.session.remove()


def test_the_conduit_face_notifies_as_the_native_one_does(conduit):
    jake, anna = conduit.register("jake"), conduit.register("anna")
    slug = conduit.article(anna, "Anna one", body="Hi @jake")["slug"]
    conduit.call("POST", "/profiles/anna/follow", jake)
    conduit.call("POST", f"/articles/{slug}/favorite", jake)
    conduit.call("POST", f"/articles/{slug}/comments", jake, json={"comment": {"body": "Nice"}})
    native = conduit.client

    def seen(token: str) -> list[str]:
        got = native.get("/api/v1/notifications", headers={"Authorization": f"Bearer {token}"})
        return sorted(n["type"] for n in got.get_json())
    assert seen(anna) == ["comment", "like", "subscription"]
    assert seen(jake) == ["mention"]
    conduit.call("DELETE", f"/articles/{slug}/favorite", jake)
    conduit.call("DELETE", "/profiles/anna/follow", jake)
    assert seen(anna) == ["comment"]
