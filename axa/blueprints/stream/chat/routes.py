"""A channel's chat over REST: the history (keyset pages, newest first) and moderation.

The live chat itself is a WebSocket at ``/api/v1/channels/{slug}/chat`` (axa/blueprints/stream/chat/socket.py;
README "Stream chat"): it cannot be an OpenAPI operation, so this blueprint's description tells
how to open it. Messages reach the history in batches, about a second after they are sent.
"""
from __future__ import annotations

from flask.views import MethodView

from axa.blueprints.market.schemas import ID
from axa.blueprints.stream.channels import service as channels
from axa.blueprints.stream.channels.routes import NOT_YOURS, SLUG
from axa.blueprints.stream.channels.schemas import OPTIONAL_SESSION
from axa.blueprints.stream.chat import service
from axa.blueprints.stream.chat.schemas import (
    AuditEntrySchema,
    BanCreateSchema,
    BanSchema,
    ChatMessageSchema,
    ModeratorCreateSchema,
    ModeratorSchema,
    RulesPatchSchema,
    RulesSchema,
)
from axa.blueprints.stream.chat.service import NOT_MODERATOR
from axa.models.stream import ChatAudit, ChatBan, ChatMessage, ChatModerator, ChatRules, db
from axa.platform.api import Blueprint
from axa.platform.auth_hook import current_session
from axa.platform.keyset import LINK_HEADER, KeysetQuerySchema, keyset_page, link_header

SOCKET = """Live chat: open a WebSocket on `GET /api/v1/channels/{slug}/chat` (`ws://` or `wss://`),
with the session cookie (from an allowed origin) or `Authorization: Bearer <session id>`; without
a session the socket only reads. Frames are JSON text. Send `{"type": "send", "text": "..."}`
(1-500 characters, no control characters) or `{"type": "ping"}`. Receive `welcome`, `message`
(`id`, `user_id`, `author`, `text`, `sent_at`), `delete` (`id`: remove it now), `ban` / `timeout`
(`user_id`, `until`) / `unban`, `rules` (the new chat rules), `pong`, and `error` (`code`,
`message`, `retry_after_ms`): a refused message (`rate_limited`, `flood`, `slow_mode`, `banned`,
`timed_out`, `subscribers_only`, `subscription_too_new`, `blocked_term`, `too_long`, `empty`,
`control_characters`, `invalid_json`, `invalid_frame`, `sign_in_required`) leaves the socket
open; a frame over 8 KiB closes it (1009), an ended session too (1008). History and moderation
are the operations below."""
blp = Blueprint("channel_chat", __name__, url_prefix="/api/v1", description=SOCKET)
NO_CHANNEL = "No channel has this address"


@blp.route("/channels/<slug>/chat/messages", parameters=[SLUG])
class ChatHistory(MethodView):
    @blp.doc(security=OPTIONAL_SESSION)
    @blp.arguments(KeysetQuerySchema, location="query")
    @blp.response(200, ChatMessageSchema(many=True), headers=LINK_HEADER)
    @blp.alt_response(404, description=NO_CHANNEL)
    def get(self, args, slug):
        """The channel's chat history, newest first (deleted messages left out)"""
        channel = channels.by_slug_or_404(slug)
        page = keyset_page(db.session, ChatMessage.history(channel.id), ChatMessage.id, args)
        return page.items, link_header(page)


@blp.route(f"/channels/<slug>/chat/messages/<{ID}:message_id>", parameters=[SLUG])
class ChatMessageById(MethodView):
    @blp.login_required
    @blp.response(204)
    @blp.alt_response(403, description=NOT_MODERATOR)
    @blp.alt_response(404, description="No channel has this address, or no message of it this id")
    def delete(self, slug, message_id):
        """Delete a message: gone from every socket at once and from the history"""
        user_id = current_session().user_id
        service.delete_message(service.moderated_or_403(user_id, slug), user_id, message_id)


@blp.route("/channels/<slug>/chat/moderators", parameters=[SLUG])
class Moderators(MethodView):
    @blp.login_required
    @blp.response(200, ModeratorSchema(many=True))
    @blp.alt_response(403, description=NOT_MODERATOR)
    @blp.alt_response(404, description=NO_CHANNEL)
    def get(self, slug):
        """The channel's moderators"""
        return ChatModerator.of_channel(service.moderated_or_403(current_session().user_id, slug).id)

    @blp.login_required
    @blp.arguments(ModeratorCreateSchema)
    @blp.response(200, ModeratorSchema)
    @blp.alt_response(403, description=NOT_YOURS)
    @blp.alt_response(404, description=NO_CHANNEL)
    @blp.alt_response(409, description="The owner moderates already (`owner`)")
    def post(self, data, slug):
        """Appoint a moderator (one already: the same answer)"""
        channel = channels.owned_or_403(current_session().user_id, slug)
        return service.appoint(channel, data["user_id"])


