"""Blocks, mutes and reports, by the signed-in user (axa/models/socweb/blocks.py): a block hides
two users from each other everywhere and ends their subscriptions; a mute hides a user from your
feeds and notifications only; a report goes to the admins' queue (admin_routes.py)."""
from __future__ import annotations

from flask.views import MethodView

from axa.blueprints.socweb.moderation import service
from axa.blueprints.socweb.moderation.schemas import (
    BlockSchema,
    MuteBodySchema,
    MuteSchema,
    NewReportSchema,
    ReportSchema,
)
from axa.blueprints.socweb.profiles.schemas import username_parameter
from axa.blueprints.socweb.profiles.service import profiles_of, signed_in_user
from axa.platform.api import Blueprint
from axa.platform.keyset import LINK_HEADER, KeysetQuerySchema, link_header

blp = Blueprint("moderation", __name__, url_prefix="/api/v1",
                description="Blocks, mutes and reports")
TARGET = username_parameter("Any case; 404 unless an active user holds it; yourself: 422")
UNKNOWN = "No active user has this username"


def _listed(page, viewer: int | None, other_of, extra=lambda row: {}) -> list[dict]:
    """A page of blocks or mutes with the other user's profile (as an anonymous viewer sees it:
    a blocked user's profile is otherwise hidden from you)."""
    profiles = {p["id"]: p for p in profiles_of([other_of(row) for row in page.items], viewer)}
    return [{"profile": profiles[other_of(row)], "created_at": row.created_at, **extra(row)}
            for row in page.items if other_of(row) in profiles]


@blp.route("/blocks")
class Blocks(MethodView):
    @blp.login_required
    @blp.arguments(KeysetQuerySchema, location="query")
    @blp.response(200, BlockSchema(many=True), headers=LINK_HEADER)
    def get(self, args):
        """The users I block, newest block first"""
        user = signed_in_user()
        page = service.blocks_page(user.id, args)
        return _listed(page, None, lambda b: b.blocked_id), link_header(page)


@blp.route("/blocks/<username>", parameters=[TARGET])
class BlockOf(MethodView):
    @blp.login_required
    @blp.response(204)
    @blp.alt_response(404, description=UNKNOWN)
    @blp.alt_response(422, description="The username is your own")
    def post(self, username):
        """Block a user (idempotent): you no longer see each other anywhere; your subscriptions to
        each other end"""
        user = signed_in_user()
        service.block(user, service.target(username, user))

    @blp.login_required
    @blp.response(204)
    @blp.alt_response(404, description=UNKNOWN)
    @blp.alt_response(422, description="The username is your own")
    def delete(self, username):
        """Unblock a user (idempotent); subscriptions do not come back"""
        user = signed_in_user()
        service.unblock(user, service.target(username, user))


@blp.route("/mutes")
class Mutes(MethodView):
    @blp.login_required
    @blp.arguments(KeysetQuerySchema, location="query")
    @blp.response(200, MuteSchema(many=True), headers=LINK_HEADER)
    def get(self, args):
        """The users I mute now, newest mute first"""
        user = signed_in_user()
        page = service.mutes_page(user.id, args)
        return _listed(page, user.id, lambda m: m.muted_id, lambda m: {"expires_at": m.expires_at}), \
            link_header(page)


@blp.route("/mutes/<username>", parameters=[TARGET])
class MuteOf(MethodView):
    @blp.login_required
    @blp.arguments(MuteBodySchema())
    @blp.response(200, MuteSchema)
    @blp.alt_response(404, description=UNKNOWN)
    @blp.alt_response(422, description="The username is your own, or the duration is out of range")
    def post(self, data, username):
        """Mute a user, for a while or until undone: hidden from your feeds and notifications"""
        user = signed_in_user()
        other = service.target(username, user)
        mute = service.mute(user, other, data.get("duration"))
        return {"profile": profiles_of([other.user_id], user.id)[0], "created_at": mute.created_at,
                "expires_at": mute.expires_at}

    @blp.login_required
    @blp.response(204)
    @blp.alt_response(404, description=UNKNOWN)
    @blp.alt_response(422, description="The username is your own")
    def delete(self, username):
        """Unmute a user (idempotent)"""
        user = signed_in_user()
        service.unmute(user, service.target(username, user))


@blp.route("/reports")
class Reports(MethodView):
    @blp.login_required
    @blp.limited("socweb.reports", "socweb_comment_limits")
    @blp.arguments(NewReportSchema)
    @blp.response(201, ReportSchema)
    @blp.alt_response(404, description="No such post you can see, or no such profile")
    def post(self, data):
        """Report a post or a profile to the moderators"""
        return service.report(signed_in_user(), data)
