"""What the block, mute and report endpoints do (axa/models/socweb/blocks.py). Each write commits
its own transaction; a block's ended subscriptions leave outbox rows for the feeds, as an
unsubscription does."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask_smorest import abort
from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert

from axa.models.socweb import Block, Mute, OutboxEntry, Post, Profile, Report, Subscription, User, db
from axa.models.socweb.reading import visible_post
from axa.models.socweb.search import post_changed as search_changed
from axa.platform.keyset import Page, keyset_page

YOURSELF = "The username is your own."


def target(username: str, user: User) -> Profile:
    """The active user named ``username`` (whatever blocks lie between): 404 unknown, 422 yourself."""
    found = Profile.by_username(username) if username else None
    if found is None:
        abort(404, message="No such profile.")
    if found.user_id == user.id:
        abort(422, message=YOURSELF, errors={"path": {"username": [YOURSELF]}})
    return found


def block(user: User, other: Profile) -> None:
    """Block (idempotent): their subscriptions to each other end, and leave the feeds."""
    db.session.execute(insert(Block).values(blocker_id=user.id, blocked_id=other.user_id)
                       .on_conflict_do_nothing(constraint="uq_blocks_pair"))
    for subscriber, author in ((user.id, other.user_id), (other.user_id, user.id)):
        if Subscription.unsubscribe(subscriber, author):
            OutboxEntry.add("feed.unsubscribed", {"subscriber_id": subscriber, "author_id": author})
    db.session.commit()


def unblock(user: User, other: Profile) -> None:
    db.session.execute(delete(Block).where(Block.blocker_id == user.id, Block.blocked_id == other.user_id))
    db.session.commit()


def mute(user: User, other: Profile, seconds: int | None) -> Mute:
    """Mute (again: the new duration replaces the old); None: until undone."""
    expires = datetime.now(UTC) + timedelta(seconds=seconds) if seconds else None
    stmt = insert(Mute).values(muter_id=user.id, muted_id=other.user_id, expires_at=expires)
    db.session.execute(stmt.on_conflict_do_update(constraint="uq_mutes_pair", set_={"expires_at": expires}))
    db.session.commit()
    return db.session.scalar(select(Mute).where(Mute.muter_id == user.id, Mute.muted_id == other.user_id))


def unmute(user: User, other: Profile) -> None:
    db.session.execute(delete(Mute).where(Mute.muter_id == user.id, Mute.muted_id == other.user_id))
    db.session.commit()


def blocks_page(user_id: int, args: dict) -> Page:
    return keyset_page(db.session, select(Block).where(Block.blocker_id == user_id), Block.id, args)


def mutes_page(user_id: int, args: dict) -> Page:
    """The mutes still in force."""
    stmt = select(Mute).where(Mute.muter_id == user_id,
                              (Mute.expires_at.is_(None)) | (Mute.expires_at > datetime.now(UTC)))
    return keyset_page(db.session, stmt, Mute.id, args)


def report(user: User, data: dict) -> Report:
    """A report of a post the reporter may see, or of a profile: queued for the admins."""
    if ("post_id" in data) == ("username" in data):
        abort(422, message="Report a post or a profile: give `post_id` or `username`, one of them.",
              errors={"json": {"post_id": ["Give `post_id` or `username`, one of them."]}})
    post_id = data.get("post_id")
    if post_id is not None:
        post = visible_post(post_id, user.id)
        if post is None:
            abort(404, message="No such post.")
        reported = post.author_id
    else:
        reported = target(data["username"], user).user_id
    if reported == user.id:
        abort(422, message="You cannot report yourself.", errors={"json": {"post_id": ["Your own."]}})
    entry = Report(reporter_id=user.id, user_id=reported, post_id=post_id, category=data["category"],
                   comment=data.get("comment") or None, status="open")
    db.session.add(entry)
    db.session.commit()
    return entry


def reports_page(status: str, args: dict) -> Page:
    return keyset_page(db.session, select(Report).where(Report.status == status), Report.id, args)


def open_report(report_id: int) -> Report:
    """The report, locked; 404 unknown, 409 already resolved or dismissed."""
    found = db.session.scalar(select(Report).where(Report.id == report_id).with_for_update())
    if found is None:
        abort(404, message="No such report.")
    if found.status != "open":
        db.session.rollback()
        abort(409, message=f"This report is already {found.status}.", reason="report_closed")
    return found


def close(found: Report, admin_id: int, action: str, note: str | None) -> Report:
    """Record the decision; ``remove_post`` deletes the reported post (its feeds follow)."""
    if action == "remove_post":
        post = db.session.get(Post, found.post_id) if found.post_id else None
        if found.post_id is None:
            db.session.rollback()
            abort(422, message="This report names no post.",
                  errors={"json": {"action": ["No post to remove."]}})
        if post is not None:
            OutboxEntry.add("feed.post_deleted", {"post_id": post.id, "author_id": post.author_id})
            search_changed(post.id)
            db.session.delete(post)
    found.status = "dismissed" if action == "dismiss" else "resolved"
    found.action, found.note, found.resolved_by = action, note or None, admin_id
    found.resolved_at = datetime.now(UTC)
    db.session.commit()
    return found
