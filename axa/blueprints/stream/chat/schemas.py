"""Chat history, moderators, bans, rules and audit entries as the chat endpoints show them."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from axa.models.stream.chat import TEXT_MAX
from axa.models.stream.chat_moderation import ACTIONS, REASON_MAX, TERM_MAX, TERMS_MAX
from axa.platform.keyset import ID_MAX

TIMEOUT_MAX = 1_209_600  # two weeks, as Twitch's timeouts
SLOW_MAX = 3600
MIN_SUB_MAX = 525_600  # a year, in minutes


class ChatMessageSchema(Schema):
    id = fields.Integer(required=True, metadata={"description": "Grows with time: the history's keyset"})
    user_id = fields.Integer(required=True)
    author = fields.String(required=True, metadata={"description": "The author's display name"})
    text = fields.String(required=True, validate=validate.Length(max=TEXT_MAX))
    sent_at = fields.DateTime(required=True)


class ModeratorSchema(Schema):
    user_id = fields.Integer(required=True)
    appointed_at = fields.DateTime(required=True)


class ModeratorCreateSchema(Schema):
    user_id = fields.Integer(required=True, validate=validate.Range(min=1, max=ID_MAX))


class BanCreateSchema(Schema):
    user_id = fields.Integer(required=True, validate=validate.Range(min=1, max=ID_MAX))
    duration_seconds = fields.Integer(
        allow_none=True, load_default=None, validate=validate.Range(min=1, max=TIMEOUT_MAX),
        metadata={"description": "A timeout of this many seconds; absent or null: a ban until lifted"})
    reason = fields.String(load_default="", validate=validate.Length(max=REASON_MAX))


class BanSchema(Schema):
    id = fields.Integer(required=True)
    user_id = fields.Integer(required=True)
    until = fields.DateTime(required=True, allow_none=True,
                            metadata={"description": "When a timeout ends; null: banned until lifted"})
    reason = fields.String(required=True)
    by_user_id = fields.Integer(required=True)
    created_at = fields.DateTime(required=True)


def _rules_fields(required: bool) -> dict:
    return {
        "slow_mode_seconds": fields.Integer(
            required=required, validate=validate.Range(min=0, max=SLOW_MAX),
            metadata={"description": "Seconds between two messages of a user (0: off)"}),
        "subscribers_only": fields.Boolean(required=required),
        "min_subscription_minutes": fields.Integer(
            required=required, validate=validate.Range(min=0, max=MIN_SUB_MAX),
            metadata={"description": "Subscribers-only: how long one must have been subscribed"}),
        "blocked_terms": fields.List(
            fields.String(validate=validate.Length(min=1, max=TERM_MAX)), required=required,
            validate=validate.Length(max=TERMS_MAX),
            metadata={"description": "Messages containing one (in any case) are refused; shown to "
                                     "the owner and moderators only (others get an empty list)"}),
    }


RulesSchema = Schema.from_dict(_rules_fields(True), name="ChatRulesSchema")
RulesPatchSchema = Schema.from_dict(_rules_fields(False), name="ChatRulesPatchSchema")


class AuditEntrySchema(Schema):
    id = fields.Integer(required=True)
    actor_id = fields.Integer(required=True)
    action = fields.String(required=True, validate=validate.OneOf(ACTIONS))
    target_user_id = fields.Integer(required=True, allow_none=True)
    message_id = fields.Integer(required=True, allow_none=True)
    details = fields.Dict(required=True)
    created_at = fields.DateTime(required=True)
