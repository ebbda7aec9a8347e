"""Subscriptions (follows) by username, idempotent, and the keyset pages of who follows whom.

A call that really makes or removes a subscription writes ``feed.subscribed`` /
``feed.unsubscribed`` to the outbox in the same transaction (the feeds publish it after commit)."""
from __future__ import annotations

from flask_smorest import abort
from sqlalchemy import select

from axa.blueprints.socweb.profiles.service import profiles_of
from axa.models.socweb import OutboxEntry, Profile, Subscription, User, db
from axa.models.socweb.reading import active
from axa.platform.keyset import Page, keyset_page

YOURSELF = "You cannot subscribe to yourself."


def _not_yourself(user: User, author: Profile) -> None:
    if author.user_id == user.id:
        abort(422, message=YOURSELF, errors={"path": {"username": [YOURSELF]}})


def subscribe(user: User, author: Profile) -> list[int]:
    """Follow ``author`` and commit; the ids of the outbox entries written (none if it existed)."""
    _not_yourself(user, author)
    Profile.of(user.id)
    made = Subscription.subscribe(user.id, author.user_id)
    pair = {"subscriber_id": user.id, "author_id": author.user_id}
    entries = [OutboxEntry.add("feed.subscribed", pair), OutboxEntry.add("notify.subscribed", pair)
               ] if made else []
    db.session.commit()
    return [entry.id for entry in entries]


def unsubscribe(user: User, author: Profile) -> list[int]:
    """Unfollow ``author`` and commit; the ids of the outbox entries written (none if there was
    nothing to undo)."""
    _not_yourself(user, author)
    gone = Subscription.unsubscribe(user.id, author.user_id)
    entries = [OutboxEntry.add("feed.unsubscribed", {"subscriber_id": user.id, "author_id": author.user_id})
               ] if gone else []
    db.session.commit()
    return [entry.id for entry in entries]


def subscribers_page(author_id: int, args: dict) -> Page:
    """The author's active subscribers, the newest subscription first."""
    stmt = select(Subscription).where(Subscription.author_id == author_id,
                                      active(Subscription.subscriber_id))
    return keyset_page(db.session, stmt, Subscription.id, args)


def subscriptions_page(subscriber_id: int, args: dict) -> Page:
    """The active users ``subscriber_id`` follows, the newest subscription first."""
    stmt = select(Subscription).where(Subscription.subscriber_id == subscriber_id,
                                      active(Subscription.author_id))
    return keyset_page(db.session, stmt, Subscription.id, args)


def subscribers(page: Page, viewer_id: int | None) -> list[dict]:
    return profiles_of([s.subscriber_id for s in page.items], viewer_id)


def subscriptions(page: Page, viewer_id: int | None) -> list[dict]:
    return profiles_of([s.author_id for s in page.items], viewer_id)
