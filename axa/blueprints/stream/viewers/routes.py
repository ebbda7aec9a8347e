"""Viewers (issue 11 item 5): players send a heartbeat while they play a live channel, and anyone
reads the live channels with the most viewers first.

A player beats every ``interval`` seconds (the answer says how long); a viewer silent for
AXA_STREAM_VIEWER_TTL stops counting. Signed in, the user is the viewer (and the seconds watched
go to their watch history); anonymous, the first beat hands out an opaque signed token the player
sends with the next ones. One viewer counts once however many players it runs. Beats are limited
per viewer (AXA_STREAM_HEARTBEAT_LIMIT per AXA_STREAM_HEARTBEAT_WINDOW s) and new tokens per
address (AXA_STREAM_VIEWER_TOKENS_PER_ADDRESS): past them 429 with Retry-After.
"""
from __future__ import annotations

from flask.views import MethodView

from axa.blueprints.stream.channels import service as channels
from axa.blueprints.stream.channels.routes import SLUG
from axa.blueprints.stream.channels.schemas import OPTIONAL_SESSION, ChannelSchema
from axa.blueprints.stream.viewers import service
from axa.blueprints.stream.viewers.schemas import (
    LIVE_ORDER,
    HeartbeatAnswerSchema,
    HeartbeatSchema,
    LiveQuerySchema,
)
from axa.platform.api import RETRY_AFTER, Blueprint

blp = Blueprint("viewers", __name__, url_prefix="/api/v1",
                description="Viewers: the players' heartbeat, and the live channels by viewers")
NEXT_LINK = {"Link": {"description": "RFC 8288 link to the `next` page, when there is one",
                      "schema": {"type": "string"}}}


@blp.route("/channels/<slug>/viewers/heartbeat", parameters=[SLUG])
class Heartbeat(MethodView):
    @blp.doc(security=OPTIONAL_SESSION)
    @blp.arguments(HeartbeatSchema, description="`{}` on a first anonymous beat")
    @blp.response(200, HeartbeatAnswerSchema)
    @blp.alt_response(404, description="No channel is live at this address (`not_live`)")
    @blp.alt_response(429, "TOO_MANY_REQUESTS", headers=RETRY_AFTER,
                      description="Too many beats from this viewer, or new tokens from this address")
    def post(self, data, slug):
        """A player's heartbeat: count me as watching this live channel"""
        return service.beat(slug, data.get("viewer_token"))


@blp.route("/live")
class LiveNow(MethodView):
    @blp.doc(security=OPTIONAL_SESSION)
    @blp.arguments(LiveQuerySchema, location="query")
    @blp.response(200, ChannelSchema(many=True), headers=NEXT_LINK, description=LIVE_ORDER)
    def get(self, args):
        """The live channels, most viewers first"""
        return service.live_page(args, channels.viewer_id())
