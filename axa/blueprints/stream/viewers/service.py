"""What the viewer endpoints do: the heartbeat (one Redis round trip, axa/models/stream/viewers.py)
and the live-now list (the open sessions by their sampled viewers, keyset paged)."""
from __future__ import annotations

import math

from flask import current_app, request, url_for
from flask_smorest import abort
from sqlalchemy import and_, func, select, tuple_

from axa.blueprints.stream.channels import service as channels
from axa.models.stream import Channel, LiveSession, db
from axa.models.stream import viewers as counts
from axa.models.stream.audience import SessionViewers
from axa.models.stream.viewer_settings import viewer_settings
from axa.platform import clock
from axa.platform.redis_client import get_redis


def beat(slug: str, token: str | None) -> dict:
    """Count the caller on the channel: the signed-in user, or the anonymous token (a new one
    when absent; the new ones are limited per address)."""
    if not channels.SLUG.fullmatch(slug):
        abort(404, message="No channel is live at this address.", reason="not_live")
    settings, user_id, secret = viewer_settings(), channels.viewer_id(), current_app.config["AXA"].secret_key
    issued, limit = None, settings.heartbeat_limit
    if user_id is not None:
        viewer = rate_key = f"u:{user_id}"
    elif token:
        viewer = rate_key = counts.token_viewer(secret, token)
        if viewer is None:
            abort(422, message="This viewer token was not handed out here; send none to get a new one.",
                  reason="bad_viewer_token")
    else:
        issued = counts.new_token(secret)
        viewer, rate_key = counts.token_viewer(secret, issued), f"addr:{request.remote_addr}"
        limit = settings.tokens_per_address
    found = counts.heartbeat(get_redis(), slug, viewer, rate_key, clock.now(), settings.viewer_ttl, limit,
                             settings.heartbeat_window, user_id)
    if found.status == counts.NOT_LIVE:
        abort(404, message="No channel is live at this address.", reason="not_live")
    if found.status == counts.LIMITED:
        abort(429, message="Too many heartbeats; slow down.", reason="too_many_heartbeats",
              headers={"Retry-After": str(max(1, math.ceil(found.value / 1000)))})
    return {"viewers": found.value, "viewer_token": issued or (token if user_id is None else None),
            "interval": settings.heartbeat_interval}


def live_page(args: dict, viewer: int | None) -> tuple[list[dict], dict]:
    """One page of the live channels, most viewers first, and its ``Link`` header."""
    watching = func.coalesce(SessionViewers.current, 0)
    stmt = (select(Channel, watching)
            .join(LiveSession, and_(LiveSession.channel_id == Channel.id, LiveSession.ended_at.is_(None)))
            .outerjoin(SessionViewers, SessionViewers.live_session_id == LiveSession.id))
    if args.get("after"):
        seen, channel_id = (int(part) for part in args["after"].split("."))
        stmt = stmt.where(tuple_(watching, Channel.id) < tuple_(seen, channel_id))
    stmt = stmt.order_by(watching.desc(), Channel.id.desc()).limit(args["limit"] + 1)
    rows = db.session.execute(stmt).all()
    more, rows = len(rows) > args["limit"], rows[:args["limit"]]
    shown = channels.present_all([channel for channel, _ in rows], viewer)
    for item, (_, sampled) in zip(shown, rows, strict=True):
        item["viewers"] = sampled
    if not more:
        return shown, {}
    last = rows[-1]
    kept = {k: v for k, v in request.args.items() if k != "after"}
    url = url_for(request.endpoint, **kept, after=f"{last[1]}.{last[0].id}", _external=True)
    return shown, {"Link": f'<{url}>; rel="next"'}
