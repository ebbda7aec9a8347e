"""Channels: a signed-in user creates, edits and deletes their channels; anyone reads them.

Reads take an optional session (axa.platform.auth_hook ``optional_session``): signed in,
``is_owner`` tells whether the caller owns the channel. Live state and viewers are not tracked
here: a channel is ``live`` while its live session is open (axa/models/stream/live.py: through a
reconnect window after its stream stopped, ``reconnecting`` then), with its HLS ``playback_url``
(AXA_STREAM_PLAYBACK_URL, by slug: never a key); ``viewers`` counts the players whose heartbeat
is recent (axa/models/stream/viewers.py).
"""
from __future__ import annotations

from flask.views import MethodView

from axa.blueprints.stream.channels import service
from axa.blueprints.stream.channels.schemas import (
    OPTIONAL_SESSION,
    ChannelCreateSchema,
    ChannelListQuerySchema,
    ChannelPatchSchema,
    ChannelSchema,
)
from axa.models.stream import Channel, db
from axa.platform.api import Blueprint
from axa.platform.auth_hook import current_session
from axa.platform.keyset import LINK_HEADER, KeysetQuerySchema, keyset_page, link_header

blp = Blueprint("channels", __name__, url_prefix="/api/v1",
                description="Channels: create, edit and delete your own; read anyone's. Each channel's "
                            "live chat is a WebSocket at `/api/v1/channels/{slug}/chat` (tag `channel_chat`)")
SLUG = {"in": "path", "name": "slug", "description": "The channel's address (unknown: 404)",
        "schema": {"type": "string", "pattern": "^[a-z0-9-]{3,40}$"}}
NOT_YOURS = "The channel is another user's (`not_owner`)"


class ListQuerySchema(KeysetQuerySchema, ChannelListQuerySchema):
    pass


@blp.route("/channels")
class Channels(MethodView):
    @blp.doc(security=OPTIONAL_SESSION)
    @blp.arguments(ListQuerySchema, location="query")
    @blp.response(200, ChannelSchema(many=True), headers=LINK_HEADER)
    def get(self, args):
        """Channels, newest first (optionally one user's)"""
        page = keyset_page(db.session, Channel.listing(args.get("user_id")), Channel.id, args)
        viewer = service.viewer_id()
        return service.present_all(page.items, viewer), link_header(page)

    @blp.login_required
    @blp.idempotent
    @blp.arguments(ChannelCreateSchema)
    @blp.response(201, ChannelSchema)
    @blp.alt_response(409, description="Another channel has this slug (`slug_taken`)")
    def post(self, data):
        """Create a channel"""
        user_id = current_session().user_id
        return service.present(service.create(user_id, data), user_id)


@blp.route("/channels/<slug>", parameters=[SLUG])
class ChannelBySlug(MethodView):
    @blp.doc(security=OPTIONAL_SESSION)
    @blp.response(200, ChannelSchema)
    @blp.alt_response(404, description="No channel has this address")
    def get(self, slug):
        """A channel by its address"""
        return service.present_one(service.by_slug_or_404(slug), service.viewer_id())

    @blp.login_required
    @blp.arguments(ChannelPatchSchema, description="Only the fields to change (the slug is fixed)")
    @blp.response(200, ChannelSchema)
    @blp.alt_response(403, description=NOT_YOURS)
    @blp.alt_response(404, description="No channel has this address")
    def patch(self, changes, slug):
        """Edit one of my channels"""
        user_id = current_session().user_id
        channel = service.edit(service.owned_or_403(user_id, slug, lock=True), changes)
        return service.present_one(channel, user_id)

    @blp.login_required
    @blp.response(204)
    @blp.alt_response(403, description=NOT_YOURS)
    @blp.alt_response(404, description="No channel has this address")
    def delete(self, slug):
        """Delete one of my channels with its stream keys (they stop at once)"""
        service.delete(service.owned_or_403(current_session().user_id, slug, lock=True))
