"""What the chat's REST endpoints do: who may moderate, each moderation action (database row,
audit entry, Redis state, socket event) and the presentation of rules.

The owner appoints and removes moderators; the owner and moderators delete messages, ban, time
out and lift, change the rules and read the audit log. Nobody bans the owner; a moderator does
not ban another moderator. Each action commits first, then updates the Redis state every process
checks (axa/models/stream/chat_state.py), then tells the channel's sockets.
"""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask_smorest import abort

from axa.blueprints.stream.channels import service as channels
from axa.models.stream import (
    Channel,
    ChatAudit,
    ChatBan,
    ChatDeletion,
    ChatMessage,
    ChatModerator,
    ChatRules,
    db,
)
from axa.models.stream import chat_state as state
from axa.platform.redis_client import get_redis

NOT_MODERATOR = "Only the channel's owner and moderators may do this (`not_moderator`)"


def moderated_or_403(user_id: int, slug: str) -> Channel:
    channel = channels.by_slug_or_404(slug)
    if channel.user_id != user_id and not state.is_moderator(get_redis(), channel.id, user_id):
        abort(403, message="Only the channel's owner and moderators may do this.", reason="not_moderator")
    return channel


def may_moderate(channel: Channel, user_id: int | None) -> bool:
    return user_id is not None and (channel.user_id == user_id
                                    or state.is_moderator(get_redis(), channel.id, user_id))


def appoint(channel: Channel, user_id: int) -> ChatModerator:
    if user_id == channel.user_id:
        abort(409, message="The owner moderates their channel already.", reason="owner")
    if ChatModerator.appoint(channel.id, user_id):
        ChatAudit.log(channel.id, channel.user_id, "moderator_added", user_id)
    db.session.commit()
    state.put_moderator(get_redis(), channel.id, user_id, True)
    return db.session.get(ChatModerator, (channel.id, user_id))


def dismiss(channel: Channel, user_id: int) -> None:
    if ChatModerator.remove(channel.id, user_id):
        ChatAudit.log(channel.id, channel.user_id, "moderator_removed", user_id)
    db.session.commit()
    state.put_moderator(get_redis(), channel.id, user_id, False)


def delete_message(channel: Channel, actor: int, message_id: int) -> None:
    """Gone for everyone at once: a ``delete`` event to every socket, out of the history."""
    stored = db.session.get(ChatMessage, message_id)
    author = stored.user_id if stored is not None and stored.channel_id == channel.id \
        else state.recent_author(get_redis(), channel.id, message_id)
    if author is None:
        abort(404, message="No message of this channel has this id.")
    ChatDeletion.record(channel.id, message_id)
    ChatAudit.log(channel.id, actor, "message_deleted", author, message_id)
    db.session.commit()
    state.publish(get_redis(), channel.id, {"type": "delete", "id": message_id})


def ban(channel: Channel, actor: int, data: dict) -> ChatBan:
    target = data["user_id"]
    if target == channel.user_id:
        abort(409, message="The owner cannot be banned from their channel.", reason="owner")
    if actor != channel.user_id and state.is_moderator(get_redis(), channel.id, target):
        abort(403, message="Only the owner may ban a moderator.", reason="moderator")
    seconds = data.get("duration_seconds")
    until = None if seconds is None else datetime.now(UTC) + timedelta(seconds=seconds)
    row = ChatBan.put(channel.id, target, until, data["reason"], actor)
    action = "user_banned" if until is None else "user_timed_out"
    ChatAudit.log(channel.id, actor, action, target, reason=data["reason"],
                  **({"duration_seconds": seconds} if seconds else {}))
    db.session.commit()
    state.put_ban(get_redis(), row, channel.id, target)
    event = {"type": "ban" if until is None else "timeout", "user_id": target,
             "until": None if until is None else until.isoformat()}
    state.publish(get_redis(), channel.id, event)
    return row


def lift(channel: Channel, actor: int, user_id: int) -> None:
    if ChatBan.lift(channel.id, user_id):
        ChatAudit.log(channel.id, actor, "user_unbanned", user_id)
    db.session.commit()
    state.put_ban(get_redis(), None, channel.id, user_id)
    state.publish(get_redis(), channel.id, {"type": "unban", "user_id": user_id})


def change_rules(channel: Channel, actor: int, changes: dict) -> ChatRules:
    if "blocked_terms" in changes:
        changes["blocked_terms"] = sorted({" ".join(t.split()) for t in changes["blocked_terms"]} - {""})
    rules = ChatRules.change(channel.id, changes)
    ChatAudit.log(channel.id, actor, "rules_changed", changes=sorted(changes))
    db.session.commit()
    state.put_rules(get_redis(), rules)
    state.publish(get_redis(), channel.id, {"type": "rules", **present_rules(rules, shown_terms=False)})
    return rules


def present_rules(rules: ChatRules, shown_terms: bool) -> dict:
    return {"slow_mode_seconds": rules.slow_mode_seconds, "subscribers_only": rules.subscribers_only,
            "min_subscription_minutes": rules.min_subscription_minutes,
            "blocked_terms": list(rules.blocked_terms) if shown_terms else []}
