"""Schemas of the channels: the create and the edit, and the channel as every read path sends it."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate

from axa.blueprints.market.schemas import PLAIN
from axa.models.stream.channels import (
    CATEGORY_MAX,
    DESCRIPTION_MAX,
    LATENCY_MODES,
    SLUG_PATTERN,
    TAG_MAX,
    TAGS_MAX,
    TITLE_MAX,
)
from axa.platform.fields import Timestamp

OPTIONAL_SESSION = [{}, {"bearer": []}, {"cookie": []}]  # open to all; signed in adds `is_owner`
SLUG_RULE = "3 to 40 of a-z, 0-9 and -; unique on the platform (taken: 409, reason `slug_taken`)"
LATENCY_RULE = ("How the media server trades delay for stability: `normal` (default), `low` or "
                "`ultra_low`")
LIVE_RULE = ("Whether the channel is live now: from its first publish until its stream has stayed away "
             "for the reconnect window")
PLAYBACK_RULE = "The HLS playlist while live, by the channel's slug (never a key); null offline"


def unicode_text(value: str) -> None:
    """Text PostgreSQL can store: no lone surrogate (JSON can carry ``"\\udc80"``)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValidationError("Not valid Unicode text.") from None


def title_field(**kwargs):
    return fields.String(validate=[validate.Length(min=1, max=TITLE_MAX), PLAIN, unicode_text],
                         metadata={"description": f"1 to {TITLE_MAX} characters"}, **kwargs)


class ChannelPatchSchema(Schema):
    title = title_field()
    description = fields.String(validate=[validate.Length(max=DESCRIPTION_MAX), unicode_text,
                                          validate.Regexp(r"^[^\x00]*$", error="NUL is not allowed.")])
    tags = fields.List(fields.String(validate=[validate.Length(min=1, max=TAG_MAX), PLAIN, unicode_text]),
                       validate=validate.Length(max=TAGS_MAX),
                       metadata={"description": f"At most {TAGS_MAX}; repeats are dropped"})
    category = fields.String(allow_none=True, validate=[validate.Length(min=1, max=CATEGORY_MAX), PLAIN,
                                                        unicode_text])
    latency_mode = fields.String(validate=validate.OneOf(LATENCY_MODES),
                                 metadata={"description": LATENCY_RULE})


class ChannelCreateSchema(ChannelPatchSchema):
    slug = fields.String(required=True, validate=validate.Regexp(SLUG_PATTERN), metadata={
        "description": f"The channel's address, fixed once created: {SLUG_RULE}"})
    title = title_field(required=True)


class ChannelListQuerySchema(Schema):
    user_id = fields.Integer(validate=validate.Range(min=1, max=2**63 - 1),
                             metadata={"description": "Only this user's channels"})


class ChannelSchema(Schema):
    id = fields.Integer()
    slug = fields.String()
    user_id = fields.Integer(metadata={"description": "The owner"})
    title = fields.String()
    description = fields.String()
    tags = fields.List(fields.String())
    category = fields.String(allow_none=True)
    latency_mode = fields.String(metadata={"description": LATENCY_RULE})
    live = fields.Boolean(metadata={"description": LIVE_RULE})
    live_since = Timestamp(allow_none=True, metadata={"description": "When this live session started (null "
                                                                     "while offline)"})
    reconnecting = fields.Boolean(metadata={"description": "Live, but the stream dropped and may come back "
                                                           "within the reconnect window"})
    playback_url = fields.String(allow_none=True, metadata={"description": PLAYBACK_RULE})
    viewers = fields.Integer(metadata={"description": "Current viewers: players that sent a heartbeat "
                                                        "within AXA_STREAM_VIEWER_TTL (0 offline)"})
    subscribers = fields.Integer(metadata={"description": "Users subscribed to the channel"})
    subscribed = fields.Boolean(metadata={"description": "Whether the caller subscribes to it (false when "
                                                         "anonymous)"})
    is_owner = fields.Boolean(metadata={"description": "Whether the caller owns it (false when anonymous)"})
    created_at = Timestamp()
    updated_at = Timestamp()
