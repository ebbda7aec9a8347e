"""Reads and writes behind the notification endpoints: the recipient's notifications whose actor
is still active and whose post they may still see, flat or grouped, the read marker, dismissal,
and the mail preferences."""
from __future__ import annotations

from flask_smorest import abort
from sqlalchemy import Select, and_, case, delete, func, literal, or_, select
from sqlalchemy.dialects.postgresql import aggregate_order_by, insert

from axa.blueprints.socweb.posts.presenter import author_card
from axa.models.socweb import (
    Comment,
    Notification,
    NotificationMarker,
    NotificationPreference,
    NotificationSetting,
    Post,
    db,
)
from axa.models.socweb.notifications import may_see, visible_clause
from axa.models.socweb.reading import active, authors
from axa.platform.keyset import LIMIT_DEFAULT, Page, keyset_page

GROUPED = ("like",)  # types grouped by post in the grouped form
ACTORS_SHOWN = 3  # latest actors a group carries
UNREAD_MAX = 1000  # the unread count stops counting here


def _mine(user_id: int, args: dict) -> Select:
    n = Notification
    query = (select(n).outerjoin(Post, Post.id == n.post_id)
             .where(visible_clause(user_id), or_(n.post_id.is_(None),
                                                 and_(active(Post.author_id), may_see(user_id)))))
    if args.get("types"):
        query = query.where(n.type.in_(args["types"]))
    if args.get("exclude_types"):
        query = query.where(n.type.not_in(args["exclude_types"]))
    return query


def last_read(user_id: int) -> int:
    return db.session.scalar(select(NotificationMarker.last_read_id)
                             .where(NotificationMarker.user_id == user_id)) or 0


def page(user_id: int, args: dict) -> Page:
    return keyset_page(db.session, _mine(user_id, args), Notification.id, args)


def _summaries(notifications) -> tuple[dict, dict]:
    posts = {p.id: {"id": p.id, "title": p.title, "slug": p.slug} for p in db.session.execute(
        select(Post.id, Post.title, Post.slug).where(Post.id.in_({n.post_id for n in notifications})))}
    comments = {c.id: {"id": c.id, "body": c.body} for c in db.session.execute(
        select(Comment.id, Comment.body).where(Comment.id.in_({n.comment_id for n in notifications})))}
    return posts, comments


def present(notifications: list[Notification], user_id: int) -> list[dict]:
    people = authors({n.actor_id for n in notifications}, user_id)
    posts, comments = _summaries(notifications)
    marker = last_read(user_id)
    return [{"id": n.id, "type": n.type, "created_at": n.created_at, "read": n.id <= marker,
             "actor": author_card(people[n.actor_id]), "post": posts.get(n.post_id),
             "comment": comments.get(n.comment_id)} for n in notifications]


def grouped(user_id: int, args: dict) -> tuple[list, Page]:
    """Likes of one post as one group (count, latest actors), every other notification alone;
    newest group (by its latest notification) first, keyset over that latest id."""
    n = _mine(user_id, args).subquery()
    key = case((n.c.type.in_(GROUPED), func.concat(n.c.type, "-", n.c.post_id)),
               else_=func.concat(literal("n-"), n.c.id))
    groups = (select(key.label("group_key"), func.max(n.c.id).label("latest"),
                     func.min(n.c.id).label("oldest"), func.count().label("count"),
                     func.array_agg(aggregate_order_by(n.c.actor_id, n.c.id.desc())).label("actors"))
              .group_by(key).subquery())
    query = select(groups)
    if args.get("max_id") is not None:
        query = query.where(groups.c.latest < args["max_id"])
    limit = args.get("limit", LIMIT_DEFAULT)
    if args.get("min_id") is not None:
        rows = list(db.session.execute(query.where(groups.c.latest > args["min_id"])
                                       .order_by(groups.c.latest.asc()).limit(limit)))[::-1]
        more = bool(rows)
    else:
        rows = list(db.session.execute(query.order_by(groups.c.latest.desc()).limit(limit + 1)))
        more, rows = len(rows) > limit, rows[:limit]
    return rows, Page(rows, [r.latest for r in rows], more and bool(rows))


def present_groups(rows: list, user_id: int) -> list[dict]:
    latest = {n.id: n for n in db.session.scalars(select(Notification).where(
        Notification.id.in_([r.latest for r in rows])))}
    people = authors({a for r in rows for a in dict.fromkeys(r.actors).keys()}, user_id)
    posts, comments = _summaries(list(latest.values()))
    marker = last_read(user_id)
    answer = []
    for row in rows:
        head = latest[row.latest]
        shown = list(dict.fromkeys(row.actors))[:ACTORS_SHOWN]
        answer.append({"group_key": row.group_key, "type": head.type, "notifications_count": row.count,
                       "most_recent_notification_id": row.latest, "page_min_id": row.oldest,
                       "latest_at": head.created_at, "read": row.latest <= marker,
                       "actors": [author_card(people[a]) for a in shown],
                       "post": posts.get(head.post_id), "comment": comments.get(head.comment_id)})
    return answer


def unread_count(user_id: int) -> int:
    unread = _mine(user_id, {}).where(Notification.id > last_read(user_id)).limit(UNREAD_MAX)
    return db.session.scalar(select(func.count()).select_from(unread.subquery()))


def mark_read(user_id: int, last_read_id: int) -> int:
    """Move the marker forward to ``last_read_id`` (never past the newest notification, never
    back); commits; the marker now."""
    newest = db.session.scalar(select(func.max(Notification.id))
                               .where(Notification.recipient_id == user_id)) or 0
    wanted = min(last_read_id, newest)
    stmt = insert(NotificationMarker).values(user_id=user_id, last_read_id=wanted)
    db.session.execute(stmt.on_conflict_do_update(
        index_elements=["user_id"],
        set_={"last_read_id": func.greatest(NotificationMarker.last_read_id, wanted),
              "updated_at": func.now()}))
    db.session.commit()
    return last_read(user_id)


def dismiss(user_id: int, notification_id: int) -> None:
    gone = db.session.execute(delete(Notification).where(
        Notification.id == notification_id, Notification.recipient_id == user_id)
        .returning(Notification.id)).first()
    if gone is None:
        abort(404, message="No such notification.")
    db.session.commit()


def choose(user_id: int, changes: dict[str, str]) -> dict[str, str]:
    """Set modes per type and the time zone; the preferences after."""
    zone = changes.pop("time_zone", None)
    NotificationPreference.choose(user_id, changes)
    if zone is not None:
        NotificationSetting.set_zone(user_id, zone)
    db.session.commit()
    return preferences(user_id)


def preferences(user_id: int) -> dict[str, str]:
    return {**NotificationPreference.of(user_id), "time_zone": NotificationSetting.zone_of(user_id)}
