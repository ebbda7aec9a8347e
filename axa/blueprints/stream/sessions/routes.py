"""A channel's live sessions, the current one first when live, for anyone (the channel page's
past sessions)."""
from __future__ import annotations

from flask.views import MethodView

from axa.blueprints.stream.channels.routes import SLUG
from axa.blueprints.stream.channels.service import by_slug_or_404
from axa.blueprints.stream.sessions.schemas import LiveSessionSchema
from axa.models.stream import LiveSession, db
from axa.platform.api import Blueprint
from axa.platform.keyset import LINK_HEADER, KeysetQuerySchema, keyset_page, link_header

blp = Blueprint("live_sessions", __name__, url_prefix="/api/v1",
                description="Live sessions of a channel: when it was live, and why each ended")


@blp.route("/channels/<slug>/sessions", parameters=[SLUG])
class Sessions(MethodView):
    @blp.arguments(KeysetQuerySchema, location="query")
    @blp.response(200, LiveSessionSchema(many=True), headers=LINK_HEADER)
    @blp.alt_response(404, description="No channel has this address")
    def get(self, args, slug):
        """The channel's live sessions, newest first"""
        channel = by_slug_or_404(slug)
        page = keyset_page(db.session, LiveSession.of_channel(channel.id), LiveSession.id, args)
        return page.items, link_header(page)
