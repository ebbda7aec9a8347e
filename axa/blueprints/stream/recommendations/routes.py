"""Recommendations (issue 11 item 8): channels to watch, live or upcoming, each with its reason.

Signed in: the list the ``stream.recommend`` beat job stored for the caller (axa/models/stream/
recommender.py), less the channels they have subscribed to since, and never their own; before
the first run, the same as anonymous callers get: the live channels watched most now (their
viewers at the last sample), with the reason ``popular``.
"""
from __future__ import annotations

from flask import request, url_for
from flask.views import MethodView
from sqlalchemy import and_, exists, func, select

from axa.blueprints.stream.channels import service as channels
from axa.blueprints.stream.channels.schemas import OPTIONAL_SESSION
from axa.blueprints.stream.recommendations.schemas import RecommendationQuerySchema, RecommendationSchema
from axa.models.stream import Channel, LiveSession, Recommendation, Subscription, db
from axa.models.stream.audience import SessionViewers
from axa.platform.api import Blueprint

blp = Blueprint("recommendations", __name__, url_prefix="/api/v1",
                description="Recommended channels, each with its reason")
NEXT_LINK = {"Link": {"description": "RFC 8288 link to the `next` page, when there is one",
                      "schema": {"type": "string"}}}


def stored(user_id: int, after: int, limit: int) -> list[tuple]:
    subscribed = exists().where(Subscription.user_id == user_id, Subscription.channel_id == Channel.id)
    stmt = (select(Recommendation, Channel).join(Channel, Channel.id == Recommendation.channel_id)
            .where(Recommendation.user_id == user_id, Recommendation.rank > after, ~subscribed,
                   Channel.user_id != user_id).order_by(Recommendation.rank).limit(limit + 1))
    return [(r.rank, r.reason_code, r.reason, r.computed_at, channel)
            for r, channel in db.session.execute(stmt)]


def popular(user_id: int | None, after: int, limit: int) -> list[tuple]:
    """The live channels with most viewers at the last sample (not the caller's own or subscribed)."""
    watching = func.coalesce(SessionViewers.current, 0)
    stmt = (select(Channel, watching)
            .join(LiveSession, and_(LiveSession.channel_id == Channel.id, LiveSession.ended_at.is_(None)))
            .outerjoin(SessionViewers, SessionViewers.live_session_id == LiveSession.id)
            .order_by(watching.desc(), Channel.id.desc()).offset(after).limit(limit + 1))
    if user_id is not None:
        stmt = stmt.where(Channel.user_id != user_id, ~exists().where(
            Subscription.user_id == user_id, Subscription.channel_id == Channel.id))
    return [(after + i, "popular", f"{count} watching now" if count != 1 else "1 watching now", None, channel)
            for i, (channel, count) in enumerate(db.session.execute(stmt), start=1)]


@blp.route("/recommendations")
class Recommendations(MethodView):
    @blp.doc(security=OPTIONAL_SESSION)
    @blp.arguments(RecommendationQuerySchema, location="query")
    @blp.response(200, RecommendationSchema(many=True), headers=NEXT_LINK)
    def get(self, args):
        """Channels recommended to me (anonymous: the most watched live channels)"""
        user_id, after, limit = channels.viewer_id(), args.get("after", 0), args["limit"]
        has_list = user_id is not None and db.session.scalar(
            select(exists().where(Recommendation.user_id == user_id)))
        rows = stored(user_id, after, limit) if has_list else popular(user_id, after, limit)
        more, rows = len(rows) > limit, rows[:limit]
        shown = channels.present_all([row[-1] for row in rows], user_id)
        items = [{"rank": rank, "reason_code": code, "reason": reason, "computed_at": computed,
                  "channel": channel}
                 for (rank, code, reason, computed, _), channel in zip(rows, shown, strict=True)]
        return items, next_link(rows[-1][0]) if more else {}


def next_link(after: int) -> dict:
    kept = {k: v for k, v in request.args.items() if k != "after"}
    return {"Link": f'<{url_for(request.endpoint, **kept, after=after, _external=True)}>; rel="next"'}
