"""Profiles as the API sends them, a whole page in one query: the user's public face, counts
that leave out inactive users (posts: only those the viewer may see, axa/models/socweb/reading.py)
and the viewer's relationship flags."""
from __future__ import annotations

from flask_smorest import abort
from sqlalchemy import exists, false, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from axa.blueprints.socweb.profiles.schemas import USERNAME_ANY_CASE
from axa.models.socweb import Media, Post, Profile, Subscription, User, blocks, db
from axa.models.socweb.blocks import blocked_between
from axa.models.socweb.media import url_of
from axa.models.socweb.profiles import suggest_username
from axa.models.socweb.reading import active, visible_to
from axa.platform.auth_hook import current_session, optional_session, unauthorized

TAKEN = "That username is taken; choose another."
person = aliased(User, name="person")  # the profile's user; ``User`` stays free for active()


def _count(model, column, other_party_active):
    return (select(func.count()).select_from(model)
            .where(column == person.id, other_party_active).scalar_subquery())


def _content_of(media_id_column):
    return select(Media.sha256).where(Media.id == media_id_column, Media.state == "ready").scalar_subquery()


def _with_images(row: dict) -> dict:
    """The avatar's and header's URLs from their images' derivatives (the ``image`` URL otherwise)."""
    avatar, header = row.pop("avatar_sha256"), row.pop("header_sha256")
    if avatar:
        row["image"] = url_of(avatar, "small")
    row["header"] = url_of(header, "large") if header else None
    return row


def _columns(viewer_id: int | None) -> list:
    if viewer_id is None:
        following = followed_by = false()
    else:
        following = exists().where(Subscription.subscriber_id == viewer_id,
                                   Subscription.author_id == person.id)
        followed_by = exists().where(Subscription.subscriber_id == person.id,
                                     Subscription.author_id == viewer_id)
    return [person.id, Profile.username, person.display_name, Profile.bio, Profile.image,
            func.coalesce(Profile.created_at, person.synced_at).label("created_at"),
            _count(Post, Post.author_id, visible_to(viewer_id)).label("posts_count"),
            _count(Subscription, Subscription.author_id, active(Subscription.subscriber_id))
            .label("subscribers_count"),
            _count(Subscription, Subscription.subscriber_id, active(Subscription.author_id))
            .label("subscriptions_count"),
            following.label("following"), followed_by.label("followed_by"),
            Profile.avatar_media_id, Profile.header_media_id,
            _content_of(Profile.avatar_media_id).label("avatar_sha256"),
            _content_of(Profile.header_media_id).label("header_sha256")]


def profiles_of(user_ids: list[int], viewer_id: int | None) -> list[dict]:
    """The profiles of the active users among ``user_ids``, in that order."""
    if not user_ids:
        return []
    rows = db.session.execute(
        select(*_columns(viewer_id)).outerjoin(Profile, Profile.user_id == person.id)
        .where(person.id.in_(user_ids), person.status == "active",
               *([~blocked_between(viewer_id, person.id)] if viewer_id is not None else [])))
    found = {row.id: _with_images(row._asdict()) for row in rows}
    return [found[user_id] for user_id in user_ids if user_id in found]


def profile_of(user_id: int, viewer_id: int | None) -> dict:
    found = profiles_of([user_id], viewer_id)
    if not found:
        abort(404, message="No such profile.")
    return found[0]


def by_username(username: str) -> Profile:
    """The profile of the active user with this username (any case); 404 otherwise, and when the
    signed-in viewer blocked them or was blocked by them (hidden from each other everywhere)."""
    profile = Profile.by_username(username) if USERNAME_ANY_CASE.fullmatch(username) else None
    viewer = current_viewer_id() if profile is not None else None
    if profile is None or (viewer not in (None, profile.user_id) and blocks.between(viewer, profile.user_id)):
        abort(404, message="No such profile.")
    return profile


def current_viewer_id() -> int | None:
    """The signed-in viewer's id, or None: anonymous, or a session that is no longer live."""
    session = optional_session()
    return session.user_id if session is not None else None


def signed_in_user() -> User:
    """The signed-in user's replica row: 404 while user sync has not brought it, 401 when the
    user is no longer active (their sessions are ending)."""
    user = db.session.get(User, current_session().user_id)
    if user is None:
        abort(404, message="User not yet synced to this subsystem; retry in a moment.")
    if user.status != "active":
        unauthorized()
    return user


def own(user: User) -> dict:
    """The user's own profile (made on first use, committed), with a suggested username while
    they have none."""
    profile = Profile.of(user.id)
    db.session.commit()
    body = profile_of(user.id, user.id)
    body["suggested_username"] = (None if profile.username
                                  else suggest_username(user.display_name, user.id))
    return body


def update(user: User, changes: dict) -> None:
    """Apply a PATCH and commit; a username another user holds (also one taken by a concurrent
    request, caught by the unique index) is 409."""
    profile = Profile.of(user.id)
    for name in ("avatar_media_id", "header_media_id"):
        if changes.get(name) is not None and Media.attach(user.id, [changes[name]]) is None:
            abort(422, message="The image is not valid.", errors={"json": {name: [
                "Must be one of your uploads, processed (state `ready`)."]}})
    username = changes.get("username")
    if username is not None and Profile.username_taken(username, except_user=user.id):
        abort(409, message=TAKEN)
    for name, value in changes.items():
        setattr(profile, name, value)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        abort(409, message=TAKEN)