@blp.route(f"/channels/<slug>/chat/moderators/<{ID}:user_id>", parameters=[SLUG])
class ModeratorById(MethodView):
    @blp.login_required
    @blp.response(204)
    @blp.alt_response(403, description=NOT_YOURS)
    @blp.alt_response(404, description=NO_CHANNEL)
    def delete(self, slug, user_id):
        """Remove a moderator (not one: nothing to do, 204 too)"""
        service.dismiss(channels.owned_or_403(current_session().user_id, slug), user_id)


@blp.route("/channels/<slug>/chat/bans", parameters=[SLUG])
class Bans(MethodView):
    @blp.login_required
    @blp.arguments(KeysetQuerySchema, location="query")
    @blp.response(200, BanSchema(many=True), headers=LINK_HEADER)
    @blp.alt_response(403, description=NOT_MODERATOR)
    @blp.alt_response(404, description=NO_CHANNEL)
    def get(self, args, slug):
        """The channel's active bans and timeouts, newest first"""
        channel = service.moderated_or_403(current_session().user_id, slug)
        page = keyset_page(db.session, ChatBan.active(channel.id, db.func.now()), ChatBan.id, args)
        return page.items, link_header(page)

    @blp.login_required
    @blp.arguments(BanCreateSchema)
    @blp.response(200, BanSchema)
    @blp.alt_response(403, description=NOT_MODERATOR + "; only the owner bans a moderator (`moderator`)")
    @blp.alt_response(404, description=NO_CHANNEL)
    @blp.alt_response(409, description="The owner cannot be banned (`owner`)")
    def post(self, data, slug):
        """Ban a user (until lifted) or time them out (`duration_seconds`); replaces their earlier ban"""
        user_id = current_session().user_id
        return service.ban(service.moderated_or_403(user_id, slug), user_id, data)


@blp.route(f"/channels/<slug>/chat/bans/<{ID}:user_id>", parameters=[SLUG])
class BanByUser(MethodView):
    @blp.login_required
    @blp.response(204)
    @blp.alt_response(403, description=NOT_MODERATOR)
    @blp.alt_response(404, description=NO_CHANNEL)
    def delete(self, slug, user_id):
        """Lift a ban or timeout (none: nothing to do, 204 too)"""
        actor = current_session().user_id
        service.lift(service.moderated_or_403(actor, slug), actor, user_id)


@blp.route("/channels/<slug>/chat/rules", parameters=[SLUG])
class Rules(MethodView):
    @blp.doc(security=OPTIONAL_SESSION)
    @blp.response(200, RulesSchema)
    @blp.alt_response(404, description=NO_CHANNEL)
    def get(self, slug):
        """The chat's rules (blocked terms shown to the owner and moderators only)"""
        channel = channels.by_slug_or_404(slug)
        shown = service.may_moderate(channel, channels.viewer_id())
        return service.present_rules(ChatRules.of(channel.id), shown_terms=shown)

    @blp.login_required
    @blp.arguments(RulesPatchSchema, description="Only the rules to change")
    @blp.response(200, RulesSchema)
    @blp.alt_response(403, description=NOT_MODERATOR)
    @blp.alt_response(404, description=NO_CHANNEL)
    def patch(self, changes, slug):
        """Change the chat's rules: slow mode, subscribers-only, blocked terms (on every socket at once)"""
        user_id = current_session().user_id
        rules = service.change_rules(service.moderated_or_403(user_id, slug), user_id, changes)
        return service.present_rules(rules, shown_terms=True)


@blp.route("/channels/<slug>/chat/audit", parameters=[SLUG])
class Audit(MethodView):
    @blp.login_required
    @blp.arguments(KeysetQuerySchema, location="query")
    @blp.response(200, AuditEntrySchema(many=True), headers=LINK_HEADER)
    @blp.alt_response(403, description=NOT_MODERATOR)
    @blp.alt_response(404, description=NO_CHANNEL)
    def get(self, args, slug):
        """Every moderation action on the chat, newest first"""
        channel = service.moderated_or_403(current_session().user_id, slug)
        page = keyset_page(db.session, ChatAudit.of_channel(channel.id), ChatAudit.id, args)
        return page.items, link_header(page)
