"""Socweb data for the feed tests, written as the socweb endpoints write it: the change and its
outbox row in one transaction (``OutboxEntry.add``), committed, then published as the end of a
request publishes it (``publish_added``)."""
from __future__ import annotations

from sqlalchemy import insert, update

from axa.models.socweb import OutboxEntry, Post, Profile, Subscription, User, db, feeds
from axa.models.socweb.posts import tags_of
from axa.platform.auth_hook import session_store
from axa.platform.redis_client import get_redis
from axa.tasks.socweb.feeds import publish_added


def add_users(app, names: list[str], first_id: int = 1) -> list[int]:
    """Active users with profiles named ``names``, ids from ``first_id`` on."""
    ids = list(range(first_id, first_id + len(names)))
    with app.app_context():
        User.apply_snapshots([{"id": uid, "email": f"{name}@example.com", "display_name": name.title(),
                               "status": "active", "roles": [], "version": 1}
                              for uid, name in zip(ids, names, strict=True)])
        db.session.execute(insert(Profile), [{"user_id": uid, "username": name}
                                             for uid, name in zip(ids, names, strict=True)])
        db.session.commit()
    return ids


def set_status(app, user_id: int, status: str) -> None:
    with app.app_context():
        User.apply_snapshots([{"id": user_id, "email": f"u{user_id}@example.com", "display_name": "U",
                               "status": status, "roles": [], "version": 100 + len(status)}])


def commit_and_publish() -> None:
    db.session.commit()
    publish_added()


def subscribe(app, subscriber_id: int, author_id: int) -> None:
    with app.app_context():
        if Subscription.subscribe(subscriber_id, author_id):
            OutboxEntry.add("feed.subscribed", {"subscriber_id": subscriber_id, "author_id": author_id})
        commit_and_publish()


def unsubscribe(app, subscriber_id: int, author_id: int) -> None:
    with app.app_context():
        if Subscription.unsubscribe(subscriber_id, author_id):
            OutboxEntry.add("feed.unsubscribed", {"subscriber_id": subscriber_id, "author_id": author_id})
        commit_and_publish()


def add_subscribers(app, author_id: int, subscriber_ids: list[int]) -> None:
    """Many subscriptions at once, without outbox rows (the author has no posts to merge yet)."""
    with app.app_context():
        db.session.execute(insert(Subscription), [{"subscriber_id": s, "author_id": author_id}
                                                  for s in subscriber_ids])
        db.session.commit()


def write_post(author_id: int, body: str, visibility: str = "public", tags: tuple = ()) -> int:
    """A post and its outbox row in the current session, not committed."""
    post = Post(author_id=author_id, body=body, visibility=visibility, tags=[])
    db.session.add(post)
    db.session.flush()
    post.set_tags(tags_of(list(tags), body))
    OutboxEntry.add("feed.post_created", {"post_id": post.id, "author_id": author_id})
    return post.id


def post(app, author_id: int, body: str = "hello", visibility: str = "public", tags: tuple = ()) -> int:
    with app.app_context():
        post_id = write_post(author_id, body, visibility, tags)
        commit_and_publish()
    return post_id


def delete_post(app, post_id: int) -> None:
    with app.app_context():
        found = db.session.get(Post, post_id)
        OutboxEntry.add("feed.post_deleted", {"post_id": post_id, "author_id": found.author_id})
        db.session.delete(found)
        commit_and_publish()


def age_outbox(app, seconds: float) -> None:
    """Make every unpublished outbox row look ``seconds`` older (past the sweep's grace)."""
    from datetime import timedelta
    with app.app_context():
        db.session.execute(update(OutboxEntry).where(OutboxEntry.published_at.is_(None))
                           .values(created_at=OutboxEntry.created_at - timedelta(seconds=seconds)))
        db.session.commit()


def feed_of(app, user_id: int) -> list[int]:
    """What Redis holds as the user's feed, newest first."""
    with app.app_context():
        return [int(i) for i in get_redis().zrevrange(feeds.feed_key(user_id), 0, -1)]


def sign_in(app, user_id: int) -> dict:
    with app.app_context():
        session_id, _ = session_store().create(user_id, "127.0.0.1", "feeds-test")
    return {"Authorization": f"Bearer {session_id}"}
